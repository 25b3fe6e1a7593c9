#!/usr/bin/env bash
# Compares benchmark results against baselines and fails on a regression. A
# wrapper around `vm bench compare`; thresholds come from benches/benchmark.toml,
# REGRESSION_THRESHOLD and WARNING_THRESHOLD (percent) override the wall-time ones.
#
# Usage: scripts/detect_regression.sh [--help] [BASELINE CURRENT] [VM BENCH COMPARE OPTIONS...]
#   no BASELINE CURRENT    the stored baselines (benches/baselines) against the latest
#                          results (bench-results, written by scripts/run_benchmarks.sh)
#   BASELINE CURRENT       result files or directories of them
#   VM=PATH                the vm to use; default build/release/vm
# Options go to `vm bench compare` unchanged: --force (compare across machines),
# --markdown FILE, --json FILE, --config FILE. Relative paths are relative to
# the repository root.
#
# Exit status (those of vm bench compare): 0 no gating regression;
# 1 a gating regression; 2 bad input; 3 not comparable (other machine or build).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac

vm=${VM:-$root/build/release/vm}
if [[ "$vm" != /* ]]; then vm="$PWD/$vm"; fi
if [[ ! -x "$vm" ]]; then
  echo "detect_regression: no vm at $vm: build it first (cmake --preset release && cmake --build --preset release) or set VM=PATH" >&2
  exit 2
fi

# Positional arguments are BASELINE CURRENT; options (and the values of those
# that take one) go through.
paths=()
options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --markdown|--json|--config)
      if [[ $# -lt 2 ]]; then echo "detect_regression: $1 needs a value" >&2; exit 2; fi
      options+=("$1" "$2"); shift 2 ;;
    -*) options+=("$1"); shift ;;
    *) paths+=("$1"); shift ;;
  esac
done

cd "$root"
case ${#paths[@]} in
  0)
    baseline=benches/baselines
    current=bench-results
    if ! compgen -G "$baseline/*.json" >/dev/null; then
      echo "detect_regression: no baselines in $baseline (vm bench baseline --update)" >&2
      exit 2
    fi
    if [[ ! -d "$current" ]]; then
      echo "detect_regression: no results in $current (scripts/run_benchmarks.sh)" >&2
      exit 2
    fi ;;
  2) baseline=${paths[0]}; current=${paths[1]} ;;
  *)
    echo "detect_regression: give both BASELINE and CURRENT, or neither (see --help)" >&2
    exit 2 ;;
esac

exec "$vm" bench compare "$baseline" "$current" "${options[@]}"
