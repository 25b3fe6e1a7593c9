// F and D computational instructions: register plumbing (NaN-boxing,
// rounding-mode resolution) around the arithmetic in fp_ops.
#include "vmm/cpu/fp_ops.hpp"
#include "vmm/cpu/interpreter.hpp"

namespace vmm::cpu {

using isa::Op;

namespace {

constexpr std::uint64_t kBoxMask = 0xffffffff00000000ull;

/// A single-precision operand: valid only when NaN-boxed (unprivileged spec
/// §12.2), otherwise it reads as the canonical NaN.
std::uint32_t unbox(std::uint64_t reg) {
  return (reg & kBoxMask) == kBoxMask ? static_cast<std::uint32_t>(reg) : fp::kCanonicalNanS;
}
constexpr std::uint64_t box(std::uint32_t value) { return kBoxMask | value; }

}  // namespace

bool execute_fp(HartState& hart, const isa::DecodedInsn& insn) {
  // mstatus.FS = Off makes every F/D instruction illegal (privileged spec §3.1.6.6).
  if ((hart.mstatus & mstatus::kFs) == 0) return false;
  std::uint32_t rm_field = insn.rm == 7 ? hart.frm : insn.rm;
  bool uses_rm = true;
  switch (insn.op) {
    case Op::kFsgnjS:
    case Op::kFsgnjnS:
    case Op::kFsgnjxS:
    case Op::kFminS:
    case Op::kFmaxS:
    case Op::kFsgnjD:
    case Op::kFsgnjnD:
    case Op::kFsgnjxD:
    case Op::kFminD:
    case Op::kFmaxD:
    case Op::kFeqS:
    case Op::kFltS:
    case Op::kFleS:
    case Op::kFeqD:
    case Op::kFltD:
    case Op::kFleD:
    case Op::kFclassS:
    case Op::kFclassD:
    case Op::kFmvXW:
    case Op::kFmvXD:
    case Op::kFmvWX:
    case Op::kFmvDX:
      uses_rm = false;
      break;
    default:
      break;
  }
  if (uses_rm && rm_field > 4) return false;
  auto rm = static_cast<fp::Rm>(rm_field);
  std::uint32_t& fl = hart.fflags;
  std::uint64_t* f = hart.f;
  std::uint64_t* x = hart.x;
  const std::uint64_t a = f[insn.rs1], b = f[insn.rs2], c = f[insn.rs3];
  const std::uint32_t as = unbox(a), bs = unbox(b), cs = unbox(c);
  std::uint64_t& fd = f[insn.rd & 31];  // integer-destination ops never write it
  std::uint64_t& xd = x[insn.rd];
  const std::uint64_t xs1 = x[insn.rs1];

  switch (insn.op) {
    case Op::kFmaddS:
      fd = box(fp::madd_s(as, bs, cs, rm, fl));
      break;
    case Op::kFmsubS:
      fd = box(fp::msub_s(as, bs, cs, rm, fl));
      break;
    case Op::kFnmsubS:
      fd = box(fp::nmsub_s(as, bs, cs, rm, fl));
      break;
    case Op::kFnmaddS:
      fd = box(fp::nmadd_s(as, bs, cs, rm, fl));
      break;
    case Op::kFmaddD:
      fd = fp::madd_d(a, b, c, rm, fl);
      break;
    case Op::kFmsubD:
      fd = fp::msub_d(a, b, c, rm, fl);
      break;
    case Op::kFnmsubD:
      fd = fp::nmsub_d(a, b, c, rm, fl);
      break;
    case Op::kFnmaddD:
      fd = fp::nmadd_d(a, b, c, rm, fl);
      break;

    case Op::kFaddS:
      fd = box(fp::add_s(as, bs, rm, fl));
      break;
    case Op::kFsubS:
      fd = box(fp::sub_s(as, bs, rm, fl));
      break;
    case Op::kFmulS:
      fd = box(fp::mul_s(as, bs, rm, fl));
      break;
    case Op::kFdivS:
      fd = box(fp::div_s(as, bs, rm, fl));
      break;
    case Op::kFsqrtS:
      fd = box(fp::sqrt_s(as, rm, fl));
      break;
    case Op::kFsgnjS:
      fd = box(fp::sgnj_s(as, bs));
      break;
    case Op::kFsgnjnS:
      fd = box(fp::sgnjn_s(as, bs));
      break;
    case Op::kFsgnjxS:
      fd = box(fp::sgnjx_s(as, bs));
      break;
    case Op::kFminS:
      fd = box(fp::min_s(as, bs, fl));
      break;
    case Op::kFmaxS:
      fd = box(fp::max_s(as, bs, fl));
      break;
    case Op::kFcvtWS:
      xd = fp::cvt_w_s(as, rm, fl);
      break;
    case Op::kFcvtWuS:
      xd = fp::cvt_wu_s(as, rm, fl);
      break;
    case Op::kFcvtLS:
      xd = fp::cvt_l_s(as, rm, fl);
      break;
    case Op::kFcvtLuS:
      xd = fp::cvt_lu_s(as, rm, fl);
      break;
    case Op::kFmvXW:  // raw low bits, sign-extended; no unboxing
      xd = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(a)));
      break;
    case Op::kFeqS:
      xd = fp::eq_s(as, bs, fl);
      break;
    case Op::kFltS:
      xd = fp::lt_s(as, bs, fl);
      break;
    case Op::kFleS:
      xd = fp::le_s(as, bs, fl);
      break;
    case Op::kFclassS:
      xd = fp::classify_s(as);
      break;
    case Op::kFcvtSW:
      fd = box(fp::cvt_s_w(xs1, rm, fl));
      break;
    case Op::kFcvtSWu:
      fd = box(fp::cvt_s_wu(xs1, rm, fl));
      break;
    case Op::kFcvtSL:
      fd = box(fp::cvt_s_l(xs1, rm, fl));
      break;
    case Op::kFcvtSLu:
      fd = box(fp::cvt_s_lu(xs1, rm, fl));
      break;
    case Op::kFmvWX:
      fd = box(static_cast<std::uint32_t>(xs1));
      break;

    case Op::kFaddD:
      fd = fp::add_d(a, b, rm, fl);
      break;
    case Op::kFsubD:
      fd = fp::sub_d(a, b, rm, fl);
      break;
    case Op::kFmulD:
      fd = fp::mul_d(a, b, rm, fl);
      break;
    case Op::kFdivD:
      fd = fp::div_d(a, b, rm, fl);
      break;
    case Op::kFsqrtD:
      fd = fp::sqrt_d(a, rm, fl);
      break;
    case Op::kFsgnjD:
      fd = fp::sgnj_d(a, b);
      break;
    case Op::kFsgnjnD:
      fd = fp::sgnjn_d(a, b);
      break;
    case Op::kFsgnjxD:
      fd = fp::sgnjx_d(a, b);
      break;
    case Op::kFminD:
      fd = fp::min_d(a, b, fl);
      break;
    case Op::kFmaxD:
      fd = fp::max_d(a, b, fl);
      break;
    case Op::kFcvtSD:
      fd = box(fp::cvt_s_d(a, rm, fl));
      break;
    case Op::kFcvtDS:
      fd = fp::cvt_d_s(as, fp::Rm::kRne, fl);
      break;
    case Op::kFeqD:
      xd = fp::eq_d(a, b, fl);
      break;
    case Op::kFltD:
      xd = fp::lt_d(a, b, fl);
      break;
    case Op::kFleD:
      xd = fp::le_d(a, b, fl);
      break;
    case Op::kFclassD:
      xd = fp::classify_d(a);
      break;
    case Op::kFcvtWD:
      xd = fp::cvt_w_d(a, rm, fl);
      break;
    case Op::kFcvtWuD:
      xd = fp::cvt_wu_d(a, rm, fl);
      break;
    case Op::kFcvtLD:
      xd = fp::cvt_l_d(a, rm, fl);
      break;
    case Op::kFcvtLuD:
      xd = fp::cvt_lu_d(a, rm, fl);
      break;
    case Op::kFmvXD:
      xd = a;
      break;
    case Op::kFcvtDW:
      fd = fp::cvt_d_w(xs1, rm, fl);
      break;
    case Op::kFcvtDWu:
      fd = fp::cvt_d_wu(xs1, rm, fl);
      break;
    case Op::kFcvtDL:
      fd = fp::cvt_d_l(xs1, rm, fl);
      break;
    case Op::kFcvtDLu:
      fd = fp::cvt_d_lu(xs1, rm, fl);
      break;
    case Op::kFmvDX:
      fd = xs1;
      break;
    default:
      return false;
  }
  // Conservatively mark the FP state dirty (the spec allows it).
  hart.mstatus |= mstatus::kFs;
  return true;
}

}  // namespace vmm::cpu
