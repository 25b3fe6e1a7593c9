#!/usr/bin/env bash
# Runs CPU-bound guest programs of ours under `vm run --engine jit`,
# `vm run --engine interp` and qemu-riscv64 in the same invocation, the
# runners alternating within every round, and prints per program the median
# wall time of each runner, guest MIPS, the speed-ups jit/interp
# (interp time / jit time) and jit/qemu (qemu time / jit time; > 1: the JIT
# is faster), then their geometric means. With --native, the same C sources
# built for the host run too, as the ceiling: jit/native and qemu/native
# (native time / their time) say which fraction of native speed each reaches.
#
# Usage: scripts/compare_engines.sh [OPTIONS]
#   --runs N          rounds (default 5); a round runs every program once per
#                     runner, in turn, the runners' order rotated each round
#   --quick           one round (for tests)
#   --programs "A B"  names of tests/guest/linux programs (as built next to vm),
#                     cpu_mix (benches/guest/cpu_mix.c, compiled here, 800
#                     rounds) or paths of static riscv64 programs (run without
#                     arguments, stdin /dev/null, expected to exit 0)
#   --vm PATH         the vm (default build/release/vm)
#   --qemu PATH       qemu-riscv64 (default: the one on PATH)
#   --native          also run each program built for the host ($CC or cc,
#                     -O2 -static, as the guests); needs its C source: a
#                     tests/guest/linux program (by name or path) or cpu_mix
#   --cpu-time        medians and ratios of CPU time (user + system, the
#                     process's threads included) instead of wall time:
#                     steadier on a shared or virtual machine, where wall time
#                     also counts time spent waiting for a CPU
#   --json FILE       also write the figures (every time, medians) as JSON
#   -h, --help        this text
# Default programs: cpu_mix bytecode_interp crc_hash sieve_primes malloc_churn recursion
# float_kernels.
# Times are whole processes (start-up included); both wall and CPU time are
# recorded for every run (the JSON has both), the table shows one. Guest instructions come from
# one extra, untimed `vm run --engine interp --stats-file` run per program
# (--stats slows the interpreter, so the timed runs go without it); MIPS is
# that count over each runner's median time. In the first round every
# runner's stdout is compared with qemu-riscv64's (the native build's too).
# Exit status: 0 ok; 1 a run failed or outputs differ; 2 usage error.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "compare_engines: $1" >&2; exit "${2:-1}"; }
need_value() { [[ $2 -ge 2 ]] || die "$1 needs a value (see --help)" 2; }

runs=5
quick=no
vm=$root/build/release/vm
qemu="qemu-riscv64"
json=""
native=no
measure=wall
programs="cpu_mix bytecode_interp crc_hash sieve_primes malloc_churn recursion float_kernels"
cpu_mix_rounds=800
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) need_value "$1" $#; runs=$2; shift 2 ;;
    --quick) quick=yes; shift ;;
    --programs) need_value "$1" $#; programs=$2; shift 2 ;;
    --vm) need_value "$1" $#; vm=$2; shift 2 ;;
    --qemu) need_value "$1" $#; qemu=$2; shift 2 ;;
    --json) need_value "$1" $#; json=$2; shift 2 ;;
    --native) native=yes; shift ;;
    --cpu-time) measure=cpu; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" 2 ;;
  esac
done

[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive integer, not '$runs'" 2
if [[ $quick == yes ]]; then runs=1; fi
[[ -x $vm && -f $vm ]] || die "no vm at $vm (build it first, or --vm PATH)" 2
qemu_path=$(command -v -- "$qemu" || true)
[[ -n $qemu_path && -x $qemu_path ]] || die "$qemu: qemu-riscv64 not found (scripts/setup.sh installs it, or --qemu PATH)" 2
python=$(command -v python3 || true)
[[ -n $python ]] || die "python3 not found (scripts/setup.sh installs it)" 2
native_cc=""
if [[ $native == yes ]]; then
  native_cc=$(command -v -- "${CC:-cc}" || true)
  [[ -n $native_cc ]] || die "--native: ${CC:-cc} not found (scripts/setup.sh installs the host compiler)" 2
fi
if [[ -n $json ]]; then
  json_dir=$(dirname -- "$json")
  [[ -d $json_dir && -w $json_dir ]] || die "--json $json: $json_dir is not a writable directory" 2
fi

# Guest programs by name: those built next to this vm, else the release build's.
guest_dir=$(dirname -- "$vm")/tests/guest/linux
[[ -d $guest_dir ]] || guest_dir=$root/build/release/tests/guest/linux

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

names=() paths=() args=() natives=()
read -r -a requested <<<"$programs"
[[ ${#requested[@]} -gt 0 ]] || die "--programs: no programs given" 2
for program in "${requested[@]}"; do
  arg=""
  if [[ $program == cpu_mix ]]; then
    gcc=$(command -v riscv64-linux-gnu-gcc || true)
    [[ -n $gcc ]] || die "cpu_mix: riscv64-linux-gnu-gcc not found to compile benches/guest/cpu_mix.c (scripts/setup.sh installs it)" 2
    path=$work/cpu_mix
    if [[ ! -f $path ]]; then
      "$gcc" -O2 -static -o "$path" "$root/benches/guest/cpu_mix.c" || die "cpu_mix: compiling benches/guest/cpu_mix.c failed"
    fi
    arg=$cpu_mix_rounds
  elif [[ $program == */* ]]; then
    path=$program
  elif [[ -f $guest_dir/$program ]]; then
    path=$guest_dir/$program
  elif [[ -f $program ]]; then
    path=./$program
  else
    die "$program: no such program (not in $guest_dir, not a file; cpu_mix is built here)" 2
  fi
  [[ -f $path && -r $path ]] || die "$program: $path is not a readable file" 2
  name=$(basename -- "$path")
  if [[ $native == yes ]]; then
    if [[ $program == cpu_mix ]]; then
      source=$root/benches/guest/cpu_mix.c
    else
      source=$root/tests/guest/linux/$name.c
    fi
    [[ -f $source ]] || die "--native: no C source for $program (tests/guest/linux/$name.c)" 2
    native_path=$work/native.${#names[@]}
    "$native_cc" -O2 -static -o "$native_path" "$source" -lm -latomic ||
      die "--native: compiling $source for the host failed"
    natives+=("$native_path")
  fi
  names+=("$name") paths+=("$path") args+=("$arg")
done

# One timed run: python3 run.py STDOUT STDERR COMMAND... prints "STATUS WALL_US CPU_US"
# (CPU time from wait4: user + system of the process and all its threads).
cat >"$work/run.py" <<'PY'
import os, sys, time
out, err, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(os.devnull, "rb") as i, open(out, "wb") as o, open(err, "wb") as e:
    start = time.perf_counter_ns()
    try:
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
            (os.POSIX_SPAWN_DUP2, i.fileno(), 0), (os.POSIX_SPAWN_DUP2, o.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, e.fileno(), 2)])
    except OSError as error:
        e.write(f"{cmd[0]}: {error.strerror}\n".encode())
        print(127, 0, 0)
        sys.exit(0)
    _, status, usage = os.wait4(pid, 0)
    wall = (time.perf_counter_ns() - start) // 1000
cpu = round((usage.ru_utime + usage.ru_stime) * 1e6)
code = os.waitstatus_to_exitcode(status)
print(code if code >= 0 else 128 - code, wall, cpu)  # killed by a signal: 128 + its number, as in sh
PY

runners=(jit interp qemu)
if [[ $native == yes ]]; then runners+=(native); fi
describe() {
  case $1 in
    jit|interp) printf 'vm --engine %s' "$1" ;;
    qemu) printf 'qemu-riscv64' ;;
    native) printf 'the native build' ;;
  esac
}

# run_failed INDEX WHAT STATUS: reports a failed run (and the end of its stderr), exits 1.
run_failed() {
  if [[ -s $work/stderr ]]; then
    echo "compare_engines: ${names[$1]}: $2 exited with status $3; its stderr ends:" >&2
    tail -n 5 "$work/stderr" >&2
  else
    echo "compare_engines: ${names[$1]}: $2 exited with status $3" >&2
  fi
  exit 1
}

# run_timed RUNNER INDEX STDOUT: one timed run; appends "INDEX RUNNER WALL_US CPU_US" to times.
run_timed() {
  local runner=$1 i=$2 out=$3 status wall cpu
  local -a cmd
  case $runner in
    jit|interp) cmd=("$vm" run --engine "$runner" "${paths[i]}") ;;
    qemu) cmd=("$qemu_path" "${paths[i]}") ;;
    native) cmd=("${natives[i]}") ;;
  esac
  read -r status wall cpu < <("$python" "$work/run.py" "$out" "$work/stderr" "${cmd[@]}" ${args[i]:+"${args[i]}"})
  [[ -n ${cpu:-} ]] || die "${names[i]}: could not time $(describe "$runner")"
  [[ $status -eq 0 ]] || run_failed "$i" "$(describe "$runner")" "$status"
  printf '%s\t%s\t%s\t%s\n' "$i" "$runner" "$wall" "$cpu" >>"$work/times.tsv"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
load_start=$(loadavg)
touch "$work/started"

# Instruction counts, untimed (also a warm-up of the page cache).
for i in "${!paths[@]}"; do
  status=0
  "$vm" run --engine interp --stats-file "$work/stats.$i.json" "${paths[i]}" ${args[i]:+"${args[i]}"} \
    </dev/null >/dev/null 2>"$work/stderr" || status=$?
  [[ $status -eq 0 ]] || run_failed "$i" "vm --engine interp --stats-file" "$status"
done

: >"$work/times.tsv"
for ((round = 0; round < runs; ++round)); do
  echo "compare_engines: round $((round + 1))/$runs" >&2
  for i in "${!paths[@]}"; do
    for ((k = 0; k < ${#runners[@]}; ++k)); do
      runner=${runners[(round + k) % ${#runners[@]}]}
      if [[ $round -eq 0 ]]; then out=$work/out.$i.$runner; else out=$work/out; fi
      run_timed "$runner" "$i" "$out"
    done
    if [[ $round -eq 0 ]]; then
      for runner in "${runners[@]}"; do
        [[ $runner != qemu ]] || continue
        if ! cmp -s "$work/out.$i.$runner" "$work/out.$i.qemu"; then
          echo "compare_engines: ${names[i]}: stdout of $(describe "$runner") differs from qemu-riscv64's:" >&2
          diff "$work/out.$i.qemu" "$work/out.$i.$runner" | head -n 10 >&2 || true
          exit 1
        fi
      done
    fi
  done
done

if [[ $vm -nt $work/started ]]; then
  echo "compare_engines: warning: $vm changed during the comparison (rebuilt?); the figures may mix two builds" >&2
fi

for i in "${!paths[@]}"; do
  printf '%s\t%s\t%s\t%s\n' "$i" "${names[i]}" "${paths[i]}" "${args[i]}"
done >"$work/programs.tsv"
qemu_version=$("$qemu_path" --version 2>/dev/null | sed -n '1p') || true

"$python" - "$work" "$runs" "$vm" "$qemu_path" "${qemu_version:-unknown}" "$load_start" "$(loadavg)" "$json" \
  "$native_cc" "$measure" <<'PY'
import json, math, os, statistics, sys

work, runs, vm, qemu, qemu_version, load_start, load_end, json_path, cc, measure = sys.argv[1:]
runs = int(runs)
runners = ["jit", "interp", "qemu"] + (["native"] if cc else [])

programs = []
with open(os.path.join(work, "programs.tsv")) as f:
    for line in f:
        i, name, path, arg = line.rstrip("\n").split("\t")
        programs.append({"name": name, "path": os.path.abspath(path), "args": [arg] if arg else [],
                         "times_s": {r: [] for r in runners}, "cpu_s": {r: [] for r in runners}})
with open(os.path.join(work, "times.tsv")) as f:
    for line in f:
        i, runner, wall_us, cpu_us = line.split()
        programs[int(i)]["times_s"][runner].append(int(wall_us) / 1e6)
        programs[int(i)]["cpu_s"][runner].append(int(cpu_us) / 1e6)
measured = "cpu_s" if measure == "cpu" else "times_s"

def instructions(i):
    try:
        with open(os.path.join(work, f"stats.{i}.json")) as f:
            value = json.load(f).get("instructions")
        return int(value) if isinstance(value, (int, float)) and value > 0 else None
    except (OSError, ValueError):
        return None

for i, p in enumerate(programs):
    p["instructions"] = instructions(i)
    p["median_s"] = {r: statistics.median(p[measured][r]) for r in runners}
    med = p["median_s"]
    # Guest instructions per second: the native build runs none.
    p["mips"] = {r: (p["instructions"] / med[r] / 1e6 if p["instructions"] else None)
                 for r in runners if r != "native"}
    p["jit_vs_interp"] = med["interp"] / med["jit"]
    p["jit_vs_qemu"] = med["qemu"] / med["jit"]
    if cc:
        p["jit_vs_native"] = med["native"] / med["jit"]
        p["qemu_vs_native"] = med["native"] / med["qemu"]

def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))

ratios = ["jit_vs_interp", "jit_vs_qemu"] + (["jit_vs_native", "qemu_vs_native"] if cc else [])
geo = {k: geomean([p[k] for p in programs]) for k in ratios}

print(f"compare_engines: {len(programs)} programs, {runs} round{'s' if runs != 1 else ''}; each round runs "
      "vm --engine jit, vm --engine interp" + (", qemu-riscv64 and the native build" if cc else
                                               " and qemu-riscv64") + " in turn (order rotated per round)")
print(f"vm     {os.path.abspath(vm)}")
print(f"qemu   {qemu} ({qemu_version})")
if cc:
    print(f"native {cc} -O2 -static (the same C sources, built for the host)")
print(f"load   {load_start} at start, {load_end} at end (1/5/15 min averages)")
what = "CPU time (user + system)" if measure == "cpu" else "wall time"
print(f"times: medians of whole-process {what}, s; MIPS: interp-counted guest instructions / median;")
print("jit/interp = interp time / jit time, jit/qemu = qemu time / jit time (> 1: the JIT is faster)")
if cc:
    print("jit/native, qemu/native = native time / their time: the fraction of native speed reached")
print()

emulated = [r for r in runners if r != "native"]
header = ["program", "guest insns", *(f"{r} s" for r in runners), *(f"{r} MIPS" for r in emulated),
          *(k.replace("_vs_", "/") for k in ratios)]
rows = []
for p in programs:
    med, mips = p["median_s"], p["mips"]
    rows.append([p["name"] + (" " + " ".join(p["args"]) if p["args"] else ""),
                 f"{p['instructions']:,}" if p["instructions"] else "-",
                 *(f"{med[r]:.3f}" for r in runners),
                 *(f"{mips[r]:,.0f}" if mips[r] else "-" for r in emulated),
                 *(f"{p[k]:.2f}x" for k in ratios)])
footer = ["geomean", *([""] * (1 + len(runners) + len(emulated))), *(f"{geo[k]:.2f}x" for k in ratios)]
widths = [max(len(row[c]) for row in [header, *rows, footer]) for c in range(len(header))]

def line(cells):
    return "  ".join(cell.ljust(w) if c == 0 else cell.rjust(w)
                     for c, (cell, w) in enumerate(zip(cells, widths))).rstrip()

print(line(header))
for row in rows:
    print(line(row))
print(line(footer))

if json_path:
    document = {"runs": runs, "runners": {"jit": "vm run --engine jit", "interp": "vm run --engine interp",
                                          "qemu": "qemu-riscv64",
                                          **({"native": f"{cc} -O2 -static"} if cc else {})},
                "measure": measure, "vm": os.path.abspath(vm), "qemu": qemu, "qemu_version": qemu_version,
                "loadavg": {"start": load_start, "end": load_end},
                "programs": programs, "geomean": geo}
    with open(json_path, "w") as f:
        json.dump(document, f, indent=2)
        f.write("\n")
PY
