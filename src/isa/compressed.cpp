// RVC expansion (unprivileged spec, chapter "C" Standard Extension, RV64 table).
// Every 16-bit form is rewritten to the 32-bit instruction it stands for.
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::isa {
namespace {

constexpr std::uint32_t bits(std::uint32_t value, unsigned hi, unsigned lo) {
  return (value >> lo) & ((1u << (hi - lo + 1)) - 1);
}
constexpr std::uint32_t bit(std::uint32_t value, unsigned n) { return (value >> n) & 1; }
constexpr std::int32_t sign_extend(std::uint32_t value, unsigned width) {
  std::uint32_t m = 1u << (width - 1);
  return static_cast<std::int32_t>((value ^ m) - m);
}

// 32-bit encoders.
constexpr std::uint32_t enc_r(std::uint32_t opcode, std::uint32_t rd, std::uint32_t f3, std::uint32_t rs1,
                              std::uint32_t rs2, std::uint32_t f7) {
  return opcode | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}
constexpr std::uint32_t enc_i(std::uint32_t opcode, std::uint32_t rd, std::uint32_t f3, std::uint32_t rs1,
                              std::int32_t imm) {
  return opcode | rd << 7 | f3 << 12 | rs1 << 15 | (static_cast<std::uint32_t>(imm) & 0xfff) << 20;
}
constexpr std::uint32_t enc_s(std::uint32_t opcode, std::uint32_t f3, std::uint32_t rs1, std::uint32_t rs2,
                              std::int32_t imm) {
  auto u = static_cast<std::uint32_t>(imm);
  return opcode | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | bits(u, 11, 5) << 25;
}
constexpr std::uint32_t enc_b(std::uint32_t f3, std::uint32_t rs1, std::uint32_t rs2, std::int32_t imm) {
  auto u = static_cast<std::uint32_t>(imm);
  return 0x63 | bit(u, 11) << 7 | bits(u, 4, 1) << 8 | f3 << 12 | rs1 << 15 | rs2 << 20 |
         bits(u, 10, 5) << 25 | bit(u, 12) << 31;
}
constexpr std::uint32_t enc_j(std::uint32_t rd, std::int32_t imm) {
  auto u = static_cast<std::uint32_t>(imm);
  return 0x6f | rd << 7 | bits(u, 19, 12) << 12 | bit(u, 11) << 20 | bits(u, 10, 1) << 21 | bit(u, 20) << 31;
}

constexpr std::uint32_t kLoad = 0x03, kLoadFp = 0x07, kOpImm = 0x13, kOpImm32 = 0x1b, kStore = 0x23,
                        kStoreFp = 0x27, kOp = 0x33, kLui = 0x37, kOp32 = 0x3b, kJalr = 0x67;

std::uint32_t quadrant0(std::uint32_t c) {
  std::uint32_t rd_p = bits(c, 4, 2) + 8;
  std::uint32_t rs1_p = bits(c, 9, 7) + 8;
  std::uint32_t uimm_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;               // ld/sd/fld/fsd
  std::uint32_t uimm_w = bits(c, 12, 10) << 3 | bit(c, 6) << 2 | bit(c, 5) << 6;  // lw/sw
  switch (bits(c, 15, 13)) {
    case 0: {  // c.addi4spn
      std::uint32_t nzuimm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bit(c, 6) << 2 | bit(c, 5) << 3;
      if (nzuimm == 0) return 0;
      return enc_i(kOpImm, rd_p, 0, 2, static_cast<std::int32_t>(nzuimm));
    }
    case 1:
      return enc_i(kLoadFp, rd_p, 3, rs1_p, static_cast<std::int32_t>(uimm_d));  // c.fld
    case 2:
      return enc_i(kLoad, rd_p, 2, rs1_p, static_cast<std::int32_t>(uimm_w));  // c.lw
    case 3:
      return enc_i(kLoad, rd_p, 3, rs1_p, static_cast<std::int32_t>(uimm_d));  // c.ld
    case 5:
      return enc_s(kStoreFp, 3, rs1_p, rd_p, static_cast<std::int32_t>(uimm_d));  // c.fsd
    case 6:
      return enc_s(kStore, 2, rs1_p, rd_p, static_cast<std::int32_t>(uimm_w));  // c.sw
    case 7:
      return enc_s(kStore, 3, rs1_p, rd_p, static_cast<std::int32_t>(uimm_d));  // c.sd
    default:
      return 0;
  }
}

std::uint32_t quadrant1(std::uint32_t c) {
  std::uint32_t rd = bits(c, 11, 7);
  std::int32_t imm6 = sign_extend(bit(c, 12) << 5 | bits(c, 6, 2), 6);
  std::uint32_t rs1_p = bits(c, 9, 7) + 8;
  std::uint32_t rs2_p = bits(c, 4, 2) + 8;
  switch (bits(c, 15, 13)) {
    case 0:
      return enc_i(kOpImm, rd, 0, rd, imm6);  // c.addi / c.nop
    case 1:                                   // c.addiw
      if (rd == 0) return 0;
      return enc_i(kOpImm32, rd, 0, rd, imm6);
    case 2:
      return enc_i(kOpImm, rd, 0, 0, imm6);  // c.li
    case 3: {
      if (rd == 2) {  // c.addi16sp
        std::int32_t nzimm = sign_extend(
            bit(c, 12) << 9 | bit(c, 6) << 4 | bit(c, 5) << 6 | bits(c, 4, 3) << 7 | bit(c, 2) << 5, 10);
        if (nzimm == 0) return 0;
        return enc_i(kOpImm, 2, 0, 2, nzimm);
      }
      if (imm6 == 0) return 0;  // c.lui with nzimm == 0 is reserved
      return kLui | rd << 7 | (static_cast<std::uint32_t>(imm6) & 0xfffff) << 12;
    }
    case 4: {
      std::uint32_t shamt = bit(c, 12) << 5 | bits(c, 6, 2);
      switch (bits(c, 11, 10)) {
        case 0:
          return enc_i(kOpImm, rs1_p, 5, rs1_p, static_cast<std::int32_t>(shamt));  // c.srli
        case 1:
          return enc_i(kOpImm, rs1_p, 5, rs1_p, static_cast<std::int32_t>(shamt | 0x400));  // c.srai
        case 2:
          return enc_i(kOpImm, rs1_p, 7, rs1_p, imm6);  // c.andi
        default:
          break;
      }
      std::uint32_t f2 = bits(c, 6, 5);
      if (bit(c, 12) == 0) {
        static constexpr std::uint32_t kF3[] = {0, 4, 6, 7};  // sub xor or and
        static constexpr std::uint32_t kF7[] = {0x20, 0, 0, 0};
        return enc_r(kOp, rs1_p, kF3[f2], rs1_p, rs2_p, kF7[f2]);
      }
      if (f2 == 0) return enc_r(kOp32, rs1_p, 0, rs1_p, rs2_p, 0x20);  // c.subw
      if (f2 == 1) return enc_r(kOp32, rs1_p, 0, rs1_p, rs2_p, 0);     // c.addw
      return 0;
    }
    case 5: {  // c.j
      std::uint32_t imm = bit(c, 12) << 11 | bit(c, 11) << 4 | bits(c, 10, 9) << 8 | bit(c, 8) << 10 |
                          bit(c, 7) << 6 | bit(c, 6) << 7 | bits(c, 5, 3) << 1 | bit(c, 2) << 5;
      return enc_j(0, sign_extend(imm, 12));
    }
    default: {  // c.beqz, c.bnez
      std::uint32_t imm =
          bit(c, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 | bit(c, 2) << 5;
      return enc_b(bits(c, 15, 13) == 6 ? 0 : 1, rs1_p, 0, sign_extend(imm, 9));
    }
  }
}

std::uint32_t quadrant2(std::uint32_t c) {
  std::uint32_t rd = bits(c, 11, 7);
  std::uint32_t rs2 = bits(c, 6, 2);
  std::uint32_t uimm_d = bit(c, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;  // ldsp/fldsp
  std::uint32_t uimm_w = bit(c, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;  // lwsp
  std::uint32_t suimm_d = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;                 // sdsp/fsdsp
  std::uint32_t suimm_w = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;                  // swsp
  switch (bits(c, 15, 13)) {
    case 0:
      return enc_i(kOpImm, rd, 1, rd, static_cast<std::int32_t>(bit(c, 12) << 5 | rs2));  // c.slli
    case 1:
      return enc_i(kLoadFp, rd, 3, 2, static_cast<std::int32_t>(uimm_d));  // c.fldsp
    case 2:
      if (rd == 0) return 0;
      return enc_i(kLoad, rd, 2, 2, static_cast<std::int32_t>(uimm_w));  // c.lwsp
    case 3:
      if (rd == 0) return 0;
      return enc_i(kLoad, rd, 3, 2, static_cast<std::int32_t>(uimm_d));  // c.ldsp
    case 4:
      if (bit(c, 12) == 0) {
        if (rs2 == 0) return rd == 0 ? 0 : enc_i(kJalr, 0, 0, rd, 0);  // c.jr
        return enc_r(kOp, rd, 0, 0, rs2, 0);                           // c.mv
      }
      if (rs2 == 0) return rd == 0 ? 0x00100073u : enc_i(kJalr, 1, 0, rd, 0);  // c.ebreak / c.jalr
      return enc_r(kOp, rd, 0, rd, rs2, 0);                                    // c.add
    case 5:
      return enc_s(kStoreFp, 3, 2, rs2, static_cast<std::int32_t>(suimm_d));  // c.fsdsp
    case 6:
      return enc_s(kStore, 2, 2, rs2, static_cast<std::int32_t>(suimm_w));  // c.swsp
    default:
      return enc_s(kStore, 3, 2, rs2, static_cast<std::int32_t>(suimm_d));  // c.sdsp
  }
}

}  // namespace

std::uint32_t expand_compressed(std::uint16_t parcel) {
  std::uint32_t c = parcel;
  if (c == 0) return 0;
  switch (c & 3) {
    case 0:
      return quadrant0(c);
    case 1:
      return quadrant1(c);
    case 2:
      return quadrant2(c);
    default:
      return 0;
  }
}

}  // namespace vmm::isa
