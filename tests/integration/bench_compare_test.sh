#!/usr/bin/env bash
# End-to-end checks of `vm bench compare` (registered as ctest tests
# bench_compare.<CASE> by tests/integration/bench/CMakeLists.txt).
#
# Usage: bench_compare_test.sh VM FIXTURES PYTHON CASE
#   VM        the vm executable
#   FIXTURES  tests/fixtures/bench (result files made by make_fixtures.py)
#   PYTHON    python3 (validates the --json verdict)
#   CASE      one check, e.g. exit.regression; `... list` lists them
#
# Every check asserts the exact exit status (0 no gating regression, 1 gating
# regression, 2 bad input, 3 not comparable); error checks also assert that
# stderr is exactly one line starting with "vm: " and naming the problem.
# Every run is in an empty directory without --config (the built-in
# thresholds, as the default benches/benchmark.toml does not exist there)
# unless the check is about the configuration.
set -u

if [ $# -ne 4 ]; then
    echo "usage: $0 VM FIXTURES PYTHON CASE" >&2
    exit 2
fi
VM=$1
F=$2
PYTHON=$3
CASE=$4

RUN_TIMEOUT=20

T=$(mktemp -d "${TMPDIR:-/tmp}/vm_bench_compare_test.XXXXXX") || exit 1
trap 'rm -rf -- "$T"' EXIT
cd "$T" || exit 1
# Hermetic: the variables vm reads must come from the checks only.
unset GITHUB_STEP_SUMMARY NO_COLOR REGRESSION_THRESHOLD WARNING_THRESHOLD BENCHMARK_MODE

LAST_CMD=""
rc=0

# run CMD... : stdout -> $T/out, stderr -> $T/err, exit status -> $rc.
run() {
    LAST_CMD=$(printf '%q ' "$@")
    { timeout -s KILL "$RUN_TIMEOUT" "$@" < /dev/null > "$T/out" 2> "$T/err"; rc=$?; } 2> /dev/null
}

# compare BASELINE CURRENT [ARGS...] : vm bench compare with the built-in thresholds.
compare() {
    local baseline=$1 current=$2
    shift 2
    run "$VM" bench compare "$baseline" "$current" "$@"
}

show_file() {
    echo "--- $1 ($(wc -c < "$2") bytes) ---"
    head -c 3000 "$2"
    echo
}

fail() {
    echo "FAIL [$CASE]: $*"
    echo "command: $LAST_CMD"
    echo "exit status: $rc"
    [ -f "$T/out" ] && show_file stdout "$T/out"
    [ -f "$T/err" ] && show_file stderr "$T/err"
    exit 1
}

expect_rc() { [ "$rc" -eq "$1" ] || fail "expected exit status $1, got $rc"; }
expect_stderr_empty() { [ ! -s "$T/err" ] || fail "expected an empty stderr"; }
expect_stdout_empty() { [ ! -s "$T/out" ] || fail "expected an empty stdout"; }

# expect_out ERE... : stdout matches every extended regular expression.
expect_out() {
    local re
    for re in "$@"; do
        grep -Eq -- "$re" "$T/out" || fail "stdout does not match /$re/"
    done
}

# expect_vm_line ERE... : stderr is exactly one newline-terminated line that
# starts with "vm: " and matches every extended regular expression given.
expect_vm_line() {
    local lines re
    lines=$(wc -l < "$T/err")
    if ! { [ "$lines" -eq 1 ] && [ "$(tail -c 1 "$T/err" | od -An -c | tr -d ' ')" = '\n' ]; }; then
        fail "expected stderr to be exactly one line (got $lines newline-terminated lines)"
    fi
    head -c 4 "$T/err" | grep -q '^vm: ' || fail 'expected stderr to start with "vm: "'
    for re in "$@"; do
        grep -Eq -- "$re" "$T/err" || fail "stderr does not match /$re/"
    done
}

# bad_input CURRENT_FILE ERE : exit 2, one "vm: " line naming the file, nothing on stdout.
bad_input() {
    compare "$F/baseline.json" "$1"
    expect_rc 2
    expect_vm_line "$(basename "$1")" "$2"
    expect_stdout_empty
}

write_config() {
    cat > "$T/benchmark.toml" <<EOF
[modes.quick]
repetitions = 10

[thresholds]
$1
EOF
}

check() {
    case "$1" in
        exit.stable)
            compare "$F/baseline.json" "$F/baseline.json"
            expect_rc 0
            expect_stderr_empty
            expect_out '^STABLE +fixture/BM_Alpha' 'Result: PASS'
            ;;
        exit.aa)
            # Same distributions, other random seed: nothing to report.
            compare "$F/baseline.json" "$F/current_same_dist.json"
            expect_rc 0
            expect_out '4 benchmarks \(4 stable\)' 'Result: PASS'
            ;;
        exit.instructions_regression)
            compare "$F/baseline.json" "$F/current_instr_regression.json"
            expect_rc 1
            expect_stderr_empty
            expect_out '^REGRESSION\* +fixture/BM_Alpha' '^WARNING +fixture/BM_Gamma/64' \
                '^IMPROVEMENT +fixture/BM_Beta' 'instructions \+2\.00%' 'Result: REGRESSION'
            ;;
        exit.wall_regression_reported)
            # Wall time is reported but gates only when configured.
            compare "$F/baseline.json" "$F/current_wall_regression.json"
            expect_rc 0
            expect_out '^REGRESSION +fixture/BM_Beta' 'wall time does not gate' 'Result: WARNING'
            ;;
        exit.wall_regression_gates)
            write_config "wall_time_gates = true"
            run "$VM" bench compare "$F/baseline.json" "$F/current_wall_regression.json" --config "$T/benchmark.toml"
            expect_rc 1
            expect_out '^REGRESSION\* +fixture/BM_Beta' 'Result: REGRESSION'
            ;;
        exit.regression_threshold_env)
            # REGRESSION_THRESHOLD=20: the +15% becomes a warning.
            write_config "wall_time_gates = true"
            run env REGRESSION_THRESHOLD=20 "$VM" bench compare "$F/baseline.json" \
                "$F/current_wall_regression.json" --config "$T/benchmark.toml"
            expect_rc 0
            expect_out '^WARNING +fixture/BM_Beta'
            ;;
        exit.noisy)
            compare "$F/baseline.json" "$F/current_noisy.json"
            expect_rc 0
            expect_out '^NOISY +fixture/BM_Beta' 'too noisy'
            ;;
        exit.new_missing)
            compare "$F/baseline.json" "$F/current_new_missing.json"
            expect_rc 0
            expect_out '^MISSING +fixture/BM_Old' '^NEW +fixture/BM_New'
            ;;
        exit.aggregates_only)
            compare "$F/baseline_aggregates.json" "$F/current_aggregates.json"
            expect_rc 0
            expect_out '^REGRESSION +BM_Beta' 'wall time \(means\)'
            ;;
        exit.repetitions_only)
            compare "$F/baseline.json" "$F/current_repetitions_only.json"
            expect_rc 0
            expect_out '4 benchmarks \(4 stable\)'
            ;;
        exit.directories)
            mkdir -p "$T/base" "$T/cur"
            cp "$F/baseline.json" "$T/base/fixture.json"
            cp "$F/current_instr_regression.json" "$T/cur/fixture.json"
            echo '{"overall": "PASS"}' > "$T/cur/verdict.json"  # not a result file: skipped
            compare "$T/base" "$T/cur"
            expect_rc 1
            expect_out '^REGRESSION\* +fixture/BM_Alpha'
            ;;
        not_comparable.other_machine)
            compare "$F/baseline.json" "$F/current_other_machine.json"
            expect_rc 3
            expect_vm_line 'not comparable' "cpu 'Fixture CPU @ 2.00GHz' \(baseline\) vs 'Other CPU @ 3.50GHz'" '--force'
            expect_stdout_empty
            ;;
        not_comparable.force)
            compare "$F/baseline.json" "$F/current_other_machine.json" --force
            expect_rc 0
            expect_stderr_empty
            expect_out 'compared anyway because of --force' 'Result: PASS'
            ;;
        bad_input.missing) bad_input "$F/does_not_exist.json" 'no such file' ;;
        bad_input.empty) bad_input "$F/empty.json" 'empty file' ;;
        bad_input.truncated) bad_input "$F/truncated.json" 'truncated JSON' ;;
        bad_input.invalid) bad_input "$F/invalid.json" 'invalid JSON' ;;
        bad_input.not_gbench) bad_input "$F/not_gbench.json" 'not Google Benchmark output' ;;
        bad_input.no_benchmarks) bad_input "$F/no_benchmarks.json" 'no benchmark results' ;;
        bad_input.no_real_time) bad_input "$F/no_real_time.json" 'real_time' ;;
        bad_input.baseline)
            compare "$F/truncated.json" "$F/baseline.json"
            expect_rc 2
            expect_vm_line 'truncated\.json' 'truncated JSON'
            ;;
        bad_input.baseline_suite_name)
            # The suite names the baseline's file: one that would leave --dir is refused.
            mkdir -p "$T/res"
            "$PYTHON" - "$F/baseline.json" "$T/res/r.json" <<'EOF' || fail "cannot write the result file"
import json, sys
j = json.load(open(sys.argv[1]))
j.setdefault("vmm", {})["suite"] = "../escaped"
json.dump(j, open(sys.argv[2], "w"))
EOF
            run "$VM" bench baseline --update --results "$T/res" --dir "$T/out"
            expect_rc 2
            expect_vm_line "is not a file name"
            [ ! -e "$T/escaped.json" ] || fail "a baseline was written outside --dir"
            ;;
        bad_input.empty_directory)
            mkdir -p "$T/empty"
            compare "$F/baseline.json" "$T/empty"
            expect_rc 2
            expect_vm_line 'no benchmark result files'
            ;;
        bad_input.config)
            # A configuration that exists must parse: never silently the defaults.
            printf '[thresholds\nregression_pct = \n' > "$T/broken.toml"
            run "$VM" bench compare "$F/baseline.json" "$F/baseline.json" --config "$T/broken.toml"
            expect_rc 2
            expect_vm_line 'broken\.toml'
            expect_stdout_empty
            # A file named with --config must exist: a typo is not the defaults.
            run "$VM" bench compare "$F/baseline.json" "$F/baseline.json" --config "$T/typo.toml"
            expect_rc 2
            expect_vm_line 'typo\.toml' 'not found'
            expect_stdout_empty
            ;;
        bad_input.threshold_env)
            run env REGRESSION_THRESHOLD=lots "$VM" bench compare "$F/baseline.json" "$F/baseline.json"
            expect_rc 2
            expect_vm_line 'REGRESSION_THRESHOLD'
            ;;
        bad_input.unwritable_report)
            compare "$F/baseline.json" "$F/baseline.json" --json "$T/no/such/dir/verdict.json"
            expect_rc 2
            expect_vm_line 'verdict\.json'
            ;;
        report.markdown_json)
            compare "$F/baseline.json" "$F/current_instr_regression.json" --markdown "$T/report.md" --json "$T/verdict.json"
            expect_rc 1
            grep -q '^| Benchmark | Verdict | Wall time change \[CI\] | q | Instructions change |$' "$T/report.md" ||
                fail "no table in the Markdown report"
            grep -q 'REGRESSION\*\*: 1 gating regression' "$T/report.md" || fail "no summary line in the Markdown report"
            "$PYTHON" - "$T/verdict.json" <<'EOF' || fail "bad JSON verdict"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["overall"] == "REGRESSION", v["overall"]
assert v["exit_code"] == 1
assert v["counts"]["REGRESSION"] == 1 and v["counts"]["WARNING"] == 1 and v["counts"]["IMPROVEMENT"] == 1
assert [r["verdict"] for r in v["rows"]] == ["REGRESSION", "WARNING", "IMPROVEMENT", "STABLE"]
alpha = v["rows"][0]
assert alpha["name"] == "fixture/BM_Alpha" and alpha["gating"] and alpha["decided_by"] == "instructions"
assert abs(alpha["instructions_change_pct"] - 2.0) < 1e-9
EOF
            ;;
        report.not_comparable_markdown)
            compare "$F/baseline.json" "$F/current_other_machine.json" --markdown "$T/report.md"
            expect_rc 3
            grep -q 'NOT COMPARABLE' "$T/report.md" || fail "the Markdown report does not say why"
            ;;
        report.step_summary)
            echo "# earlier step" > "$T/summary.md"
            run env GITHUB_STEP_SUMMARY="$T/summary.md" "$VM" bench compare "$F/baseline.json" \
                "$F/current_noisy.json"
            expect_rc 0
            grep -q '^# earlier step$' "$T/summary.md" || fail "the step summary was overwritten"
            grep -q '^## Benchmark comparison$' "$T/summary.md" || fail "nothing appended to the step summary"
            ;;
        report.no_colour_when_piped)
            compare "$F/baseline.json" "$F/current_instr_regression.json"
            expect_rc 1
            ! grep -q $'\033' "$T/out" || fail "ANSI escapes in piped output"
            ;;
        report.colour_on_terminal)
            command -v script > /dev/null || exit 77
            local cmd
            cmd=$(printf '%q ' "$VM" bench compare "$F/baseline.json" "$F/current_instr_regression.json")
            run script -qec "$cmd" /dev/null
            grep -q $'\033\\[1;31mREGRESSION' "$T/out" || fail "no colour on a terminal"
            run env NO_COLOR=1 script -qec "$cmd" /dev/null
            ! grep -q $'\033' "$T/out" || fail "colour despite NO_COLOR"
            ;;
        *)
            echo "unknown case: $1" >&2
            exit 2
            ;;
    esac
}

CASES="exit.stable exit.aa exit.instructions_regression exit.wall_regression_reported exit.wall_regression_gates
exit.regression_threshold_env exit.noisy exit.new_missing exit.aggregates_only exit.repetitions_only exit.directories
not_comparable.other_machine not_comparable.force bad_input.missing bad_input.empty bad_input.truncated
bad_input.invalid bad_input.not_gbench bad_input.no_benchmarks bad_input.no_real_time bad_input.baseline
bad_input.empty_directory bad_input.config bad_input.threshold_env bad_input.unwritable_report report.markdown_json
report.not_comparable_markdown report.step_summary report.no_colour_when_piped report.colour_on_terminal"

if [ "$CASE" = list ]; then
    # shellcheck disable=SC2086 # word splitting intended: one case per line
    printf '%s\n' $CASES
    exit 0
fi
check "$CASE"
echo "PASS [$CASE]"
