#!/usr/bin/env bash
# Line coverage of src/ and include/ by the tests: a Debug build instrumented
# for gcov (its own tree, build/coverage; benchmarks off), the tests, then
# gcovr. The floor is informational: below it (30% unless --min says otherwise)
# the script warns, it never fails because of the percentage.
#
# Usage: scripts/ci/coverage.sh [--min PCT] [--build-dir DIR] [--exclude-labels REGEX]
#   --min PCT               the informational floor, in percent (default 30)
#   --build-dir DIR         the instrumented build tree (default build/coverage)
#   --exclude-labels REGEX  tests left out (default '^style$': the format check covers no code)
# Writes DIR/coverage-report/: summary.txt, summary.json, coverage.xml (Cobertura),
# index.html (one page per file). Needs gcovr (Debian package gcovr), installed
# here when missing, as scripts/setup.sh installs packages (as root or through sudo).
#
# Exit status: 0 measured, whatever the percentage; 1 the build or a test
# failed (the report is still written when the build succeeded); 2 setup error.
set -euo pipefail
ci_name=coverage
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

min=30
build_dir=build/coverage
exclude='^style$'
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --min) [[ $# -ge 2 ]] || ci_die "--min needs a percentage" 2; min=$2; shift 2 ;;
    --build-dir) [[ $# -ge 2 ]] || ci_die "--build-dir needs a directory" 2; build_dir=$2; shift 2 ;;
    --exclude-labels) [[ $# -ge 2 ]] || ci_die "--exclude-labels needs a value" 2; exclude=$2; shift 2 ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done
[[ $min =~ ^[0-9]+([.][0-9]+)?$ ]] || ci_die "--min $min: not a percentage" 2

cd "$ci_root"
if ! command -v gcovr >/dev/null 2>&1; then ci_install_packages gcovr; fi
command -v gcovr >/dev/null 2>&1 || ci_die "gcovr not found" 2
case $build_dir in /*) ;; *) build_dir=$ci_root/$build_dir ;; esac
report=$build_dir/coverage-report

ci_use_ccache
ci_log "configure $build_dir (Debug, --coverage, no benchmarks)"
cmake -S "$ci_root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="--coverage" -DCMAKE_CXX_FLAGS="--coverage" \
  -DCMAKE_EXE_LINKER_FLAGS="--coverage" \
  -DVMM_BUILD_BENCHES=OFF
cmake --build "$build_dir" --parallel "$(ci_jobs)"
ci_ccache_stats

# Counters of an earlier run would add up with this one's.
find "$build_dir" -name '*.gcda' -delete
status=0
ctest --test-dir "$build_dir" --output-on-failure --parallel "$(ci_jobs)" -LE "$exclude" \
  --output-junit "$build_dir/junit.xml" || status=1
if [[ $status -ne 0 ]]; then ci_annotate error "coverage: tests failed in the instrumented build (see the log above)"; fi

mkdir -p "$report"
root_regex=$(printf '%s' "$ci_root" | sed 's/[][\.*^$+?(){}|]/\\&/g')
gcovr --root "$ci_root" --object-directory "$build_dir" -j "$(ci_jobs)" \
  --filter "$root_regex/src/" --filter "$root_regex/include/" \
  --exclude-directories '.*/CMakeFiles/[0-9][0-9.]*' \
  --txt "$report/summary.txt" --json-summary "$report/summary.json" \
  --xml "$report/coverage.xml" --html-details "$report/index.html" --print-summary

read -r percent covered total < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print("%.1f %d %d" % (s["line_percent"], s["line_covered"], s["line_total"]))' "$report/summary.json")
below=$(python3 -c 'import sys; print("yes" if float(sys.argv[1]) < float(sys.argv[2]) else "no")' "$percent" "$min")

{
  echo "### Coverage"
  echo
  echo "Line coverage of \`src/\` and \`include/\`: **$percent%** ($covered of $total lines)."
  echo "Informational floor: $min%$([[ $below == yes ]] && echo ': **below it**' || echo ': met')."
  echo
  echo "Per file: the \`coverage-report\` artifact (\`index.html\`)."
} | ci_summary

if [[ $below == yes ]]; then
  ci_annotate warning "line coverage $percent% is below the informational floor of $min%"
else
  ci_log "line coverage $percent% (floor $min%)"
fi
exit "$status"
