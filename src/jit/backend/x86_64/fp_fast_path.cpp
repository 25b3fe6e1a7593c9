#include "fp_fast_path.hpp"

#include <cstdint>
#include <initializer_list>

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
                       Rounding rounding, bool inexact, const Label& slow, bool fs_dirty) {
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
  // mstatus.FS Dirty: F/D enabled, and the helper's marking it dirty is
  // moot. Unless the caller knows it is (`fs_dirty`).
  if (!fs_dirty) {
    Mem mstatus = hart.mstatus();
    mstatus.setSize(4);
    static_assert(cpu::mstatus::kFs >> 32 == 0);
    a.mov(eax, mstatus);
    a.not_(eax);
    a.test(eax, static_cast<std::uint32_t>(cpu::mstatus::kFs));
    a.jnz(slow);
  }
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
/// round nothing to zero (a sum is a multiple of the smallest subnormal; a
/// square root of a nonzero number is not tiny); a product, or a fused
/// multiply-add, when a factor is zero (the sum is then the addend,
/// exactly); a quotient, or a narrowing conversion, when rs1 is zero.
enum class ZeroResult : std::uint8_t { kExact, kIfFactorZero, kIfFirstZero };

/// Single-precision operands and results: the low half of the register,
/// valid only when the upper half is all ones (NaN-boxed).
Mem f_value(const HartOperands& hart, unsigned reg, bool single) {
  Mem m = hart.f(reg);
  if (single) m.setSize(4);
  return m;
}
Mem f_box(const HartOperands& hart, unsigned reg) {
  Mem m = hart.f(reg);
  m.setSize(4);
  m.addOffset(4);
  return m;
}

/// Jumps to `slow` unless every single-precision operand is NaN-boxed (the
/// soft-float reads any other as the canonical NaN).
void require_boxed(Assembler& a, const HartOperands& hart, std::initializer_list<unsigned> regs,
                   const Label& slow) {
  unsigned done = 0;  // bit r: register r checked
  for (unsigned r : regs) {
    if ((done >> r) & 1u) continue;
    done |= 1u << r;
    a.cmp(f_box(hart, r), -1);
    a.jne(slow);
  }
}

/// An FP source operand: its cached copy, else the HartState (as wide as `single` says).
Operand source(const HartOperands& hart, const FpCached& cached, unsigned reg, bool single) {
  if (cached[reg] >= 0) return xmm(static_cast<std::uint32_t>(cached[reg]));
  return f_value(hart, reg, single);
}

void load(Assembler& a, const Xmm& x, const HartOperands& hart, const FpCached& cached, unsigned reg,
          bool single) {
  const Operand from = source(hart, cached, reg, single);
  if (from.isReg()) {
    a.movaps(x, from.as<Xmm>());  // the whole register: no merge with x's old value
  } else if (single) {
    a.movss(x, from.as<Mem>());
  } else {
    a.movsd(x, from.as<Mem>());
  }
}

/// Writes the result in eax (single, NaN-boxed) or rax (double) to rd.
void store_bits(Assembler& a, const HartOperands& hart, unsigned rd, bool single) {
  if (single) {
    a.mov(f_value(hart, rd, true), eax);
    a.mov(f_box(hart, rd), -1);
  } else {
    a.mov(f_value(hart, rd, false), rax);
  }
}

/// Jumps to `slow` unless the value at `m` is ±0 (clobbers rcx).
void require_zero(Assembler& a, const Mem& m, bool single, const Label& slow) {
  const Gp scratch = single ? Gp(ecx) : Gp(rcx);
  a.mov(scratch, m);
  a.shl(scratch, 1);
  a.jnz(slow);
}

/// Stores the result in xmm0 to rd when it is a normal number with a biased
/// exponent of 2 or more (a result of the lowest binade may have underflowed
/// before rounding up into it), or a zero that is exact; else jumps to `slow`.
/// `source_single`: the width of the operands the zero rule looks at.
void store_result(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, bool single,
                  bool source_single, ZeroResult zero, const Label& slow) {
  const Gp bits = single ? Gp(eax) : Gp(rax);
  const Gp scratch = single ? Gp(ecx) : Gp(rcx);
  const std::uint32_t exp_max = single ? 0xfe : 0x7fe;  // of finite numbers
  Label store = a.newLabel();
  if (single) {
    a.movd(eax, xmm0);
  } else {
    a.movq(rax, xmm0);
  }
  a.mov(scratch, bits);  // the exponent: bits 23..30 of a single, 52..62 of a double
  a.shr(scratch, single ? 23 : 52);
  a.and_(ecx, exp_max + 1);
  a.sub(ecx, 2);
  a.cmp(ecx, exp_max - 2);
  a.jbe(store);
  a.mov(scratch, bits);
  a.shl(scratch, 1);
  a.jnz(slow);  // subnormal, lowest binade, infinite or NaN
  switch (zero) {
    case ZeroResult::kExact:
      break;
    case ZeroResult::kIfFirstZero:
      require_zero(a, f_value(hart, insn.rs1, source_single), source_single, slow);
      break;
    case ZeroResult::kIfFactorZero: {
      const Gp factor = source_single ? Gp(ecx) : Gp(rcx);
      a.mov(factor, f_value(hart, insn.rs1, source_single));
      a.shl(factor, 1);
      a.jz(store);
      require_zero(a, f_value(hart, insn.rs2, source_single), source_single, slow);
      break;
    }
  }
  a.bind(store);
  store_bits(a, hart, insn.rd & 31, single);
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

/// Whether the FP operands of `op` are single precision (its result may not
/// be: fcvt.w.s writes an integer).
bool is_single(Op op) {
  switch (op) {
    case Op::kFcvtWS:
    case Op::kFcvtLS:
    case Op::kFcvtWuS:
    case Op::kFcvtLuS:
    case Op::kFminS:
    case Op::kFmaxS:
    case Op::kFclassS:
    case Op::kFaddS:
    case Op::kFsubS:
    case Op::kFmulS:
    case Op::kFdivS:
    case Op::kFsqrtS:
    case Op::kFmaddS:
    case Op::kFmsubS:
    case Op::kFnmsubS:
    case Op::kFnmaddS:
    case Op::kFsgnjS:
    case Op::kFsgnjnS:
    case Op::kFsgnjxS:
    case Op::kFeqS:
    case Op::kFltS:
    case Op::kFleS:
      return true;
    default:
      return false;
  }
}

/// The host instruction of a two-operand arithmetic or fused instruction.
/// RISC-V's fnmsub is -(a*b)+c, x86's vfnmadd; its fnmadd is -(a*b)-c, x86's vfnmsub.
InstId host_instruction(Op op) {
  switch (op) {
    case Op::kFaddS:
      return Inst::kIdAddss;
    case Op::kFaddD:
      return Inst::kIdAddsd;
    case Op::kFsubS:
      return Inst::kIdSubss;
    case Op::kFsubD:
      return Inst::kIdSubsd;
    case Op::kFmulS:
      return Inst::kIdMulss;
    case Op::kFmulD:
      return Inst::kIdMulsd;
    case Op::kFdivS:
      return Inst::kIdDivss;
    case Op::kFdivD:
      return Inst::kIdDivsd;
    case Op::kFmaddS:
      return Inst::kIdVfmadd213ss;
    case Op::kFmaddD:
      return Inst::kIdVfmadd213sd;
    case Op::kFmsubS:
      return Inst::kIdVfmsub213ss;
    case Op::kFmsubD:
      return Inst::kIdVfmsub213sd;
    case Op::kFnmsubS:
      return Inst::kIdVfnmadd213ss;
    case Op::kFnmsubD:
      return Inst::kIdVfnmadd213sd;
    case Op::kFnmaddS:
      return Inst::kIdVfnmsub213ss;
    default:  // kFnmaddD
      return Inst::kIdVfnmsub213sd;
  }
}

bool emit_arithmetic(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Label& slow,
                     bool fs_dirty, const FpCached& cached) {
  const bool single = is_single(insn.op);
  const bool sqrt = insn.op == Op::kFsqrtS || insn.op == Op::kFsqrtD;
  if (!check_environment(a, hart, insn, Rounding::kNearest, true, slow, fs_dirty)) return false;
  if (single) {
    if (sqrt) {
      require_boxed(a, hart, {insn.rs1}, slow);
    } else {
      require_boxed(a, hart, {insn.rs1, insn.rs2}, slow);
    }
  }
  load(a, xmm0, hart, cached, insn.rs1, single);
  if (insn.op == Op::kFsqrtS || insn.op == Op::kFsqrtD) {
    a.emit(single ? Inst::kIdSqrtss : Inst::kIdSqrtsd, xmm0, xmm0);
  } else {
    a.emit(host_instruction(insn.op), xmm0, source(hart, cached, insn.rs2, single));
  }
  const bool mul = insn.op == Op::kFmulS || insn.op == Op::kFmulD;
  const bool div = insn.op == Op::kFdivS || insn.op == Op::kFdivD;
  const ZeroResult zero = mul   ? ZeroResult::kIfFactorZero
                          : div ? ZeroResult::kIfFirstZero
                                : ZeroResult::kExact;
  store_result(a, hart, insn, single, single, zero, slow);
  return true;
}

bool emit_fused(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Label& slow,
                bool fs_dirty, const FpCached& cached) {
  const bool single = is_single(insn.op);
  if (!check_environment(a, hart, insn, Rounding::kNearest, true, slow, fs_dirty)) return false;
  if (single) require_boxed(a, hart, {insn.rs1, insn.rs2, insn.rs3}, slow);
  load(a, xmm0, hart, cached, insn.rs1, single);
  load(a, xmm1, hart, cached, insn.rs2, single);
  // xmm0 = ±(rs2 * rs1) ± rs3, rounded once.
  a.emit(host_instruction(insn.op), xmm0, xmm1, source(hart, cached, insn.rs3, single));
  store_result(a, hart, insn, single, single, ZeroResult::kIfFactorZero, slow);
  return true;
}

/// fsgnj (fmv), fsgnjn (fneg), fsgnjx (fabs): bits only, no flags.
void emit_sign_injection(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                         const Label& slow, bool fs_dirty) {
  const bool single = is_single(insn.op);
  check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
  if (single) require_boxed(a, hart, {insn.rs1, insn.rs2}, slow);
  const Gp value = single ? Gp(eax) : Gp(rax);
  const Gp sign = single ? Gp(ecx) : Gp(rcx);
  const unsigned top = single ? 31 : 63;
  a.mov(value, f_value(hart, insn.rs1, single));
  const bool copy = (insn.op == Op::kFsgnjS || insn.op == Op::kFsgnjD) && insn.rs1 == insn.rs2;
  if (!copy) {
    // The sign bit of `sign` becomes the one to flip in `value`.
    a.mov(sign, f_value(hart, insn.rs2, single));
    if (insn.op == Op::kFsgnjnS || insn.op == Op::kFsgnjnD) a.not_(sign);
    if (insn.op != Op::kFsgnjxS && insn.op != Op::kFsgnjxD) a.xor_(sign, value);
    a.shr(sign, top);
    a.shl(sign, top);
    a.xor_(value, sign);
  }
  store_bits(a, hart, insn.rd & 31, single);
}

/// feq, flt, fle of two numbers: no flags (a NaN goes to `slow`).
void emit_compare(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Operand& xd,
                  const Label& slow, bool fs_dirty, const FpCached& cached) {
  const bool single = is_single(insn.op);
  check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
  if (single) require_boxed(a, hart, {insn.rs1, insn.rs2}, slow);
  load(a, xmm0, hart, cached, insn.rs1, single);
  a.emit(single ? Inst::kIdUcomiss : Inst::kIdUcomisd, xmm0, source(hart, cached, insn.rs2, single));
  a.jp(slow);  // unordered
  switch (insn.op) {
    case Op::kFeqS:
    case Op::kFeqD:
      a.sete(al);
      break;
    case Op::kFltS:
    case Op::kFltD:
      a.setb(al);
      break;
    default:  // fle
      a.setbe(al);
      break;
  }
  a.movzx(eax, al);
  write_x(a, xd, rax);
}

/// Moves between integer and FP registers: raw bits, no flags.
bool emit_move(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const FpIntOperands& x,
               const Label& slow, bool fs_dirty) {
  switch (insn.op) {
    case Op::kFmvXD:
      check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
      a.mov(rax, f_value(hart, insn.rs1, false));
      write_x(a, x.xd, rax);
      return true;
    case Op::kFmvXW:  // the low half sign-extended, boxed or not
      check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
      a.movsxd(rax, f_value(hart, insn.rs1, true));
      write_x(a, x.xd, rax);
      return true;
    case Op::kFmvDX:
      check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
      a.mov(f_value(hart, insn.rd & 31, false), read_x(a, x.xs1, rax));
      return true;
    case Op::kFmvWX:
      check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
      a.mov(f_value(hart, insn.rd & 31, true), read_x(a, x.xs1, rax).r32());
      a.mov(f_box(hart, insn.rd & 31), -1);
      return true;
    default:
      return false;
  }
}

/// Integer to FP: exact for fcvt.d.w, rounded to nearest for the others.
bool emit_from_integer(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                       const FpIntOperands& x, const Label& slow, bool fs_dirty) {
  const bool wide = insn.op == Op::kFcvtDL || insn.op == Op::kFcvtSL;
  const bool single = insn.op == Op::kFcvtSW || insn.op == Op::kFcvtSL;
  const bool exact = insn.op == Op::kFcvtDW;
  if (!check_environment(a, hart, insn, exact ? Rounding::kExact : Rounding::kNearest, !exact, slow,
                         fs_dirty))
    return false;
  Gp value = read_x(a, x.xs1, rax);
  if (!wide) value = value.r32();
  a.xorps(xmm0, xmm0);  // cvtsi2s* keep the rest of xmm0: no dependency on its old value
  if (single) {
    a.cvtsi2ss(xmm0, value);
    a.movss(f_value(hart, insn.rd & 31, true), xmm0);
    a.mov(f_box(hart, insn.rd & 31), -1);
  } else {
    a.cvtsi2sd(xmm0, value);
    a.movsd(f_value(hart, insn.rd & 31, false), xmm0);
  }
  return true;
}

/// FP to integer, truncating (rtz in the instruction: C's casts). Out of
/// range and NaN give the "integer indefinite" (the lowest integer), where
/// RISC-V saturates and raises NV: the helper's case, as is the lowest
/// integer itself.
bool emit_to_integer(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                     const FpIntOperands& x, const Label& slow, bool fs_dirty, const FpCached& cached) {
  const bool single = is_single(insn.op);
  const bool wide =
      insn.op == Op::kFcvtLD || insn.op == Op::kFcvtLS || insn.op == Op::kFcvtLuD || insn.op == Op::kFcvtLuS;
  const bool is_unsigned = insn.op == Op::kFcvtWuS || insn.op == Op::kFcvtWuD || insn.op == Op::kFcvtLuS ||
                           insn.op == Op::kFcvtLuD;
  if (!check_environment(a, hart, insn, Rounding::kTowardZero, true, slow, fs_dirty)) return false;
  if (single) require_boxed(a, hart, {insn.rs1}, slow);
  const Operand from = source(hart, cached, insn.rs1, single);
  if (is_unsigned) {
    // The signed 64-bit conversion serves [0, 2^63): -1 < value < 0
    // truncates to 0 as RISC-V does (inexact, NX already set); at -1 or
    // below RISC-V saturates to 0 with NV, and the indefinite of 2^63 and
    // up or a NaN is negative too: the helper's. The word form keeps
    // [0, 2^32) and sign-extends bit 31 into rd.
    a.emit(single ? Inst::kIdCvttss2si : Inst::kIdCvttsd2si, rax, from);
    if (wide) {
      a.test(rax, rax);
      a.js(slow);
    } else {
      a.mov(rcx, rax);
      a.shr(rcx, 32);
      a.jnz(slow);
      a.movsxd(rax, eax);
    }
    write_x(a, x.xd, rax);
    return true;
  }
  if (wide) {
    if (single) {
      a.emit(Inst::kIdCvttss2si, rax, from);
    } else {
      a.emit(Inst::kIdCvttsd2si, rax, from);
    }
    a.mov(rcx, rax);
    a.rol(rcx, 1);
    a.cmp(rcx, 1);
    a.je(slow);
  } else {
    if (single) {
      a.emit(Inst::kIdCvttss2si, eax, from);
    } else {
      a.emit(Inst::kIdCvttsd2si, eax, from);
    }
    a.cmp(eax, INT32_MIN);
    a.je(slow);
    a.movsxd(rax, eax);
  }
  write_x(a, x.xd, rax);
  return true;
}

/// fmin, fmax of two different numbers: the host's minsd/maxsd are exact
/// there. A NaN (RISC-V returns the other operand, x86 the second) and
/// equal operands (RISC-V orders -0 below +0, x86 returns the second) go to
/// the helper.
void emit_min_max(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Label& slow,
                  bool fs_dirty, const FpCached& cached) {
  const bool single = is_single(insn.op);
  const bool min = insn.op == Op::kFminS || insn.op == Op::kFminD;
  check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
  if (single) require_boxed(a, hart, {insn.rs1, insn.rs2}, slow);
  load(a, xmm0, hart, cached, insn.rs1, single);
  const Operand other = source(hart, cached, insn.rs2, single);
  a.emit(single ? Inst::kIdUcomiss : Inst::kIdUcomisd, xmm0, other);
  a.jp(slow);  // unordered
  a.je(slow);
  if (single) {
    a.emit(min ? Inst::kIdMinss : Inst::kIdMaxss, xmm0, other);
    a.movd(eax, xmm0);
  } else {
    a.emit(min ? Inst::kIdMinsd : Inst::kIdMaxsd, xmm0, other);
    a.movq(rax, xmm0);
  }
  store_bits(a, hart, insn.rd & 31, single);
}

/// fclass of a normal number (no flags): bit 1 when negative, bit 6 when
/// positive. Zeros, subnormals, infinities and NaNs go to the helper.
void emit_classify(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn, const Operand& xd,
                   const Label& slow, bool fs_dirty) {
  const bool single = is_single(insn.op);
  check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
  if (single) require_boxed(a, hart, {insn.rs1}, slow);
  const Gp bits = single ? Gp(eax) : Gp(rax);
  const Gp exponent = single ? Gp(ecx) : Gp(rcx);
  const std::uint32_t exp_all_ones = single ? 0xff : 0x7ff;
  a.mov(bits, f_value(hart, insn.rs1, single));
  a.mov(exponent, bits);
  a.shr(exponent, single ? 23 : 52);
  a.and_(ecx, exp_all_ones);
  a.dec(ecx);  // 0 (zero, subnormal) wraps around, as all ones stays out of range
  a.cmp(ecx, exp_all_ones - 2);
  a.ja(slow);
  a.sar(bits, single ? 31 : 63);  // -1 when negative, else 0
  a.and_(eax, (1 << 1) - (1 << 6));
  a.add(eax, 1 << 6);
  write_x(a, xd, rax);
}

/// Between the two widths: widening is exact (a NaN or an infinity goes to
/// the helper, which makes NaNs canonical); narrowing rounds to nearest.
bool emit_between_widths(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                         const Label& slow, bool fs_dirty, const FpCached& cached) {
  if (insn.op == Op::kFcvtDS) {
    if (!check_environment(a, hart, insn, Rounding::kExact, false, slow, fs_dirty)) return false;
    require_boxed(a, hart, {insn.rs1}, slow);
    a.mov(ecx, f_value(hart, insn.rs1, true));
    a.shr(ecx, 23);
    a.and_(ecx, 0xff);
    a.cmp(ecx, 0xff);
    a.je(slow);
    a.emit(Inst::kIdCvtss2sd, xmm0, source(hart, cached, insn.rs1, true));
    a.movsd(f_value(hart, insn.rd & 31, false), xmm0);
    return true;
  }
  // kFcvtSD
  if (!check_environment(a, hart, insn, Rounding::kNearest, true, slow, fs_dirty)) return false;
  a.emit(Inst::kIdCvtsd2ss, xmm0, source(hart, cached, insn.rs1, false));
  store_result(a, hart, insn, true, false, ZeroResult::kIfFirstZero, slow);
  return true;
}

}  // namespace

bool leaves_double_in_xmm0(Op op) {
  switch (op) {
    case Op::kFcvtDW:
    case Op::kFcvtDL:
    case Op::kFcvtDS:
    case Op::kFaddD:
    case Op::kFsubD:
    case Op::kFmulD:
    case Op::kFdivD:
    case Op::kFsqrtD:
    case Op::kFmaddD:
    case Op::kFmsubD:
    case Op::kFnmsubD:
    case Op::kFnmaddD:
    case Op::kFminD:
    case Op::kFmaxD:
      return true;
    default:
      return false;
  }
}

bool reads_cached_copies(Op op) {
  switch (op) {
    case Op::kFaddS:
    case Op::kFsubS:
    case Op::kFmulS:
    case Op::kFdivS:
    case Op::kFsqrtS:
    case Op::kFaddD:
    case Op::kFsubD:
    case Op::kFmulD:
    case Op::kFdivD:
    case Op::kFsqrtD:
    case Op::kFmaddS:
    case Op::kFmsubS:
    case Op::kFnmsubS:
    case Op::kFnmaddS:
    case Op::kFmaddD:
    case Op::kFmsubD:
    case Op::kFnmsubD:
    case Op::kFnmaddD:
    case Op::kFeqS:
    case Op::kFltS:
    case Op::kFleS:
    case Op::kFeqD:
    case Op::kFltD:
    case Op::kFleD:
    case Op::kFcvtWS:
    case Op::kFcvtLS:
    case Op::kFcvtWD:
    case Op::kFcvtLD:
    case Op::kFcvtWuS:
    case Op::kFcvtLuS:
    case Op::kFcvtWuD:
    case Op::kFcvtLuD:
    case Op::kFminS:
    case Op::kFmaxS:
    case Op::kFminD:
    case Op::kFmaxD:
    case Op::kFcvtDS:
    case Op::kFcvtSD:
      return true;
    default:
      return false;  // no fast path, or one that reads the HartState
  }
}

bool leaves_double_in_rax(Op op) { return op == Op::kFsgnjD || op == Op::kFsgnjnD || op == Op::kFsgnjxD; }

bool emit_fp_fast_path(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                       const FpIntOperands& x, bool fma, const Label& slow, bool fs_dirty,
                       const FpCached& cached) {
  switch (insn.op) {
    case Op::kFaddS:
    case Op::kFsubS:
    case Op::kFmulS:
    case Op::kFdivS:
    case Op::kFsqrtS:
    case Op::kFaddD:
    case Op::kFsubD:
    case Op::kFmulD:
    case Op::kFdivD:
    case Op::kFsqrtD:
      return emit_arithmetic(a, hart, insn, slow, fs_dirty, cached);
    case Op::kFmaddS:
    case Op::kFmsubS:
    case Op::kFnmsubS:
    case Op::kFnmaddS:
    case Op::kFmaddD:
    case Op::kFmsubD:
    case Op::kFnmsubD:
    case Op::kFnmaddD:
      return fma && emit_fused(a, hart, insn, slow, fs_dirty, cached);
    case Op::kFsgnjS:
    case Op::kFsgnjnS:
    case Op::kFsgnjxS:
    case Op::kFsgnjD:
    case Op::kFsgnjnD:
    case Op::kFsgnjxD:
      emit_sign_injection(a, hart, insn, slow, fs_dirty);
      return true;
    case Op::kFeqS:
    case Op::kFltS:
    case Op::kFleS:
    case Op::kFeqD:
    case Op::kFltD:
    case Op::kFleD:
      emit_compare(a, hart, insn, x.xd, slow, fs_dirty, cached);
      return true;
    case Op::kFcvtSW:
    case Op::kFcvtSL:
    case Op::kFcvtDW:
    case Op::kFcvtDL:
      return emit_from_integer(a, hart, insn, x, slow, fs_dirty);
    case Op::kFcvtWS:
    case Op::kFcvtLS:
    case Op::kFcvtWD:
    case Op::kFcvtLD:
    case Op::kFcvtWuS:
    case Op::kFcvtLuS:
    case Op::kFcvtWuD:
    case Op::kFcvtLuD:
      return emit_to_integer(a, hart, insn, x, slow, fs_dirty, cached);
    case Op::kFcvtDS:
    case Op::kFcvtSD:
      return emit_between_widths(a, hart, insn, slow, fs_dirty, cached);
    case Op::kFminS:
    case Op::kFmaxS:
    case Op::kFminD:
    case Op::kFmaxD:
      emit_min_max(a, hart, insn, slow, fs_dirty, cached);
      return true;
    case Op::kFclassS:
    case Op::kFclassD:
      emit_classify(a, hart, insn, x.xd, slow, fs_dirty);
      return true;
    default:
      return emit_move(a, hart, insn, x, slow, fs_dirty);
  }
}

bool emit_fp_csr_fast_path(Assembler& a, const HartOperands& hart, const isa::DecodedInsn& insn,
                           const FpIntOperands& x, const Label& slow, bool fs_dirty) {
  const auto number = static_cast<std::uint32_t>(insn.imm);
  if (number != cpu::csr::kFflags && number != cpu::csr::kFrm && number != cpu::csr::kFcsr) return false;
  const bool write = insn.op == Op::kCsrrw || insn.op == Op::kCsrrwi;
  if (!write && !(insn.op == Op::kCsrrs && insn.rs1 == 0)) return false;
  check_environment(a, hart, insn, Rounding::kNoField, false, slow, fs_dirty);
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
