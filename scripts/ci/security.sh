#!/usr/bin/env bash
# The security job: the sanitizer tests that feed vm hostile input, then every
# fuzz target under libFuzzer.
#
#   1. Sanitizer tests: builds the debug-asan preset (AddressSanitizer,
#      UndefinedBehaviorSanitizer, LeakSanitizer; build/debug-asan) and runs
#      the tests labelled unit, cli, bench and fuzz: malformed, truncated and
#      foreign ELF files, wild system calls and faulting guests, malformed
#      benchmark JSON and configuration, the replay of every fuzz corpus
#      (tests/fuzz/corpus), and the unit tests.
#   2. Fuzzing: the fuzz targets are the sources tests/fuzz/fuzz_*.cpp (CMake
#      targets fuzz_<name>, tests/fuzz/CMakeLists.txt). They are built with
#      Clang and libFuzzer in build/fuzz (clang preset, -DVMM_LIBFUZZER=ON, the
#      library instrumented too: -fsanitize=fuzzer-no-link,address,undefined),
#      and each runs for --fuzz-seconds from the seeds of tests/fuzz/corpus/*
#      (read only); new inputs go to build/fuzz/corpus/<name>, crash
#      reproducers to build/fuzz/artifacts/. libFuzzer's runtime is Debian's
#      libclang-rt-14-dev, installed here when missing (as root or through
#      sudo), as scripts/setup.sh installs packages.
#
# Usage: scripts/ci/security.sh [--fuzz-seconds N] [--labels REGEX] [--no-tests] [--no-fuzz]
#   --fuzz-seconds N  time per fuzz target (default 60; 0 builds the targets, runs none)
#   --labels REGEX    the sanitizer subset (default '^(unit|cli|bench|fuzz)$')
#   --no-tests        skip step 1;  --no-fuzz  skip step 2
# Reproduce a crash: build/fuzz/tests/fuzz/fuzz_NAME build/fuzz/artifacts/NAME-crash-...
#
# Exit status: 0 clean; 1 a test failed or a fuzz target crashed; 2 setup error.
set -euo pipefail
ci_name=security
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

fuzz_seconds=60
labels='^(unit|cli|bench|fuzz)$'
run_tests=yes
run_fuzz=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --fuzz-seconds) [[ $# -ge 2 ]] || ci_die "--fuzz-seconds needs a value" 2; fuzz_seconds=$2; shift 2 ;;
    --labels) [[ $# -ge 2 ]] || ci_die "--labels needs a value" 2; labels=$2; shift 2 ;;
    --no-tests) run_tests=no; shift ;;
    --no-fuzz) run_fuzz=no; shift ;;
    *) ci_die "unknown argument '$1' (see --help)" 2 ;;
  esac
done
[[ $fuzz_seconds =~ ^[0-9]+$ ]] || ci_die "--fuzz-seconds $fuzz_seconds: not a number of seconds" 2
cd "$ci_root"

# Every finding is fatal and comes with a stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
report=()

if [[ $run_tests == yes ]]; then
  if "$ci_root/scripts/ci/build_and_test.sh" debug-asan --labels "$labels"; then
    report+=("Sanitizer tests (ASan, UBSan, LSan; debug-asan preset), labels \`$labels\`: passed.")
  else
    report+=("Sanitizer tests (ASan, UBSan, LSan; debug-asan preset), labels \`$labels\`: **failed**.")
    status=1
  fi
fi

targets=()
if [[ -d tests/fuzz ]]; then
  while IFS= read -r source; do
    targets+=("$(basename "${source%.cpp}")")
  done < <(find tests/fuzz -maxdepth 1 -name 'fuzz_*.cpp' | sort)
fi
if [[ $run_fuzz == no ]]; then
  report+=("Fuzzing: not run (--no-fuzz).")
elif ((${#targets[@]} == 0)); then
  report+=("Fuzzing: no fuzz target (no tests/fuzz/fuzz_*.cpp): only the sanitizer tests ran.")
else
  ci_install_packages libclang-rt-14-dev
  fuzz_dir=$ci_root/build/fuzz
  ci_use_ccache
  flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
  ci_log "configure $fuzz_dir (clang preset, libFuzzer)"
  cmake --preset clang -B "$fuzz_dir" -DVMM_LIBFUZZER=ON -DVMM_BUILD_BENCHES=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >"$ci_root/build/fuzz.configure.log" 2>&1 ||
    { cat "$ci_root/build/fuzz.configure.log" >&2; ci_die "configure of $fuzz_dir failed" 2; }
  cmake --build "$fuzz_dir" --parallel "$(ci_jobs)" --target "${targets[@]}" ||
    ci_die "the fuzz targets do not build with libFuzzer" 2

  if [[ $fuzz_seconds -eq 0 ]]; then
    report+=("Fuzzing: ${targets[*]} built in build/fuzz, not run (--fuzz-seconds 0).")
    targets=()
  fi
  seeds=()
  for d in tests/fuzz/corpus/*/; do seeds+=("$ci_root/${d%/}"); done
  mkdir -p "$fuzz_dir/artifacts"
  for target in ${targets[@]+"${targets[@]}"}; do
    exe=$(find "$fuzz_dir" -type f -perm -u+x -name "$target" | head -1)
    [[ -n $exe ]] || ci_die "no executable $target in $fuzz_dir" 2
    name=${target#fuzz_}
    mkdir -p "$fuzz_dir/corpus/$name"
    ci_log "fuzzing $target for ${fuzz_seconds}s"
    if "$exe" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
      -artifact_prefix="$fuzz_dir/artifacts/$name-" "$fuzz_dir/corpus/$name" "${seeds[@]}" \
      >"$fuzz_dir/$name.log" 2>&1; then
      runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$fuzz_dir/$name.log" | tail -1)
      report+=("\`$target\`: ${fuzz_seconds} s, ${runs:-?} inputs, no crash.")
    else
      tail -60 "$fuzz_dir/$name.log" >&2
      ci_annotate error "$target crashed or failed: reproducer in build/fuzz/artifacts/ (log build/fuzz/$name.log)"
      report+=("\`$target\`: **crashed** (reproducer in the \`fuzz-artifacts\` artifact).")
      status=1
    fi
  done
fi

{
  echo "### Security"
  echo
  printf -- '- %s\n' "${report[@]}"
} | ci_summary
exit "$status"
