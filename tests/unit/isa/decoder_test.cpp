// Decoder, RVC expansion and disassembler: field extraction and immediates of
// every format, x0 destinations, illegal and reserved encodings.
//
// Expected encodings come from the spec's bit layouts (unprivileged spec,
// "Base Instruction Formats", "Immediate Encoding Variants", the RVC chapter's
// "RVC Instruction Set Listings") and were cross-checked with the GNU
// assembler: riscv64-linux-gnu-as -march=rv64gc, then objdump -d -M no-aliases.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "support/guest_asm.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/isa/disassembler.hpp"

namespace vmm::isa {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly

// ---- the test encoder itself ----------------------------------------------------

TEST(GuestAsm, EncodingsMatchGnuAssembler) {
  struct Case {
    std::uint32_t ours;
    std::uint32_t gas;
    const char* text;
  };
  const Case cases[] = {
      {rv::lui(a0, 0x80000), 0x80000537, "lui a0,0x80000"},
      {rv::auipc(t0, 0xfffff), 0xfffff297, "auipc t0,0xfffff"},
      {rv::jalr(ra, t1, -1), 0xfff300e7, "jalr ra,-1(t1)"},
      {rv::beq(a0, a1, 8), 0x00b50463, "beq a0,a1,.+8"},
      {rv::bgeu(t0, t6, -2), 0xfff2ffe3, "bgeu t0,t6,.-2"},
      {rv::jal(zero, 2046), 0x7fe0006f, "jal x0,.+2046"},
      {rv::jal(zero, -2048), 0x801ff06f, "jal x0,.-2048"},
      {rv::jal(zero, 1048574), 0x7ffff06f, "jal x0,.+1048574"},
      {rv::jal(zero, -1048576), 0x8000006f, "jal x0,.-1048576"},
      {rv::beq(zero, zero, 4094), 0x7e000fe3, "beq x0,x0,.+4094"},
      {rv::beq(zero, zero, -4096), 0x80000063, "beq x0,x0,.-4096"},
      {rv::lb(a0, -1, a1), 0xfff58503, "lb a0,-1(a1)"},
      {rv::lwu(s1, 2047, sp), 0x7ff16483, "lwu s1,2047(sp)"},
      {rv::sb(a0, -2048, a1), 0x80a58023, "sb a0,-2048(a1)"},
      {rv::sd(ra, 8, sp), 0x00113423, "sd ra,8(sp)"},
      {rv::slli(a0, a1, 63), 0x03f59513, "slli a0,a1,63"},
      {rv::srai(a0, a1, 63), 0x43f5d513, "srai a0,a1,63"},
      {rv::srli(a0, a1, 1), 0x0015d513, "srli a0,a1,1"},
      {rv::sraiw(a0, a1, 31), 0x41f5d51b, "sraiw a0,a1,31"},
      {rv::slliw(t0, t1, 1), 0x0013129b, "slliw t0,t1,1"},
      {rv::sltiu(a0, a1, -1), 0xfff5b513, "sltiu a0,a1,-1"},
      {rv::sra(a0, a1, a2), 0x40c5d533, "sra a0,a1,a2"},
      {rv::sraw(a0, a1, a2), 0x40c5d53b, "sraw a0,a1,a2"},
      {rv::subw(a0, a1, a2), 0x40c5853b, "subw a0,a1,a2"},
      {rv::mulhsu(a0, a1, a2), 0x02c5a533, "mulhsu a0,a1,a2"},
      {rv::remuw(a0, a1, a2), 0x02c5f53b, "remuw a0,a1,a2"},
      {rv::divu(a0, a1, a2), 0x02c5d533, "divu a0,a1,a2"},
      {rv::lr_w(a0, a1), 0x1005a52f, "lr.w a0,(a1)"},
      {rv::amo(rv::kSc, 3, a0, a2, a1, true, true), 0x1ec5b52f, "sc.d.aqrl a0,a2,(a1)"},
      {rv::amo(rv::kAmoMaxu, 2, a0, a2, a1, true, false), 0xe4c5a52f, "amomaxu.w.aq a0,a2,(a1)"},
      {rv::amomin_d(a0, a2, a1), 0x80c5b52f, "amomin.d a0,a2,(a1)"},
      {rv::amo(rv::kAmoSwap, 2, t0, t1, t2, false, true), 0x0a63a2af, "amoswap.w.rl t0,t1,(t2)"},
      {rv::csrrw(a0, 0x340, a1), 0x34059573, "csrrw a0,mscratch,a1"},
      {rv::csrrsi(a0, 0xfff, 31), 0xffffe573, "csrrsi a0,0xfff,31"},
      {rv::csrrc(a0, 0x001, a1), 0x0015b573, "csrrc a0,fflags,a1"},
      {rv::fence(), 0x0ff0000f, "fence iorw,iorw"},
      {rv::fence_i(), 0x0000100f, "fence.i"},
      {rv::sfence_vma(a0, a1), 0x12b50073, "sfence.vma a0,a1"},
      {rv::flw(fa0, -4, a1), 0xffc5a507, "flw fa0,-4(a1)"},
      {rv::fsd(fs1, 16, sp), 0x00913827, "fsd fs1,16(sp)"},
      {rv::fadd_s(fa0, fa1, fa2, rv::kRup), 0x00c5b553, "fadd.s fa0,fa1,fa2,rup"},
      {rv::fadd_d(fa0, fa1, fa2), 0x02c5f553, "fadd.d fa0,fa1,fa2 (dyn)"},
      {rv::fmadd_d(fa0, fa1, fa2, fa3, rv::kRne), 0x6ac58543, "fmadd.d fa0,fa1,fa2,fa3,rne"},
      {rv::fnmadd_s(0, 1, 2, 3, rv::kRdn), 0x1820a04f, "fnmadd.s ft0,ft1,ft2,ft3,rdn"},
      {rv::fsqrt_d(fa0, fa1, rv::kRtz), 0x5a059553, "fsqrt.d fa0,fa1,rtz"},
      {rv::fcvt_w_d(a0, fa1, rv::kRtz), 0xc2059553, "fcvt.w.d a0,fa1,rtz"},
      {rv::fcvt_wu_d(a0, fa1), 0xc215f553, "fcvt.wu.d a0,fa1 (dyn)"},
      {rv::fcvt_d_s(fa0, fa1, rv::kRne), 0x42058553, "fcvt.d.s fa0,fa1"},
      {rv::fcvt_s_d(fa0, fa1), 0x4015f553, "fcvt.s.d fa0,fa1 (dyn)"},
      {rv::fmv_x_w(a0, fa1), 0xe0058553, "fmv.x.w a0,fa1"},
      {rv::fmv_d_x(fa0, a1), 0xf2058553, "fmv.d.x fa0,a1"},
      {rv::fclass_d(a0, fa1), 0xe2059553, "fclass.d a0,fa1"},
      {rv::feq_s(a0, fa1, fa2), 0xa0c5a553, "feq.s a0,fa1,fa2"},
      {rv::fle_d(a0, fa1, fa2), 0xa2c58553, "fle.d a0,fa1,fa2"},
      {rv::fsgnjx_s(fa0, fa1, fa2), 0x20c5a553, "fsgnjx.s fa0,fa1,fa2"},
      {rv::fmax_d(fa0, fa1, fa2), 0x2ac59553, "fmax.d fa0,fa1,fa2"},
      {rv::fcvt_s_l(fa0, a1, rv::kRmm), 0xd025c553, "fcvt.s.l fa0,a1,rmm"},
  };
  for (const Case& c : cases) EXPECT_EQ(c.ours, c.gas) << c.text;
}

// ---- field extraction per format -------------------------------------------------

TEST(DecodeRType, ExtractsRegisterFields) {
  DecodedInsn d = decode(rv::add(t0, t1, t2));
  EXPECT_EQ(d.op, Op::kAdd);
  EXPECT_EQ(d.rd, 5);
  EXPECT_EQ(d.rs1, 6);
  EXPECT_EQ(d.rs2, 7);
  EXPECT_EQ(d.length, 4);
  EXPECT_EQ(d.raw, rv::add(t0, t1, t2));

  d = decode(rv::sub(t6, t5, t4));
  EXPECT_EQ(d.op, Op::kSub);
  EXPECT_EQ(d.rd, 31);
  EXPECT_EQ(d.rs1, 30);
  EXPECT_EQ(d.rs2, 29);
}

TEST(DecodeRType, MExtensionOpsAreDistinguishedByFunct3) {
  EXPECT_EQ(decode(rv::mul(a0, a1, a2)).op, Op::kMul);
  EXPECT_EQ(decode(rv::mulh(a0, a1, a2)).op, Op::kMulh);
  EXPECT_EQ(decode(rv::mulhsu(a0, a1, a2)).op, Op::kMulhsu);
  EXPECT_EQ(decode(rv::mulhu(a0, a1, a2)).op, Op::kMulhu);
  EXPECT_EQ(decode(rv::div(a0, a1, a2)).op, Op::kDiv);
  EXPECT_EQ(decode(rv::divu(a0, a1, a2)).op, Op::kDivu);
  EXPECT_EQ(decode(rv::rem(a0, a1, a2)).op, Op::kRem);
  EXPECT_EQ(decode(rv::remu(a0, a1, a2)).op, Op::kRemu);
  EXPECT_EQ(decode(rv::mulw(a0, a1, a2)).op, Op::kMulw);
  EXPECT_EQ(decode(rv::divw(a0, a1, a2)).op, Op::kDivw);
  EXPECT_EQ(decode(rv::divuw(a0, a1, a2)).op, Op::kDivuw);
  EXPECT_EQ(decode(rv::remw(a0, a1, a2)).op, Op::kRemw);
  EXPECT_EQ(decode(rv::remuw(a0, a1, a2)).op, Op::kRemuw);
}

TEST(DecodeIType, ImmediateIsSignExtendedFromBit31) {
  EXPECT_EQ(decode(rv::addi(a0, a1, -1)).imm, -1);
  EXPECT_EQ(decode(rv::addi(a0, a1, -2048)).imm, -2048);
  EXPECT_EQ(decode(rv::addi(a0, a1, 2047)).imm, 2047);
  EXPECT_EQ(decode(rv::addi(a0, a1, 0)).imm, 0);
  DecodedInsn d = decode(0xfff58503);  // lb a0, -1(a1)
  EXPECT_EQ(d.op, Op::kLb);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(d.imm, -1);
  d = decode(0x7ff16483);  // lwu s1, 2047(sp)
  EXPECT_EQ(d.op, Op::kLwu);
  EXPECT_EQ(d.rd, 9);
  EXPECT_EQ(d.rs1, 2);
  EXPECT_EQ(d.imm, 2047);
}

TEST(DecodeIType, JalrKeepsRdRs1AndImmediate) {
  DecodedInsn d = decode(0xfff300e7);  // jalr ra, -1(t1)
  EXPECT_EQ(d.op, Op::kJalr);
  EXPECT_EQ(d.rd, 1);
  EXPECT_EQ(d.rs1, 6);
  EXPECT_EQ(d.imm, -1);
}

TEST(DecodeSType, ImmediateIsAssembledFromBothHalves) {
  DecodedInsn d = decode(0x80a58023);  // sb a0, -2048(a1)
  EXPECT_EQ(d.op, Op::kSb);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(d.rs2, 10);
  EXPECT_EQ(d.imm, -2048);
  d = decode(0x00113423);  // sd ra, 8(sp)
  EXPECT_EQ(d.op, Op::kSd);
  EXPECT_EQ(d.rs1, 2);
  EXPECT_EQ(d.rs2, 1);
  EXPECT_EQ(d.imm, 8);
  EXPECT_EQ(decode(rv::sw(a0, 2047, a1)).imm, 2047);
  EXPECT_EQ(decode(rv::sh(a0, -1, a1)).imm, -1);
  // 12-bit 0xa5a = 0b1010_0101_1010: imm[11:5] = 0b1010010, imm[4:0] = 0b11010, negative.
  EXPECT_EQ(decode(rv::sd(a0, 0xa5a - 4096, a1)).imm, 0xa5a - 4096);
  EXPECT_EQ(decode(rv::sd(a0, 0x25a, a1)).imm, 0x25a);
}

TEST(DecodeBType, OffsetsAtTheirExtremes) {
  DecodedInsn d = decode(0x7e000fe3);  // beq x0, x0, .+4094
  EXPECT_EQ(d.op, Op::kBeq);
  EXPECT_EQ(d.imm, 4094);
  d = decode(0x80000063);  // beq x0, x0, .-4096
  EXPECT_EQ(d.op, Op::kBeq);
  EXPECT_EQ(d.imm, -4096);
  d = decode(0xfe041fe3);  // bne s0, x0, .-2
  EXPECT_EQ(d.op, Op::kBne);
  EXPECT_EQ(d.rs1, 8);
  EXPECT_EQ(d.rs2, 0);
  EXPECT_EQ(d.imm, -2);
  d = decode(0xfff2ffe3);  // bgeu t0, t6, .-2
  EXPECT_EQ(d.op, Op::kBgeu);
  EXPECT_EQ(d.rs1, 5);
  EXPECT_EQ(d.rs2, 31);
  EXPECT_EQ(d.imm, -2);
  // Only imm[11] set (instruction bit 7).
  EXPECT_EQ(decode(rv::blt(a0, a1, 2048)).imm, 2048);
  EXPECT_EQ(decode(rv::bge(a0, a1, 2048)).op, Op::kBge);
  EXPECT_EQ(decode(rv::bltu(a0, a1, -2048)).imm, -2048);
}

TEST(DecodeJType, OffsetsAtTheirExtremes) {
  DecodedInsn d = decode(0x7ffff06f);  // jal x0, .+1048574
  EXPECT_EQ(d.op, Op::kJal);
  EXPECT_EQ(d.imm, 1048574);
  d = decode(0x8000006f);  // jal x0, .-1048576
  EXPECT_EQ(d.imm, -1048576);
  d = decode(0x801ff06f);  // jal x0, .-2048
  EXPECT_EQ(d.imm, -2048);
  d = decode(0x7fe0006f);  // jal x0, .+2046
  EXPECT_EQ(d.imm, 2046);
  // Only imm[11] set (instruction bit 20).
  d = decode(rv::jal(ra, 2048));
  EXPECT_EQ(d.imm, 2048);
  EXPECT_EQ(d.rd, 1);
}

TEST(DecodeUType, ImmediateKeepsBits31To12SignExtended) {
  DecodedInsn d = decode(0x80000537);  // lui a0, 0x80000
  EXPECT_EQ(d.op, Op::kLui);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(static_cast<std::uint32_t>(d.imm), 0x80000000u);
  EXPECT_LT(d.imm, 0);
  d = decode(0xfffff297);  // auipc t0, 0xfffff
  EXPECT_EQ(d.op, Op::kAuipc);
  EXPECT_EQ(d.rd, 5);
  EXPECT_EQ(d.imm, -4096);
  EXPECT_EQ(decode(rv::lui(a0, 0x12345)).imm, 0x12345000);
}

TEST(DecodeShifts, Rv64ImmediateShiftsUseSixBitShamt) {
  DecodedInsn d = decode(0x03f59513);  // slli a0, a1, 63
  EXPECT_EQ(d.op, Op::kSlli);
  EXPECT_EQ(d.imm, 63);
  d = decode(0x43f5d513);  // srai a0, a1, 63
  EXPECT_EQ(d.op, Op::kSrai);
  EXPECT_EQ(d.imm, 63);
  d = decode(rv::srli(a0, a1, 32));
  EXPECT_EQ(d.op, Op::kSrli);
  EXPECT_EQ(d.imm, 32);
  d = decode(0x41f5d51b);  // sraiw a0, a1, 31
  EXPECT_EQ(d.op, Op::kSraiw);
  EXPECT_EQ(d.imm, 31);
  EXPECT_EQ(decode(rv::slliw(a0, a1, 31)).op, Op::kSlliw);
  EXPECT_EQ(decode(rv::srliw(a0, a1, 31)).op, Op::kSrliw);
}

TEST(DecodeShifts, WordShiftWithShamtBit5IsReserved) {
  // RV64I: slliw/srliw/sraiw with imm[5] != 0 are reserved.
  EXPECT_EQ(decode(rv::slliw(a0, a1, 1) | 1u << 25).op, Op::kIllegal);
  EXPECT_EQ(decode(rv::srliw(a0, a1, 1) | 1u << 25).op, Op::kIllegal);
  EXPECT_EQ(decode(rv::sraiw(a0, a1, 1) | 1u << 25).op, Op::kIllegal);
}

TEST(DecodeShifts, UndefinedFunct6IsIllegal) {
  EXPECT_EQ(decode(rv::slli(a0, a1, 1) | 0x20u << 26).op, Op::kIllegal);  // slli with funct6 0b100000
  EXPECT_EQ(decode(rv::srli(a0, a1, 1) | 0x18u << 26).op, Op::kIllegal);  // funct6 0b011000 (not in RV64GC)
}

TEST(DecodeCsr, CsrNumberIsZeroExtendedAndUimmLandsInRs1) {
  DecodedInsn d = decode(0xffffe573);  // csrrsi a0, 0xfff, 31
  EXPECT_EQ(d.op, Op::kCsrrsi);
  EXPECT_EQ(d.imm, 0xfff);
  EXPECT_EQ(d.rs1, 31);
  EXPECT_EQ(d.rd, 10);
  d = decode(0x34059573);  // csrrw a0, mscratch, a1
  EXPECT_EQ(d.op, Op::kCsrrw);
  EXPECT_EQ(d.imm, 0x340);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(decode(rv::csrrs(a0, 0xc02, zero)).op, Op::kCsrrs);
  EXPECT_EQ(decode(rv::csrrc(a0, 0x001, a1)).op, Op::kCsrrc);
  EXPECT_EQ(decode(rv::csrrwi(a0, 0x002, 5)).op, Op::kCsrrwi);
  EXPECT_EQ(decode(rv::csrrci(a0, 0x002, 5)).op, Op::kCsrrci);
}

TEST(DecodeAmo, AqRlBitsGoToRs3) {
  DecodedInsn d = decode(0x1ec5b52f);  // sc.d.aqrl a0, a2, (a1)
  EXPECT_EQ(d.op, Op::kScD);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(d.rs2, 12);
  EXPECT_EQ(d.rs3, 3);
  d = decode(0xe4c5a52f);  // amomaxu.w.aq a0, a2, (a1)
  EXPECT_EQ(d.op, Op::kAmomaxuW);
  EXPECT_EQ(d.rs3, 2);
  d = decode(0x0a63a2af);  // amoswap.w.rl t0, t1, (t2)
  EXPECT_EQ(d.op, Op::kAmoswapW);
  EXPECT_EQ(d.rs3, 1);
  EXPECT_EQ(decode(0x1005a52f).op, Op::kLrW);  // lr.w a0, (a1)
  EXPECT_EQ(decode(0x80c5b52f).op, Op::kAmominD);
}

TEST(DecodeAmo, EveryFunct5MapsToItsOperation) {
  struct Case {
    unsigned f5;
    Op w;
    Op d;
  };
  const Case cases[] = {
      {rv::kAmoSwap, Op::kAmoswapW, Op::kAmoswapD}, {rv::kAmoAdd, Op::kAmoaddW, Op::kAmoaddD},
      {rv::kAmoXor, Op::kAmoxorW, Op::kAmoxorD},    {rv::kAmoAnd, Op::kAmoandW, Op::kAmoandD},
      {rv::kAmoOr, Op::kAmoorW, Op::kAmoorD},       {rv::kAmoMin, Op::kAmominW, Op::kAmominD},
      {rv::kAmoMax, Op::kAmomaxW, Op::kAmomaxD},    {rv::kAmoMinu, Op::kAmominuW, Op::kAmominuD},
      {rv::kAmoMaxu, Op::kAmomaxuW, Op::kAmomaxuD}, {rv::kSc, Op::kScW, Op::kScD},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(decode(rv::amo(c.f5, 2, a0, a2, a1)).op, c.w) << c.f5;
    EXPECT_EQ(decode(rv::amo(c.f5, 3, a0, a2, a1)).op, c.d) << c.f5;
  }
  EXPECT_EQ(decode(rv::lr_d(a0, a1)).op, Op::kLrD);
}

TEST(DecodeFp, R4FormatCarriesRs3AndRoundingMode) {
  DecodedInsn d = decode(0x6ac58543);  // fmadd.d fa0, fa1, fa2, fa3, rne
  EXPECT_EQ(d.op, Op::kFmaddD);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(d.rs2, 12);
  EXPECT_EQ(d.rs3, 13);
  EXPECT_EQ(d.rm, 0);
  d = decode(0x1820a04f);  // fnmadd.s ft0, ft1, ft2, ft3, rdn
  EXPECT_EQ(d.op, Op::kFnmaddS);
  EXPECT_EQ(d.rd, 0);
  EXPECT_EQ(d.rs3, 3);
  EXPECT_EQ(d.rm, 2);
  EXPECT_EQ(decode(rv::fmsub_s(1, 2, 3, 4)).op, Op::kFmsubS);
  EXPECT_EQ(decode(rv::fnmsub_s(1, 2, 3, 4)).op, Op::kFnmsubS);
}

TEST(DecodeFp, RoundingModeFieldIsKept) {
  EXPECT_EQ(decode(0x00c5b553).rm, 3);  // fadd.s fa0, fa1, fa2, rup
  EXPECT_EQ(decode(0x02c5f553).rm, 7);  // fadd.d fa0, fa1, fa2 (dyn)
  EXPECT_EQ(decode(0x5a059553).op, Op::kFsqrtD);
  EXPECT_EQ(decode(0x5a059553).rm, 1);
  DecodedInsn d = decode(0xc2059553);  // fcvt.w.d a0, fa1, rtz
  EXPECT_EQ(d.op, Op::kFcvtWD);
  EXPECT_EQ(d.rm, 1);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(d.rs1, 11);
}

TEST(DecodeFp, ReservedRoundingModes5And6AreIllegal) {
  for (unsigned rm : {5u, 6u}) {
    EXPECT_EQ(decode(rv::fadd_s(1, 2, 3, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fdiv_d(1, 2, 3, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fmadd_s(1, 2, 3, 4, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fmadd_d(1, 2, 3, 4, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fsqrt_d(1, 2, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fcvt_w_d(a0, 2, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fcvt_s_d(1, 2, rm)).op, Op::kIllegal) << rm;
    EXPECT_EQ(decode(rv::fcvt_d_w(1, a0, rm)).op, Op::kIllegal) << rm;
  }
  for (unsigned rm : {0u, 1u, 2u, 3u, 4u, 7u}) {
    EXPECT_EQ(decode(rv::fadd_s(1, 2, 3, rm)).op, Op::kFaddS) << rm;
    EXPECT_EQ(decode(rv::fmadd_d(1, 2, 3, 4, rm)).op, Op::kFmaddD) << rm;
  }
}

TEST(DecodeFp, LoadsAndStoresUseFpRegisterNumbers) {
  DecodedInsn d = decode(0xffc5a507);  // flw fa0, -4(a1)
  EXPECT_EQ(d.op, Op::kFlw);
  EXPECT_EQ(d.rd, 10);
  EXPECT_EQ(d.rs1, 11);
  EXPECT_EQ(d.imm, -4);
  d = decode(0x00913827);  // fsd fs1, 16(sp)
  EXPECT_EQ(d.op, Op::kFsd);
  EXPECT_EQ(d.rs2, 9);
  EXPECT_EQ(d.rs1, 2);
  EXPECT_EQ(d.imm, 16);
  // f0 is a real register: no sink redirection for FP destinations.
  EXPECT_EQ(decode(rv::flw(0, 0, a0)).rd, 0);
  EXPECT_EQ(decode(rv::fadd_d(0, 1, 2)).rd, 0);
  EXPECT_EQ(decode(rv::fmv_w_x(0, a0)).rd, 0);
}

TEST(DecodeFp, MoveClassifyCompareOps) {
  EXPECT_EQ(decode(0xe0058553).op, Op::kFmvXW);
  EXPECT_EQ(decode(0xf2058553).op, Op::kFmvDX);
  EXPECT_EQ(decode(0xe2059553).op, Op::kFclassD);
  EXPECT_EQ(decode(0xa0c5a553).op, Op::kFeqS);
  EXPECT_EQ(decode(0xa2c58553).op, Op::kFleD);
  EXPECT_EQ(decode(rv::flt_s(a0, 1, 2)).op, Op::kFltS);
  EXPECT_EQ(decode(0x20c5a553).op, Op::kFsgnjxS);
  EXPECT_EQ(decode(0x2ac59553).op, Op::kFmaxD);
  EXPECT_EQ(decode(0x42058553).op, Op::kFcvtDS);
  EXPECT_EQ(decode(0x4015f553).op, Op::kFcvtSD);
  EXPECT_EQ(decode(0xd025c553).op, Op::kFcvtSL);
  EXPECT_EQ(decode(rv::fcvt_lu_s(a0, 1)).op, Op::kFcvtLuS);
  EXPECT_EQ(decode(rv::fcvt_wu_d(a0, 1)).op, Op::kFcvtWuD);
  EXPECT_EQ(decode(rv::fmv_x_d(a0, 1)).op, Op::kFmvXD);
}

// ---- x0 destinations ---------------------------------------------------------------

TEST(DecodeX0, IntegerDestinationX0IsRedirectedToSink) {
  const std::uint32_t insns[] = {
      rv::addi(zero, zero, 1), rv::lui(zero, 1),           rv::auipc(zero, 1),    rv::jal(zero, 8),
      rv::jalr(zero, ra, 0),   rv::lw(zero, 0, a0),        rv::add(zero, a0, a1), rv::mul(zero, a0, a1),
      rv::addiw(zero, a0, 1),  rv::csrrs(zero, 0x340, a0), rv::lr_w(zero, a0),    rv::amoadd_d(zero, a1, a0),
      rv::fcvt_w_d(zero, 1),   rv::fmv_x_w(zero, 1),       rv::feq_d(zero, 1, 2), rv::fclass_s(zero, 1),
  };
  for (std::uint32_t raw : insns) {
    DecodedInsn d = decode(raw);
    EXPECT_NE(d.op, Op::kIllegal) << std::hex << raw;
    EXPECT_EQ(d.rd, kZeroSink) << std::hex << raw;
  }
}

TEST(DecodeX0, SourceX0IsNotRedirected) {
  DecodedInsn d = decode(rv::add(a0, zero, zero));
  EXPECT_EQ(d.rs1, 0);
  EXPECT_EQ(d.rs2, 0);
  EXPECT_EQ(d.rd, 10);
}

// ---- illegal encodings ---------------------------------------------------------------

TEST(DecodeIllegal, AllZeroIsIllegalCompressed) {
  DecodedInsn d = decode(0x00000000);
  EXPECT_EQ(d.op, Op::kIllegal);
  EXPECT_EQ(d.length, 2);
  EXPECT_EQ(d.raw, 0u);
}

TEST(DecodeIllegal, AllOnesIsIllegal) {
  DecodedInsn d = decode(0xffffffff);
  EXPECT_EQ(d.op, Op::kIllegal);
  EXPECT_EQ(d.length, 4);
  EXPECT_EQ(d.raw, 0xffffffffu);
}

TEST(DecodeIllegal, ReservedFunctFieldsAreIllegal) {
  const std::pair<std::uint32_t, const char*> cases[] = {
      {rv::r_type(0x33, a0, 1, a1, a2, 0x20), "OP funct7=0x20 funct3=1"},
      {rv::r_type(0x33, a0, 0, a1, a2, 0x02), "OP funct7=0x02"},
      {rv::r_type(0x3b, a0, 2, a1, a2, 0x00), "OP-32 funct3=2"},
      {rv::r_type(0x3b, a0, 1, a1, a2, 0x01), "OP-32 M funct3=1 (no mulhw)"},
      {rv::r_type(0x3b, a0, 1, a1, a2, 0x20), "OP-32 funct7=0x20 funct3=1"},
      {rv::i_type(0x1b, a0, 2, a1, 0), "OP-IMM-32 funct3=2"},
      {rv::i_type(0x03, a0, 7, a1, 0), "LOAD funct3=7"},
      {rv::s_type(0x23, 4, a1, a0, 0), "STORE funct3=4"},
      {rv::b_type(2, a0, a1, 8), "BRANCH funct3=2"},
      {rv::b_type(3, a0, a1, 8), "BRANCH funct3=3"},
      {rv::i_type(0x67, ra, 1, a0, 0), "JALR funct3=1"},
      {rv::i_type(0x0f, 0, 2, 0, 0), "MISC-MEM funct3=2"},
      {rv::amo(rv::kLr, 2, a0, a2, a1), "lr.w with rs2 != 0"},
      {rv::amo(rv::kAmoAdd, 0, a0, a2, a1), "AMO funct3=0"},
      {rv::amo(rv::kAmoAdd, 4, a0, a2, a1), "AMO funct3=4"},
      {rv::amo(0x05, 2, a0, a2, a1), "AMO funct5=0x05"},
      {rv::i_type(0x07, 1, 1, a0, 0), "LOAD-FP funct3=1 (flh, no Zfh)"},
      {rv::s_type(0x27, 4, a0, 1, 0), "STORE-FP funct3=4 (fsq, no Q)"},
      {rv::r4_type(0x43, 2, 1, 2, 3, 4, 0), "fmadd fmt=2 (half)"},
      {rv::r4_type(0x43, 3, 1, 2, 3, 4, 0), "fmadd fmt=3 (quad)"},
      {rv::op_fp(0x00, 2, 1, 2, 3, 0), "fadd fmt=2"},
      {rv::op_fp(0x04, 0, 1, 2, 3, 3), "fsgnj funct3=3"},
      {rv::op_fp(0x05, 0, 1, 2, 3, 2), "fmin funct3=2"},
      {rv::op_fp(0x14, 0, a0, 2, 3, 3), "fcmp funct3=3"},
      {rv::op_fp(0x1c, 0, a0, 2, 1, 0), "fmv.x.w rs2=1"},
      {rv::op_fp(0x1c, 0, a0, 2, 0, 2), "fmv.x.w funct3=2"},
      {rv::op_fp(0x1e, 0, 1, a0, 0, 1), "fmv.w.x funct3=1"},
      {rv::op_fp(0x18, 0, a0, 2, 4, 0), "fcvt.int.s rs2=4"},
      {rv::op_fp(0x0b, 0, 1, 2, 1, 0), "fsqrt.s rs2=1"},
      {rv::op_fp(0x08, 0, 1, 2, 0, 0), "fcvt.s.s (rs2=0, fmt=S)"},
      {rv::i_type(0x73, 0, 4, 0, 0), "SYSTEM funct3=4"},
      {0x0000000bu, "custom-0 opcode"},
      {0x0000001fu, "48-bit encoding space"},
  };
  for (const auto& [raw, text] : cases) EXPECT_EQ(decode(raw).op, Op::kIllegal) << text;
}

TEST(DecodeIllegal, SupervisorInstructionsAreIllegalWithoutSMode) {
  EXPECT_EQ(decode(rv::sret()).op, Op::kIllegal);
  EXPECT_EQ(decode(rv::sfence_vma(zero, zero)).op, Op::kIllegal);
  EXPECT_EQ(decode(rv::sfence_vma(a0, a1)).op, Op::kIllegal);
  EXPECT_EQ(decode(0x00200073).op, Op::kIllegal);  // uret (N extension, withdrawn)
  EXPECT_EQ(decode(0x7b200073).op, Op::kIllegal);  // dret (debug mode only)
}

TEST(DecodeSystem, PrivilegedInstructionsDecode) {
  EXPECT_EQ(decode(rv::ecall()).op, Op::kEcall);
  EXPECT_EQ(decode(rv::ebreak()).op, Op::kEbreak);
  EXPECT_EQ(decode(rv::mret()).op, Op::kMret);
  EXPECT_EQ(decode(rv::wfi()).op, Op::kWfi);
  EXPECT_EQ(decode(rv::fence()).op, Op::kFence);
  EXPECT_EQ(decode(rv::fence_i()).op, Op::kFenceI);
}

// ---- compressed --------------------------------------------------------------------

struct Rvc {
  std::uint16_t parcel;
  std::uint32_t expanded;
  const char* text;
};

// Each 16-bit form and the 32-bit instruction the spec expands it to (from the
// spec's RVC listings; both columns assembled with GNU as to be sure).
constexpr Rvc kRvcForms[] = {
    {0x1fe8, 0x3fc10513, "c.addi4spn a0,sp,1020 -> addi a0,sp,1020"},
    {0x0044, 0x00410493, "c.addi4spn s1,sp,4 -> addi s1,sp,4"},
    {0x5ef0, 0x07c6a603, "c.lw a2,124(a3) -> lw a2,124(a3)"},
    {0x43a0, 0x0407a403, "c.lw s0,64(a5) -> lw s0,64(a5)"},
    {0x7ff8, 0x0f87b703, "c.ld a4,248(a5) -> ld a4,248(a5)"},
    {0x6480, 0x0084b403, "c.ld s0,8(s1) -> ld s0,8(s1)"},
    {0xdef0, 0x06c6ae23, "c.sw a2,124(a3) -> sw a2,124(a3)"},
    {0xfff8, 0x0ee7bc23, "c.sd a4,248(a5) -> sd a4,248(a5)"},
    {0x3c68, 0x0f843507, "c.fld fa0,248(s0) -> fld fa0,248(s0)"},
    {0xa784, 0x0097b427, "c.fsd fs1,8(a5) -> fsd fs1,8(a5)"},
    {0x1501, 0xfe050513, "c.addi a0,-32 -> addi a0,a0,-32"},
    {0x0ffd, 0x01ff8f93, "c.addi t6,31 -> addi t6,t6,31"},
    {0x0001, 0x00000013, "c.nop -> addi x0,x0,0"},
    {0x35fd, 0xfff5859b, "c.addiw a1,-1 -> addiw a1,a1,-1"},
    {0x5281, 0xfe000293, "c.li t0,-32 -> addi t0,x0,-32"},
    {0x47fd, 0x01f00793, "c.li a5,31 -> addi a5,x0,31"},
    {0x7501, 0xfffe0537, "c.lui a0,0xfffe0 -> lui a0,0xfffe0"},
    {0x6d85, 0x00001db7, "c.lui s11,1 -> lui s11,1"},
    {0x637d, 0x0001f337, "c.lui t1,0x1f -> lui t1,0x1f"},
    {0x7101, 0xe0010113, "c.addi16sp sp,-512 -> addi sp,sp,-512"},
    {0x617d, 0x1f010113, "c.addi16sp sp,496 -> addi sp,sp,496"},
    {0x917d, 0x03f55513, "c.srli a0,63 -> srli a0,a0,63"},
    {0x8485, 0x4014d493, "c.srai s1,1 -> srai s1,s1,1"},
    {0x9a81, 0xfe06f693, "c.andi a3,-32 -> andi a3,a3,-32"},
    {0x8c05, 0x40940433, "c.sub s0,s1 -> sub s0,s0,s1"},
    {0x8d2d, 0x00b54533, "c.xor a0,a1 -> xor a0,a0,a1"},
    {0x8e55, 0x00d66633, "c.or a2,a3 -> or a2,a2,a3"},
    {0x8f7d, 0x00f77733, "c.and a4,a5 -> and a4,a4,a5"},
    {0x9c89, 0x40a484bb, "c.subw s1,a0 -> subw s1,s1,a0"},
    {0x9fa1, 0x008787bb, "c.addw a5,s0 -> addw a5,a5,s0"},
    {0xaffd, 0x7fe0006f, "c.j .+2046 -> jal x0,.+2046"},
    {0xb001, 0x801ff06f, "c.j .-2048 -> jal x0,.-2048"},
    {0xa009, 0x0020006f, "c.j .+2 -> jal x0,.+2"},
    {0xcd7d, 0x0e050f63, "c.beqz a0,.+254 -> beq a0,x0,.+254"},
    {0xd081, 0xf00480e3, "c.beqz s1,.-256 -> beq s1,x0,.-256"},
    {0xe389, 0x00079163, "c.bnez a5,.+2 -> bne a5,x0,.+2"},
    {0xfc7d, 0xfe041fe3, "c.bnez s0,.-2 -> bne s0,x0,.-2"},
    {0x12fe, 0x03f29293, "c.slli t0,63 -> slli t0,t0,63"},
    {0x50fe, 0x0fc12083, "c.lwsp ra,252(sp) -> lw ra,252(sp)"},
    {0x7dfe, 0x1f813d83, "c.ldsp s11,504(sp) -> ld s11,504(sp)"},
    {0x3ffe, 0x1f813f87, "c.fldsp ft11,504(sp) -> fld ft11,504(sp)"},
    {0xdffe, 0x0ff12e23, "c.swsp t6,252(sp) -> sw t6,252(sp)"},
    {0xffaa, 0x1ea13c23, "c.sdsp a0,504(sp) -> sd a0,504(sp)"},
    {0xa422, 0x00813427, "c.fsdsp fs0,8(sp) -> fsd fs0,8(sp)"},
    {0x8082, 0x00008067, "c.jr ra -> jalr x0,0(ra)"},
    {0x9282, 0x000280e7, "c.jalr t0 -> jalr ra,0(t0)"},
    {0x852e, 0x00b00533, "c.mv a0,a1 -> add a0,x0,a1"},
    {0x997e, 0x01f90933, "c.add s2,t6 -> add s2,s2,t6"},
    {0x9002, 0x00100073, "c.ebreak -> ebreak"},
};

TEST(ExpandCompressed, EveryFormMatchesTheSpecExpansion) {
  for (const Rvc& c : kRvcForms) {
    EXPECT_EQ(expand_compressed(c.parcel), c.expanded) << c.text;
  }
}

TEST(ExpandCompressed, DecodedCompressedEqualsDecodedExpansionWithLength2) {
  for (const Rvc& c : kRvcForms) {
    DecodedInsn small = decode(c.parcel);
    DecodedInsn big = decode(c.expanded);
    EXPECT_EQ(small.op, big.op) << c.text;
    EXPECT_EQ(small.rd, big.rd) << c.text;
    EXPECT_EQ(small.rs1, big.rs1) << c.text;
    EXPECT_EQ(small.rs2, big.rs2) << c.text;
    EXPECT_EQ(small.imm, big.imm) << c.text;
    EXPECT_EQ(small.length, 2) << c.text;
    EXPECT_EQ(small.raw, c.parcel) << c.text;
  }
}

TEST(ExpandCompressed, OnlyTheLow16BitsOfACompressedWordAreUsed) {
  DecodedInsn d = decode(0xabcd0000u | 0x1501);  // c.addi a0, -32 followed by garbage
  EXPECT_EQ(d.op, Op::kAddi);
  EXPECT_EQ(d.imm, -32);
  EXPECT_EQ(d.length, 2);
  EXPECT_EQ(d.raw, 0x1501u);
}

TEST(ExpandCompressed, ReservedEncodingsExpandToZero) {
  const std::pair<std::uint16_t, const char*> cases[] = {
      {0x0000, "all-zero parcel"},
      {0x0004, "c.addi4spn s1 with nzuimm=0"},
      {0x6501, "c.lui a0 with nzimm=0"},
      {0x6101, "c.addi16sp with nzimm=0"},
      {0x4002, "c.lwsp with rd=0"},
      {0x6002, "c.ldsp with rd=0"},
      {0x8002, "c.jr with rs1=0"},
      {0x2005, "c.addiw with rd=0"},
      {0x8000, "quadrant 0 funct3=100"},
      {0x9cc9, "quadrant 1 funct6=100111 funct2=10"},
      {0x9ce9, "quadrant 1 funct6=100111 funct2=11"},
  };
  for (const auto& [parcel, text] : cases) {
    EXPECT_EQ(expand_compressed(parcel), 0u) << text;
    DecodedInsn d = decode(parcel);
    EXPECT_EQ(d.op, Op::kIllegal) << text;
    EXPECT_EQ(d.length, 2) << text;
  }
}

TEST(ExpandCompressed, InsnLengthFollowsTheLowTwoBits) {
  EXPECT_EQ(insn_length(0x0001), 2u);
  EXPECT_EQ(insn_length(0x0002), 2u);
  EXPECT_EQ(insn_length(0x0000), 2u);
  EXPECT_EQ(insn_length(0x0013), 4u);
  EXPECT_EQ(insn_length(0xffff), 4u);
}

// ---- disassembler -------------------------------------------------------------------

TEST(Disassembler, RegisterNamesFollowTheAbi) {
  EXPECT_STREQ(int_reg_name(0), "zero");
  EXPECT_STREQ(int_reg_name(1), "ra");
  EXPECT_STREQ(int_reg_name(2), "sp");
  EXPECT_STREQ(int_reg_name(8), "s0");
  EXPECT_STREQ(int_reg_name(10), "a0");
  EXPECT_STREQ(int_reg_name(18), "s2");
  EXPECT_STREQ(int_reg_name(31), "t6");
  EXPECT_STREQ(int_reg_name(kZeroSink), "zero");
  EXPECT_STREQ(fp_reg_name(0), "ft0");
  EXPECT_STREQ(fp_reg_name(8), "fs0");
  EXPECT_STREQ(fp_reg_name(10), "fa0");
  EXPECT_STREQ(fp_reg_name(31), "ft11");
}

TEST(Disassembler, IntegerFormats) {
  EXPECT_EQ(disassemble(decode(rv::addi(a0, a0, 1)), 0), "addi a0, a0, 1");
  EXPECT_EQ(disassemble(decode(rv::addi(zero, zero, 0)), 0), "addi zero, zero, 0");
  EXPECT_EQ(disassemble(decode(rv::add(s0, ra, t6)), 0), "add s0, ra, t6");
  EXPECT_EQ(disassemble(decode(0x00113423), 0), "sd ra, 8(sp)");
  EXPECT_EQ(disassemble(decode(rv::ld(a0, -16, s0)), 0), "ld a0, -16(s0)");
  EXPECT_EQ(disassemble(decode(0x80000537), 0), "lui a0, 0x80000");
}

TEST(Disassembler, BranchAndJumpTargetsAreAbsolute) {
  EXPECT_EQ(disassemble(decode(rv::beq(a0, a1, 8)), 0x80000000), "beq a0, a1, 0x80000008");
  EXPECT_EQ(disassemble(decode(rv::bne(a0, zero, -4)), 0x80000010), "bne a0, zero, 0x8000000c");
  EXPECT_EQ(disassemble(decode(rv::jal(ra, -4)), 0x80001000), "jal ra, 0x80000ffc");
}

TEST(Disassembler, CompressedShowsTheExpandedInstruction) {
  EXPECT_EQ(disassemble(decode(0x852e), 0), "add a0, zero, a1");  // c.mv a0, a1
  EXPECT_EQ(disassemble(decode(0x1501), 0), "addi a0, a0, -32");  // c.addi a0, -32
}

TEST(Disassembler, AtomicAndFloatingPoint) {
  EXPECT_EQ(disassemble(decode(0x1005a52f), 0), "lr.w a0, (a1)");
  EXPECT_EQ(disassemble(decode(rv::amoadd_d(t0, t1, t2)), 0), "amoadd.d t0, t1, (t2)");
  EXPECT_EQ(disassemble(decode(0x02c5f553), 0), "fadd.d fa0, fa1, fa2");
  EXPECT_EQ(disassemble(decode(0x5a059553), 0), "fsqrt.d fa0, fa1, rtz");
  EXPECT_EQ(disassemble(decode(0xffc5a507), 0), "flw fa0, -4(a1)");
  EXPECT_EQ(disassemble(decode(0x00913827), 0), "fsd fs1, 16(sp)");
  EXPECT_EQ(disassemble(decode(0xe0058553), 0), "fmv.x.w a0, fa1");
  EXPECT_EQ(disassemble(decode(0xf2058553), 0), "fmv.d.x fa0, a1");
}

TEST(Disassembler, NoOperandInstructions) {
  EXPECT_EQ(disassemble(decode(rv::ecall()), 0), "ecall");
  EXPECT_EQ(disassemble(decode(rv::mret()), 0), "mret");
  EXPECT_EQ(disassemble(decode(rv::fence_i()), 0), "fence.i");
}

}  // namespace
}  // namespace vmm::isa
