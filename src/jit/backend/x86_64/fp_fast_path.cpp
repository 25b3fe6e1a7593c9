#include "fp_fast_path.hpp"

#include <cstdint>

#include "vmm/cpu/csr.hpp"
#include "vmm/cpu/fp_ops.hpp"
#include "vmm/cpu/hart_state.hpp"

namespace vmm::jit::x86_64 {

using namespace asmjit;
using namespace asmjit::x86;
using isa::Op;

namespace {

constexpr std::uint8_t kRmRne = 0;
constexpr std::uint8_t kRmRtz = 1;
constexpr std::uint8_t kRmMax = 4;  ///< 5 and 6 are reserved
constexpr std::uint8_t kRmDyn = 7;

/// What an instruction's fast path asks of its rounding mode field.
enum class Rounding : std::uint8_t {
  kNoField,     ///< the instruction has none (sign injection, compares, moves)
  kExact,       ///< any legal mode: the result is exact
  kNearest,     ///< round to nearest even, the host's mode
  kTowardZero,  ///< rtz written in the instruction (C casts): cvttsd2si
};

/// Emits the checks of the FP environment the fast path relies on; false
/// (nothing emitted) when the instruction's own rounding mode rules it out.
/// `inexact`: the result may be inexact, so fflags.NX must already be set.
bool check_environment(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                       Rounding rounding, bool inexact, const Label& slow) {
  const bool dynamic = rounding != Rounding::kNoField && insn.rm == kRmDyn;
  switch (rounding) {
    case Rounding::kNoField:
      break;
    case Rounding::kExact:
      if (insn.rm > kRmMax && !dynamic) return false;
      break;
    case Rounding::kNearest:
      if (insn.rm != kRmRne && !dynamic) return false;
      break;
    case Rounding::kTowardZero:
      if (insn.rm != kRmRtz) return false;
      break;
  }
  // mstatus.FS Dirty: F/D enabled, and the helper's marking it dirty is moot.
  Mem mstatus = hart.mstatus();
  mstatus.setSize(4);
  static_assert(cpu::mstatus::kFs >> 32 == 0);
  a.mov(eax, mstatus);
  a.not_(eax);
  a.test(eax, static_cast<std::uint32_t>(cpu::mstatus::kFs));
  a.jnz(slow);
  if (dynamic) {
    // frm 0 is round to nearest even; also legal for an exact conversion.
    Mem frm = hart.frm();
    frm.setSize(4);
    a.cmp(frm, 0);
    a.jne(slow);
  }
  if (inexact) {
    Mem fflags = hart.fflags();
    fflags.setSize(1);
    a.test(fflags, static_cast<std::uint32_t>(cpu::fp::kNX));
    a.jz(slow);
  }
  return true;
}

/// When a zero result is exact (no underflow to zero): add, sub and sqrt
/// round nothing to zero (a sum of doubles is a multiple of the smallest
/// subnormal; a square root of a nonzero number is not tiny); a product, or
/// a fused multiply-add, when a factor is zero (the sum is then the addend,
/// exactly); a quotient when the dividend is.
enum class ZeroResult : std::uint8_t { kExact, kIfFactorZero, kIfDividendZero };

/// Jumps to `slow` unless the double at `m` is ±0 (clobbers rcx).
void require_zero(Assembler& a, const Mem& m, const Label& slow) {
  a.mov(rcx, m);
  a.shl(rcx, 1);
  a.jnz(slow);
}

/// Stores the double in xmm0 to rd when it is a normal number with a biased
/// exponent of 2 or more (a result of the lowest binade may have underflowed
/// before rounding up into it), or a zero that is exact; else jumps to `slow`.
void store_result(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, ZeroResult zero,
                  const Label& slow) {
  Label store = a.newLabel();
  a.movq(rax, xmm0);
  a.mov(rcx, rax);
  a.shr(rcx, 52);
  a.and_(ecx, 0x7ff);
  a.sub(ecx, 2);
  a.cmp(ecx, 0x7fe - 2);
  a.jbe(store);
  a.mov(rcx, rax);
  a.shl(rcx, 1);
  a.jnz(slow);  // subnormal, lowest binade, infinite or NaN
  switch (zero) {
    case ZeroResult::kExact:
      break;
    case ZeroResult::kIfDividendZero:
      require_zero(a, hart.f(insn.rs1), slow);
      break;
    case ZeroResult::kIfFactorZero:
      a.mov(rcx, hart.f(insn.rs1));
      a.shl(rcx, 1);
      a.jz(store);
      require_zero(a, hart.f(insn.rs2), slow);
      break;
  }
  a.bind(store);
  a.mov(hart.f(insn.rd & 31), rax);
}

void write_x(Assembler& a, const Operand& xd, const Gp& value) {
  if (xd.isReg()) {
    if (xd.as<Gp>().id() != value.id()) a.mov(xd.as<Gp>(), value);
  } else if (xd.isMem()) {
    a.mov(xd.as<Mem>(), value);
  }
}

/// The integer source as a register (`scratch` when it lives in memory or is x0).
Gp read_x(Assembler& a, const Operand& xs, const Gp& scratch) {
  if (xs.isReg()) return xs.as<Gp>();
  if (xs.isMem()) {
    a.mov(scratch, xs.as<Mem>());
  } else {
    a.xor_(scratch.r32(), scratch.r32());
  }
  return scratch;
}

bool emit_arithmetic(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                     const Label& slow) {
  if (!check_environment(a, hart, insn, Rounding::kNearest, true, slow)) return false;
  a.movsd(xmm0, hart.f(insn.rs1));
  switch (insn.op) {
    case Op::kFaddD:
      a.addsd(xmm0, hart.f(insn.rs2));
      break;
    case Op::kFsubD:
      a.subsd(xmm0, hart.f(insn.rs2));
      break;
    case Op::kFmulD:
      a.mulsd(xmm0, hart.f(insn.rs2));
      break;
    case Op::kFdivD:
      a.divsd(xmm0, hart.f(insn.rs2));
      break;
    default:  // kFsqrtD
      a.sqrtsd(xmm0, xmm0);
      break;
  }
  const ZeroResult zero = insn.op == Op::kFmulD   ? ZeroResult::kIfFactorZero
                          : insn.op == Op::kFdivD ? ZeroResult::kIfDividendZero
                                                  : ZeroResult::kExact;
  store_result(a, hart, insn, zero, slow);
  return true;
}

bool emit_fused(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Label& slow) {
  if (!check_environment(a, hart, insn, Rounding::kNearest, true, slow)) return false;
  a.movsd(xmm0, hart.f(insn.rs1));
  a.movsd(xmm1, hart.f(insn.rs2));
  // xmm0 = ±(rs2 * rs1) ± rs3, rounded once. RISC-V's fnmsub is -(a*b)+c,
  // x86's vfnmadd; its fnmadd is -(a*b)-c, x86's vfnmsub.
  switch (insn.op) {
    case Op::kFmaddD:
      a.vfmadd213sd(xmm0, xmm1, hart.f(insn.rs3));
      break;
    case Op::kFmsubD:
      a.vfmsub213sd(xmm0, xmm1, hart.f(insn.rs3));
      break;
    case Op::kFnmsubD:
      a.vfnmadd213sd(xmm0, xmm1, hart.f(insn.rs3));
      break;
    default:  // kFnmaddD
      a.vfnmsub213sd(xmm0, xmm1, hart.f(insn.rs3));
      break;
  }
  store_result(a, hart, insn, ZeroResult::kIfFactorZero, slow);
  return true;
}

/// fsgnj.d (fmv.d), fsgnjn.d (fneg.d), fsgnjx.d (fabs.d): bits only, no flags.
void emit_sign_injection(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                         const Label& slow) {
  check_environment(a, hart, insn, Rounding::kNoField, false, slow);
  a.mov(rax, hart.f(insn.rs1));
  if (insn.op != Op::kFsgnjD || insn.rs1 != insn.rs2) {
    // The sign bit of rcx becomes the one to flip in rax.
    a.mov(rcx, hart.f(insn.rs2));
    if (insn.op == Op::kFsgnjnD) a.not_(rcx);
    if (insn.op != Op::kFsgnjxD) a.xor_(rcx, rax);
    a.shr(rcx, 63);
    a.shl(rcx, 63);
    a.xor_(rax, rcx);
  }
  a.mov(hart.f(insn.rd & 31), rax);
}

/// feq.d, flt.d, fle.d of two numbers: no flags (a NaN goes to `slow`).
void emit_compare(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Operand& xd,
                  const Label& slow) {
  check_environment(a, hart, insn, Rounding::kNoField, false, slow);
  a.movsd(xmm0, hart.f(insn.rs1));
  a.ucomisd(xmm0, hart.f(insn.rs2));
  a.jp(slow);  // unordered
  switch (insn.op) {
    case Op::kFeqD:
      a.sete(al);
      break;
    case Op::kFltD:
      a.setb(al);
      break;
    default:  // kFleD
      a.setbe(al);
      break;
  }
  a.movzx(eax, al);
  write_x(a, xd, rax);
}

bool emit_conversion(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                     const FpIntOperands& x, const Label& slow) {
  switch (insn.op) {
    case Op::kFcvtDW:  // exact
    case Op::kFcvtDL: {
      const bool wide = insn.op == Op::kFcvtDL;
      if (!check_environment(a, hart, insn, wide ? Rounding::kNearest : Rounding::kExact, wide, slow))
        return false;
      Gp value = read_x(a, x.xs1, rax);
      a.xorps(xmm0, xmm0);  // cvtsi2sd keeps the upper half: no dependency on its old value
      if (wide) {
        a.cvtsi2sd(xmm0, value);
      } else {
        a.cvtsi2sd(xmm0, value.r32());
      }
      a.movsd(hart.f(insn.rd & 31), xmm0);
      return true;
    }
    case Op::kFcvtWD:
    case Op::kFcvtLD: {
      if (!check_environment(a, hart, insn, Rounding::kTowardZero, true, slow)) return false;
      // Out of range and NaN give the "integer indefinite" (the lowest
      // integer), where RISC-V saturates and raises NV: the helper's case,
      // as is the lowest integer itself.
      if (insn.op == Op::kFcvtWD) {
        a.cvttsd2si(eax, hart.f(insn.rs1));
        a.cmp(eax, INT32_MIN);
        a.je(slow);
        a.movsxd(rax, eax);
      } else {
        a.cvttsd2si(rax, hart.f(insn.rs1));
        a.mov(rcx, rax);
        a.rol(rcx, 1);
        a.cmp(rcx, 1);
        a.je(slow);
      }
      write_x(a, x.xd, rax);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

bool emit_fp_fast_path(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                       const FpIntOperands& x, bool fma, const Label& slow) {
  switch (insn.op) {
    case Op::kFaddD:
    case Op::kFsubD:
    case Op::kFmulD:
    case Op::kFdivD:
    case Op::kFsqrtD:
      return emit_arithmetic(a, hart, insn, slow);
    case Op::kFmaddD:
    case Op::kFmsubD:
    case Op::kFnmsubD:
    case Op::kFnmaddD:
      return fma && emit_fused(a, hart, insn, slow);
    case Op::kFsgnjD:
    case Op::kFsgnjnD:
    case Op::kFsgnjxD:
      emit_sign_injection(a, hart, insn, slow);
      return true;
    case Op::kFeqD:
    case Op::kFltD:
    case Op::kFleD:
      emit_compare(a, hart, insn, x.xd, slow);
      return true;
    case Op::kFmvXD:
      check_environment(a, hart, insn, Rounding::kNoField, false, slow);
      a.mov(rax, hart.f(insn.rs1));
      write_x(a, x.xd, rax);
      return true;
    case Op::kFmvDX:
      check_environment(a, hart, insn, Rounding::kNoField, false, slow);
      a.mov(hart.f(insn.rd & 31), read_x(a, x.xs1, rax));
      return true;
    default:
      return emit_conversion(a, hart, insn, x, slow);
  }
}

bool emit_fp_csr_fast_path(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                           const FpIntOperands& x, const Label& slow) {
  const auto number = static_cast<std::uint32_t>(insn.imm);
  if (number != cpu::csr::kFflags && number != cpu::csr::kFrm && number != cpu::csr::kFcsr) return false;
  const bool write = insn.op == Op::kCsrrw || insn.op == Op::kCsrrwi;
  if (!write && !(insn.op == Op::kCsrrs && insn.rs1 == 0)) return false;
  check_environment(a, hart, insn, Rounding::kNoField, false, slow);
  Mem fflags = hart.fflags();
  fflags.setSize(4);
  Mem frm = hart.frm();
  frm.setSize(4);
  // The old value in eax (fcsr: frm above the five flag bits).
  if (number == cpu::csr::kFrm) {
    a.mov(eax, frm);
  } else {
    a.mov(eax, fflags);
    if (number == cpu::csr::kFcsr) {
      a.mov(ecx, frm);
      a.shl(ecx, 5);
      a.or_(eax, ecx);
    }
  }
  if (write) {
    // The new value in ecx, as many times as its fields need it.
    auto value = [&] {
      if (insn.op == Op::kCsrrwi) {
        a.mov(ecx, static_cast<std::uint32_t>(insn.rs1));
      } else {
        Gp source = read_x(a, x.xs1, rcx);
        if (source.id() != rcx.id()) a.mov(ecx, source.r32());
      }
    };
    value();
    if (number == cpu::csr::kFrm) {
      a.and_(ecx, 7);
      a.mov(frm, ecx);
    } else {
      if (number == cpu::csr::kFcsr) {
        a.shr(ecx, 5);
        a.and_(ecx, 7);
        a.mov(frm, ecx);
        value();
      }
      a.and_(ecx, 0x1f);
      a.mov(fflags, ecx);
    }
  }
  write_x(a, x.xd, rax);
  return true;
}

}  // namespace vmm::jit::x86_64
