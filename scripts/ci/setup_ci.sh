#!/usr/bin/env bash
# Prepares a CI machine: the first step of every Linux job of
# .github/workflows after the checkout.
#   1. scripts/setup.sh: every Debian package vm needs to build and test.
#   2. ccache, which the build scripts use when present (actions/cache keeps
#      .cache/ccache between runs).
#   3. In GitHub Actions only: marks every directory safe for git. A debian:12
#      container job runs as root on a workspace owned by the runner's user,
#      and git refuses such a repository ("dubious ownership") without it; the
#      worktrees of scripts/ci/bench_pr.sh live inside that workspace. The
#      container is thrown away after the job.
#
# Usage: scripts/ci/setup_ci.sh
# Locally it is scripts/setup.sh plus ccache (as root, or through sudo).
set -euo pipefail
ci_name=setup_ci
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  "") ;;
  *) ci_die "unknown argument '$1' (see --help)" 2 ;;
esac

if ci_in_actions && command -v git >/dev/null 2>&1; then
  git config --global --add safe.directory '*'
fi
bash "$ci_root/scripts/setup.sh"
ci_install_packages ccache
ci_log "ready: $(cmake --version | head -1), $(g++ --version | head -1), $(command -v ccache || echo 'no ccache')"
