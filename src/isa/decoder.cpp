// The RV64GC decoder: one switch from encodings to operations (unprivileged
// spec, chapter "RV32/64G Instruction Set Listings").
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::isa {
namespace {

constexpr std::uint32_t field(std::uint32_t inst, unsigned hi, unsigned lo) {
  return (inst >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr std::int32_t imm_i(std::uint32_t inst) { return static_cast<std::int32_t>(inst) >> 20; }
constexpr std::int32_t imm_s(std::uint32_t inst) {
  return static_cast<std::int32_t>((static_cast<std::int32_t>(inst) >> 25) * 32 |
                                   static_cast<std::int32_t>(field(inst, 11, 7)));
}
constexpr std::int32_t imm_b(std::uint32_t inst) {
  std::uint32_t u = field(inst, 31, 31) << 12 | field(inst, 7, 7) << 11 | field(inst, 30, 25) << 5 |
                    field(inst, 11, 8) << 1;
  return static_cast<std::int32_t>(u << 19) >> 19;
}
constexpr std::int32_t imm_j(std::uint32_t inst) {
  std::uint32_t u = field(inst, 31, 31) << 20 | field(inst, 19, 12) << 12 | field(inst, 20, 20) << 11 |
                    field(inst, 30, 21) << 1;
  return static_cast<std::int32_t>(u << 11) >> 11;
}

struct Builder {
  std::uint32_t inst;
  DecodedInsn d;

  [[nodiscard]] std::uint8_t rd() const { return static_cast<std::uint8_t>(field(inst, 11, 7)); }
  [[nodiscard]] std::uint8_t rs1() const { return static_cast<std::uint8_t>(field(inst, 19, 15)); }
  [[nodiscard]] std::uint8_t rs2() const { return static_cast<std::uint8_t>(field(inst, 24, 20)); }
  [[nodiscard]] std::uint32_t f3() const { return field(inst, 14, 12); }
  [[nodiscard]] std::uint32_t f7() const { return field(inst, 31, 25); }

  // Integer destination: x0 writes go to the sink.
  DecodedInsn& x(Op op, std::int32_t imm = 0) {
    d.op = op;
    d.rd = rd() == 0 ? kZeroSink : rd();
    d.rs1 = rs1();
    d.rs2 = rs2();
    d.imm = imm;
    return d;
  }
  // Floating-point (or no) destination: rd is an f register number.
  DecodedInsn& f(Op op, std::int32_t imm = 0) {
    d.op = op;
    d.rd = rd();
    d.rs1 = rs1();
    d.rs2 = rs2();
    d.rs3 = static_cast<std::uint8_t>(field(inst, 31, 27));
    d.rm = static_cast<std::uint8_t>(f3());
    d.imm = imm;
    return d;
  }
  DecodedInsn& illegal() {
    d.op = Op::kIllegal;
    return d;
  }
};

// Rounding-mode fields 5 and 6 are reserved; 7 (dynamic) is checked at run time.
constexpr bool valid_rm(std::uint32_t rm) { return rm != 5 && rm != 6; }

DecodedInsn& decode_op_imm(Builder& b, bool word) {
  std::int32_t imm = imm_i(b.inst);
  if (word) {
    std::int32_t shamt = static_cast<std::int32_t>(field(b.inst, 24, 20));
    switch (b.f3()) {
      case 0:
        return b.x(Op::kAddiw, imm);
      case 1:
        return b.f7() == 0 ? b.x(Op::kSlliw, shamt) : b.illegal();
      case 5:
        if (b.f7() == 0) return b.x(Op::kSrliw, shamt);
        if (b.f7() == 0x20) return b.x(Op::kSraiw, shamt);
        return b.illegal();
      default:
        return b.illegal();
    }
  }
  std::int32_t shamt = static_cast<std::int32_t>(field(b.inst, 25, 20));
  std::uint32_t f6 = field(b.inst, 31, 26);
  switch (b.f3()) {
    case 0:
      return b.x(Op::kAddi, imm);
    case 1:
      return f6 == 0 ? b.x(Op::kSlli, shamt) : b.illegal();
    case 2:
      return b.x(Op::kSlti, imm);
    case 3:
      return b.x(Op::kSltiu, imm);
    case 4:
      return b.x(Op::kXori, imm);
    case 5:
      if (f6 == 0) return b.x(Op::kSrli, shamt);
      if (f6 == 0x10) return b.x(Op::kSrai, shamt);
      return b.illegal();
    case 6:
      return b.x(Op::kOri, imm);
    default:
      return b.x(Op::kAndi, imm);
  }
}

DecodedInsn& decode_op(Builder& b) {
  static constexpr Op kBase[8] = {Op::kAdd, Op::kSll, Op::kSlt, Op::kSltu,
                                  Op::kXor, Op::kSrl, Op::kOr,  Op::kAnd};
  static constexpr Op kMul[8] = {Op::kMul, Op::kMulh, Op::kMulhsu, Op::kMulhu,
                                 Op::kDiv, Op::kDivu, Op::kRem,    Op::kRemu};
  switch (b.f7()) {
    case 0x00:
      return b.x(kBase[b.f3()]);
    case 0x01:
      return b.x(kMul[b.f3()]);
    case 0x20:
      if (b.f3() == 0) return b.x(Op::kSub);
      if (b.f3() == 5) return b.x(Op::kSra);
      return b.illegal();
    default:
      return b.illegal();
  }
}

DecodedInsn& decode_op32(Builder& b) {
  switch (b.f7() << 3 | b.f3()) {
    case 0x00 << 3 | 0:
      return b.x(Op::kAddw);
    case 0x00 << 3 | 1:
      return b.x(Op::kSllw);
    case 0x00 << 3 | 5:
      return b.x(Op::kSrlw);
    case 0x20 << 3 | 0:
      return b.x(Op::kSubw);
    case 0x20 << 3 | 5:
      return b.x(Op::kSraw);
    case 0x01 << 3 | 0:
      return b.x(Op::kMulw);
    case 0x01 << 3 | 4:
      return b.x(Op::kDivw);
    case 0x01 << 3 | 5:
      return b.x(Op::kDivuw);
    case 0x01 << 3 | 6:
      return b.x(Op::kRemw);
    case 0x01 << 3 | 7:
      return b.x(Op::kRemuw);
    default:
      return b.illegal();
  }
}

DecodedInsn& decode_amo(Builder& b) {
  bool dword = b.f3() == 3;
  if (b.f3() != 2 && !dword) return b.illegal();
  std::uint32_t f5 = field(b.inst, 31, 27);
  Op op;
  switch (f5) {
    case 0x02:
      if (b.rs2() != 0) return b.illegal();
      op = dword ? Op::kLrD : Op::kLrW;
      break;
    case 0x03:
      op = dword ? Op::kScD : Op::kScW;
      break;
    case 0x01:
      op = dword ? Op::kAmoswapD : Op::kAmoswapW;
      break;
    case 0x00:
      op = dword ? Op::kAmoaddD : Op::kAmoaddW;
      break;
    case 0x04:
      op = dword ? Op::kAmoxorD : Op::kAmoxorW;
      break;
    case 0x0c:
      op = dword ? Op::kAmoandD : Op::kAmoandW;
      break;
    case 0x08:
      op = dword ? Op::kAmoorD : Op::kAmoorW;
      break;
    case 0x10:
      op = dword ? Op::kAmominD : Op::kAmominW;
      break;
    case 0x14:
      op = dword ? Op::kAmomaxD : Op::kAmomaxW;
      break;
    case 0x18:
      op = dword ? Op::kAmominuD : Op::kAmominuW;
      break;
    case 0x1c:
      op = dword ? Op::kAmomaxuD : Op::kAmomaxuW;
      break;
    default:
      return b.illegal();
  }
  DecodedInsn& d = b.x(op);
  d.rs3 = static_cast<std::uint8_t>(field(b.inst, 26, 25));  // aq/rl: no effect on one hart
  return d;
}

DecodedInsn& decode_system(Builder& b) {
  switch (b.f3()) {
    case 0:
      switch (b.inst) {
        case 0x00000073:
          return b.x(Op::kEcall);
        case 0x00100073:
          return b.x(Op::kEbreak);
        case 0x30200073:
          return b.x(Op::kMret);
        case 0x10500073:
          return b.x(Op::kWfi);
        default:
          return b.illegal();  // no S-mode: sret and sfence.vma are illegal
      }
    case 1:
      return b.x(Op::kCsrrw, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    case 2:
      return b.x(Op::kCsrrs, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    case 3:
      return b.x(Op::kCsrrc, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    case 5:
      return b.x(Op::kCsrrwi, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    case 6:
      return b.x(Op::kCsrrsi, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    case 7:
      return b.x(Op::kCsrrci, static_cast<std::int32_t>(field(b.inst, 31, 20)));
    default:
      return b.illegal();
  }
}

DecodedInsn& decode_fma(Builder& b, std::uint32_t opcode) {
  std::uint32_t fmt = field(b.inst, 26, 25);
  if (fmt > 1 || !valid_rm(b.f3())) return b.illegal();
  static constexpr Op kSingle[4] = {Op::kFmaddS, Op::kFmsubS, Op::kFnmsubS, Op::kFnmaddS};
  static constexpr Op kDouble[4] = {Op::kFmaddD, Op::kFmsubD, Op::kFnmsubD, Op::kFnmaddD};
  std::uint32_t which = (opcode - 0x43) >> 2;
  return b.f(fmt == 0 ? kSingle[which] : kDouble[which]);
}

DecodedInsn& decode_op_fp(Builder& b) {
  std::uint32_t f7 = b.f7();
  std::uint32_t rm = b.f3();
  std::uint32_t rs2 = b.rs2();
  bool dbl = (f7 & 1) != 0;
  auto rounding = [&](Op s, Op d) -> DecodedInsn& { return valid_rm(rm) ? b.f(dbl ? d : s) : b.illegal(); };
  auto to_int = [&](Op s, Op d) -> DecodedInsn& {
    if (!valid_rm(rm)) return b.illegal();
    DecodedInsn& r = b.x(dbl ? d : s);
    r.rm = static_cast<std::uint8_t>(rm);
    return r;
  };
  switch (f7 & ~1u) {
    case 0x00:
      return rounding(Op::kFaddS, Op::kFaddD);
    case 0x04:
      return rounding(Op::kFsubS, Op::kFsubD);
    case 0x08:
      return rounding(Op::kFmulS, Op::kFmulD);
    case 0x0c:
      return rounding(Op::kFdivS, Op::kFdivD);
    case 0x2c:
      return rs2 == 0 ? rounding(Op::kFsqrtS, Op::kFsqrtD) : b.illegal();
    case 0x10:
      if (rm == 0) return b.f(dbl ? Op::kFsgnjD : Op::kFsgnjS);
      if (rm == 1) return b.f(dbl ? Op::kFsgnjnD : Op::kFsgnjnS);
      if (rm == 2) return b.f(dbl ? Op::kFsgnjxD : Op::kFsgnjxS);
      return b.illegal();
    case 0x14:
      if (rm == 0) return b.f(dbl ? Op::kFminD : Op::kFminS);
      if (rm == 1) return b.f(dbl ? Op::kFmaxD : Op::kFmaxS);
      return b.illegal();
    case 0x20:  // fcvt.s.d (f7 0x20, rs2 1) and fcvt.d.s (f7 0x21, rs2 0)
      if (!dbl && rs2 == 1) return rounding(Op::kFcvtSD, Op::kFcvtSD);
      if (dbl && rs2 == 0) return rounding(Op::kFcvtDS, Op::kFcvtDS);
      return b.illegal();
    case 0x50:
      if (rm == 2) return b.x(dbl ? Op::kFeqD : Op::kFeqS);
      if (rm == 1) return b.x(dbl ? Op::kFltD : Op::kFltS);
      if (rm == 0) return b.x(dbl ? Op::kFleD : Op::kFleS);
      return b.illegal();
    case 0x60: {
      static constexpr Op kS[4] = {Op::kFcvtWS, Op::kFcvtWuS, Op::kFcvtLS, Op::kFcvtLuS};
      static constexpr Op kD[4] = {Op::kFcvtWD, Op::kFcvtWuD, Op::kFcvtLD, Op::kFcvtLuD};
      return rs2 < 4 ? to_int(kS[rs2], kD[rs2]) : b.illegal();
    }
    case 0x68: {
      static constexpr Op kS[4] = {Op::kFcvtSW, Op::kFcvtSWu, Op::kFcvtSL, Op::kFcvtSLu};
      static constexpr Op kD[4] = {Op::kFcvtDW, Op::kFcvtDWu, Op::kFcvtDL, Op::kFcvtDLu};
      return rs2 < 4 ? rounding(kS[rs2], kD[rs2]) : b.illegal();
    }
    case 0x70:
      if (rs2 != 0) return b.illegal();
      if (rm == 0) return b.x(dbl ? Op::kFmvXD : Op::kFmvXW);
      if (rm == 1) return b.x(dbl ? Op::kFclassD : Op::kFclassS);
      return b.illegal();
    case 0x78:
      if (rs2 != 0 || rm != 0) return b.illegal();
      return b.f(dbl ? Op::kFmvDX : Op::kFmvWX);
    default:
      return b.illegal();
  }
}

DecodedInsn decode32(std::uint32_t inst) {
  Builder b{inst, {}};
  std::uint32_t opcode = inst & 0x7f;
  switch (opcode) {
    case 0x37:
      return b.x(Op::kLui, static_cast<std::int32_t>(inst & 0xfffff000u));
    case 0x17:
      return b.x(Op::kAuipc, static_cast<std::int32_t>(inst & 0xfffff000u));
    case 0x6f:
      return b.x(Op::kJal, imm_j(inst));
    case 0x67:
      return b.f3() == 0 ? b.x(Op::kJalr, imm_i(inst)) : b.illegal();
    case 0x63: {
      static constexpr Op kOps[8] = {Op::kBeq, Op::kBne, Op::kIllegal, Op::kIllegal,
                                     Op::kBlt, Op::kBge, Op::kBltu,    Op::kBgeu};
      return kOps[b.f3()] == Op::kIllegal ? b.illegal() : b.x(kOps[b.f3()], imm_b(inst));
    }
    case 0x03: {
      static constexpr Op kOps[8] = {Op::kLb,  Op::kLh,  Op::kLw,  Op::kLd,
                                     Op::kLbu, Op::kLhu, Op::kLwu, Op::kIllegal};
      return kOps[b.f3()] == Op::kIllegal ? b.illegal() : b.x(kOps[b.f3()], imm_i(inst));
    }
    case 0x23: {
      static constexpr Op kOps[4] = {Op::kSb, Op::kSh, Op::kSw, Op::kSd};
      return b.f3() < 4 ? b.f(kOps[b.f3()], imm_s(inst)) : b.illegal();
    }
    case 0x13:
      return decode_op_imm(b, false);
    case 0x1b:
      return decode_op_imm(b, true);
    case 0x33:
      return decode_op(b);
    case 0x3b:
      return decode_op32(b);
    case 0x0f:
      if (b.f3() == 0) return b.x(Op::kFence);
      if (b.f3() == 1) return b.x(Op::kFenceI);
      return b.illegal();
    case 0x73:
      return decode_system(b);
    case 0x2f:
      return decode_amo(b);
    case 0x07:
      if (b.f3() == 2) return b.f(Op::kFlw, imm_i(inst));
      if (b.f3() == 3) return b.f(Op::kFld, imm_i(inst));
      return b.illegal();
    case 0x27:
      if (b.f3() == 2) return b.f(Op::kFsw, imm_s(inst));
      if (b.f3() == 3) return b.f(Op::kFsd, imm_s(inst));
      return b.illegal();
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
      return decode_fma(b, opcode);
    case 0x53:
      return decode_op_fp(b);
    default:
      return b.illegal();
  }
}

}  // namespace

DecodedInsn decode(std::uint32_t raw) {
  if ((raw & 3) != 3) {
    auto parcel = static_cast<std::uint16_t>(raw);
    std::uint32_t expanded = expand_compressed(parcel);
    DecodedInsn d = expanded == 0 ? DecodedInsn{Op::kIllegal} : decode32(expanded);
    d.length = 2;
    d.raw = parcel;
    return d;
  }
  DecodedInsn d = decode32(raw);
  d.length = 4;
  d.raw = raw;
  return d;
}

const char* mnemonic(Op op) {
  static constexpr const char* kNames[] = {
#define VMM_OP_NAME(name, text, format) text,
      VMM_RV_OPS(VMM_OP_NAME)
#undef VMM_OP_NAME
  };
  auto index = static_cast<std::size_t>(op);
  return index < kOpCount ? kNames[index] : "?";
}

}  // namespace vmm::isa
