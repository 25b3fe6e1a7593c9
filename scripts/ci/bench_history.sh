#!/usr/bin/env bash
# Benchmarks into the performance history: the push-to-main and the daily
# halves of .github/workflows/performance.yml.
#
#   1. Builds vm and the suites (scripts/ci/bench_build.sh, build/bench).
#   2. Runs every suite (scripts/run_benchmarks.sh) into OUT.
#   3. `vm bench history`: appends the results to the sharded history
#      (.github/perf-data/<suite>/NNNNNN.jsonl), detects change points and
#      writes the trend page OUT/history.html; the change points go to the
#      job summary.
#   4. With --commit: commits .github/perf-data and pushes it to the branch
#      (needs push rights: `contents: write` in Actions).
#
# Usage: scripts/ci/bench_history.sh [OPTIONS]
#   --mode MODE  quick, ci or full (default ci; BENCHMARK_MODE)
#   --out DIR    results, report.md and history.html (default bench-results)
#   --scratch    append to a copy of the history (OUT/perf-data) instead: the page
#                shows this run, nothing in the tree changes (the daily trend run)
#   --commit     commit and push .github/perf-data (pushes to main)
#   --no-build   use the vm of build/bench as it is
# Examples:
#   scripts/ci/bench_history.sh --scratch --mode quick      # today's trend page, locally
#
# Exit status: 0 recorded; 1 a suite failed (what ran is still recorded) or
# the push failed; 2 usage or setup error.
set -euo pipefail
ci_name=bench_history
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

mode=${BENCHMARK_MODE:-ci}
out=bench-results
scratch=no
commit=no
build=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --mode) [[ $# -ge 2 ]] || ci_die "--mode needs a value" 2; mode=$2; shift 2 ;;
    --out) [[ $# -ge 2 ]] || ci_die "--out needs a directory" 2; out=$2; shift 2 ;;
    --scratch) scratch=yes; shift ;;
    --commit) commit=yes; shift ;;
    --no-build) build=no; shift ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done
[[ $scratch == no || $commit == no ]] || ci_die "--scratch and --commit exclude each other" 2
cd "$ci_root"
case $out in /*) ;; *) out=$ci_root/$out ;; esac

vm=$ci_root/build/bench/vm
if [[ $build == yes ]]; then vm=$("$ci_root/scripts/ci/bench_build.sh" build/bench); fi
[[ -x $vm ]] || ci_die "no vm at $vm (run without --no-build)" 2

status=0
VM=$vm BENCHMARK_MODE=$mode "$ci_root/scripts/run_benchmarks.sh" --out "$out" --mode "$mode" || status=1
compgen -G "$out/*.json" >/dev/null || ci_die "no results in $out: nothing to record" 1

data=.github/perf-data
if [[ $scratch == yes ]]; then
  rm -rf "$out/perf-data"
  mkdir -p "$out/perf-data"
  if [[ -d $data ]]; then cp -R "$data/." "$out/perf-data/"; fi
  data=$out/perf-data
fi

"$vm" bench history --results "$out" --data "$data" --html "$out/history.html" | tee "$out/history.txt"
{
  echo "### Performance history"
  echo
  echo "Mode **$mode**; history \`$data\`$([[ $scratch == yes ]] && echo ' (a scratch copy: not committed)'); trend page: the \`history.html\` artifact."
  echo
  if grep -q '^change point: ' "$out/history.txt"; then
    echo "Change points:"
    echo
    sed -n 's/^change point: \(.*\)$/- \1/p' "$out/history.txt"
  else
    echo "No change point."
  fi
  echo
  grep '^bench history: ' "$out/history.txt" || true
} | ci_summary

if [[ $commit == yes ]]; then
  git add -- "$data"
  if git diff --cached --quiet -- "$data"; then
    ci_log "nothing new in $data"
  else
    branch=${GITHUB_REF_NAME:-$(git rev-parse --abbrev-ref HEAD)}
    [[ $branch != HEAD ]] || ci_die "detached HEAD: cannot tell which branch to push to (set GITHUB_REF_NAME)" 2
    git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
      commit --quiet -m "perf-data: benchmarks of $(git rev-parse --short=12 HEAD) ($mode mode) [skip ci]" -- "$data"
    pushed=no
    for attempt in 1 2 3; do
      if git push --quiet origin "HEAD:$branch"; then
        pushed=yes
        break
      fi
      ci_log "push attempt $attempt refused; rebasing on origin/$branch"
      git pull --quiet --rebase origin "$branch" || { git rebase --abort || true; break; }
    done
    if [[ $pushed == yes ]]; then ci_log "pushed $data to $branch"; else
      ci_annotate error "bench_history: could not push $data to $branch"
      status=1
    fi
  fi
fi
exit "$status"
