#!/usr/bin/env bash
# ctest scripts.compare_engines_quick and scripts.compare_engines_usage.
#
# Usage: compare_engines_check.sh quick VM QEMU PYTHON PROGRAM...
#          scripts/compare_engines.sh --quick --native on PROGRAMs (paths of
#          tests/guest/linux programs): exit 0, the table has the ratio
#          columns, a row per program and the geomean line; the --json file
#          parses and has the same programs, native runs included, with wall
#          and CPU times; then --cpu-time on the first PROGRAM: its medians
#          are the CPU times.
#        compare_engines_check.sh usage VM
#          bad options and a missing vm: exit 2 with one "compare_engines: " line.
set -euo pipefail

fail() { echo "compare_engines_check: $1" >&2; exit 1; }
[[ $# -ge 2 ]] || { echo "usage: $0 quick VM QEMU PYTHON PROGRAM... | usage VM" >&2; exit 2; }
mode=$1
vm=$2
root=$(cd "$(dirname "$0")/../../.." && pwd)
script=$root/scripts/compare_engines.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

case $mode in
  quick)
    [[ $# -ge 5 ]] || { echo "usage: $0 quick VM QEMU PYTHON PROGRAM..." >&2; exit 2; }
    qemu=$3
    python=$4
    shift 4
    status=0
    CI=true "$script" --quick --native --vm "$vm" --qemu "$qemu" --programs "$*" --json "$out/result.json" \
      </dev/null >"$out/stdout" 2>"$out/stderr" || status=$?
    cat "$out/stdout"
    [[ $status -eq 0 ]] || { cat "$out/stderr" >&2; fail "exit status $status, expected 0"; }
    header=$(grep -E '^program +guest insns' "$out/stdout") || fail "no table header"
    for column in "jit s" "interp s" "qemu s" "native s" "jit MIPS" "jit/interp" "jit/qemu" "jit/native" \
      "qemu/native"; do
      [[ $header == *"$column"* ]] || fail "table header without '$column': $header"
    done
    for program in "$@"; do
      name=$(basename -- "$program")
      grep -qE "^$name +[0-9,]+( +[0-9.]+){4}( +[0-9,]+){3}( +[0-9.]+x){4}$" "$out/stdout" ||
        fail "no complete row for $name"
    done
    grep -qE '^geomean( +[0-9.]+x){4}$' "$out/stdout" || fail "no geomean line"
    "$python" - "$out/result.json" "$@" <<'PY'
import json, os, sys
data = json.load(open(sys.argv[1]))
want = [os.path.basename(p) for p in sys.argv[2:]]
got = [p["name"] for p in data["programs"]]
if got != want:
    sys.exit(f"compare_engines_check: JSON programs {got}, expected {want}")
if data["measure"] != "wall":
    sys.exit(f"compare_engines_check: measure {data['measure']}, expected wall")
for p in data["programs"]:
    for runner in ("jit", "interp", "qemu", "native"):
        if len(p["times_s"][runner]) != 1 or not p["median_s"][runner] > 0:
            sys.exit(f"compare_engines_check: {p['name']}: bad {runner} times {p['times_s'][runner]}")
        if p["median_s"][runner] != p["times_s"][runner][0]:
            sys.exit(f"compare_engines_check: {p['name']}: {runner} median is not its wall time")
        if len(p["cpu_s"][runner]) != 1 or not p["cpu_s"][runner][0] > 0:
            sys.exit(f"compare_engines_check: {p['name']}: bad {runner} CPU times {p['cpu_s'][runner]}")
    if not (p["instructions"] and p["jit_vs_interp"] > 0 and p["jit_vs_qemu"] > 0 and p["jit_vs_native"] > 0
            and p["qemu_vs_native"] > 0):
        sys.exit(f"compare_engines_check: {p['name']}: incomplete figures {p}")
if not (data["runs"] == 1 and data["geomean"]["jit_vs_interp"] > 0 and data["geomean"]["jit_vs_qemu"] > 0):
    sys.exit(f"compare_engines_check: bad runs/geomean in {sys.argv[1]}")
PY
    status=0
    CI=true "$script" --quick --cpu-time --vm "$vm" --qemu "$qemu" --programs "$1" --json "$out/cpu.json" \
      </dev/null >"$out/stdout" 2>"$out/stderr" || status=$?
    [[ $status -eq 0 ]] || { cat "$out/stderr" >&2; fail "--cpu-time: exit status $status, expected 0"; }
    grep -q '^times: medians of whole-process CPU time' "$out/stdout" || fail "--cpu-time: the table does not say CPU time"
    "$python" - "$out/cpu.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
p = data["programs"][0]
if data["measure"] != "cpu" or any(p["median_s"][r] != p["cpu_s"][r][0] for r in ("jit", "interp", "qemu")):
    sys.exit(f"compare_engines_check: --cpu-time: medians {p['median_s']} are not the CPU times {p['cpu_s']}")
PY
    echo "compare_engines_check: quick run ok ($# programs, table and JSON; --cpu-time)"
    ;;
  usage)
    expect_usage_error() {
      local status=0
      "$script" "$@" </dev/null >"$out/stdout" 2>"$out/stderr" || status=$?
      [[ $status -eq 2 ]] || fail "compare_engines.sh $*: exit status $status, expected 2"
      if [[ $(wc -l <"$out/stderr") -ne 1 ]] || ! grep -q '^compare_engines: ' "$out/stderr"; then
        fail "compare_engines.sh $*: expected one 'compare_engines: ...' line on stderr, got: $(cat "$out/stderr")"
      fi
      [[ ! -s $out/stdout ]] || fail "compare_engines.sh $*: wrote to stdout"
    }
    expect_usage_error --vm "$vm" --no-such-option
    expect_usage_error --vm "$vm" --runs
    expect_usage_error --vm "$vm" --runs 0
    expect_usage_error --vm "$vm" --programs no_such_program
    expect_usage_error --vm "$out/no-vm-here"
    expect_usage_error --vm "$vm" --native --programs "$vm"  # no C source to build natively
    echo "compare_engines_check: usage errors ok"
    ;;
  *) echo "usage: $0 quick VM QEMU PYTHON PROGRAM... | usage VM" >&2; exit 2 ;;
esac
