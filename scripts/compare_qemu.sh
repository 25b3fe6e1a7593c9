#!/usr/bin/env bash
# Runs CPU-bound guest programs of ours under `vm run` and `qemu-riscv64` in
# the same invocation, alternating, and prints each median and the ratio.
#
# Usage: scripts/compare_qemu.sh [--runs N] [--vm PATH] [--engine ENGINE] [PROGRAM ARGS...]
# Without PROGRAM it builds and runs benches/guest/cpu_mix.c.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
vm="$root/build/release/vm"
engine=interp
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --vm) vm=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) break ;;
  esac
done

if [[ ! -x "$vm" ]]; then echo "compare_qemu: no vm at $vm (build first)" >&2; exit 2; fi
command -v qemu-riscv64 >/dev/null || { echo "compare_qemu: qemu-riscv64 missing (scripts/setup.sh)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ $# -eq 0 ]]; then
  riscv64-linux-gnu-gcc -O2 -static -o "$work/cpu_mix" "$root/benches/guest/cpu_mix.c"
  set -- "$work/cpu_mix" 800
fi

now() { date +%s.%N; }
vm_times=() qemu_times=()
insns=0
for ((i = 0; i < runs; ++i)); do
  t0=$(now)
  "$vm" run --engine "$engine" --stats-file "$work/stats.json" "$@" >"$work/vm.out"
  t1=$(now)
  qemu-riscv64 "$@" >"$work/qemu.out"
  t2=$(now)
  if ! cmp -s "$work/vm.out" "$work/qemu.out"; then
    echo "compare_qemu: outputs differ between vm and qemu-riscv64" >&2
    exit 1
  fi
  vm_times+=("$(echo "$t1 - $t0" | bc -l)")
  qemu_times+=("$(echo "$t2 - $t1" | bc -l)")
  insns=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instructions"])' "$work/stats.json")
done

python3 - "$insns" "$engine" "$(basename "$1")" "${vm_times[*]}" "${qemu_times[*]}" <<'PY'
import statistics, sys
insns, engine, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
vm = [float(x) for x in sys.argv[4].split()]
qemu = [float(x) for x in sys.argv[5].split()]
mv, mq = statistics.median(vm), statistics.median(qemu)
print(f"program              {name} ({insns:,} guest instructions, {len(vm)} runs each, alternating)")
print(f"vm --engine {engine:<8} median {mv:.3f} s  ({insns / mv / 1e6:,.0f} MIPS)")
print(f"qemu-riscv64         median {mq:.3f} s  ({insns / mq / 1e6:,.0f} MIPS, same instruction count)")
print(f"speed vm/qemu        {mq / mv:.3f}x")
PY
