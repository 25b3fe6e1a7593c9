// RV64I and M through the interpreter: every expected value is computed from
// the unprivileged spec (chapters "RV32I", "RV64I", "M"), not from the code.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "support/guest_asm.hpp"
#include "vmm/cpu/interpreter.hpp"

namespace vmm::cpu {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::TestMachine;

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
constexpr std::uint64_t kInt64Min = std::uint64_t{1} << 63;

class InterpreterInt : public ::testing::Test {
 protected:
  /// Loads `code` at the RAM base and runs exactly code.size() instructions.
  void run_straight(const std::vector<std::uint32_t>& code) {
    m.load_code(code);
    Stop stop = m.run(code.size());
    ASSERT_EQ(stop.reason, StopReason::kBudget);
    ASSERT_EQ(m.hart.pc, TestMachine::kRamBase + 4 * code.size());
  }
  /// Runs one R-type instruction a0 = op(a1, a2).
  std::uint64_t binop(std::uint32_t insn, std::uint64_t lhs, std::uint64_t rhs) {
    TestMachine fresh;
    fresh.x(a1) = lhs;
    fresh.x(a2) = rhs;
    fresh.load_code({insn});
    Stop stop = fresh.run(1);
    EXPECT_EQ(stop.reason, StopReason::kBudget);
    return fresh.x(a0);
  }

  TestMachine m;
};

// ---- arithmetic -------------------------------------------------------------

TEST_F(InterpreterInt, AddAndSubWrapAroundModulo2To64) {
  EXPECT_EQ(binop(rv::add(a0, a1, a2), kAllOnes, 1), 0u);
  EXPECT_EQ(binop(rv::add(a0, a1, a2), kInt64Min - 1, 1), kInt64Min);
  EXPECT_EQ(binop(rv::sub(a0, a1, a2), 0, 1), kAllOnes);
  EXPECT_EQ(binop(rv::sub(a0, a1, a2), kInt64Min, 1), kInt64Min - 1);
}

TEST_F(InterpreterInt, AddiSignExtendsItsImmediate) {
  m.x(a1) = 0;
  run_straight({rv::addi(a0, a1, -2048), rv::addi(a2, zero, 2047), rv::addi(a3, a0, -1)});
  EXPECT_EQ(m.x(a0), 0xfffffffffffff800u);
  EXPECT_EQ(m.x(a2), 2047u);
  EXPECT_EQ(m.x(a3), 0xfffffffffffff7ffu);
}

TEST_F(InterpreterInt, LogicalImmediatesUseSignExtendedImmediate) {
  m.x(a1) = 0x00000000ffff0000;
  run_straight({rv::xori(a0, a1, -1), rv::ori(a2, a1, -2048), rv::andi(a3, a1, -1), rv::andi(a4, a1, 0x7ff)});
  EXPECT_EQ(m.x(a0), 0xffffffff0000ffffu);  // xori -1 = not
  EXPECT_EQ(m.x(a2), 0xfffffffffffff800u);
  EXPECT_EQ(m.x(a3), 0x00000000ffff0000u);
  EXPECT_EQ(m.x(a4), 0u);
}

TEST_F(InterpreterInt, SltIsSignedAndSltuIsUnsigned) {
  EXPECT_EQ(binop(rv::slt(a0, a1, a2), kAllOnes, 1), 1u);   // -1 < 1
  EXPECT_EQ(binop(rv::sltu(a0, a1, a2), kAllOnes, 1), 0u);  // 2^64-1 > 1
  EXPECT_EQ(binop(rv::slt(a0, a1, a2), kInt64Min, kInt64Min - 1), 1u);
  EXPECT_EQ(binop(rv::sltu(a0, a1, a2), kInt64Min, kInt64Min - 1), 0u);
  EXPECT_EQ(binop(rv::slt(a0, a1, a2), 5, 5), 0u);
  EXPECT_EQ(binop(rv::sltu(a0, zero, a2), 0, 7), 1u);  // snez
}

TEST_F(InterpreterInt, SltiAndSltiuCompareWithSignExtendedImmediate) {
  m.x(a1) = kAllOnes;
  m.x(a2) = 1;
  run_straight({
      rv::slti(a0, a1, 0),      // -1 < 0 -> 1
      rv::sltiu(a3, a1, -1),    // 2^64-1 < 2^64-1 -> 0
      rv::sltiu(a4, a2, -1),    // 1 < 2^64-1 -> 1 (imm sign-extended, then unsigned)
      rv::sltiu(a5, zero, 1),   // seqz 0 -> 1
      rv::slti(a6, a2, -2048),  // 1 < -2048 -> 0
  });
  EXPECT_EQ(m.x(a0), 1u);
  EXPECT_EQ(m.x(a3), 0u);
  EXPECT_EQ(m.x(a4), 1u);
  EXPECT_EQ(m.x(a5), 1u);
  EXPECT_EQ(m.x(a6), 0u);
}

// ---- shifts -------------------------------------------------------------------

TEST_F(InterpreterInt, RegisterShiftsUseLowSixBitsOfRs2) {
  EXPECT_EQ(binop(rv::sll(a0, a1, a2), 1, 64 + 3), 8u);
  EXPECT_EQ(binop(rv::srl(a0, a1, a2), 0x80, 64 + 3), 0x10u);
  EXPECT_EQ(binop(rv::sra(a0, a1, a2), kInt64Min, 64 + 3), 0xf000000000000000u);
  EXPECT_EQ(binop(rv::sll(a0, a1, a2), 1, 63), kInt64Min);
  EXPECT_EQ(binop(rv::srl(a0, a1, a2), kInt64Min, 63), 1u);
  EXPECT_EQ(binop(rv::sra(a0, a1, a2), kInt64Min, 63), kAllOnes);
  EXPECT_EQ(binop(rv::sll(a0, a1, a2), 0x5, kAllOnes - 63), 0x5u);  // shift by 0
}

TEST_F(InterpreterInt, ImmediateShiftsBy63) {
  m.x(a1) = kInt64Min | 1;
  run_straight({rv::slli(a0, a1, 63), rv::srli(a2, a1, 63), rv::srai(a3, a1, 63), rv::srai(a4, a1, 1)});
  EXPECT_EQ(m.x(a0), kInt64Min);
  EXPECT_EQ(m.x(a2), 1u);
  EXPECT_EQ(m.x(a3), kAllOnes);
  EXPECT_EQ(m.x(a4), 0xc000000000000000u);
}

TEST_F(InterpreterInt, WordImmediateShiftsSignExtendThe32BitResult) {
  m.x(a1) = 0xabcdef0180000001;
  run_straight({
      rv::slliw(a0, a1, 31),  // 0x00000001 << 31 = 0x80000000 -> sign-extended
      rv::srliw(a2, a1, 0),   // 0x80000001 >> 0, sign-extended
      rv::srliw(a3, a1, 1),   // 0x40000000
      rv::sraiw(a4, a1, 31),  // all ones
      rv::sraiw(a5, a1, 4),   // 0xf8000000
  });
  EXPECT_EQ(m.x(a0), 0xffffffff80000000u);
  EXPECT_EQ(m.x(a2), 0xffffffff80000001u);
  EXPECT_EQ(m.x(a3), 0x0000000040000000u);
  EXPECT_EQ(m.x(a4), kAllOnes);
  EXPECT_EQ(m.x(a5), 0xfffffffff8000000u);
}

TEST_F(InterpreterInt, WordRegisterShiftsUseLowFiveBitsOfRs2) {
  EXPECT_EQ(binop(rv::sllw(a0, a1, a2), 1, 32 + 31), 0xffffffff80000000u);
  EXPECT_EQ(binop(rv::sllw(a0, a1, a2), 3, 33), 6u);
  EXPECT_EQ(binop(rv::srlw(a0, a1, a2), 0xffffffff80000000u, 32 + 4), 0x08000000u);
  EXPECT_EQ(binop(rv::srlw(a0, a1, a2), 0x0000000080000000u, 32), 0xffffffff80000000u);  // by 0
  EXPECT_EQ(binop(rv::sraw(a0, a1, a2), 0x0000000080000000u, 32 + 4), 0xfffffffff8000000u);
  EXPECT_EQ(binop(rv::sraw(a0, a1, a2), 0xffffffff7fffffffu, 31), 0u);
}

// ---- W arithmetic -----------------------------------------------------------------

TEST_F(InterpreterInt, AddiwOverflowSignExtends) {
  m.x(a1) = 0x7fffffff;
  run_straight({rv::addiw(a0, a1, 1), rv::addiw(a2, zero, -1), rv::addiw(a3, a1, 0)});
  EXPECT_EQ(m.x(a0), 0xffffffff80000000u);
  EXPECT_EQ(m.x(a2), kAllOnes);
  EXPECT_EQ(m.x(a3), 0x7fffffffu);
}

TEST_F(InterpreterInt, AddiwOfZeroSignExtendsLowWord) {  // sext.w
  m.x(a1) = 0x12345678deadbeef;
  run_straight({rv::addiw(a0, a1, 0)});
  EXPECT_EQ(m.x(a0), 0xffffffffdeadbeefu);
}

TEST_F(InterpreterInt, AddwAndSubwIgnoreUpperBits) {
  EXPECT_EQ(binop(rv::addw(a0, a1, a2), 0x100000001, 0xffffffff), 0u);
  EXPECT_EQ(binop(rv::addw(a0, a1, a2), 0x7fffffff, 1), 0xffffffff80000000u);
  EXPECT_EQ(binop(rv::subw(a0, a1, a2), 0, 1), kAllOnes);
  EXPECT_EQ(binop(rv::subw(a0, a1, a2), 0xffffffff80000000u, 1), 0x7fffffffu);
}

// ---- lui / auipc --------------------------------------------------------------------

TEST_F(InterpreterInt, LuiSignExtendsBit31) {
  run_straight({rv::lui(a0, 0x80000), rv::lui(a1, 0x12345), rv::lui(a2, 0xfffff)});
  EXPECT_EQ(m.x(a0), 0xffffffff80000000u);
  EXPECT_EQ(m.x(a1), 0x12345000u);
  EXPECT_EQ(m.x(a2), 0xfffffffffffff000u);
}

TEST_F(InterpreterInt, AuipcAddsToItsOwnPc) {
  const GuestAddr base = TestMachine::kRamBase;
  run_straight({rv::auipc(a0, 0), rv::auipc(a1, 1), rv::auipc(a2, 0xfffff), rv::auipc(a3, 0x80000)});
  EXPECT_EQ(m.x(a0), base);
  EXPECT_EQ(m.x(a1), base + 4 + 0x1000);
  EXPECT_EQ(m.x(a2), base + 8 - 0x1000);
  EXPECT_EQ(m.x(a3), base + 12 - 0x80000000ull);
}

// ---- jumps --------------------------------------------------------------------------

TEST_F(InterpreterInt, JalLinksToNextInstructionAndSkips) {
  const GuestAddr base = TestMachine::kRamBase;
  m.load_code({rv::jal(ra, 8), rv::addi(a0, zero, 1), rv::addi(a1, zero, 2)});
  ASSERT_EQ(m.run(2).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(ra), base + 4);
  EXPECT_EQ(m.x(a0), 0u);
  EXPECT_EQ(m.x(a1), 2u);
  EXPECT_EQ(m.hart.pc, base + 12);
}

TEST_F(InterpreterInt, JalBackwards) {
  const GuestAddr base = TestMachine::kRamBase;
  m.load_code({rv::addi(a0, a0, 1), rv::jal(zero, -4)});
  ASSERT_EQ(m.run(4).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 2u);
  EXPECT_EQ(m.hart.pc, base);
  EXPECT_EQ(m.x(zero), 0u);
}

TEST_F(InterpreterInt, JalrClearsBitZeroOfTheTarget) {
  const GuestAddr base = TestMachine::kRamBase;
  m.x(t1) = base + 13;  // + 0 -> 13, bit 0 cleared -> 12
  m.load_code({rv::jalr(ra, t1, 0), rv::addi(a0, zero, 1), rv::addi(a1, zero, 1), rv::addi(a2, zero, 1)});
  ASSERT_EQ(m.run(2).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(ra), base + 4);
  EXPECT_EQ(m.x(a0), 0u);
  EXPECT_EQ(m.x(a1), 0u);
  EXPECT_EQ(m.x(a2), 1u);
  EXPECT_EQ(m.hart.pc, base + 16);
}

TEST_F(InterpreterInt, JalrAddsSignedImmediateBeforeClearingBit0) {
  const GuestAddr base = TestMachine::kRamBase;
  m.x(t1) = base + 0x20;
  m.load_code({rv::jalr(ra, t1, -0x17)});  // 0x20 - 0x17 = 9 -> 8
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.pc, base + 8);
}

TEST_F(InterpreterInt, JalrWithRdEqualRs1UsesTheOldValue) {
  const GuestAddr base = TestMachine::kRamBase;
  m.x(t1) = base + 8;
  m.load_code({rv::jalr(t1, t1, 0)});
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.pc, base + 8);
  EXPECT_EQ(m.x(t1), base + 4);
}

TEST_F(InterpreterInt, CompressedJalrLinksPcPlus2) {
  const GuestAddr base = TestMachine::kRamBase;
  m.x(t0) = base + 0x40;
  m.load_parcels({0x9282}, base);  // c.jalr t0
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(ra), base + 2);
  EXPECT_EQ(m.hart.pc, base + 0x40);
}

TEST_F(InterpreterInt, CompressedCodeExecutes) {
  const GuestAddr base = TestMachine::kRamBase;
  // c.li a5,31; c.addi a0,-32; c.addiw a1,-1; c.add s2,t6
  m.x(a1) = 0x100000000;  // addiw: low word 0 - 1 = -1
  m.x(t6) = 5;
  m.x(s2) = 10;
  m.load_parcels({0x47fd, 0x1501, 0x35fd, 0x997e}, base);
  ASSERT_EQ(m.run(4).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a5), 31u);
  EXPECT_EQ(m.x(a0), static_cast<std::uint64_t>(-32));
  EXPECT_EQ(m.x(a1), kAllOnes);
  EXPECT_EQ(m.x(s2), 15u);
  EXPECT_EQ(m.hart.pc, base + 8);
}

TEST_F(InterpreterInt, JumpsAcrossPagesAndBack) {
  const GuestAddr base = TestMachine::kRamBase;
  // base: addi a0,a0,1; jal +0x2000 -> base+0x2004: addi a1,a1,1; jal back to base
  m.load_code({rv::addi(a0, a0, 1), rv::jal(zero, 0x2000)});
  m.load_code({rv::addi(a1, a1, 1), rv::jal(zero, -0x2008)}, base + 0x2004);
  ASSERT_EQ(m.run(9).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 3u);
  EXPECT_EQ(m.x(a1), 2u);
  EXPECT_EQ(m.hart.pc, base + 4);
}

TEST_F(InterpreterInt, CompressedInstructionAtTheEndOfAPage) {
  const GuestAddr page_end = TestMachine::kRamBase + kPageSize;
  m.load_parcels({0x0505}, page_end - 2);  // c.addi a0, 1
  m.load_code({rv::addi(a0, a0, 2)}, page_end);
  m.hart.pc = page_end - 2;
  ASSERT_EQ(m.run(2).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 3u);
  EXPECT_EQ(m.hart.pc, page_end + 4);
}

// ---- branches -----------------------------------------------------------------------

struct BranchCase {
  const char* name;
  std::uint32_t (*encode)(unsigned, unsigned, std::int32_t);
  std::uint64_t lhs, rhs;
  bool taken;
};

TEST_F(InterpreterInt, EveryBranchTakenAndNotTaken) {
  const BranchCase cases[] = {
      {"beq equal", rv::beq, 5, 5, true},
      {"beq different", rv::beq, 5, 6, false},
      {"bne different", rv::bne, 5, 6, true},
      {"bne equal", rv::bne, 7, 7, false},
      {"blt -1 < 1", rv::blt, kAllOnes, 1, true},
      {"blt 1 < -1", rv::blt, 1, kAllOnes, false},
      {"blt equal", rv::blt, 3, 3, false},
      {"bge 1 >= -1", rv::bge, 1, kAllOnes, true},
      {"bge equal", rv::bge, kInt64Min, kInt64Min, true},
      {"bge -1 >= 1", rv::bge, kAllOnes, 1, false},
      {"bltu 1 < 2^64-1", rv::bltu, 1, kAllOnes, true},
      {"bltu 2^64-1 < 1", rv::bltu, kAllOnes, 1, false},
      {"bltu equal", rv::bltu, 9, 9, false},
      {"bgeu 2^64-1 >= 1", rv::bgeu, kAllOnes, 1, true},
      {"bgeu equal", rv::bgeu, 0, 0, true},
      {"bgeu 1 >= 2^64-1", rv::bgeu, 1, kAllOnes, false},
  };
  const GuestAddr base = TestMachine::kRamBase;
  for (const BranchCase& c : cases) {
    TestMachine t;
    t.x(a1) = c.lhs;
    t.x(a2) = c.rhs;
    // branch +8; a0 = 1 (skipped if taken); a3 = 1; ecall
    t.load_code({c.encode(a1, a2, 8), rv::addi(a0, zero, 1), rv::addi(a3, zero, 1), rv::ecall()});
    Stop stop = t.run(100);
    EXPECT_EQ(stop.reason, StopReason::kEcall) << c.name;
    EXPECT_EQ(t.hart.pc, base + 12) << c.name;
    EXPECT_EQ(t.x(a0), c.taken ? 0u : 1u) << c.name;
    EXPECT_EQ(t.x(a3), 1u) << c.name;
    EXPECT_EQ(t.hart.instret, c.taken ? 2u : 3u) << c.name;
  }
}

TEST_F(InterpreterInt, BackwardBranchLoops) {
  // a0 = 5; loop: a1 += 1; a0 -= 1; bne a0, x0, loop
  m.load_code(
      {rv::addi(a0, zero, 5), rv::addi(a1, a1, 1), rv::addi(a0, a0, -1), rv::bne(a0, zero, -8), rv::ecall()});
  ASSERT_EQ(m.run(1000).reason, StopReason::kEcall);
  EXPECT_EQ(m.x(a1), 5u);
  EXPECT_EQ(m.hart.instret, 1u + 5 * 3);
}

// ---- loads and stores ---------------------------------------------------------------

TEST_F(InterpreterInt, LoadsSignOrZeroExtendEveryWidth) {
  const GuestAddr data = TestMachine::kDataBase;
  m.poke<std::uint64_t>(data, 0x8081828384858687);  // little endian: byte 0 = 0x87
  m.x(a1) = data;
  run_straight({
      rv::lb(a0, 0, a1),
      rv::lbu(a2, 0, a1),
      rv::lh(a3, 0, a1),
      rv::lhu(a4, 0, a1),
      rv::lw(a5, 0, a1),
      rv::lwu(a6, 0, a1),
      rv::ld(a7, 0, a1),
  });
  EXPECT_EQ(m.x(a0), 0xffffffffffffff87u);
  EXPECT_EQ(m.x(a2), 0x87u);
  EXPECT_EQ(m.x(a3), 0xffffffffffff8687u);
  EXPECT_EQ(m.x(a4), 0x8687u);
  EXPECT_EQ(m.x(a5), 0xffffffff84858687u);
  EXPECT_EQ(m.x(a6), 0x84858687u);
  EXPECT_EQ(m.x(a7), 0x8081828384858687u);
}

TEST_F(InterpreterInt, LoadsOfPositiveValuesDoNotSignExtend) {
  const GuestAddr data = TestMachine::kDataBase;
  m.poke<std::uint64_t>(data, 0x7f7e7d7c7b7a7978);
  m.x(a1) = data;
  run_straight({rv::lb(a0, 0, a1), rv::lh(a2, 0, a1), rv::lw(a3, 0, a1)});
  EXPECT_EQ(m.x(a0), 0x78u);
  EXPECT_EQ(m.x(a2), 0x7978u);
  EXPECT_EQ(m.x(a3), 0x7b7a7978u);
}

TEST_F(InterpreterInt, LoadWithNegativeOffset) {
  const GuestAddr data = TestMachine::kDataBase;
  m.poke<std::uint32_t>(data - 4, 0x11223344);
  m.x(a1) = data;
  run_straight({rv::lw(a0, -4, a1)});
  EXPECT_EQ(m.x(a0), 0x11223344u);
}

TEST_F(InterpreterInt, StoresWriteOnlyTheirWidth) {
  const GuestAddr data = TestMachine::kDataBase;
  for (int i = 0; i < 4; ++i) m.poke<std::uint64_t>(data + 8 * i, kAllOnes);
  m.x(a0) = 0x0102030405060708;
  m.x(a1) = data;
  run_straight({rv::sb(a0, 0, a1), rv::sh(a0, 8, a1), rv::sw(a0, 16, a1), rv::sd(a0, 24, a1)});
  EXPECT_EQ(m.peek<std::uint64_t>(data), 0xffffffffffffff08u);
  EXPECT_EQ(m.peek<std::uint64_t>(data + 8), 0xffffffffffff0708u);
  EXPECT_EQ(m.peek<std::uint64_t>(data + 16), 0xffffffff05060708u);
  EXPECT_EQ(m.peek<std::uint64_t>(data + 24), 0x0102030405060708u);
}

TEST_F(InterpreterInt, MisalignedLoadsReadTheRightBytes) {
  const GuestAddr data = TestMachine::kDataBase;
  for (unsigned i = 0; i < 16; ++i) m.poke<std::uint8_t>(data + i, static_cast<std::uint8_t>(0xf0 + i));
  m.x(a1) = data;
  run_straight(
      {rv::ld(a0, 3, a1), rv::lw(a2, 1, a1), rv::lh(a3, 7, a1), rv::lhu(a4, 5, a1), rv::lwu(a5, 2, a1)});
  EXPECT_EQ(m.x(a0), 0xfaf9f8f7f6f5f4f3u);
  EXPECT_EQ(m.x(a2), 0xfffffffff4f3f2f1u);
  EXPECT_EQ(m.x(a3), 0xfffffffffffff8f7u);
  EXPECT_EQ(m.x(a4), 0xf6f5u);
  EXPECT_EQ(m.x(a5), 0xf5f4f3f2u);
}

TEST_F(InterpreterInt, MisalignedStoresWriteTheRightBytes) {
  const GuestAddr data = TestMachine::kDataBase;
  m.poke<std::uint64_t>(data, 0);
  m.poke<std::uint64_t>(data + 8, 0);
  m.x(a0) = 0x1122334455667788;
  m.x(a1) = data;
  run_straight({rv::sd(a0, 5, a1), rv::sh(a0, 1, a1)});
  EXPECT_EQ(m.peek<std::uint64_t>(data), 0x6677880000778800u);
  EXPECT_EQ(m.peek<std::uint64_t>(data + 8), 0x0000001122334455u);
}

TEST_F(InterpreterInt, MisalignedAccessStraddlingAPageBoundary) {
  const GuestAddr boundary = TestMachine::kDataBase + 0x1000;
  m.x(a0) = 0xa1a2a3a4a5a6a7a8;
  m.x(a1) = boundary - 3;
  run_straight({rv::sd(a0, 0, a1), rv::ld(a2, 0, a1), rv::lw(a3, 1, a1)});
  EXPECT_EQ(m.peek<std::uint8_t>(boundary - 3), 0xa8u);
  EXPECT_EQ(m.peek<std::uint8_t>(boundary), 0xa5u);
  EXPECT_EQ(m.peek<std::uint8_t>(boundary + 4), 0xa1u);
  EXPECT_EQ(m.x(a2), 0xa1a2a3a4a5a6a7a8u);
  EXPECT_EQ(m.x(a3), 0xffffffffa4a5a6a7u);
}

TEST_F(InterpreterInt, StoreThenLoadSameAddressSeesNewValue) {
  const GuestAddr data = TestMachine::kDataBase;
  m.x(a1) = data;
  m.x(a0) = 42;
  run_straight({rv::ld(a2, 0, a1), rv::sd(a0, 0, a1), rv::ld(a3, 0, a1)});
  EXPECT_EQ(m.x(a2), 0u);
  EXPECT_EQ(m.x(a3), 42u);
}

// ---- M: division -------------------------------------------------------------------

TEST_F(InterpreterInt, DivisionByZero) {
  const std::uint64_t x = 0x123456789;
  EXPECT_EQ(binop(rv::div(a0, a1, a2), x, 0), kAllOnes);
  EXPECT_EQ(binop(rv::divu(a0, a1, a2), x, 0), kAllOnes);
  EXPECT_EQ(binop(rv::rem(a0, a1, a2), x, 0), x);
  EXPECT_EQ(binop(rv::remu(a0, a1, a2), x, 0), x);
  EXPECT_EQ(binop(rv::rem(a0, a1, a2), kAllOnes - 4, 0), kAllOnes - 4);  // -5 % 0 = -5
}

TEST_F(InterpreterInt, WordDivisionByZero) {
  // Only the low 32 bits of rs2 count: 0x1_0000_0000 is a zero divisor.
  const std::uint64_t zero_low = 0x100000000;
  EXPECT_EQ(binop(rv::divw(a0, a1, a2), 7, zero_low), kAllOnes);
  EXPECT_EQ(binop(rv::divuw(a0, a1, a2), 7, zero_low), kAllOnes);  // 0xffffffff sign-extended
  EXPECT_EQ(binop(rv::remw(a0, a1, a2), 0x500000007, 0), 7u);
  EXPECT_EQ(binop(rv::remw(a0, a1, a2), 0x80000000, 0), 0xffffffff80000000u);
  EXPECT_EQ(binop(rv::remuw(a0, a1, a2), 0x180000000, 0), 0xffffffff80000000u);
  EXPECT_EQ(binop(rv::remuw(a0, a1, a2), 0x17fffffff, zero_low), 0x7fffffffu);
}

TEST_F(InterpreterInt, SignedDivisionOverflow) {
  EXPECT_EQ(binop(rv::div(a0, a1, a2), kInt64Min, kAllOnes), kInt64Min);
  EXPECT_EQ(binop(rv::rem(a0, a1, a2), kInt64Min, kAllOnes), 0u);
  // Unsigned: 2^63 / (2^64-1) = 0 remainder 2^63.
  EXPECT_EQ(binop(rv::divu(a0, a1, a2), kInt64Min, kAllOnes), 0u);
  EXPECT_EQ(binop(rv::remu(a0, a1, a2), kInt64Min, kAllOnes), kInt64Min);
}

TEST_F(InterpreterInt, WordSignedDivisionOverflow) {
  EXPECT_EQ(binop(rv::divw(a0, a1, a2), 0x80000000, 0xffffffff), 0xffffffff80000000u);
  EXPECT_EQ(binop(rv::remw(a0, a1, a2), 0x80000000, 0xffffffff), 0u);
  EXPECT_EQ(binop(rv::divuw(a0, a1, a2), 0x80000000, 0xffffffff), 0u);
  EXPECT_EQ(binop(rv::remuw(a0, a1, a2), 0x80000000, 0xffffffff), 0xffffffff80000000u);
}

TEST_F(InterpreterInt, DivisionRoundsTowardZero) {
  const auto neg = [](std::int64_t v) { return static_cast<std::uint64_t>(v); };
  EXPECT_EQ(binop(rv::div(a0, a1, a2), neg(-7), 2), neg(-3));
  EXPECT_EQ(binop(rv::rem(a0, a1, a2), neg(-7), 2), neg(-1));
  EXPECT_EQ(binop(rv::div(a0, a1, a2), 7, neg(-2)), neg(-3));
  EXPECT_EQ(binop(rv::rem(a0, a1, a2), 7, neg(-2)), 1u);
  EXPECT_EQ(binop(rv::divu(a0, a1, a2), neg(-7), 2), 0x7ffffffffffffffcu);
  EXPECT_EQ(binop(rv::remu(a0, a1, a2), neg(-7), 2), 1u);
  EXPECT_EQ(binop(rv::divw(a0, a1, a2), 0xfffffff9, 2), neg(-3));  // low word -7
  EXPECT_EQ(binop(rv::remw(a0, a1, a2), 0xfffffff9, 2), neg(-1));
  EXPECT_EQ(binop(rv::divuw(a0, a1, a2), 0xfffffff9, 1), neg(-7));  // 0xfffffff9 sign-extended
}

// ---- M: multiplication --------------------------------------------------------------

TEST_F(InterpreterInt, MulReturnsLow64Bits) {
  EXPECT_EQ(binop(rv::mul(a0, a1, a2), kAllOnes, kAllOnes), 1u);
  EXPECT_EQ(binop(rv::mul(a0, a1, a2), 0x100000000, 0x100000000), 0u);
  EXPECT_EQ(binop(rv::mul(a0, a1, a2), kInt64Min, kAllOnes), kInt64Min);
}

TEST_F(InterpreterInt, MulhVariantsWithNegativeOperands) {
  // (-1) * (-1) = 1: high 0 signed; (2^64-1)^2 = 2^128 - 2^65 + 1: high 2^64 - 2.
  EXPECT_EQ(binop(rv::mulh(a0, a1, a2), kAllOnes, kAllOnes), 0u);
  EXPECT_EQ(binop(rv::mulhu(a0, a1, a2), kAllOnes, kAllOnes), 0xfffffffffffffffeu);
  // signed -1 times unsigned 2^64-1 = -(2^64-1) = -2^64 + 1: high -1.
  EXPECT_EQ(binop(rv::mulhsu(a0, a1, a2), kAllOnes, kAllOnes), kAllOnes);
  // signed 2 times unsigned 2^64-1 = 2^65 - 2: high 1.
  EXPECT_EQ(binop(rv::mulhsu(a0, a1, a2), 2, kAllOnes), 1u);
  // signed -2 times unsigned 3 = -6: high -1.
  EXPECT_EQ(binop(rv::mulhsu(a0, a1, a2), static_cast<std::uint64_t>(-2), 3), kAllOnes);
  // (-2^63)^2 = 2^126: high 2^62 signed; unsigned 2^63 * 2^63 same.
  EXPECT_EQ(binop(rv::mulh(a0, a1, a2), kInt64Min, kInt64Min), 0x4000000000000000u);
  EXPECT_EQ(binop(rv::mulhu(a0, a1, a2), kInt64Min, kInt64Min), 0x4000000000000000u);
  // -2^63 * -1 = 2^63: high 0 (positive, fits in 128-bit signed below 2^64).
  EXPECT_EQ(binop(rv::mulh(a0, a1, a2), kInt64Min, kAllOnes), 0u);
  // -2^63 * 1 = -2^63: high -1.
  EXPECT_EQ(binop(rv::mulh(a0, a1, a2), kInt64Min, 1), kAllOnes);
  // signed -2^63 * unsigned 2^63 = -2^126: high -2^62.
  EXPECT_EQ(binop(rv::mulhsu(a0, a1, a2), kInt64Min, kInt64Min), 0xc000000000000000u);
}

TEST_F(InterpreterInt, MulwSignExtendsLow32Bits) {
  EXPECT_EQ(binop(rv::mulw(a0, a1, a2), 0x7fffffff, 2), 0xfffffffffffffffeu);
  EXPECT_EQ(binop(rv::mulw(a0, a1, a2), 0x1000000003, 0x2000000005), 15u);
  EXPECT_EQ(binop(rv::mulw(a0, a1, a2), 0x10000, 0x8000), 0xffffffff80000000u);
}

// ---- x0 and the budget ---------------------------------------------------------------

TEST_F(InterpreterInt, WritesToX0AreDiscarded) {
  const GuestAddr data = TestMachine::kDataBase;
  m.poke<std::uint64_t>(data, 0x55);
  m.x(a1) = data;
  run_straight({rv::addi(zero, zero, 5), rv::lui(zero, 0x12345), rv::ld(zero, 0, a1), rv::jal(zero, 4),
                rv::add(a0, zero, zero), rv::addi(a2, zero, 0)});
  EXPECT_EQ(m.hart.x[0], 0u);
  EXPECT_EQ(m.x(a0), 0u);
  EXPECT_EQ(m.x(a2), 0u);
}

TEST_F(InterpreterInt, BudgetIsExactAndInstretAdvancesByIt) {
  const GuestAddr base = TestMachine::kRamBase;
  m.load_code({rv::addi(a0, a0, 1), rv::jal(zero, -4)});
  Stop stop = m.run(1001);
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.instret, 1001u);
  EXPECT_EQ(m.x(a0), 501u);  // instructions 0, 2, ..., 1000 are the addi
  EXPECT_EQ(m.hart.pc, base + 4);
  stop = m.run(3);
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.instret, 1004u);
  EXPECT_EQ(m.x(a0), 502u);
  EXPECT_EQ(m.hart.pc, base);
}

TEST_F(InterpreterInt, BudgetOfOneStopsAfterATakenBranch) {
  const GuestAddr base = TestMachine::kRamBase;
  m.load_code({rv::beq(zero, zero, 12)});
  EXPECT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.pc, base + 12);
  EXPECT_EQ(m.hart.instret, 1u);
}

TEST_F(InterpreterInt, BudgetStopsExactlyAcrossPages) {
  // A straight run of nops over the first page boundary.
  const GuestAddr base = TestMachine::kRamBase;
  std::vector<std::uint32_t> code(1100, rv::addi(a0, a0, 1));
  m.load_code(code);
  EXPECT_EQ(m.run(1030).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 1030u);
  EXPECT_EQ(m.hart.pc, base + 4 * 1030);
  EXPECT_EQ(m.hart.instret, 1030u);
}

TEST_F(InterpreterInt, InstretAccumulatesOverAnExistingCount) {
  m.hart.instret = 1000;
  run_straight({rv::nop(), rv::nop(), rv::nop()});
  EXPECT_EQ(m.hart.instret, 1003u);
}

}  // namespace
}  // namespace vmm::cpu
