#!/usr/bin/env bash
# ctest scripts.run_benchmarks_quick: runs scripts/run_benchmarks.sh in quick
# mode on the memory suite into a temporary directory, then checks that the
# JSON results and the Markdown report exist and parse.
#
# Usage: run_benchmarks_quick.sh VM PYTHON [VM BENCH RUN OPTIONS...]
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 VM PYTHON [OPTIONS...]" >&2
  exit 2
fi
vm=$1
python=$2
shift 2
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The memory suite alone keeps the test near 30 s; both suites take about 90 s.
VM=$vm BENCHMARK_MODE=quick "$root/scripts/run_benchmarks.sh" --suite memory --out "$out" "$@"

instructions=yes
for option in "$@"; do
  if [[ "$option" == --no-instructions ]]; then instructions=no; fi
done

"$python" - "$out" "$instructions" "$root" <<'PYTHON'
import json
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
want_instructions = sys.argv[2] == "yes"

def fail(message):
    print(f"run_benchmarks_quick: {message}", file=sys.stderr)
    sys.exit(1)

results = out / "memory.json"
if not results.is_file():
    fail(f"{results} missing")
data = json.loads(results.read_text())
runs = [b for b in data.get("benchmarks", []) if b.get("run_type") == "iteration"]
if not runs:
    fail("no benchmark runs in memory.json")
names = sorted({b["run_name"] for b in runs})
errors = [b["name"] for b in data["benchmarks"] if b.get("error_occurred")]
if errors:
    fail(f"benchmarks failed: {errors}")
try:
    import tomllib  # Python 3.11
    config = tomllib.loads((pathlib.Path(sys.argv[3]) / "benches/benchmark.toml").read_text())
    repetitions = config["modes"]["quick"].get("repetitions", 5)
except ImportError:
    repetitions = None
for name in names:
    count = sum(1 for b in runs if b["run_name"] == name)
    if repetitions is not None and count != repetitions:
        fail(f"{name}: {count} repetitions, expected {repetitions} (modes.quick.repetitions)")

vmm = data.get("vmm")
if not isinstance(vmm, dict) or vmm.get("suite") != "memory":
    fail(f"no \"vmm\" object naming the suite: {vmm!r}")
fingerprint = vmm.get("fingerprint", {})
for key in ("cpu", "compiler", "build_type", "commit", "host", "libraries"):
    if not fingerprint.get(key):
        fail(f"fingerprint without {key}: {fingerprint!r}")
if want_instructions:
    counts = vmm.get("instructions", {})
    if sorted(counts) != names:
        fail(f"instruction counts for {sorted(counts)}, benchmarks {names}")
    bad = {n: c for n, c in counts.items() if not (isinstance(c, (int, float)) and c > 0)}
    if bad:
        fail(f"instruction counts not positive: {bad}")

report = (out / "report.md").read_text() if (out / "report.md").is_file() else fail("report.md missing")
if "## memory" not in report:
    fail("report.md has no memory section")
for name in names:
    if f"| {name} |" not in report:
        fail(f"report.md has no row for {name}")
print(f"run_benchmarks_quick: {len(names)} benchmarks, JSON and report ok")
PYTHON
