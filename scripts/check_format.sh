#!/usr/bin/env bash
# Fails when a C++ source of ours is not formatted by .clang-format.
# Usage: scripts/check_format.sh [--fix]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
clang_format=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$clang_format" ]]; then echo "check_format: clang-format not found (scripts/setup.sh)" >&2; exit 2; fi
mapfile -t files < <(find include src tests benches -name '*.cpp' -o -name '*.hpp' | sort)
if [[ "${1:-}" == "--fix" ]]; then
  "$clang_format" -i "${files[@]}"
  exit 0
fi
if ! "$clang_format" --dry-run --Werror "${files[@]}" 2>/tmp/check_format.$$; then
  grep -oE '^[^ :]+\.(cpp|hpp):' /tmp/check_format.$$ | sort -u | sed 's/:$//; s/^/not formatted: /' >&2
  rm -f /tmp/check_format.$$
  echo "check_format: run scripts/check_format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/check_format.$$
echo "check_format: ${#files[@]} files formatted"
