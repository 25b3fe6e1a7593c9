#!/usr/bin/env bash
# Installs the Node.js tools of our checks from the npm registry into a
# project-local, git-ignored directory (.cache/node-tools), at the exact
# versions of scripts/node-tools/package-lock.json (`npm ci`: every package is
# checked against the integrity hash recorded there; no install scripts run).
# Today one tool: @action-validator/cli, the GitHub Actions workflow validator
# that the ctest test workflows.validate runs on .github/workflows/*.yml.
#
# Idempotent: when the directory already holds exactly the pinned versions it
# does nothing and needs no network. The ctest test calls it before validating,
# so CI (scripts/setup.sh, then the tests) installs the tools by itself.
#
# Usage: scripts/install_node_tools.sh [--print-bin] [--help]
#   --print-bin         print the directory of the installed executables
#                       (.cache/node-tools/node_modules/.bin) on stdout
#   VMM_NODE_TOOLS_DIR  install there instead of .cache/node-tools
# Needs node and npm (Debian packages nodejs and npm).
#
# Exit status: 0 installed or already there; 1 npm failed (registry
# unreachable...); 2 usage error, or node or npm not installed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
print_bin=no
case "${1:-}" in
  -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  --print-bin) print_bin=yes ;;
  "") ;;
  *) echo "install_node_tools: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

spec=$root/scripts/node-tools
dir=${VMM_NODE_TOOLS_DIR:-$root/.cache/node-tools}
bin=$dir/node_modules/.bin

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install_node_tools: $tool not found: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
done

installed() {
  cmp -s "$spec/package-lock.json" "$dir/.installed-lock.json" && [[ -x "$bin/action-validator" ]]
}

mkdir -p "$dir"
# Two test runs (two build trees of one checkout) may install at once.
exec 9>"$dir/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

if ! installed; then
  echo "install_node_tools: installing $(tr -d '\n ' <"$spec/package.json" | grep -o '"dependencies":{[^}]*}') into $dir" >&2
  rm -f "$dir/.installed-lock.json"
  cp "$spec/package.json" "$spec/package-lock.json" "$dir/"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2); then
    echo "install_node_tools: npm ci failed in $dir (is the npm registry reachable?)" >&2
    exit 1
  fi
  cp "$spec/package-lock.json" "$dir/.installed-lock.json"
fi
if ! installed; then
  echo "install_node_tools: $bin/action-validator missing after the install" >&2
  exit 1
fi
if [[ $print_bin == yes ]]; then echo "$bin"; fi
