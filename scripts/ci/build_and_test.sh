#!/usr/bin/env bash
# Configures, builds and tests one preset of CMakePresets.json: what
# `cmake --workflow --preset PRESET` does, plus what CI wants on top: ccache
# when it is installed, a JUnit report (build/PRESET/junit.xml) and a choice
# of tests by label.
#
# Usage: scripts/ci/build_and_test.sh PRESET [OPTIONS] [-- CMAKE CONFIGURE ARGS...]
#   PRESET                 release, debug-asan or clang (build tree build/PRESET)
#   --build-only           configure and build; run no test
#   --labels REGEX         only the tests with a label matching REGEX (ctest -L)
#   --exclude-labels REGEX not the tests with a label matching REGEX (ctest -LE)
#   -- ARGS...             extra configure arguments, e.g. -- -DVMM_BUILD_TESTS=OFF
# Examples:
#   scripts/ci/build_and_test.sh release                      # the test job
#   scripts/ci/build_and_test.sh debug-asan                   # the sanitizer job
#   scripts/ci/build_and_test.sh clang --labels '^unit$'      # the build check
#
# Exit status: that of the first step that failed (configure, build, ctest).
set -euo pipefail
ci_name=build_and_test
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  usage
  [[ $# -ge 1 ]] && exit 0
  exit 2
fi
preset=$1
shift
build_only=no
ctest_args=()
configure_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-only) build_only=yes; shift ;;
    --labels) [[ $# -ge 2 ]] || ci_die "--labels needs a value" 2; ctest_args+=(-L "$2"); shift 2 ;;
    --exclude-labels) [[ $# -ge 2 ]] || ci_die "--exclude-labels needs a value" 2; ctest_args+=(-LE "$2"); shift 2 ;;
    --) shift; configure_args=("$@"); break ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done

cd "$ci_root"
ci_use_ccache
ci_log "configure: cmake --preset $preset ${configure_args[*]}"
cmake --preset "$preset" "${configure_args[@]}"
ci_log "build: cmake --build --preset $preset"
cmake --build --preset "$preset" --parallel "$(ci_jobs)"
ci_ccache_stats
if [[ $build_only == yes ]]; then exit 0; fi

ci_log "test: ctest --preset $preset ${ctest_args[*]}"
ctest --preset "$preset" --output-junit "$ci_root/build/$preset/junit.xml" "${ctest_args[@]}"
