#!/usr/bin/env bash
# ctest bench.aa_check: an A/A run. The same binaries are measured twice in
# quick mode; the callgrind instruction counts must be identical, and
# `vm bench compare` of the two runs must find no REGRESSION in either
# metric (instruction counts or wall time).
#
# Usage: aa_check.sh VM PYTHON [SUITE]
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 VM PYTHON [SUITE]" >&2
  exit 2
fi
vm=$1
python=$2
suite=${3:-memory}
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for run in a b; do
  VM=$vm BENCHMARK_MODE=quick "$root/scripts/run_benchmarks.sh" --suite "$suite" --out "$work/$run" >/dev/null 2>"$work/$run.log" ||
    { cat "$work/$run.log" >&2; echo "aa_check: run $run failed" >&2; exit 1; }
done

"$python" - "$work/a/$suite.json" "$work/b/$suite.json" <<'PYTHON'
import json
import sys

a, b = (json.load(open(path))["vmm"]["instructions"] for path in sys.argv[1:3])
if not a:
    sys.exit("aa_check: no instruction counts were measured")
if a.keys() != b.keys():
    sys.exit(f"aa_check: different benchmarks: {sorted(a.keys() ^ b.keys())}")
differing = {name: (a[name], b[name]) for name in a if a[name] != b[name]}
if differing:
    sys.exit(f"aa_check: instruction counts differ between identical runs: {differing}")
print(f"aa_check: {len(a)} instruction counts identical across two runs")
PYTHON

status=0
"$vm" bench compare --config "$root/benches/benchmark.toml" --json "$work/verdict.json" "$work/a" "$work/b" >"$work/compare.txt" || status=$?
if [[ $status -ne 0 ]]; then
  cat "$work/compare.txt" >&2
  echo "aa_check: vm bench compare exited $status on an A/A run" >&2
  exit 1
fi
"$python" - "$work/verdict.json" <<'PYTHON'
import json
import sys

verdict = json.load(open(sys.argv[1]))
rows = verdict.get("rows", [])
regressions = [r["name"] for r in rows if r.get("verdict") == "REGRESSION"]
if regressions:
    sys.exit(f"aa_check: false alarms on an A/A run: {regressions}")
counts = verdict.get("counts", {})
print(f"aa_check: A/A compare of {len(rows)} benchmarks: {counts}")
PYTHON
