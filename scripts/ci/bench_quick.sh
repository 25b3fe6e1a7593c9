#!/usr/bin/env bash
# The quick benchmarks of ci.yml (pull requests): a smoke test of every suite
# and of the harness, not a verdict on speed. Builds vm and the suites
# (scripts/ci/bench_build.sh), runs every suite in quick mode
# (scripts/run_benchmarks.sh) and, when benches/baselines holds baselines,
# compares with them (scripts/detect_regression.sh). Baselines measured on
# another machine are not comparable (exit 3 of the comparison): noted, not a
# failure. The performance workflow is where a pull request is compared with
# its merge base on one machine.
#
# Usage: scripts/ci/bench_quick.sh [--no-build] [--out DIR]
#   --no-build  use the vm of build/bench as it is
#   --out DIR   results and report.md (default bench-results)
#
# Exit status: 0 every suite ran and no gating regression against comparable
# baselines; 1 a suite failed or a gating regression; 2 setup error.
set -euo pipefail
ci_name=bench_quick
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

build=yes
out=bench-results
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --no-build) build=no; shift ;;
    --out) [[ $# -ge 2 ]] || ci_die "--out needs a directory" 2; out=$2; shift 2 ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done
cd "$ci_root"

vm=$ci_root/build/bench/vm
if [[ $build == yes ]]; then vm=$("$ci_root/scripts/ci/bench_build.sh" build/bench); fi
[[ -x $vm ]] || ci_die "no vm at $vm (run without --no-build)" 2

status=0
VM=$vm BENCHMARK_MODE=quick "$ci_root/scripts/run_benchmarks.sh" --out "$out" || status=1
if [[ -f $out/report.md ]]; then ci_summary <"$out/report.md"; fi

if compgen -G "benches/baselines/*.json" >/dev/null; then
  compare=0
  VM=$vm "$ci_root/scripts/detect_regression.sh" benches/baselines "$out" --markdown "$out/compare.md" || compare=$?
  case $compare in
    0) ;;
    3) ci_annotate notice "bench_quick: the stored baselines come from another machine or build: not compared" ;;
    *) status=1 ;;
  esac
else
  ci_log "no stored baselines in benches/baselines: nothing to compare with"
fi
exit "$status"
