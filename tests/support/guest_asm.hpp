#pragma once
// A tiny RV64GC encoder for unit tests, and a TestMachine fixture helper.
//
// Encoders follow the base formats of the unprivileged spec (chapter "RV32I
// Base Integer Instruction Set", section "Base Instruction Formats" and
// "Immediate Encoding Variants"); opcodes and funct fields are those of the
// "RV32/64G Instruction Set Listings" chapter. They are deliberately written
// without any code from src/isa, so a test never checks the decoder against
// itself. Compressed instructions are given as literal 16-bit constants in the
// tests (checked against the GNU assembler), not encoded here.
//
// Operand order follows assembly syntax:
//   addi(rd, rs1, imm)          add(rd, rs1, rs2)
//   lw(rd, imm, rs1)            "lw rd, imm(rs1)"
//   sw(rs2, imm, rs1)           "sw rs2, imm(rs1)"
//   beq(rs1, rs2, offset)       offset relative to the branch
//   jal(rd, offset)             jalr(rd, rs1, imm)
//   lr_w(rd, rs1)               sc_w(rd, rs2, rs1)   amoadd_w(rd, rs2, rs1)
//   csrrw(rd, csr, rs1)         csrrwi(rd, csr, uimm)
//   fadd_s(rd, rs1, rs2, rm)    rm defaults to kDyn (7)
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "vmm/core/types.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::test {

namespace reg {
inline constexpr unsigned zero = 0, ra = 1, sp = 2, gp = 3, tp = 4, t0 = 5, t1 = 6, t2 = 7, s0 = 8, s1 = 9,
                          a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14, a5 = 15, a6 = 16, a7 = 17, s2 = 18,
                          s3 = 19, s4 = 20, s5 = 21, s6 = 22, s7 = 23, s8 = 24, s9 = 25, s10 = 26, s11 = 27,
                          t3 = 28, t4 = 29, t5 = 30, t6 = 31;
// Floating-point registers (ABI names).
inline constexpr unsigned ft0 = 0, ft1 = 1, ft2 = 2, ft3 = 3, fs0 = 8, fs1 = 9, fa0 = 10, fa1 = 11, fa2 = 12,
                          fa3 = 13, fa4 = 14, fa5 = 15, ft11 = 31;
}  // namespace reg

namespace rv {

/// Rounding-mode field values (unprivileged spec, "Rounding mode encoding").
inline constexpr unsigned kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4, kDyn = 7;

// ---- formats ----------------------------------------------------------------
constexpr std::uint32_t r_type(std::uint32_t opcode, unsigned rd, unsigned f3, unsigned rs1, unsigned rs2,
                               unsigned f7) {
  return opcode | (rd & 31u) << 7 | (f3 & 7u) << 12 | (rs1 & 31u) << 15 | (rs2 & 31u) << 20 |
         (f7 & 0x7fu) << 25;
}
constexpr std::uint32_t i_type(std::uint32_t opcode, unsigned rd, unsigned f3, unsigned rs1,
                               std::int32_t imm) {
  return opcode | (rd & 31u) << 7 | (f3 & 7u) << 12 | (rs1 & 31u) << 15 |
         (static_cast<std::uint32_t>(imm) & 0xfffu) << 20;
}
constexpr std::uint32_t s_type(std::uint32_t opcode, unsigned f3, unsigned rs1, unsigned rs2,
                               std::int32_t imm) {
  auto u = static_cast<std::uint32_t>(imm);
  return opcode | (u & 0x1fu) << 7 | (f3 & 7u) << 12 | (rs1 & 31u) << 15 | (rs2 & 31u) << 20 |
         ((u >> 5) & 0x7fu) << 25;
}
/// B-type: imm[12|10:5] in 31:25, imm[4:1|11] in 11:7.
constexpr std::uint32_t b_type(unsigned f3, unsigned rs1, unsigned rs2, std::int32_t offset) {
  auto u = static_cast<std::uint32_t>(offset);
  return 0x63u | ((u >> 11) & 1u) << 7 | ((u >> 1) & 0xfu) << 8 | (f3 & 7u) << 12 | (rs1 & 31u) << 15 |
         (rs2 & 31u) << 20 | ((u >> 5) & 0x3fu) << 25 | ((u >> 12) & 1u) << 31;
}
/// U-type: the 20-bit field placed in bits 31:12.
constexpr std::uint32_t u_type(std::uint32_t opcode, unsigned rd, std::uint32_t imm20) {
  return opcode | (rd & 31u) << 7 | (imm20 & 0xfffffu) << 12;
}
/// J-type: imm[20|10:1|11|19:12] in 31:12.
constexpr std::uint32_t j_type(unsigned rd, std::int32_t offset) {
  auto u = static_cast<std::uint32_t>(offset);
  return 0x6fu | (rd & 31u) << 7 | ((u >> 12) & 0xffu) << 12 | ((u >> 11) & 1u) << 20 |
         ((u >> 1) & 0x3ffu) << 21 | ((u >> 20) & 1u) << 31;
}

// ---- RV64I --------------------------------------------------------------------
constexpr std::uint32_t lui(unsigned rd, std::uint32_t imm20) { return u_type(0x37, rd, imm20); }
constexpr std::uint32_t auipc(unsigned rd, std::uint32_t imm20) { return u_type(0x17, rd, imm20); }
constexpr std::uint32_t jal(unsigned rd, std::int32_t offset) { return j_type(rd, offset); }
constexpr std::uint32_t jalr(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x67, rd, 0, rs1, imm);
}

constexpr std::uint32_t beq(unsigned rs1, unsigned rs2, std::int32_t off) { return b_type(0, rs1, rs2, off); }
constexpr std::uint32_t bne(unsigned rs1, unsigned rs2, std::int32_t off) { return b_type(1, rs1, rs2, off); }
constexpr std::uint32_t blt(unsigned rs1, unsigned rs2, std::int32_t off) { return b_type(4, rs1, rs2, off); }
constexpr std::uint32_t bge(unsigned rs1, unsigned rs2, std::int32_t off) { return b_type(5, rs1, rs2, off); }
constexpr std::uint32_t bltu(unsigned rs1, unsigned rs2, std::int32_t off) {
  return b_type(6, rs1, rs2, off);
}
constexpr std::uint32_t bgeu(unsigned rs1, unsigned rs2, std::int32_t off) {
  return b_type(7, rs1, rs2, off);
}

constexpr std::uint32_t lb(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 0, rs1, imm);
}
constexpr std::uint32_t lh(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 1, rs1, imm);
}
constexpr std::uint32_t lw(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 2, rs1, imm);
}
constexpr std::uint32_t ld(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 3, rs1, imm);
}
constexpr std::uint32_t lbu(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 4, rs1, imm);
}
constexpr std::uint32_t lhu(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 5, rs1, imm);
}
constexpr std::uint32_t lwu(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x03, rd, 6, rs1, imm);
}
constexpr std::uint32_t sb(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x23, 0, rs1, rs2, imm);
}
constexpr std::uint32_t sh(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x23, 1, rs1, rs2, imm);
}
constexpr std::uint32_t sw(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x23, 2, rs1, rs2, imm);
}
constexpr std::uint32_t sd(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x23, 3, rs1, rs2, imm);
}

constexpr std::uint32_t addi(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 0, rs1, imm);
}
constexpr std::uint32_t slti(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 2, rs1, imm);
}
constexpr std::uint32_t sltiu(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 3, rs1, imm);
}
constexpr std::uint32_t xori(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 4, rs1, imm);
}
constexpr std::uint32_t ori(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 6, rs1, imm);
}
constexpr std::uint32_t andi(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x13, rd, 7, rs1, imm);
}
/// RV64 shifts by immediate: 6-bit shamt, funct6 in 31:26.
constexpr std::uint32_t slli(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x13, rd, 1, rs1, static_cast<std::int32_t>(shamt & 63u));
}
constexpr std::uint32_t srli(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x13, rd, 5, rs1, static_cast<std::int32_t>(shamt & 63u));
}
constexpr std::uint32_t srai(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x13, rd, 5, rs1, static_cast<std::int32_t>(0x400u | (shamt & 63u)));
}
constexpr std::uint32_t addiw(unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(0x1b, rd, 0, rs1, imm);
}
constexpr std::uint32_t slliw(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x1b, rd, 1, rs1, static_cast<std::int32_t>(shamt & 31u));
}
constexpr std::uint32_t srliw(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x1b, rd, 5, rs1, static_cast<std::int32_t>(shamt & 31u));
}
constexpr std::uint32_t sraiw(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(0x1b, rd, 5, rs1, static_cast<std::int32_t>(0x400u | (shamt & 31u)));
}

constexpr std::uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 0, rs1, rs2, 0);
}
constexpr std::uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 0, rs1, rs2, 0x20);
}
constexpr std::uint32_t sll(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 1, rs1, rs2, 0);
}
constexpr std::uint32_t slt(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 2, rs1, rs2, 0);
}
constexpr std::uint32_t sltu(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 3, rs1, rs2, 0);
}
constexpr std::uint32_t xor_(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 4, rs1, rs2, 0);
}
constexpr std::uint32_t srl(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 5, rs1, rs2, 0);
}
constexpr std::uint32_t sra(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 5, rs1, rs2, 0x20);
}
constexpr std::uint32_t or_(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 6, rs1, rs2, 0);
}
constexpr std::uint32_t and_(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 7, rs1, rs2, 0);
}
constexpr std::uint32_t addw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 0, rs1, rs2, 0);
}
constexpr std::uint32_t subw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 0, rs1, rs2, 0x20);
}
constexpr std::uint32_t sllw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 1, rs1, rs2, 0);
}
constexpr std::uint32_t srlw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 5, rs1, rs2, 0);
}
constexpr std::uint32_t sraw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 5, rs1, rs2, 0x20);
}

/// fence with pred/succ = iorw (0x0ff00000 | opcode), the assembler's plain "fence".
constexpr std::uint32_t fence() { return 0x0ff0000fu; }
constexpr std::uint32_t fence_i() { return 0x0000100fu; }
constexpr std::uint32_t ecall() { return 0x00000073u; }
constexpr std::uint32_t ebreak() { return 0x00100073u; }
constexpr std::uint32_t mret() { return 0x30200073u; }
constexpr std::uint32_t sret() { return 0x10200073u; }
constexpr std::uint32_t wfi() { return 0x10500073u; }
constexpr std::uint32_t sfence_vma(unsigned rs1, unsigned rs2) { return r_type(0x73, 0, 0, rs1, rs2, 0x09); }
constexpr std::uint32_t nop() { return addi(0, 0, 0); }

// ---- M ------------------------------------------------------------------------
constexpr std::uint32_t mul(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 0, rs1, rs2, 1);
}
constexpr std::uint32_t mulh(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 1, rs1, rs2, 1);
}
constexpr std::uint32_t mulhsu(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 2, rs1, rs2, 1);
}
constexpr std::uint32_t mulhu(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 3, rs1, rs2, 1);
}
constexpr std::uint32_t div(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 4, rs1, rs2, 1);
}
constexpr std::uint32_t divu(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 5, rs1, rs2, 1);
}
constexpr std::uint32_t rem(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 6, rs1, rs2, 1);
}
constexpr std::uint32_t remu(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x33, rd, 7, rs1, rs2, 1);
}
constexpr std::uint32_t mulw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 0, rs1, rs2, 1);
}
constexpr std::uint32_t divw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 4, rs1, rs2, 1);
}
constexpr std::uint32_t divuw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 5, rs1, rs2, 1);
}
constexpr std::uint32_t remw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 6, rs1, rs2, 1);
}
constexpr std::uint32_t remuw(unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(0x3b, rd, 7, rs1, rs2, 1);
}

// ---- A ------------------------------------------------------------------------
/// AMO format: funct5 in 31:27, aq in 26, rl in 25, width (2 = .w, 3 = .d) in funct3.
constexpr std::uint32_t amo(unsigned funct5, unsigned width, unsigned rd, unsigned rs2, unsigned rs1,
                            bool aq = false, bool rl = false) {
  return r_type(0x2f, rd, width, rs1, rs2, (funct5 & 31u) << 2 | (aq ? 2u : 0u) | (rl ? 1u : 0u));
}
inline constexpr unsigned kAmoAdd = 0x00, kAmoSwap = 0x01, kLr = 0x02, kSc = 0x03, kAmoXor = 0x04,
                          kAmoOr = 0x08, kAmoAnd = 0x0c, kAmoMin = 0x10, kAmoMax = 0x14, kAmoMinu = 0x18,
                          kAmoMaxu = 0x1c;
constexpr std::uint32_t lr_w(unsigned rd, unsigned rs1) { return amo(kLr, 2, rd, 0, rs1); }
constexpr std::uint32_t lr_d(unsigned rd, unsigned rs1) { return amo(kLr, 3, rd, 0, rs1); }
constexpr std::uint32_t sc_w(unsigned rd, unsigned rs2, unsigned rs1) { return amo(kSc, 2, rd, rs2, rs1); }
constexpr std::uint32_t sc_d(unsigned rd, unsigned rs2, unsigned rs1) { return amo(kSc, 3, rd, rs2, rs1); }
#define VMM_TEST_AMO(name, f5)                                                \
  constexpr std::uint32_t name##_w(unsigned rd, unsigned rs2, unsigned rs1) { \
    return amo(f5, 2, rd, rs2, rs1);                                          \
  }                                                                           \
  constexpr std::uint32_t name##_d(unsigned rd, unsigned rs2, unsigned rs1) { \
    return amo(f5, 3, rd, rs2, rs1);                                          \
  }
VMM_TEST_AMO(amoswap, kAmoSwap)
VMM_TEST_AMO(amoadd, kAmoAdd)
VMM_TEST_AMO(amoxor, kAmoXor)
VMM_TEST_AMO(amoand, kAmoAnd)
VMM_TEST_AMO(amoor, kAmoOr)
VMM_TEST_AMO(amomin, kAmoMin)
VMM_TEST_AMO(amomax, kAmoMax)
VMM_TEST_AMO(amominu, kAmoMinu)
VMM_TEST_AMO(amomaxu, kAmoMaxu)
#undef VMM_TEST_AMO

// ---- Zicsr --------------------------------------------------------------------
constexpr std::uint32_t csr_type(unsigned f3, unsigned rd, std::uint32_t csr, unsigned rs1_or_uimm) {
  return 0x73u | (rd & 31u) << 7 | (f3 & 7u) << 12 | (rs1_or_uimm & 31u) << 15 | (csr & 0xfffu) << 20;
}
constexpr std::uint32_t csrrw(unsigned rd, std::uint32_t csr, unsigned rs1) {
  return csr_type(1, rd, csr, rs1);
}
constexpr std::uint32_t csrrs(unsigned rd, std::uint32_t csr, unsigned rs1) {
  return csr_type(2, rd, csr, rs1);
}
constexpr std::uint32_t csrrc(unsigned rd, std::uint32_t csr, unsigned rs1) {
  return csr_type(3, rd, csr, rs1);
}
constexpr std::uint32_t csrrwi(unsigned rd, std::uint32_t csr, unsigned uimm) {
  return csr_type(5, rd, csr, uimm);
}
constexpr std::uint32_t csrrsi(unsigned rd, std::uint32_t csr, unsigned uimm) {
  return csr_type(6, rd, csr, uimm);
}
constexpr std::uint32_t csrrci(unsigned rd, std::uint32_t csr, unsigned uimm) {
  return csr_type(7, rd, csr, uimm);
}
/// Pseudo-instructions: csrr rd, csr = csrrs rd, csr, x0; csrw csr, rs = csrrw x0, csr, rs.
constexpr std::uint32_t csrr(unsigned rd, std::uint32_t csr) { return csrrs(rd, csr, 0); }
constexpr std::uint32_t csrw(std::uint32_t csr, unsigned rs1) { return csrrw(0, csr, rs1); }

// ---- F and D --------------------------------------------------------------------
constexpr std::uint32_t flw(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x07, rd, 2, rs1, imm);
}
constexpr std::uint32_t fld(unsigned rd, std::int32_t imm, unsigned rs1) {
  return i_type(0x07, rd, 3, rs1, imm);
}
constexpr std::uint32_t fsw(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x27, 2, rs1, rs2, imm);
}
constexpr std::uint32_t fsd(unsigned rs2, std::int32_t imm, unsigned rs1) {
  return s_type(0x27, 3, rs1, rs2, imm);
}

/// OP-FP: funct7 = funct5 << 2 | fmt (0 = S, 1 = D); funct3 = rm or a function code.
constexpr std::uint32_t op_fp(unsigned funct5, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                              unsigned f3) {
  return r_type(0x53, rd, f3, rs1, rs2, (funct5 & 31u) << 2 | (fmt & 3u));
}
/// R4 (fused multiply-add): rs3 in 31:27, fmt in 26:25.
constexpr std::uint32_t r4_type(std::uint32_t opcode, unsigned fmt, unsigned rd, unsigned rs1, unsigned rs2,
                                unsigned rs3, unsigned rm) {
  return r_type(opcode, rd, rm, rs1, rs2, (rs3 & 31u) << 2 | (fmt & 3u));
}
constexpr std::uint32_t fmadd_s(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x43, 0, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fmadd_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x43, 1, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fmsub_s(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x47, 0, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fnmsub_s(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x4b, 0, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fnmadd_s(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x4f, 0, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fmsub_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x47, 1, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fnmsub_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x4b, 1, rd, rs1, rs2, rs3, rm);
}
constexpr std::uint32_t fnmadd_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rs3, unsigned rm = kDyn) {
  return r4_type(0x4f, 1, rd, rs1, rs2, rs3, rm);
}

#define VMM_TEST_FP3(name, f5)                                                                    \
  constexpr std::uint32_t name##_s(unsigned rd, unsigned rs1, unsigned rs2, unsigned rm = kDyn) { \
    return op_fp(f5, 0, rd, rs1, rs2, rm);                                                        \
  }                                                                                               \
  constexpr std::uint32_t name##_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rm = kDyn) { \
    return op_fp(f5, 1, rd, rs1, rs2, rm);                                                        \
  }
VMM_TEST_FP3(fadd, 0x00)
VMM_TEST_FP3(fsub, 0x01)
VMM_TEST_FP3(fmul, 0x02)
VMM_TEST_FP3(fdiv, 0x03)
#undef VMM_TEST_FP3
constexpr std::uint32_t fsqrt_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x0b, 0, rd, rs1, 0, rm);
}
constexpr std::uint32_t fsqrt_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x0b, 1, rd, rs1, 0, rm);
}
constexpr std::uint32_t fsgnj_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 0, rd, rs1, rs2, 0);
}
constexpr std::uint32_t fsgnjn_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 0, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fsgnjx_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 0, rd, rs1, rs2, 2);
}
constexpr std::uint32_t fsgnj_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 1, rd, rs1, rs2, 0);
}
constexpr std::uint32_t fsgnjn_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 1, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fsgnjx_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x04, 1, rd, rs1, rs2, 2);
}
constexpr std::uint32_t fmin_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x05, 0, rd, rs1, rs2, 0);
}
constexpr std::uint32_t fmax_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x05, 0, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fmin_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x05, 1, rd, rs1, rs2, 0);
}
constexpr std::uint32_t fmax_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x05, 1, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fcvt_s_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x08, 0, rd, rs1, 1, rm);
}
constexpr std::uint32_t fcvt_d_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x08, 1, rd, rs1, 0, rm);
}
constexpr std::uint32_t feq_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 0, rd, rs1, rs2, 2);
}
constexpr std::uint32_t flt_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 0, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fle_s(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 0, rd, rs1, rs2, 0);
}
constexpr std::uint32_t feq_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 1, rd, rs1, rs2, 2);
}
constexpr std::uint32_t flt_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 1, rd, rs1, rs2, 1);
}
constexpr std::uint32_t fle_d(unsigned rd, unsigned rs1, unsigned rs2) {
  return op_fp(0x14, 1, rd, rs1, rs2, 0);
}
// fcvt between integer and float: rs2 selects W (0), WU (1), L (2), LU (3).
constexpr std::uint32_t fcvt_w_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 0, rd, rs1, 0, rm);
}
constexpr std::uint32_t fcvt_wu_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 0, rd, rs1, 1, rm);
}
constexpr std::uint32_t fcvt_l_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 0, rd, rs1, 2, rm);
}
constexpr std::uint32_t fcvt_lu_s(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 0, rd, rs1, 3, rm);
}
constexpr std::uint32_t fcvt_w_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 1, rd, rs1, 0, rm);
}
constexpr std::uint32_t fcvt_wu_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 1, rd, rs1, 1, rm);
}
constexpr std::uint32_t fcvt_l_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 1, rd, rs1, 2, rm);
}
constexpr std::uint32_t fcvt_lu_d(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x18, 1, rd, rs1, 3, rm);
}
constexpr std::uint32_t fcvt_s_w(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x1a, 0, rd, rs1, 0, rm);
}
constexpr std::uint32_t fcvt_s_l(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x1a, 0, rd, rs1, 2, rm);
}
constexpr std::uint32_t fcvt_d_w(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x1a, 1, rd, rs1, 0, rm);
}
constexpr std::uint32_t fcvt_d_l(unsigned rd, unsigned rs1, unsigned rm = kDyn) {
  return op_fp(0x1a, 1, rd, rs1, 2, rm);
}
constexpr std::uint32_t fmv_x_w(unsigned rd, unsigned rs1) { return op_fp(0x1c, 0, rd, rs1, 0, 0); }
constexpr std::uint32_t fmv_x_d(unsigned rd, unsigned rs1) { return op_fp(0x1c, 1, rd, rs1, 0, 0); }
constexpr std::uint32_t fclass_s(unsigned rd, unsigned rs1) { return op_fp(0x1c, 0, rd, rs1, 0, 1); }
constexpr std::uint32_t fclass_d(unsigned rd, unsigned rs1) { return op_fp(0x1c, 1, rd, rs1, 0, 1); }
constexpr std::uint32_t fmv_w_x(unsigned rd, unsigned rs1) { return op_fp(0x1e, 0, rd, rs1, 0, 0); }
constexpr std::uint32_t fmv_d_x(unsigned rd, unsigned rs1) { return op_fp(0x1e, 1, rd, rs1, 0, 0); }

}  // namespace rv

/// One hart with 1 MiB of RWX RAM at 0x80000000, in M-mode at the RAM base,
/// with mstatus.FS = Initial (the FPU is on, as a guest's boot code would leave
/// it); writes to decoded code invalidate the decode cache as in BareMachine.
class TestMachine {
 public:
  static constexpr GuestAddr kRamBase = 0x80000000;
  static constexpr std::uint64_t kRamSize = 1u << 20;
  static constexpr GuestAddr kRamEnd = kRamBase + kRamSize;
  /// A scratch data area far from the code pages at the RAM base.
  static constexpr GuestAddr kDataBase = kRamBase + 0x80000;
  /// mstatus.FS = 1 (Initial), privileged spec §3.1.6.6.
  static constexpr std::uint64_t kMstatusFsInitial = std::uint64_t{1} << 13;

  TestMachine() {
    if (!space.add_ram(kRamBase, kRamSize, memory::kPermRWX)) throw std::runtime_error("add_ram failed");
    hart.pc = kRamBase;
    hart.priv = cpu::Privilege::kMachine;
    hart.mstatus = kMstatusFsInitial;
    space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
      if (kind == memory::kWatchCode) interp.invalidate_code_page(page);
    });
  }
  TestMachine(const TestMachine&) = delete;
  TestMachine& operator=(const TestMachine&) = delete;

  /// Writes instructions (little-endian words) at `addr` as a loader would.
  void load_code(const std::vector<std::uint32_t>& code, GuestAddr addr = kRamBase) {
    load_bytes(addr, code.data(), code.size() * sizeof(std::uint32_t));
  }
  /// Writes 16-bit parcels (compressed code, or halves of 32-bit instructions).
  void load_parcels(const std::vector<std::uint16_t>& parcels, GuestAddr addr) {
    load_bytes(addr, parcels.data(), parcels.size() * sizeof(std::uint16_t));
  }
  void load_bytes(GuestAddr addr, const void* data, std::size_t len) {
    if (!memory.poke_bytes(addr, data, len)) throw std::runtime_error("load_bytes outside RAM");
  }
  void load_bytes(GuestAddr addr, const std::vector<std::uint8_t>& bytes) {
    load_bytes(addr, bytes.data(), bytes.size());
  }

  template <typename T>
  void poke(GuestAddr addr, T value) {
    load_bytes(addr, &value, sizeof(T));
  }
  template <typename T>
  T peek(GuestAddr addr) {
    T value{};
    if (!memory.read_bytes(addr, &value, sizeof(T))) throw std::runtime_error("peek outside readable RAM");
    return value;
  }

  cpu::Stop run(std::uint64_t budget) { return interp.run(budget); }

  std::uint64_t& x(unsigned n) { return hart.x[n]; }

  memory::AddressSpace space;
  memory::GuestMemory memory{space};
  cpu::HartState hart;
  cpu::Interpreter interp{hart, memory};
};

}  // namespace vmm::test
