#!/usr/bin/env bash
# Builds vm and the bench_<suite> executables for measuring: the release
# preset's flags, tests off, in their own tree (build/bench by default), so a
# developer's build/release keeps its tests. Prints the path of the vm built.
#
# Usage: scripts/ci/bench_build.sh [BUILD_DIR]
#   BUILD_DIR  default build/bench; the suites land in BUILD_DIR/benches
#
# Exit status: 0 built; non-zero when configure or the build failed.
set -euo pipefail
ci_name=bench_build
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  -*) ci_die "unknown option '$1' (see --help)" 2 ;;
esac
cd "$ci_root"
build_dir=${1:-build/bench}
case $build_dir in /*) ;; *) build_dir=$ci_root/$build_dir ;; esac

ci_use_ccache
cmake --preset release -B "$build_dir" -DVMM_BUILD_TESTS=OFF >&2
cmake --build "$build_dir" --parallel "$(ci_jobs)" >&2
ci_ccache_stats
echo "$build_dir/vm"
