#!/usr/bin/env bash
# Runs every benchmark suite (each bench_<suite> executable built next to vm,
# discovered, not listed), writes the JSON results (<out>/<suite>.json) and a
# Markdown report (<out>/report.md). A wrapper around `vm bench run`.
#
# Usage: scripts/run_benchmarks.sh [--help] [VM BENCH RUN OPTIONS...]
#   BENCHMARK_MODE=quick|ci|full  how much to measure (benches/benchmark.toml); default quick
#   VM=PATH                       the vm to use; default build/release/vm (its suites: build/release/benches)
#   REGRESSION_THRESHOLD, WARNING_THRESHOLD  checked here, used by scripts/detect_regression.sh
# Options go to `vm bench run` unchanged, e.g. --suite memory (repeatable),
# --no-instructions (skip callgrind), --out DIR (default bench-results),
# --mode MODE, --config FILE. Relative paths are relative to the repository root.
#
# Exit status: 0 every suite ran; 1 a suite failed (the others still ran, the
# report names it); 2 bad configuration or setup (vm not built, no valgrind...).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac

vm=${VM:-$root/build/release/vm}
# VM relative to where the caller stands, before we move to the root.
if [[ "$vm" != /* ]]; then vm="$PWD/$vm"; fi
if [[ ! -x "$vm" ]]; then
  echo "run_benchmarks: no vm at $vm: build it first (cmake --preset release && cmake --build --preset release) or set VM=PATH" >&2
  exit 2
fi

cd "$root"
echo "run_benchmarks: BENCHMARK_MODE=${BENCHMARK_MODE:-quick} $vm bench run $*" >&2
exec "$vm" bench run "$@"
