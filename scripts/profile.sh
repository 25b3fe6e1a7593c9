#!/usr/bin/env bash
# Flame graph (SVG) of one benchmark, for the contributor chasing a regression
# that `vm bench compare` or the history page (`vm bench history`) reported.
#
# Usage: scripts/profile.sh BENCH [SUITE]
#   BENCH  a benchmark name as in the results, e.g. BM_TlbHitLoad or BM_GuestRamWriteRead/4096
#   SUITE  the suite (bench_SUITE); default: the one whose executable lists BENCH
#
# Builds nothing: runs the existing bench_SUITE of the release build
# (cmake --preset / -B build/release, then cmake --build build/release).
# Under `perf record -g` when perf can count instructions on this machine
# (`perf stat -e instructions` works), else under callgrind (valgrind), which
# needs no hardware counters and gives the same instruction-level picture on
# every machine. Stacks are folded and drawn by scripts/flamegraph.py
# (python3 standard library; nothing is downloaded).
#
# Prints the path of the SVG. Environment:
#   VMM_BENCH_DIR         directory of the bench_* executables (default build/release/benches)
#   VMM_PROFILE_OUT       directory for the outputs (default bench-results/profile)
#   VMM_PROFILE_TOOL      auto (default), callgrind or perf
#   VMM_BENCH_ITERATIONS  run exactly this many iterations (quick, reproducible profiles)
# Exit status: 0 SVG written, 2 usage error or benchmark not found, 1 profiling failed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "profile: $1" >&2; exit "${2:-1}"; }

[[ $# -ge 1 && $# -le 2 && -n $1 && $1 != -* ]] || usage
bench=$1
suite=${2:-}
bench_dir=${VMM_BENCH_DIR:-$root/build/release/benches}
out_dir=${VMM_PROFILE_OUT:-$root/bench-results/profile}
tool=${VMM_PROFILE_TOOL:-auto}
python=$(command -v python3 || true)
[[ -n $python ]] || die "python3 not found (scripts/setup.sh installs it)" 2
[[ -d $bench_dir ]] || die "$bench_dir: no such directory (build the release tree or set VMM_BENCH_DIR)" 2

# Google Benchmark filters are regular expressions: match BENCH literally,
# with or without the "/iterations:N" that fixed-iteration runs append.
escaped=$(printf '%s' "$bench" | sed 's/[][\.*^$+?(){}|]/\\&/g')
filter="^${escaped}(/iterations:[0-9]+)?(/repeats:[0-9]+)?\$"

lists_bench() { "$1" --benchmark_list_tests=true --benchmark_filter="$filter" 2>/dev/null | grep -q .; }

if [[ -n $suite ]]; then
  exe=$bench_dir/bench_$suite
  [[ -x $exe ]] || die "$exe: no such benchmark executable" 2
  lists_bench "$exe" || die "bench_$suite has no benchmark $bench (see $exe --benchmark_list_tests)" 2
else
  exe=""
  for candidate in "$bench_dir"/bench_*; do
    [[ -x $candidate && ! -d $candidate ]] || continue
    if lists_bench "$candidate"; then
      exe=$candidate
      break
    fi
  done
  [[ -n $exe ]] || die "no bench_* executable in $bench_dir has a benchmark $bench" 2
  suite=${exe##*/bench_}
fi

if [[ $tool == auto ]]; then
  # perf exits 0 even when the counter is "<not supported>" (virtual
  # machines, containers): look for an actual count.
  if command -v perf >/dev/null 2>&1 &&
    perf stat -x, -e instructions true 2>&1 >/dev/null | grep -qE '^[0-9]+,'; then
    tool=perf
  else
    tool=callgrind
  fi
fi

mkdir -p "$out_dir"
stem=$(printf '%s_%s' "$suite" "$bench" | tr -c 'A-Za-z0-9_.-' '_')
folded=$out_dir/$stem.folded
svg=$out_dir/$stem.svg
log=$out_dir/$stem.log
# The graph starts at the benchmark function (BM_X of BM_X/4096), not at
# main and Google Benchmark's runner.
function_name=${bench%%/*}
root_regex=$(printf '%s' "$function_name" | sed 's/[][\.*^$+?(){}|]/\\&/g')
bench_args=(--benchmark_filter="$filter" --benchmark_repetitions=1)

run_callgrind() {
  local data=$out_dir/$stem.callgrind
  echo "profile: bench_$suite $bench under callgrind (slow: about 50x)" >&2
  rm -f "$data"
  # Collect only inside the benchmark function: start-up and the other
  # benchmarks' setup are not what a regression is about.
  if ! valgrind --tool=callgrind --callgrind-out-file="$data" --toggle-collect="*${function_name}*" \
    "$exe" "${bench_args[@]}" >"$log" 2>&1; then
    die "callgrind failed; see $log"
  fi
  if ! "$python" "$root/scripts/flamegraph.py" fold-callgrind "$data" --root "$root_regex" -o "$folded" 2>>"$log"; then
    # The function was inlined or named otherwise: profile the whole run.
    echo "profile: nothing collected inside $function_name; profiling the whole run" >&2
    valgrind --tool=callgrind --callgrind-out-file="$data" "$exe" "${bench_args[@]}" >"$log" 2>&1 ||
      die "callgrind failed; see $log"
    "$python" "$root/scripts/flamegraph.py" fold-callgrind "$data" -o "$folded" 2>>"$log" ||
      die "no stacks in $data; see $log"
  fi
  unit="instructions (callgrind Ir)"
}

run_perf() {
  local data=$out_dir/$stem.perf.data
  echo "profile: bench_$suite $bench under perf record -g" >&2
  if ! perf record -g -o "$data" -- "$exe" "${bench_args[@]}" >"$log" 2>&1; then
    echo "profile: perf record failed (see $log); using callgrind" >&2
    return 1
  fi
  if ! perf script -i "$data" 2>>"$log" |
    "$python" "$root/scripts/flamegraph.py" fold-perf --root "$root_regex" -o "$folded" 2>>"$log"; then
    echo "profile: no perf samples (see $log); using callgrind" >&2
    return 1
  fi
  unit="samples (perf)"
}

case $tool in
  perf) run_perf || run_callgrind ;;
  callgrind) run_callgrind ;;
  *) die "VMM_PROFILE_TOOL must be auto, callgrind or perf, not '$tool'" 2 ;;
esac

"$python" "$root/scripts/flamegraph.py" render "$folded" -o "$svg" \
  --title "bench_$suite $bench: $unit" --unit "${unit%% *}" || die "cannot draw $svg"
echo "$svg"
