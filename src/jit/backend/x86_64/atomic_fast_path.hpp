#pragma once
// The A extension (AMOs, LR, SC) inline, through either memory path. There
// is one hart, so an AMO is a load, the operation and a store, and SC a
// store under the reservation's check (address and validity in the
// HartState, where the interpreter keeps them). A misaligned address, a TLB
// miss, an address outside the direct view or a host fault there (no
// permission, a watched code page) jumps to the caller's slow path with
// nothing changed, and the interpreter runs the instruction there.
#include <asmjit/x86.h>

#include <functional>

#include "emitter.hpp"
#include "memory_access.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::jit::x86_64 {

/// Where the guest registers of an atomic live: in a host register, the
/// HartState, or nowhere (x0: writes vanish, reads are zero); rs1's value,
/// the address, also in `address` (a host register, rax when rs1 has none).
struct AtomicOperands {
  asmjit::Operand rd;
  asmjit::Operand rs1;
  asmjit::Operand rs2;
  asmjit::x86::Gp address;
  /// An earlier access of the straight-line run checked `address` (see MemoryAccess::emit_address).
  bool address_checked = false;
};

/// Whether `op` is one of the A extension's: an AMO, LR or SC.
bool is_atomic(isa::Op op);

/// Emits `insn`, an atomic, reaching memory through `memory`: falls through
/// having done the instruction, or jumps to `slow` having changed nothing.
/// `mark_access` is called right before each host instruction that touches
/// guest memory (it may fault). Clobbers rax, rcx and rdx.
void emit_atomic_fast_path(asmjit::x86::Assembler& a, const HartOperands& hart, const MemoryAccess& memory,
                           const isa::DecodedInsn& insn, const AtomicOperands& x, const asmjit::Label& slow,
                           const std::function<void()>& mark_access);

}  // namespace vmm::jit::x86_64
