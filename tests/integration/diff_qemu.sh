#!/usr/bin/env bash
# Differential test driver: run a static riscv64 Linux program under the
# oracle (qemu-riscv64) and under `vm run`, and compare stdout, stderr and
# exit status.
#
# Usage: diff_qemu.sh VM QEMU PROGRAM [ENGINE]
#
# ENGINE (jit, interp, lockstep) is passed to `vm run --engine`; without it
# vm runs its default engine.
#
# Both runs get identical argv, environment and stdin. Each run has its own
# fresh working directory ($T/run_qemu, $T/run_vm); the scratch-directory
# argument passed to the guest is "." so the argument strings are identical.
#
# Programs named fault_* are expected to die from a signal: only stdout and
# exit status are compared, and vm's stderr must contain a line matching
#   ^vm: guest SIG[A-Z]+: 
set -u

if [ $# -ne 3 ] && [ $# -ne 4 ]; then
    echo "usage: $0 VM QEMU PROGRAM [ENGINE]" >&2
    exit 2
fi
ENGINE_ARGS=()
if [ $# -eq 4 ]; then ENGINE_ARGS=(--engine "$4"); fi

VM=$1
QEMU=$2
PROG=$3
NAME=$(basename -- "$PROG")

# abspath FILE: absolute form of an existing path (cwd changes per run)
abspath() {
    case $1 in
        /*) printf '%s\n' "$1" ;;
        *) printf '%s/%s\n' "$(cd "$(dirname -- "$1")" && pwd)" "$(basename -- "$1")" ;;
    esac
}

for f in "$VM" "$QEMU" "$PROG"; do
    case $f in
        */*) [ -e "$f" ] ;;
        *) [ -e "$f" ] || command -v -- "$f" > /dev/null ;;
    esac || { echo "FAIL $NAME: not found: $f"; exit 1; }
done

# The program path is the same string in both runs (argv[0]).
PROG=$(abspath "$PROG")
# VM/QEMU: an existing file is made absolute; otherwise a command name looked
# up in PATH (/usr/bin:/bin inside the runs).
if [ -e "$VM" ]; then VM=$(abspath "$VM"); fi
if [ -e "$QEMU" ]; then QEMU=$(abspath "$QEMU"); fi

T=$(mktemp -d "${TMPDIR:-/tmp}/diff_qemu.XXXXXX") || exit 1
trap 'rm -rf -- "$T"' EXIT
trap 'exit 130' INT TERM

STDIN_FILE=$T/stdin.txt
cat > "$STDIN_FILE" <<'INPUT'
hello world
The quick brown fox jumps over the lazy dog.
  leading spaces and trailing tabs		
12345 -678 3.25 0x1f
last line without much content
INPUT
printf 'no newline at end' >> "$STDIN_FILE"

# Per-run time limit in seconds (ctest's TIMEOUT of 60 covers both runs).
# GNU timeout exits 124 on expiry; if the command dies from a signal it
# re-raises that signal, so the shell still sees 128+N.
RUN_TIMEOUT=${DIFF_QEMU_RUN_TIMEOUT:-25}

# run LABEL CMD... : runs in $T/run_LABEL, captures out/err/status
run() {
    local label=$1
    shift
    local dir=$T/run_$label
    mkdir -p "$dir"
    # The outer braces send bash's own "Segmentation fault" job report to
    # /dev/null; the guest's stderr goes to $T/$label.err.
    {
        (
            cd "$dir" || exit 125
            exec timeout -k 5 "$RUN_TIMEOUT" \
                env -i HOME=/nonexistent LANG=C PATH=/usr/bin:/bin VMTEST=1 \
                "$@" "$PROG" arg1 "arg two" . < "$STDIN_FILE"
        ) > "$T/$label.out" 2> "$T/$label.err"
        echo $? > "$T/$label.status"
    } 2> /dev/null
}

run qemu "$QEMU"
run vm "$VM" run "${ENGINE_ARGS[@]}"

QS=$(cat "$T/qemu.status")
VS=$(cat "$T/vm.status")
# Exit status normalisation. Both sides are compared as integers 0..255:
#  - qemu-riscv64, on an uncaught fatal guest signal, restores the default
#    action and kills itself with the same host signal, so the shell reports
#    128+N (SIGSEGV: 139);
#  - vm prints "vm: guest SIGxxx: ..." and exit()s with 128+N, also 139.
# The fold below only guards against odd values (negative / >255).
norm() { echo $(( ($1 % 256 + 256) % 256 )); }
QS=$(norm "$QS")
VS=$(norm "$VS")

fail=0

compare_stream() {
    local what=$1
    if ! cmp -s "$T/qemu.$what" "$T/vm.$what"; then
        echo "--- $what differs (qemu vs vm) ---"
        diff -u --label "qemu.$what" --label "vm.$what" \
            "$T/qemu.$what" "$T/vm.$what" | head -n 200
        fail=1
    fi
}

compare_stream out

# Equal outputs prove nothing when the program did not run its checks (a
# bad argument, a missing file): every program prints under the oracle.
if [ ! -s "$T/qemu.out" ]; then
    echo "--- the program printed nothing under qemu-riscv64 (status $QS) ---"
    head -c 2000 "$T/qemu.err"
    fail=1
fi

case $NAME in
    fault_*)
        if [ "$QS" -le 128 ]; then
            echo "--- qemu did not die from a signal (status $QS) ---"
            fail=1
        fi
        if ! grep -Eq '^vm: guest SIG[A-Z]+: ' "$T/vm.err"; then
            echo "--- vm stderr lacks a line matching '^vm: guest SIG[A-Z]+: ' ---"
            head -c 4000 "$T/vm.err"
            fail=1
        fi
        ;;
    *)
        compare_stream err
        ;;
esac

for st in "qemu:$QS" "vm:$VS"; do
    if [ "${st#*:}" = 124 ]; then
        echo "--- ${st%%:*} timed out after ${RUN_TIMEOUT}s ---"
        fail=1
    fi
done

if [ "$QS" != "$VS" ]; then
    echo "--- exit status differs: qemu=$QS vm=$VS ---"
    fail=1
fi

if [ $fail -ne 0 ]; then
    echo "FAIL $NAME"
    exit 1
fi
echo "PASS $NAME"
exit 0
