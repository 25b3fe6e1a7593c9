#!/usr/bin/env bash
# The docs check of the quality job, which needs no build: in README.md and
# docs/*.md every relative link resolves and every scripts/... path exists;
# in the three CI/CD guides every <!-- runnable --> marker sits right before a
# ```sh block, each such block is valid bash, and each guide has one.
# Running those blocks needs a build: that is the ctest test docs.commands
# (ctest --test-dir build/release -R '^docs\.').
#
# Usage: scripts/ci/docs_check.sh [DOC...]   (DOC: guides to check; default the three)
# Exit status: 0 clean; 1 problems (each printed).
set -euo pipefail
ci_name=docs_check
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
esac
exec python3 "$ci_root/tests/integration/workflows/docs_commands.py" --check "$ci_root" "$@"
