#pragma once
// Small RV64 guest kernels for the interpreter benchmarks, encoded by hand
// (unprivileged spec, "RV32/64G Instruction Set Listings").
#include <cstdint>
#include <vector>

namespace bench {

constexpr std::uint32_t r_type(std::uint32_t f7, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3,
                               std::uint32_t rd, std::uint32_t op) {
  return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
constexpr std::uint32_t i_type(std::int32_t imm, std::uint32_t rs1, std::uint32_t f3, std::uint32_t rd,
                               std::uint32_t op) {
  return (static_cast<std::uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
constexpr std::uint32_t s_type(std::int32_t imm, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3) {
  auto u = static_cast<std::uint32_t>(imm);
  return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}
constexpr std::uint32_t b_type(std::int32_t imm, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3) {
  auto u = static_cast<std::uint32_t>(imm);
  return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
         (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}
constexpr std::uint32_t addi(std::uint32_t rd, std::uint32_t rs1, std::int32_t imm) {
  return i_type(imm, rs1, 0, rd, 0x13);
}
constexpr std::uint32_t xori(std::uint32_t rd, std::uint32_t rs1, std::int32_t imm) {
  return i_type(imm, rs1, 4, rd, 0x13);
}
constexpr std::uint32_t slli(std::uint32_t rd, std::uint32_t rs1, std::int32_t sh) {
  return i_type(sh, rs1, 1, rd, 0x13);
}
constexpr std::uint32_t srli(std::uint32_t rd, std::uint32_t rs1, std::int32_t sh) {
  return i_type(sh, rs1, 5, rd, 0x13);
}
constexpr std::uint32_t andi(std::uint32_t rd, std::uint32_t rs1, std::int32_t imm) {
  return i_type(imm, rs1, 7, rd, 0x13);
}
constexpr std::uint32_t add(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return r_type(0, rs2, rs1, 0, rd, 0x33);
}
constexpr std::uint32_t sub(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return r_type(0x20, rs2, rs1, 0, rd, 0x33);
}
constexpr std::uint32_t xor_(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return r_type(0, rs2, rs1, 4, rd, 0x33);
}
constexpr std::uint32_t mul(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return r_type(1, rs2, rs1, 0, rd, 0x33);
}
constexpr std::uint32_t ld(std::uint32_t rd, std::uint32_t rs1, std::int32_t imm) {
  return i_type(imm, rs1, 3, rd, 0x03);
}
constexpr std::uint32_t sd(std::uint32_t rs2, std::uint32_t rs1, std::int32_t imm) {
  return s_type(imm, rs2, rs1, 3);
}
constexpr std::uint32_t bne(std::uint32_t rs1, std::uint32_t rs2, std::int32_t off) {
  return b_type(off, rs2, rs1, 1);
}
constexpr std::uint32_t blt(std::uint32_t rs1, std::uint32_t rs2, std::int32_t off) {
  return b_type(off, rs2, rs1, 4);
}
constexpr std::uint32_t beq(std::uint32_t rs1, std::uint32_t rs2, std::int32_t off) {
  return b_type(off, rs2, rs1, 0);
}

/// OP-FP on doubles (fmt 1) with dynamic rounding; funct5 names the operation.
constexpr std::uint32_t fp_d(std::uint32_t funct5, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return r_type(funct5 << 2 | 1, rs2, rs1, 7, rd, 0x53);
}
constexpr std::uint32_t fadd_d(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return fp_d(0x00, rd, rs1, rs2);
}
constexpr std::uint32_t fsub_d(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return fp_d(0x01, rd, rs1, rs2);
}
constexpr std::uint32_t fmul_d(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return fp_d(0x02, rd, rs1, rs2);
}
constexpr std::uint32_t fdiv_d(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2) {
  return fp_d(0x03, rd, rs1, rs2);
}
constexpr std::uint32_t fsqrt_d(std::uint32_t rd, std::uint32_t rs1) { return fp_d(0x0b, rd, rs1, 0); }
/// fmv.d: fsgnj.d rd, rs, rs (funct3 0 is the operation, not a rounding mode).
constexpr std::uint32_t fmv_d(std::uint32_t rd, std::uint32_t rs) {
  return r_type(0x04 << 2 | 1, rs, rs, 0, rd, 0x53);
}
/// fmadd.d rd = rs1 * rs2 + rs3, dynamic rounding.
constexpr std::uint32_t fmadd_d(std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2, std::uint32_t rs3) {
  return rs3 << 27 | 1u << 25 | rs2 << 20 | rs1 << 15 | 7u << 12 | rd << 7 | 0x43;
}

/// AMO (funct5; width 2 = .w, 3 = .d; aq and rl clear): rd = mem[rs1], mem[rs1] = op(rd, rs2).
constexpr std::uint32_t amo(std::uint32_t funct5, std::uint32_t width, std::uint32_t rd, std::uint32_t rs2,
                            std::uint32_t rs1) {
  return r_type(funct5 << 2, rs2, rs1, width, rd, 0x2f);
}
enum AmoOp : std::uint32_t {
  kAmoAdd = 0x00,
  kAmoSwap = 0x01,
  kLr = 0x02,
  kSc = 0x03,
  kAmoXor = 0x04,
  kAmoOr = 0x08,
  kAmoMaxu = 0x1c
};

enum Reg : std::uint32_t { kZero = 0, kA0 = 10, kA1, kA2, kA3, kA4, kA5, kT0 = 5, kT1, kT2 };
enum FReg : std::uint32_t {
  kFt0 = 0,
  kFt1,
  kFt2,
  kFt3,
  kFt4,
  kFt5,
  kFt6,
  kFa0 = 10,
  kFa1,
  kFa2,
  kFa3,
  kFa4,
  kFa5
};

/// Endless ALU loop: 14 dependent/independent integer ops and a back branch.
inline std::vector<std::uint32_t> straight_line_kernel() {
  std::vector<std::uint32_t> code = {
      addi(kA0, kA0, 1),     xori(kA1, kA0, 0x55), slli(kA2, kA1, 3),  add(kA3, kA2, kA0),
      srli(kA4, kA3, 2),     sub(kA5, kA4, kA1),   mul(kT0, kA5, kA0), xor_(kT1, kT0, kA3),
      andi(kT2, kT1, 0x7ff), add(kA1, kA1, kT2),   addi(kA2, kA2, -7), xor_(kA3, kA3, kA2),
      add(kA4, kA4, kA3),    sub(kA5, kA5, kA4),
  };
  code.push_back(beq(kZero, kZero, -static_cast<std::int32_t>(code.size()) * 4));
  return code;
}

/// Endless branchy loop: a counter and a pseudo-random bit decide among short
/// paths, as in interpreters and parsers.
inline std::vector<std::uint32_t> branch_heavy_kernel() {
  return {
      /* 0  */ addi(kA0, kA0, 1),
      /* 4  */ andi(kT0, kA0, 1),
      /* 8  */ beq(kT0, kZero, 12),  // -> 20
      /* 12 */ addi(kA1, kA1, 3),
      /* 16 */ beq(kZero, kZero, 8),  // -> 24
      /* 20 */ addi(kA1, kA1, -1),
      /* 24 */ andi(kT1, kA0, 6),
      /* 28 */ blt(kT1, kA2, 8),  // a2 = 3 -> 36 when t1 < 3
      /* 32 */ xori(kA3, kA3, 1),
      /* 36 */ srli(kT2, kA1, 1),
      /* 40 */ bne(kT2, kA3, 8),  // -> 48
      /* 44 */ addi(kA4, kA4, 1),
      /* 48 */ beq(kZero, kZero, -48),  // -> 0
  };
}

/// Endless memory loop over a 64 KiB buffer at a5: load, modify, store.
inline std::vector<std::uint32_t> memory_heavy_kernel() {
  return {
      /* 0  */ add(kT0, kA5, kA0),  // t0 = buf + offset
      /* 4  */ ld(kT1, kT0, 0),
      /* 8  */ ld(kT2, kT0, 8),
      /* 12 */ add(kT1, kT1, kT2),
      /* 16 */ sd(kT1, kT0, 16),
      /* 20 */ ld(kA1, kT0, 24),
      /* 24 */ xor_(kA1, kA1, kT1),
      /* 28 */ sd(kA1, kT0, 0),
      /* 32 */ addi(kA0, kA0, 32),
      /* 36 */ andi(kA0, kA0, 2047),  // wrap within 2 KiB of offsets
      /* 40 */ slli(kA2, kA0, 5),     // spread: offset * 32 -> 64 KiB
      /* 44 */ add(kT0, kA5, kA2),
      /* 48 */ sd(kA0, kT0, 0),
      /* 52 */ beq(kZero, kZero, -52),
  };
}

/// Endless loop of atomics on one hart, as a lock and a shared counter make
/// them: amoadd on the counter, an lr/sc acquire of the lock word, an
/// amoswap release, and amoor, amomaxu and amoxor on the counter.
inline std::vector<std::uint32_t> atomic_heavy_kernel() {
  return {
      /* 0  */ addi(kT0, kA5, 8),                    // t0 = the counter, a5 = the lock
      /* 4  */ amo(kAmoAdd, 3, kT1, kA2, kT0),       // counter += 3
      /* 8  */ amo(kLr, 2, kT2, kZero, kA5),         // acquire: lr.w
      /* 12 */ bne(kT2, kZero, 12),                  // -> 24 when held
      /* 16 */ amo(kSc, 2, kT2, kA2, kA5),           // sc.w 3
      /* 20 */ bne(kT2, kZero, -12),                 // -> 8 when it failed
      /* 24 */ amo(kAmoSwap, 2, kZero, kZero, kA5),  // release
      /* 28 */ amo(kAmoOr, 3, kT1, kA2, kT0),
      /* 32 */ amo(kAmoMaxu, 3, kT1, kT1, kT0),
      /* 36 */ amo(kAmoXor, 2, kT2, kT1, kT0),
      /* 40 */ beq(kZero, kZero, -40),
  };
}

/// Endless double-precision loop: a point (fa0, fa1) turned by the rotation
/// (fa2, fa3) = (cos, sin), with a quotient, a square root and a sum on the
/// side, as numerical code runs. Values stay normal: every operation is one
/// the JIT can run on the host (its fast paths).
inline std::vector<std::uint32_t> fp_heavy_kernel() {
  std::vector<std::uint32_t> code = {
      fmul_d(kFt0, kFa0, kFa2), fmul_d(kFt1, kFa1, kFa3),        fsub_d(kFt2, kFt0, kFt1),
      fmul_d(kFt3, kFa0, kFa3), fmadd_d(kFt4, kFa1, kFa2, kFt3), fmv_d(kFa0, kFt2),
      fmv_d(kFa1, kFt4),        fdiv_d(kFt5, kFa0, kFa4),        fsqrt_d(kFt6, kFa4),
      fadd_d(kFa5, kFa5, kFt5), fadd_d(kFa5, kFa5, kFt6),        fsub_d(kFa5, kFa5, kFt6),
  };
  code.push_back(beq(kZero, kZero, -static_cast<std::int32_t>(code.size()) * 4));
  return code;
}

}  // namespace bench
