#!/usr/bin/env bash
# The check functions are called by name from the dispatcher at the end; the
# linter cannot follow that and would call every one of them unreachable.
# shellcheck disable=SC2317
# End-to-end checks of the `vm` command line (registered as ctest tests
# cli.<CASE> by tests/integration/CMakeLists.txt).
#
# Usage: cli_test.sh VM GUEST_DIR QEMU PYTHON CASE
#   VM         the vm executable
#   GUEST_DIR  directory of the guest programs built from tests/integration/guest/
#   QEMU       qemu-riscv64 (the oracle for guest behaviour)
#   PYTHON     python3 (validates the --stats JSON)
#   CASE       one check, e.g. load.missing; `cli_test.sh ... list` lists them
#
# Every check asserts vm's exact exit status; error checks also assert that
# stderr is exactly one line, starting with "vm: " and containing a meaningful
# phrase. Each vm run is bounded by `timeout -s KILL` (a hang shows up as
# status 137, never as a false 124). Exit status 77 means "skipped".
set -u

if [ $# -ne 5 ]; then
    echo "usage: $0 VM GUEST_DIR QEMU PYTHON CASE" >&2
    exit 2
fi
VM=$1
G=$2
QEMU=$3
PYTHON=$4
CASE=$5

RUN_TIMEOUT=20

T=$(mktemp -d "${TMPDIR:-/tmp}/vm_cli_test.XXXXXX") || exit 1
trap 'rm -rf -- "$T"' EXIT
# Guests that die from a signal must not leave core files (qemu-riscv64
# writes qemu_*.core into the working directory when allowed).
ulimit -c 0

LAST_CMD=""
rc=0

# run CMD... : runs CMD with stdin from /dev/null; stdout -> $T/out,
# stderr -> $T/err, exit status -> $rc.
run() {
    LAST_CMD=$(printf '%q ' "$@")
    # Braces: keeps bash's own job reports ("Killed", ...) out of the way.
    { timeout -s KILL "$RUN_TIMEOUT" "$@" < /dev/null > "$T/out" 2> "$T/err"; rc=$?; } 2> /dev/null
}

# run_vm ARGS... : run "$VM" ARGS...
run_vm() { run "$VM" "$@"; }

show_file() {
    local label=$1 file=$2
    echo "--- $label ($(wc -c < "$file") bytes) ---"
    head -c 3000 "$file"
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

expect_rc() {
    [ "$rc" -eq "$1" ] || fail "expected exit status $1, got $rc"
}

expect_stderr_empty() {
    [ ! -s "$T/err" ] || fail "expected an empty stderr"
}

# expect_vm_line ERE... : stderr is exactly one newline-terminated line that
# starts with "vm: " and matches every extended regular expression given.
expect_vm_line() {
    local lines
    lines=$(wc -l < "$T/err")
    if [ "$lines" -ne 1 ] || [ "$(tail -c 1 "$T/err" | od -An -c | tr -d ' ')" != '\n' ]; then
        fail "expected stderr to be exactly one line (got $lines newline-terminated lines)"
    fi
    grep -q '^vm: ' "$T/err" || fail "expected the stderr line to start with 'vm: '"
    local re
    for re in "$@"; do
        grep -Eq -- "$re" "$T/err" || fail "expected the stderr line to match /$re/"
    done
}

expect_stdout_contains() {
    grep -Fq -- "$1" "$T/out" || fail "expected stdout to contain '$1'"
}

# expect_stdout_is TEXT : stdout is exactly TEXT followed by a newline.
expect_stdout_is() {
    printf '%s\n' "$1" > "$T/expected_out"
    cmp -s "$T/expected_out" "$T/out" || {
        diff -u --label expected --label actual "$T/expected_out" "$T/out"
        fail "stdout differs from the expected text"
    }
}

# stats_check FILE [INSTRUCTIONS [EXIT_CODE]] : FILE holds exactly one line,
# a JSON object with numeric keys instructions, wall_time_s, mips and
# tlb_hit_rate (0..1); instructions == INSTRUCTIONS if given (else > 0).
stats_check() {
    "$PYTHON" - "$@" <<'PY' || fail "invalid --stats output in $1"
import json, sys
path = sys.argv[1]
want = int(sys.argv[2]) if len(sys.argv) > 2 else None
text = open(path).read()
lines = text.splitlines()
if len(lines) != 1 or not text.endswith("\n"):
    sys.exit(f"expected exactly one line of JSON, got {len(lines)} lines: {text!r}")
try:
    stats = json.loads(lines[0])
except ValueError as e:
    sys.exit(f"not JSON ({e}): {lines[0]!r}")
if not isinstance(stats, dict):
    sys.exit(f"not a JSON object: {lines[0]!r}")
for key in ("instructions", "wall_time_s", "mips", "tlb_hit_rate"):
    if key not in stats:
        sys.exit(f"key {key!r} missing: {lines[0]!r}")
    if not isinstance(stats[key], (int, float)) or isinstance(stats[key], bool) or stats[key] < 0:
        sys.exit(f"key {key!r} is not a non-negative number: {stats[key]!r}")
if not isinstance(stats["instructions"], int):
    sys.exit(f"instructions is not an integer: {stats['instructions']!r}")
if not 0.0 <= stats["tlb_hit_rate"] <= 1.0:
    sys.exit(f"tlb_hit_rate out of [0, 1]: {stats['tlb_hit_rate']!r}")
if want is None:
    if stats["instructions"] <= 0:
        sys.exit("instructions is 0")
elif stats["instructions"] != want:
    sys.exit(f"instructions = {stats['instructions']}, expected exactly {want}")
PY
}

# json_field FILE KEY : prints a top-level field of the one-line JSON in FILE.
json_field() {
    "$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$1" "$2"
}

# split_stderr : $T/err -> $T/err_vm (lines starting "vm: ") and
# $T/err_json (the other lines).
split_stderr() {
    grep '^vm: ' "$T/err" > "$T/err_vm"
    grep -v '^vm: ' "$T/err" > "$T/err_json"
}

# qemu_agrees PROG ARGS... : runs PROG under qemu; its stdout and exit status
# must equal those of the last vm run (which must have used the same ARGS).
qemu_agrees() {
    cp "$T/out" "$T/vm_out"
    local vm_rc=$rc vm_cmd=$LAST_CMD
    cp "$T/err" "$T/vm_err"
    run "$QEMU" "$@"
    local qemu_rc=$rc
    if ! cmp -s "$T/out" "$T/vm_out" || [ "$qemu_rc" -ne "$vm_rc" ]; then
        echo "--- qemu: status $qemu_rc; vm: status $vm_rc ---"
        diff -u --label qemu.stdout --label vm.stdout "$T/out" "$T/vm_out" | head -n 100
        mv "$T/vm_out" "$T/out"
        mv "$T/vm_err" "$T/err"
        LAST_CMD=$vm_cmd
        rc=$vm_rc
        fail "vm and qemu-riscv64 disagree"
    fi
    mv "$T/vm_out" "$T/out"
    mv "$T/vm_err" "$T/err"
    LAST_CMD=$vm_cmd
    rc=$vm_rc
}

# timed_run_vm ARGS... : like run_vm, and sets $ms to the wall time in milliseconds.
timed_run_vm() {
    local t0 t1
    t0=$(date +%s%N)
    run_vm "$@"
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
}

# ELF helpers
file_size() { wc -c < "$1" | tr -d ' '; }
# patch_bytes FILE OFFSET HEXBYTES... : overwrite bytes in place
patch_bytes() {
    local file=$1 offset=$2 hex
    shift 2
    local bytes=""
    for hex in "$@"; do bytes="$bytes\\x$hex"; done
    # shellcheck disable=SC2059
    printf "$bytes" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
}

# Help text must name every option and every exit status.
HELP_RUN_OPTIONS=(--bare --engine --max-insns --stats --stats-file --trace)
HELP_ALL_OPTIONS=("${HELP_RUN_OPTIONS[@]}" --log-level)
expect_help_mentions() {
    local opt
    for opt in "$@"; do
        grep -Eq -- "(^|[^-a-z])$opt([^-a-z]|\$)" "$T/out" || fail "help does not mention $opt"
    done
}
expect_help_exit_statuses() {
    grep -Eq '(^|[^0-9])124([^0-9]|$).*(max-insns|instruction)' "$T/out" || fail "help does not explain exit status 124"
    grep -Eq '(^|[^0-9])130([^0-9]|$)' "$T/out" || fail "help does not explain exit status 130"
    grep -Eq '128 ?\+ ?N' "$T/out" || fail "help does not explain exit status 128+N"
    grep -Eq '(^|[^0-9])1([^0-9]|$).*load' "$T/out" || fail "help does not explain exit status 1"
    grep -Eq '(^|[^0-9])2([^0-9]|$).*usage' "$T/out" || fail "help does not explain exit status 2"
    grep -Eq '(^|[^0-9])74([^0-9]|$).*output' "$T/out" || fail "help does not explain exit status 74"
}

# ---------------------------------------------------------------------------
# The checks. Each is a function case_<name with . replaced by _>.

# --- programs vm cannot load: exit status 1 ---

case_load_missing() {
    run_vm run "$T/no-such-program"
    expect_rc 1
    expect_vm_line "no-such-program" "No such file or directory"
}

case_load_directory() {
    mkdir "$T/dir"
    run_vm run "$T/dir"
    expect_rc 1
    expect_vm_line "dir" "is a directory"
}

case_load_empty_file() {
    : > "$T/empty"
    run_vm run "$T/empty"
    expect_rc 1
    expect_vm_line "empty" "not an ELF|empty"
}

case_load_text_file() {
    printf '#!/bin/sh\necho this is a shell script, not an ELF\n' > "$T/script.sh"
    chmod +x "$T/script.sh"
    run_vm run "$T/script.sh"
    expect_rc 1
    expect_vm_line "script\.sh" "not an ELF"
}

case_load_truncated_header() {
    head -c 40 "$G/exit42" > "$T/cut40"
    run_vm run "$T/cut40"
    expect_rc 1
    expect_vm_line "cut40" "truncated"
}

case_load_truncated_half() {
    local size
    size=$(file_size "$G/exit42")
    head -c $((size / 2)) "$G/exit42" > "$T/half"
    run_vm run "$T/half"
    expect_rc 1
    expect_vm_line "half" "truncated"
}

case_load_elf32() {
    run_vm run "$G/rv32"
    expect_rc 1
    expect_vm_line "rv32" "32-bit"
    run_vm run --bare "$G/rv32"
    expect_rc 1
    expect_vm_line "rv32" "32-bit"
}

case_load_x86_64() {
    local prog=""
    for f in /bin/true /usr/bin/true; do
        if [ -f "$f" ]; then prog=$f; break; fi
    done
    [ -n "$prog" ] || { echo "SKIP: no /bin/true"; exit 77; }
    # e_machine (offset 18) must be 62 (EM_X86_64) for this check.
    if [ "$(od -An -tu2 -j18 -N2 "$prog" | tr -d ' ')" != 62 ]; then
        echo "SKIP: $prog is not an x86-64 ELF on this host"
        exit 77
    fi
    run_vm run "$prog"
    expect_rc 1
    expect_vm_line "x86-64" "RISC-V"
}

case_load_big_endian() {
    cp "$G/exit42" "$T/big"
    patch_bytes "$T/big" 5 02    # EI_DATA = ELFDATA2MSB
    run_vm run "$T/big"
    expect_rc 1
    expect_vm_line "big" "big-endian"
}

case_load_relocatable() {
    cp "$G/exit42" "$T/reloc"
    patch_bytes "$T/reloc" 16 01 00    # e_type = ET_REL
    run_vm run "$T/reloc"
    expect_rc 1
    expect_vm_line "reloc" "not an executable"
}

case_load_dynamic() {
    run_vm run "$G/dynamic_hello"
    expect_rc 1
    expect_vm_line "dynamic_hello" "dynamically linked"
}

case_load_bare_outside_ram() {
    run_vm run --bare "$G/bare_outside"
    expect_rc 1
    expect_vm_line "bare_outside" "outside" "0x10000000"
}

case_load_bare_linux_program() {
    # A Linux program linked at 0x10000 is outside the bare machine's RAM.
    run_vm run --bare "$G/exit42"
    expect_rc 1
    expect_vm_line "exit42" "outside"
}

# --- vm's own output files: exit status 74 ---

case_output_trace_unwritable() {
    run_vm run --trace "$T/no-such-dir/trace.txt" "$G/exit42"
    expect_rc 74
    expect_vm_line "trace" "no-such-dir/trace\.txt" "No such file"
    [ ! -s "$T/out" ] || fail "the guest must not run when the trace file cannot be opened"
}

case_output_trace_full() {
    [ -c /dev/full ] || exit 77
    # A failed write stops the run (status 74, not the guest's 42) ...
    run_vm run --trace /dev/full "$G/exit42"
    expect_rc 74
    expect_vm_line "cannot write the trace to '/dev/full'" "No space left"
    # ... and so does one found only when the last lines are flushed.
    run_vm run --max-insns 10 --trace /dev/full "$G/loop"
    expect_rc 74
    expect_vm_line "cannot write the trace to '/dev/full'"
}

case_output_stats_unwritable() {
    run_vm run --stats-file "$T/no-such-dir/stats.json" "$G/exit42"
    expect_rc 74
    expect_vm_line "statistics" "no-such-dir/stats\.json"
    [ ! -s "$T/out" ] || fail "the guest must not run when the statistics file cannot be opened"
    [ -c /dev/full ] || exit 77
    run_vm run --stats-file /dev/full "$G/exit42"
    expect_rc 74
    expect_vm_line "cannot write the statistics to '/dev/full'" "No space left"
    expect_stdout_is "exiting with 42"
}

case_usage_empty_path() {
    local option
    for option in --trace --stats-file; do
        run_vm run "$option" "" "$G/exit42"
        expect_rc 2
        expect_vm_line "$option" "empty path"
    done
}

case_usage_bench_command() {
    run_vm bench bogus
    expect_rc 2
    expect_vm_line "unknown bench command 'bogus'" "run, compare, baseline, history"
    run_vm bench
    expect_rc 2
    expect_vm_line "a bench command is required"
}

# --- usage errors: exit status 2 ---

case_usage_unknown_option() {
    run_vm run --bogus "$G/exit42"
    expect_rc 2
    expect_vm_line "--bogus"
}

case_usage_engine_jit() {
    run_vm run --engine jit "$G/exit42"
    expect_rc 42
    run_vm run --engine bogus "$G/exit42"
    expect_rc 2
    expect_vm_line "unknown engine 'bogus'"
}

case_usage_max_insns_zero() {
    run_vm run --max-insns 0 "$G/exit42"
    expect_rc 2
    expect_vm_line "--max-insns" "(positive|at least 1|>= ?1|greater than 0|must be)"
}

case_usage_max_insns_text() {
    run_vm run --max-insns abc "$G/exit42"
    expect_rc 2
    expect_vm_line "--max-insns" "abc"
}

case_usage_no_subcommand() {
    run_vm
    expect_rc 2
    expect_vm_line "subcommand|run"
}

case_usage_unknown_subcommand() {
    run_vm frobnicate
    expect_rc 2
    expect_vm_line "frobnicate"
}

case_usage_bad_log_level() {
    run_vm --log-level loud run "$G/exit42"
    expect_rc 2
    expect_vm_line "log-level|loud"
}

case_usage_bare_without_program() {
    run_vm run --bare
    expect_rc 2
    expect_vm_line "--bare" "PROGRAM"
}

# --- version and help ---

case_version() {
    run_vm --version
    expect_rc 0
    expect_stderr_empty
    [ "$(wc -l < "$T/out")" -eq 1 ] || fail "expected one line on stdout"
    grep -Eq '^vm [0-9]+\.[0-9]+(\.[0-9]+)?([-+.][0-9A-Za-z.+-]*)?$' "$T/out" ||
        fail "expected 'vm <version>' on stdout"
}

case_help_top() {
    run_vm --help
    expect_rc 0
    expect_stderr_empty
    expect_help_mentions "${HELP_ALL_OPTIONS[@]}" run
    expect_help_exit_statuses
}

case_help_run() {
    run_vm run --help
    expect_rc 0
    expect_stderr_empty
    expect_help_mentions "${HELP_RUN_OPTIONS[@]}"
    expect_help_exit_statuses
}

case_help_run_log_level() {
    run_vm run --help
    expect_rc 0
    expect_help_mentions --log-level
}

# --- running programs ---

case_default_guest() {
    run_vm run
    expect_rc 0
    expect_stderr_empty
    expect_stdout_contains "Hello from a RISC-V guest"
}

case_exit_status() {
    run_vm run "$G/exit42"
    expect_rc 42
    expect_stderr_empty
    expect_stdout_is "exiting with 42"
    qemu_agrees "$G/exit42"
}

case_log_level_debug() {
    # Logging must not change the guest's output or status; every line vm
    # itself writes starts with "vm: ".
    run_vm --log-level debug run "$G/exit42"
    expect_rc 42
    expect_stdout_is "exiting with 42"
    if grep -v '^vm: ' "$T/err" | grep -q .; then fail "a stderr line does not start with 'vm: '"; fi
}

case_args_plain() {
    # shellcheck disable=SC2016 # a literal $HOME
    run_vm run "$G/print_argv" hello "two words" "" 'x=$HOME'
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=5
argv[1]=hello
argv[2]=two words
argv[3]=
argv[4]=x=\$HOME"
}

case_args_after_vm_options() {
    run_vm run --max-insns 100000000 --engine interp "$G/print_argv" run x
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=3
argv[1]=run
argv[2]=x"
}

case_args_option_like() {
    # Everything after PROGRAM belongs to the guest, even vm's own options.
    run_vm run "$G/print_argv" --stats x
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=3
argv[1]=--stats
argv[2]=x"
}

case_args_separator() {
    # "--" ends vm's options; the program may then look like an option.
    run_vm run -- "$G/print_argv" -x
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=2
argv[1]=-x"
    run_vm run --max-insns 100000000 -- "$G/print_argv" -- --stats
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=3
argv[1]=--
argv[2]=--stats"
    # A program named like an option.
    cp "$G/print_argv" "$T/-x"
    cd "$T" || exit 1
    run_vm run -- -x y
    expect_rc 0
    expect_stdout_is "argc=2
argv[1]=y"
    # An unknown option before "--" is still a usage error.
    run_vm run --bogus -- ./-x
    expect_rc 2
    expect_vm_line "unknown option '--bogus'"
}

case_args_option_like_more() {
    run_vm run "$G/print_argv" --max-insns 5 -v --bare --help --version -- -x --log-level
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "argc=10
argv[1]=--max-insns
argv[2]=5
argv[3]=-v
argv[4]=--bare
argv[5]=--help
argv[6]=--version
argv[7]=--
argv[8]=-x
argv[9]=--log-level"
}

# --- instruction limit and interruption ---

case_limit_max_insns() {
    timed_run_vm run --max-insns 1000000 "$G/loop"
    expect_rc 124
    expect_vm_line "instruction limit reached" "1000000"
    [ "$ms" -lt 10000 ] || fail "took ${ms} ms for 1000000 instructions"
}

case_bare_no_tohost() {
    # Nothing a program without tohost does can end the run: vm says so.
    timed_run_vm run --bare --max-insns 1000 "$G/bare_no_tohost"
    expect_rc 124
    [ "$(wc -l < "$T/err")" -eq 2 ] || fail "expected a warning and the limit line"
    grep -q "^vm: warning: '.*bare_no_tohost' has no tohost symbol" "$T/err" || fail "no warning"
    grep -q "^vm: instruction limit reached" "$T/err" || fail "no limit line"
}

case_limit_max_insns_bare() {
    timed_run_vm run --bare --max-insns 1000000 "$G/bare_loop"
    expect_rc 124
    expect_vm_line "instruction limit reached" "1000000"
    [ "$ms" -lt 10000 ] || fail "took ${ms} ms for 1000000 instructions"
}

# sigint_check ARGS... : vm run ARGS gets SIGINT after 1 s: status 130.
sigint_check() {
    LAST_CMD="timeout --preserve-status -s INT -k 10 1 $VM $*"
    { timeout --preserve-status -s INT -k 10 1 "$VM" "$@" < /dev/null > "$T/out" 2> "$T/err"; rc=$?; } 2> /dev/null
    expect_rc 130
    expect_vm_line "interrupted"
}

case_interrupt_sigint() { sigint_check run "$G/loop"; }
case_interrupt_sigint_bare() { sigint_check run --bare "$G/bare_loop"; }
case_interrupt_sigint_pause() { sigint_check run "$G/pause_forever"; }

# A guest that stops itself stays stopped (the vm process with it) until
# SIGCONT, which its handler then sees; vm used to end it with status 147.
# The expected text is what the program prints built for the host (qemu-riscv64
# 7.2 never resumes it).
case_jobcontrol_stop_and_continue() {
    LAST_CMD="$VM run $G/stop_self &, then kill -CONT once it is stopped"
    "$VM" run "$G/stop_self" < /dev/null > "$T/out" 2> "$T/err" &
    local pid=$! state="" tries=0
    while [ "$state" != T ] && [ "$tries" -lt 200 ]; do
        sleep 0.05
        state=$(awk '{print $3}' "/proc/$pid/stat" 2> /dev/null) || break
        tries=$((tries + 1))
    done
    if [ "$state" != T ]; then
        kill -KILL "$pid" 2> /dev/null
        { wait "$pid"; rc=$?; } 2> /dev/null
        fail "the vm process did not stop (state '$state')"
    fi
    kill -CONT "$pid"
    { wait "$pid"; rc=$?; } 2> /dev/null
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "stopping
resumed: SIGCONT handled 1 time(s), SI_USER 1, from the parent 1
handled SIGTSTP: 1
SIGCONT pending 1, then after SIGTSTP 0
SIGTSTP pending after SIGCONT 0"
}

# PT_GNU_STACK asks for an executable stack: the nested function's
# trampoline runs there (vm used to fault fetching it).
case_exec_stack() {
    run_vm run "$G/exec_stack"
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "4 5 6 7"
}

# Signals vm was started with ignored stay ignored for the guest (a
# raise(SIGTSTP) used to stop vm then).
case_signals_inherited_ignores() {
    LAST_CMD="(trap '' USR1 TSTP; $VM run $G/inherited_ignores)"
    { (trap '' USR1 TSTP; exec timeout -s KILL "$RUN_TIMEOUT" "$VM" run "$G/inherited_ignores") \
        < /dev/null > "$T/out" 2> "$T/err"; rc=$?; } 2> /dev/null
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "SIGUSR1 ignored, SIGTSTP ignored, SIGTERM default
after raise(SIGTSTP)"
}

# A guest's mappings are bounded as Linux bounds them, and MADV_DONTNEED
# costs what its range holds, not what the guest has mapped.
case_wild_many_mappings() {
    run_vm run "$G/many_mappings"
    expect_rc 0
    expect_stderr_empty
    expect_stdout_is "mprotect stopped: Cannot allocate memory, after more than 30000 splits: yes
1000 madvise calls done"
}

# wait_for_line TEXT : waits up to 10 s for a line TEXT in $T/out.
wait_for_line() {
    local tries=0
    until grep -qx -- "$1" "$T/out" 2> /dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 200 ] || return 1
        sleep 0.05
    done
}

# Signals sent to the vm process reach the guest's handlers: in pause(),
# in a blocked read (SA_RESTART: it goes on), in a loop without system
# calls; SIGWINCH's default action ignores it. vm used to die of them.
case_signals_from_outside() {
    mkfifo "$T/fifo"
    exec 3<> "$T/fifo"
    LAST_CMD="$VM run $G/host_signals <&3 &, then SIGUSR1, SIGUSR2, SIGWINCH and SIGTERM"
    "$VM" run "$G/host_signals" <&3 > "$T/out" 2> "$T/err" &
    local pid=$! step
    for step in "ready:USR1" "reading:USR2 WINCH" "looping:TERM"; do
        if ! wait_for_line "${step%%:*}"; then
            kill -KILL "$pid" 2> /dev/null
            { wait "$pid"; rc=$?; } 2> /dev/null
            exec 3>&-
            fail "no line '${step%%:*}' within 10 s"
        fi
        [ "${step%%:*}" != reading ] || sleep 0.2  # into the read
        for sig in ${step#*:}; do kill -"$sig" "$pid"; done
        [ "${step%%:*}" != reading ] || echo data >&3
    done
    { wait "$pid"; rc=$?; } 2> /dev/null
    exec 3>&-
    expect_rc 3
    expect_stderr_empty
    expect_stdout_is "ready
SIGUSR1 1, from the parent 1
reading
read 5 bytes after 1 SIGUSR2
looping
SIGTERM in a loop without system calls"
}

# A signal that arrives while the guest computes is taken before its next
# system call: the read that follows does not wait (it waited for ever).
case_signals_during_compute() {
    mkfifo "$T/fifo"
    exec 3<> "$T/fifo"
    LAST_CMD="$VM run $G/host_signals compute_then_read <&3 &, then SIGTERM"
    "$VM" run "$G/host_signals" compute_then_read <&3 > "$T/out" 2> "$T/err" &
    local pid=$!
    wait_for_line computing || { kill -KILL "$pid"; fail "no line 'computing'"; }
    kill -TERM "$pid"
    local tries=0
    while kill -0 "$pid" 2> /dev/null && [ "$tries" -lt 100 ]; do
        sleep 0.05
        tries=$((tries + 1))
    done
    kill -KILL "$pid" 2> /dev/null
    { wait "$pid"; rc=$?; } 2> /dev/null
    exec 3>&-
    expect_rc 143
    expect_vm_line "guest SIGTERM: sent by process"
}

# A guest blocked reading a pipe that stays open (vm's stdin is its only
# writer): Ctrl-C ends the run. The read sees EINTR and the run loop the
# interrupt, even though the guest retries the read at once.
case_interrupt_sigint_blocked_read() {
    mkfifo "$T/fifo"
    exec 3<> "$T/fifo"
    LAST_CMD="timeout --preserve-status -s INT -k 10 1 $VM run $G/read_forever <&3 (an open, empty pipe)"
    { timeout --preserve-status -s INT -k 10 1 "$VM" run "$G/read_forever" <&3 > "$T/out" 2> "$T/err"; rc=$?; } 2> /dev/null
    exec 3>&-
    expect_rc 130
    expect_vm_line "interrupted"
}

# --- statistics ---

case_stats_stderr() {
    run_vm run --stats "$G/exit42"
    expect_rc 42
    expect_stdout_is "exiting with 42"
    stats_check "$T/err"
}

case_stats_file() {
    run_vm run --stats-file "$T/stats.json" "$G/exit42"
    expect_rc 42
    expect_stdout_is "exiting with 42"
    expect_stderr_empty
    [ -f "$T/stats.json" ] || fail "--stats-file did not create the file"
    stats_check "$T/stats.json"
}

# stats_limit_check N ARGS... : vm run --stats --max-insns N ARGS: status
# 124, one "vm: instruction limit reached" line, and JSON with exactly N.
stats_limit_check() {
    local n=$1
    shift
    run_vm run --stats --max-insns "$n" "$@"
    expect_rc 124
    split_stderr
    if [ "$(wc -l < "$T/err_vm")" -ne 1 ] || ! grep -q "instruction limit reached" "$T/err_vm"; then
        fail "expected one 'vm: instruction limit reached' line on stderr"
    fi
    stats_check "$T/err_json" "$n"
}

case_stats_max_insns_exact() {
    stats_limit_check 1000000 "$G/loop"
    stats_limit_check 12345 "$G/loop"
    stats_limit_check 1 "$G/loop"
}

case_stats_max_insns_exact_bare() {
    stats_limit_check 1000000 --bare "$G/bare_loop"
    stats_limit_check 777 --bare "$G/bare_loop"
}

case_stats_file_with_limit() {
    run_vm run --stats-file "$T/stats.json" --max-insns 54321 "$G/loop"
    expect_rc 124
    expect_vm_line "instruction limit reached"
    stats_check "$T/stats.json" 54321
}

# --- instruction trace ---

# trace_mnemonics FILE : the mnemonic of every trace line, one per line
# (fails on a line not of the form "<16 hex pc>: <raw hex>  <disassembly>").
trace_mnemonics() {
    if grep -Evq '^[0-9a-f]{16}: +[0-9a-f]{4,8}  [a-z]' "$1"; then
        grep -Evm3 '^[0-9a-f]{16}: +[0-9a-f]{4,8}  [a-z]' "$1"
        fail "malformed trace line"
    fi
    sed -E 's/^[0-9a-f]{16}: +[0-9a-f]{4,8}  ([a-z.0-9]+).*/\1/' "$1"
}

case_trace_bare() {
    run_vm run --bare --trace "$T/trace.txt" --stats-file "$T/stats.json" "$G/bare_trace"
    expect_rc 0
    expect_stderr_empty
    [ -f "$T/trace.txt" ] || fail "no trace file"
    trace_mnemonics "$T/trace.txt" > "$T/mnemonics" || exit 1
    printf '%s\n' addi addi addi xori addi auipc addi sd > "$T/expected_mnemonics"
    cmp -s "$T/expected_mnemonics" "$T/mnemonics" || {
        diff -u --label expected --label trace "$T/expected_mnemonics" "$T/mnemonics"
        fail "unexpected instructions in the trace"
    }
    grep -q '^0000000080000000: 00500513  addi a0, zero, 5$' "$T/trace.txt" ||
        fail "first trace line is not '0000000080000000: 00500513  addi a0, zero, 5'"
    grep -q '^0000000080000004: .*addi a0, a0, 7$' "$T/trace.txt" ||
        fail "second trace line is not 'addi a0, a0, 7' at 0x80000004"
    stats_check "$T/stats.json" 8
}

case_trace_linux() {
    # One trace line per executed instruction: as many lines as --stats counts.
    run_vm run --trace "$T/trace.txt" --stats-file "$T/stats.json" "$G/exit42"
    expect_rc 42
    expect_stderr_empty
    expect_stdout_is "exiting with 42"
    stats_check "$T/stats.json"
    local lines n
    lines=$(wc -l < "$T/trace.txt")
    n=$(json_field "$T/stats.json" instructions)
    [ "$lines" -eq "$n" ] || fail "trace has $lines lines, --stats counts $n instructions"
    trace_mnemonics "$T/trace.txt" > "$T/mnemonics" || exit 1
    grep -qx ecall "$T/mnemonics" || fail "no ecall in the trace"
    grep -qx addi "$T/mnemonics" || fail "no addi in the trace"
}

# --- guest faults: 128 + signal, "vm: guest SIGxxx: ..." ---

case_fault_sigill() {
    run_vm run "$G/fault_illegal"
    expect_rc 132
    expect_vm_line "^vm: guest SIGILL: " "illegal instruction"
    expect_stdout_is "before illegal instruction"
    qemu_agrees "$G/fault_illegal"
}

case_fault_sigtrap() {
    run_vm run "$G/fault_ebreak"
    expect_rc 133
    expect_vm_line "^vm: guest SIGTRAP: "
    expect_stdout_is "before ebreak"
    qemu_agrees "$G/fault_ebreak"
}

case_fault_jump_to_zero() {
    run_vm run "$G/fault_jump0"
    expect_rc 139
    expect_vm_line "^vm: guest SIGSEGV: " "0x0([^0-9a-fx]|$)"
    expect_stdout_is "before jump to 0"
    qemu_agrees "$G/fault_jump0"
}

case_fault_store_to_rodata() {
    run_vm run "$G/fault_rodata_store"
    expect_rc 139
    expect_vm_line "^vm: guest SIGSEGV: " "store"
    expect_stdout_is "before store to rodata"
    qemu_agrees "$G/fault_rodata_store"
}

case_fault_munmap_stack() {
    run_vm run "$G/fault_munmap_stack"
    expect_rc 139
    expect_vm_line "^vm: guest SIGSEGV: "
    expect_stdout_is "unmapping the stack
munmap returned 0"
    qemu_agrees "$G/fault_munmap_stack"
}

case_fault_munmap_code() {
    run_vm run "$G/fault_munmap_code"
    expect_rc 139
    expect_vm_line "^vm: guest SIGSEGV: " "fetch"
    expect_stdout_is "first call: 13
munmap: 0"
    qemu_agrees "$G/fault_munmap_code"
}

# --- wild system call arguments: errors, not crashes ---

# wild_check GROUP : wild_syscalls GROUP prints exactly the expected lines
# (wild_syscalls.expected, which is what Linux/qemu-riscv64 answer), "done",
# and exits 0 with an empty stderr; qemu-riscv64 must agree.
wild_check() {
    local group=$1
    { grep "^$group\\." "$G/wild_syscalls.expected"; echo "done"; } > "$T/expected_out"
    [ "$(wc -l < "$T/expected_out")" -gt 1 ] || fail "no expectations for group $group"
    run_vm run "$G/wild_syscalls" "$group"
    expect_rc 0
    expect_stderr_empty
    cmp -s "$T/expected_out" "$T/out" || {
        diff -u --label expected --label vm "$T/expected_out" "$T/out"
        fail "vm's answers differ from the expected (Linux) ones"
    }
    qemu_agrees "$G/wild_syscalls" "$group"
}

case_wild_write() { wild_check write; }
case_wild_read() { wild_check read; }
case_wild_path() { wild_check path; }
case_wild_stat() { wild_check stat; }
case_wild_getcwd() { wild_check getcwd; }
case_wild_mmap() { wild_check mmap; }
case_wild_misc() { wild_check misc; }
case_wild_edge() { wild_check edge; }

# ---------------------------------------------------------------------------

if [ "$CASE" = list ]; then
    # (a case name's dots and underscores are interchangeable)
    declare -F | sed -n 's/^declare -f case_//p'
    exit 0
fi

fn=case_$(printf '%s' "$CASE" | tr . _)
if ! declare -F "$fn" > /dev/null; then
    echo "unknown case '$CASE' (try: $0 VM GUEST_DIR QEMU PYTHON list)" >&2
    exit 2
fi

for f in "$VM" "$QEMU" "$PYTHON"; do
    command -v -- "$f" > /dev/null || { echo "FAIL [$CASE]: not found: $f"; exit 1; }
done
[ -d "$G" ] || { echo "FAIL [$CASE]: no guest directory $G"; exit 1; }

cd "$T" || exit 1
"$fn"
echo "PASS [$CASE]"
exit 0
