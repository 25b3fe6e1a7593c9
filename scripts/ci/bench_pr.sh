#!/usr/bin/env bash
# A change against its merge base, measured on one machine in one job: the
# pull-request half of .github/workflows/performance.yml, and the command to
# run before opening a pull request.
#
#   1. base: the merge base of HEAD and --base-ref, checked out in a git
#      worktree (build/bench-pr/base-src); head: the working tree as it is
#      (uncommitted changes included), or --head REV in a second worktree.
#   2. Builds both with the release preset's flags, tests off, in two build
#      trees (build/bench-pr/base, build/bench-pr/head).
#   3. Runs every suite of both with scripts/run_benchmarks.sh (mode ci), each
#      with its own benches/benchmark.toml.
#   4. Compares them: scripts/detect_regression.sh BASE_RESULTS HEAD_RESULTS
#      (instruction counts gate; wall time informs), and writes OUT/report.md,
#      the Markdown report that the pull-request comment shows.
#
# Usage: scripts/ci/bench_pr.sh [OPTIONS]
#   --base-ref REF   branch to take the merge base with (default origin/main, else main)
#   --base REV       compare against REV itself instead of the merge base
#   --head REV       measure REV instead of the working tree
#   --mode MODE      quick, ci or full (default ci; BENCHMARK_MODE)
#   --out DIR        results and reports (default build/bench-pr/out): base/, head/,
#                    report.md, verdict.json, and with --pr: pr-number, head-sha
#   --pr NUMBER      the pull request, recorded for the comment workflow
#   --no-instructions  skip callgrind (nothing gates then: wall time only informs)
#   --keep           keep the worktrees (default: removed at the end)
# Example: scripts/ci/bench_pr.sh --base-ref main --mode quick
#
# Exit status: that of the comparison: 0 no gating regression, 1 a gating
# regression (or a suite of the head failed), 3 not comparable; 2 usage or
# setup error, or a build failed. When the merge base cannot be built or has no
# benchmarks, the report says so and the status is 0.
set -euo pipefail
ci_name=bench_pr
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

base_ref=""
base_rev=""
head_rev=""
mode=${BENCHMARK_MODE:-ci}
out=build/bench-pr/out
pr=""
keep=no
run_options=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --base-ref|--base|--head|--mode|--out|--pr)
      [[ $# -ge 2 ]] || ci_die "$1 needs a value" 2
      case "$1" in
        --base-ref) base_ref=$2 ;;
        --base) base_rev=$2 ;;
        --head) head_rev=$2 ;;
        --mode) mode=$2 ;;
        --out) out=$2 ;;
        --pr) pr=$2 ;;
      esac
      shift 2 ;;
    --no-instructions) run_options+=(--no-instructions); shift ;;
    --keep) keep=yes; shift ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done
[[ -z $pr || $pr =~ ^[0-9]+$ ]] || ci_die "--pr $pr: not a pull request number" 2

cd "$ci_root"
git rev-parse --git-dir >/dev/null 2>&1 || ci_die "not a git checkout" 2
case $out in /*) ;; *) out=$ci_root/$out ;; esac
work=$ci_root/build/bench-pr

if [[ -z $base_rev ]]; then
  if [[ -z $base_ref ]]; then
    if git rev-parse --verify --quiet origin/main >/dev/null; then base_ref=origin/main; else base_ref=main; fi
  fi
  git rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null ||
    ci_die "$base_ref: no such branch here (fetch it, or pass --base-ref / --base)" 2
  base_rev=$(git merge-base "$base_ref" "${head_rev:-HEAD}") ||
    ci_die "no merge base of $base_ref and ${head_rev:-HEAD} (shallow clone? fetch the history)" 2
  base_label="merge base with \`$base_ref\`"
else
  base_label="\`$base_rev\`"
fi
base_sha=$(git rev-parse --verify "$base_rev^{commit}") || ci_die "$base_rev: not a commit" 2
if [[ -n $head_rev ]]; then
  head_sha=$(git rev-parse --verify "$head_rev^{commit}") || ci_die "$head_rev: not a commit" 2
  head_label="\`${head_sha:0:12}\`"
else
  head_sha=$(git rev-parse HEAD)
  head_label="\`${head_sha:0:12}\`$([[ -n $(git status --porcelain --untracked-files=no) ]] && echo ' + uncommitted changes')"
fi

rm -rf "$out"
mkdir -p "$out" "$work"
if [[ -n $pr ]]; then
  echo "$pr" >"$out/pr-number"
  echo "$head_sha" >"$out/head-sha"
fi

worktrees=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [[ $keep == no ]]; then
    for w in "${worktrees[@]}"; do git -C "$ci_root" worktree remove --force "$w" >/dev/null 2>&1 || true; done
    git -C "$ci_root" worktree prune >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# checkout DIR REV: a detached worktree of REV at DIR.
checkout() {
  git worktree remove --force "$1" >/dev/null 2>&1 || rm -rf "$1"
  git worktree prune
  git worktree add --detach "$1" "$2" >/dev/null
  worktrees+=("$1")
}

# build SOURCE_DIR BUILD_DIR: vm and the bench_* suites, the release preset's flags.
build() {
  (cd "$1" && cmake --preset release -B "$2" -DVMM_BUILD_TESTS=OFF >"$2.configure.log" 2>&1) ||
    { cat "$2.configure.log" >&2; return 1; }
  cmake --build "$2" --parallel "$(ci_jobs)"
}

report() { cat >>"$out/report.md"; }
{
  echo "## Performance: this pull request against its base"
  echo
  echo "Head $head_label against base \`${base_sha:0:12}\` ($base_label), mode **$mode**, both built and run in one job on one machine."
  echo
} >"$out/report.md"

# No base report needed to fail hard: a base that cannot be measured is noted.
no_comparison() {
  ci_annotate notice "bench_pr: $1"
  printf '%s\n\n' "**No comparison**: $1" | report
  ci_summary <"$out/report.md"
  exit 0
}

ci_use_ccache
base_src=$work/base-src
checkout "$base_src" "$base_sha"
if [[ -n $head_rev ]]; then
  head_src=$work/head-src
  checkout "$head_src" "$head_sha"
else
  head_src=$ci_root
fi

ci_log "building the head ($head_src)"
build "$head_src" "$work/head" || ci_die "the head does not build" 2
ci_log "building the base ${base_sha:0:12} ($base_src)"
if ! build "$base_src" "$work/base"; then
  no_comparison "the base \`${base_sha:0:12}\` does not build with the release preset."
fi
ci_ccache_stats
if [[ ! -x $work/base/vm ]] || ! compgen -G "$work/base/benches/bench_*" >/dev/null; then
  no_comparison "the base \`${base_sha:0:12}\` has no benchmark suites."
fi

# run SIDE SOURCE_DIR: every suite of that side's build, with its own configuration.
run_side() {
  local config=$2/benches/benchmark.toml
  [[ -f $config ]] || config=$ci_root/benches/benchmark.toml
  ci_log "running the $1's benchmarks (mode $mode)"
  VM=$work/$1/vm BENCHMARK_MODE=$mode "$ci_root/scripts/run_benchmarks.sh" \
    --out "$out/$1" --config "$config" --mode "$mode" "${run_options[@]}"
}
head_status=0
if ! run_side base "$base_src"; then
  ci_annotate warning "bench_pr: a benchmark suite of the base failed (see $out/base/report.md)"
fi
run_side head "$head_src" || head_status=1
if ! compgen -G "$out/base/*.json" >/dev/null; then
  no_comparison "no benchmark of the base ran (see the job log)."
fi

ci_log "comparing"
compare_status=0
VM=$work/head/vm "$ci_root/scripts/detect_regression.sh" "$out/base" "$out/head" \
  --markdown "$out/compare.md" --json "$out/verdict.json" || compare_status=$?
if [[ -f $out/compare.md ]]; then
  # Drop compare's own heading: the report has one.
  sed '1{/^## /d}' "$out/compare.md" | report
fi
if [[ $head_status -ne 0 ]]; then
  printf '\n**A benchmark suite of the head failed**: see its report below and the job log.\n' | report
fi
if [[ -f $out/head/report.md ]]; then
  {
    echo
    echo "<details><summary>Measurements of the head</summary>"
    echo
    sed 's/^# /### /; s/^## /#### /' "$out/head/report.md"
    echo
    echo "</details>"
  } | report
fi

ci_log "report: $out/report.md (compare exit status $compare_status)"
if [[ $compare_status -eq 0 && $head_status -ne 0 ]]; then exit 1; fi
exit "$compare_status"
