#pragma once
// Every RV64GC operation the decoder produces, defined once. The interpreter
// has one handler per entry, the disassembler one printer per entry; adding
// an operation here without both fails to compile.
#include <cstdint>

// clang-format off
// X(name, mnemonic, format)
// Formats drive the disassembler: R (rd,rs1,rs2), I (rd,rs1,imm), S (rs2,imm(rs1)),
// B (rs1,rs2,target), U (rd,imm), J (rd,target), L (rd,imm(rs1)), N (no operands),
// C (csr), CI (csr imm), A (atomic), F* floating point variants.
#define VMM_RV_OPS(X)                                                                                 \
  /* internal */                                                                                      \
  X(kNeedsDecode, "<decode>", N) X(kIllegal, "illegal", N) X(kPageExit, "<page-exit>", N)             \
  /* RV64I */                                                                                         \
  X(kLui, "lui", U) X(kAuipc, "auipc", U) X(kJal, "jal", J) X(kJalr, "jalr", L)                       \
  X(kBeq, "beq", B) X(kBne, "bne", B) X(kBlt, "blt", B) X(kBge, "bge", B) X(kBltu, "bltu", B)         \
  X(kBgeu, "bgeu", B) X(kLb, "lb", L) X(kLh, "lh", L) X(kLw, "lw", L) X(kLd, "ld", L)                 \
  X(kLbu, "lbu", L) X(kLhu, "lhu", L) X(kLwu, "lwu", L) X(kSb, "sb", S) X(kSh, "sh", S)               \
  X(kSw, "sw", S) X(kSd, "sd", S) X(kAddi, "addi", I) X(kSlti, "slti", I) X(kSltiu, "sltiu", I)       \
  X(kXori, "xori", I) X(kOri, "ori", I) X(kAndi, "andi", I) X(kSlli, "slli", I) X(kSrli, "srli", I)   \
  X(kSrai, "srai", I) X(kAdd, "add", R) X(kSub, "sub", R) X(kSll, "sll", R) X(kSlt, "slt", R)         \
  X(kSltu, "sltu", R) X(kXor, "xor", R) X(kSrl, "srl", R) X(kSra, "sra", R) X(kOr, "or", R)           \
  X(kAnd, "and", R) X(kAddiw, "addiw", I) X(kSlliw, "slliw", I) X(kSrliw, "srliw", I)                 \
  X(kSraiw, "sraiw", I) X(kAddw, "addw", R) X(kSubw, "subw", R) X(kSllw, "sllw", R)                   \
  X(kSrlw, "srlw", R) X(kSraw, "sraw", R) X(kFence, "fence", N) X(kFenceI, "fence.i", N)              \
  X(kEcall, "ecall", N) X(kEbreak, "ebreak", N) X(kMret, "mret", N) X(kWfi, "wfi", N)                 \
  /* Zicsr: imm holds the CSR number, rs1 the register or the 5-bit immediate */                      \
  X(kCsrrw, "csrrw", C) X(kCsrrs, "csrrs", C) X(kCsrrc, "csrrc", C) X(kCsrrwi, "csrrwi", CI)          \
  X(kCsrrsi, "csrrsi", CI) X(kCsrrci, "csrrci", CI)                                                   \
  /* M */                                                                                             \
  X(kMul, "mul", R) X(kMulh, "mulh", R) X(kMulhsu, "mulhsu", R) X(kMulhu, "mulhu", R)                 \
  X(kDiv, "div", R) X(kDivu, "divu", R) X(kRem, "rem", R) X(kRemu, "remu", R) X(kMulw, "mulw", R)     \
  X(kDivw, "divw", R) X(kDivuw, "divuw", R) X(kRemw, "remw", R) X(kRemuw, "remuw", R)                 \
  /* A */                                                                                             \
  X(kLrW, "lr.w", A) X(kScW, "sc.w", A) X(kAmoswapW, "amoswap.w", A) X(kAmoaddW, "amoadd.w", A)       \
  X(kAmoxorW, "amoxor.w", A) X(kAmoandW, "amoand.w", A) X(kAmoorW, "amoor.w", A)                      \
  X(kAmominW, "amomin.w", A) X(kAmomaxW, "amomax.w", A) X(kAmominuW, "amominu.w", A)                  \
  X(kAmomaxuW, "amomaxu.w", A) X(kLrD, "lr.d", A) X(kScD, "sc.d", A) X(kAmoswapD, "amoswap.d", A)     \
  X(kAmoaddD, "amoadd.d", A) X(kAmoxorD, "amoxor.d", A) X(kAmoandD, "amoand.d", A)                    \
  X(kAmoorD, "amoor.d", A) X(kAmominD, "amomin.d", A) X(kAmomaxD, "amomax.d", A)                      \
  X(kAmominuD, "amominu.d", A) X(kAmomaxuD, "amomaxu.d", A)                                           \
  /* F and D: loads/stores */                                                                         \
  X(kFlw, "flw", FL) X(kFsw, "fsw", FS) X(kFld, "fld", FL) X(kFsd, "fsd", FS)                         \
  /* fused multiply-add: rs3 used, rm in rm */                                                        \
  X(kFmaddS, "fmadd.s", F4) X(kFmsubS, "fmsub.s", F4) X(kFnmsubS, "fnmsub.s", F4)                     \
  X(kFnmaddS, "fnmadd.s", F4) X(kFmaddD, "fmadd.d", F4) X(kFmsubD, "fmsub.d", F4)                     \
  X(kFnmsubD, "fnmsub.d", F4) X(kFnmaddD, "fnmadd.d", F4)                                             \
  /* single */                                                                                        \
  X(kFaddS, "fadd.s", F3) X(kFsubS, "fsub.s", F3) X(kFmulS, "fmul.s", F3) X(kFdivS, "fdiv.s", F3)     \
  X(kFsqrtS, "fsqrt.s", F2) X(kFsgnjS, "fsgnj.s", F3) X(kFsgnjnS, "fsgnjn.s", F3)                     \
  X(kFsgnjxS, "fsgnjx.s", F3) X(kFminS, "fmin.s", F3) X(kFmaxS, "fmax.s", F3)                         \
  X(kFcvtWS, "fcvt.w.s", XF) X(kFcvtWuS, "fcvt.wu.s", XF) X(kFcvtLS, "fcvt.l.s", XF)                  \
  X(kFcvtLuS, "fcvt.lu.s", XF) X(kFmvXW, "fmv.x.w", XF) X(kFeqS, "feq.s", XFF) X(kFltS, "flt.s", XFF) \
  X(kFleS, "fle.s", XFF) X(kFclassS, "fclass.s", XF) X(kFcvtSW, "fcvt.s.w", FX)                       \
  X(kFcvtSWu, "fcvt.s.wu", FX) X(kFcvtSL, "fcvt.s.l", FX) X(kFcvtSLu, "fcvt.s.lu", FX)                \
  X(kFmvWX, "fmv.w.x", FX)                                                                            \
  /* double */                                                                                        \
  X(kFaddD, "fadd.d", F3) X(kFsubD, "fsub.d", F3) X(kFmulD, "fmul.d", F3) X(kFdivD, "fdiv.d", F3)     \
  X(kFsqrtD, "fsqrt.d", F2) X(kFsgnjD, "fsgnj.d", F3) X(kFsgnjnD, "fsgnjn.d", F3)                     \
  X(kFsgnjxD, "fsgnjx.d", F3) X(kFminD, "fmin.d", F3) X(kFmaxD, "fmax.d", F3)                         \
  X(kFcvtSD, "fcvt.s.d", F2) X(kFcvtDS, "fcvt.d.s", F2) X(kFeqD, "feq.d", XFF) X(kFltD, "flt.d", XFF) \
  X(kFleD, "fle.d", XFF) X(kFclassD, "fclass.d", XF) X(kFcvtWD, "fcvt.w.d", XF)                       \
  X(kFcvtWuD, "fcvt.wu.d", XF) X(kFcvtLD, "fcvt.l.d", XF) X(kFcvtLuD, "fcvt.lu.d", XF)                \
  X(kFmvXD, "fmv.x.d", XF) X(kFcvtDW, "fcvt.d.w", FX) X(kFcvtDWu, "fcvt.d.wu", FX)                    \
  X(kFcvtDL, "fcvt.d.l", FX) X(kFcvtDLu, "fcvt.d.lu", FX) X(kFmvDX, "fmv.d.x", FX)

// clang-format on

namespace vmm::isa {

enum class Op : std::uint16_t {
#define VMM_OP_ENUM(name, mnemonic, format) name,
  VMM_RV_OPS(VMM_OP_ENUM)
#undef VMM_OP_ENUM
      kCount
};
// Zero bytes read as "not decoded yet": a decode-cache page fresh from the
// host (zero-filled) needs no initialisation.
static_assert(static_cast<int>(Op::kNeedsDecode) == 0);

inline constexpr std::size_t kOpCount = static_cast<std::size_t>(Op::kCount);

/// Mnemonic of an operation ("addi", "fcvt.w.s"...).
const char* mnemonic(Op op);

}  // namespace vmm::isa
