#pragma once
// The common F and D instructions on the host's SSE2 (and FMA3), where the host's
// result is provably the one the shared soft-float (cpu/fp_ops) computes and
// the flags it would raise are already raised:
// - mstatus.FS is Dirty (F/D enabled, nothing to mark);
// - the rounding mode is round-to-nearest-even (static, or dynamic with
//   frm = 0), the one the host runs in;
// - for an inexact operation, fflags.NX is already set: after the first
//   inexact result a program's NX stays set, so the only flag a correctly
//   rounded host result can still add is already there;
// - single-precision operands are NaN-boxed;
// - the result is a normal number above the smallest binade (then no NaN,
//   infinity or zero came in or out: no NV, DZ, OF, and no underflow, UF,
//   whichever way tininess is detected), or a zero that is exact.
// Anything else jumps to the caller's slow path (the helper, which computes
// from the unchanged registers), as does a compare with a NaN operand, a
// conversion out of range, fmin/fmax of a NaN or of equal operands, and
// fclass of anything but a normal number.
#include <asmjit/x86.h>

#include <array>
#include <cstdint>

#include "emitter.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::jit::x86_64 {

/// Where the integer registers of an F/D instruction live: a host register,
/// the HartState, or nothing (x0: reads as zero, writes vanish).
struct FpIntOperands {
  asmjit::Operand xd;
  asmjit::Operand xs1;
};

/// Per guest FP register, the host xmm register (id 2 to 15) holding a copy
/// of its 64 bits, or -1: the fast paths read it from there instead of the
/// HartState, which stays current.
using FpCached = std::array<std::int8_t, 32>;
inline constexpr FpCached kNothingCached = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                            -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

/// Whether the fast path of `op` leaves the 64 bits it wrote to rd in xmm0
/// (D arithmetic, fused multiply-adds, fmin/fmax, conversions to double), or
/// in rax (D sign injection).
bool leaves_double_in_xmm0(isa::Op op);
bool leaves_double_in_rax(isa::Op op);
/// Whether `op` has a fast path that reads its FP operands through `cached`
/// (arithmetic, fused multiply-adds, compares, fmin/fmax, conversions from FP): the
/// other fast paths read the HartState, and instructions without one the helper does.
bool reads_cached_copies(isa::Op op);

/// Emits the fast path of `insn` if it has one: falls through having done
/// the instruction, or jumps to `slow` having changed nothing. False, having
/// emitted nothing, when `insn` has none. Clobbers rax, rcx, xmm0 and xmm1.
/// `fs_dirty`: the caller knows mstatus.FS is Dirty here (an F/D instruction
/// ran before on every path, with nothing between that could change it),
/// so the fast path need not check it.
bool emit_fp_fast_path(asmjit::x86::Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                       const FpIntOperands& x, bool fma, const asmjit::Label& slow, bool fs_dirty,
                       const FpCached& cached);

/// The same for the FP CSRs (fflags, frm, fcsr) read by csrrs rd, csr, x0
/// or written by csrrw and csrrwi, as frflags/fsflags around a quiet
/// compare do: with mstatus.FS Dirty, the helper's case otherwise.
/// `x.xs1` is the source register of csrrw. Clobbers rax and rcx.
bool emit_fp_csr_fast_path(asmjit::x86::Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                           const FpIntOperands& x, const asmjit::Label& slow, bool fs_dirty);

}  // namespace vmm::jit::x86_64
