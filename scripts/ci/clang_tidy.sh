#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) on our translation units, src/**/*.cpp,
# with the compile commands of a Clang build tree (configured here, never
# built): clang-tidy is Clang, and the GCC tree's flags (-fno-crossjumping)
# are errors to it. Findings are printed once each (a header's findings come
# from every file that includes it), as GitHub annotations in Actions.
#
# Usage: scripts/ci/clang_tidy.sh [OPTIONS] [FILE...]
#   FILE...              only these translation units (default: every src/**/*.cpp)
#   --changed-since REV  only findings in the C++ files changed since REV (`git diff REV`,
#                        uncommitted changes included); checks the changed .cpp files, or every
#                        translation unit when a header changed. Pull requests use the base.
#   --report-only        print the findings and exit 0 (pushes to main: the tree is not
#                        clean yet, so a full run informs and only the changed files gate)
#   --build-dir DIR      Clang build tree for compile_commands.json
#                        (default build/clang-tidy: `cmake --preset clang -B DIR`)
# Examples:
#   scripts/ci/clang_tidy.sh --changed-since main   # your changes (CI: the pull request's base)
#   scripts/ci/clang_tidy.sh src/bench/statistics.cpp       # one file (a few seconds)
#
# Exit status: 0 no finding (or --report-only); 1 findings; 2 usage or setup error.
set -euo pipefail
ci_name=clang_tidy
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

changed_since=""
report_only=no
build_dir=""
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --changed-since) [[ $# -ge 2 ]] || ci_die "--changed-since needs a revision" 2; changed_since=$2; shift 2 ;;
    --report-only) report_only=yes; shift ;;
    --build-dir) [[ $# -ge 2 ]] || ci_die "--build-dir needs a directory" 2; build_dir=$2; shift 2 ;;
    -*) ci_die "unknown option '$1' (see --help)" 2 ;;
    *) files+=("$1"); shift ;;
  esac
done

cd "$ci_root"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
[[ -n $tidy ]] || ci_die "clang-tidy not found (scripts/setup.sh installs it)" 2
build_dir=${build_dir:-build/clang-tidy}

# The files whose findings count, and the translation units to check.
only=()
if [[ -n $changed_since ]]; then
  git rev-parse --verify --quiet "$changed_since^{commit}" >/dev/null ||
    ci_die "--changed-since $changed_since: not a commit here (fetch it first)" 2
  mapfile -t only < <(git diff --name-only --diff-filter=d "$changed_since" -- \
    'src/*.cpp' 'src/*.hpp' 'include/*.hpp' | sort -u)
  if ((${#only[@]} == 0)); then
    ci_log "no C++ file of src/ or include/ changed since $changed_since: nothing to check"
    echo "clang-tidy: no C++ change since \`$changed_since\`." | ci_summary
    exit 0
  fi
  if ((${#files[@]} == 0)); then
    if printf '%s\n' "${only[@]}" | grep -q '\.hpp$'; then
      ci_log "a header changed: checking every translation unit"
    else
      files=("${only[@]}")
    fi
  fi
fi
if ((${#files[@]} == 0)); then
  mapfile -t files < <(find src -name '*.cpp' | sort)
fi
for f in "${files[@]}"; do [[ -f $f ]] || ci_die "$f: no such file" 2; done

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
ci_log "configuring $build_dir (cmake --preset clang -B $build_dir) for compile_commands.json"
cmake --preset clang -B "$build_dir" >"$logs/configure.txt" 2>&1 ||
  { cat "$logs/configure.txt" >&2; ci_die "configure failed" 2; }
[[ -f $build_dir/compile_commands.json ]] || ci_die "$build_dir/compile_commands.json missing" 2

ci_log "$(basename "$tidy") on ${#files[@]} translation unit(s), $(ci_jobs) at a time"
# One log per file; clang-tidy's exit status is not the verdict (findings are).
# shellcheck disable=SC2016 # expanded by the inner sh
printf '%s\n' "${files[@]}" |
  xargs -P "$(ci_jobs)" -I{} sh -c '"$1" -p "$2" --quiet "$3" >"$4/$(echo "$3" | tr / _).log" 2>&1 || true' \
    sh "$tidy" "$build_dir" {} "$logs"

# "path:line:col: warning: text [check]", paths made relative to the root.
findings=$logs/findings
cat "$logs"/*.log |
  sed -n "s|^$ci_root/||; /^[^ :][^:]*:[0-9][0-9]*:[0-9][0-9]*: \(warning\|error\): /p" |
  sort -u >"$findings.all"
if ((${#only[@]} > 0)); then
  : >"$findings"
  for f in "${only[@]}"; do grep -F "$f:" "$findings.all" >>"$findings" || true; done
  sort -u -o "$findings" "$findings"
else
  cp "$findings.all" "$findings"
fi
count=$(wc -l <"$findings")

while IFS= read -r line; do
  file=${line%%:*}
  rest=${line#*:}
  lineno=${rest%%:*}
  level=warning
  if [[ $line == *": error: "* ]]; then level=error; fi
  ci_annotate "$level" "clang-tidy: $(sed -E 's/^[^:]+:[0-9]+:[0-9]+: (warning|error): //' <<<"$line")" "$file" "$lineno"
done <"$findings"

{
  echo "### clang-tidy"
  echo
  if [[ $count -eq 0 ]]; then
    echo "No finding in ${#files[@]} translation unit(s)${changed_since:+ (files changed since \`$changed_since\`)}."
  else
    echo "$count finding(s)${changed_since:+ in the files changed since \`$changed_since\`}:"
    echo
    echo '| Check | Findings |'
    echo '|---|---:|'
    sed -E 's/.*\[([^]]+)\]$/\1/' "$findings" | sort | uniq -c | sort -rn |
      awk '{ printf "| `%s` | %d |\n", $2, $1 }'
  fi
} | ci_summary

if [[ $count -eq 0 ]]; then
  ci_log "no finding"
  exit 0
fi
ci_log "$count finding(s)"
if [[ $report_only == yes ]]; then exit 0; fi
exit 1
