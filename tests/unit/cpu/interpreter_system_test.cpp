// Zicsr, privilege, exceptions, traps and instruction-fetch coherence through
// the interpreter. Expected values come from the unprivileged spec (chapters
// "Zicsr", "Zifencei", "Counters") and the privileged spec (§2.1 CSR address
// mapping conventions, §3.1 machine-level CSRs, §3.3 mret).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/guest_asm.hpp"
#include "vmm/cpu/csr.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/cpu/trap.hpp"

namespace vmm::cpu {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::TestMachine;

constexpr GuestAddr kBase = TestMachine::kRamBase;

class InterpreterSystem : public ::testing::Test {
 protected:
  Stop run_code(const std::vector<std::uint32_t>& code, std::uint64_t budget = 0) {
    m.load_code(code);
    return m.run(budget != 0 ? budget : code.size());
  }
  /// Runs `insn` alone (after one nop) and expects an illegal-instruction stop at it.
  void expect_illegal(std::uint32_t insn, const char* what) {
    TestMachine t;
    t.hart.priv = m.hart.priv;
    t.hart.mcounteren = m.hart.mcounteren;
    t.x(a0) = 0x5a5a;
    t.load_code({rv::nop(), insn});
    Stop stop = t.run(2);
    EXPECT_EQ(stop.reason, StopReason::kException) << what;
    EXPECT_EQ(stop.cause, Cause::kIllegalInsn) << what;
    EXPECT_EQ(stop.tval, insn) << what;
    EXPECT_EQ(t.hart.pc, kBase + 4) << what;
    EXPECT_EQ(t.hart.instret, 1u) << what;
    EXPECT_EQ(t.x(a0), 0x5a5au) << what;  // rd not written
  }

  TestMachine m;
};

// ---- CSR instructions ---------------------------------------------------------------

TEST_F(InterpreterSystem, CsrrwSwapsRegisterAndCsr) {
  m.hart.mscratch = 0x1111;
  m.x(a1) = 0x2222;
  ASSERT_EQ(run_code({rv::csrrw(a0, csr::kMscratch, a1)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0x1111u);
  EXPECT_EQ(m.hart.mscratch, 0x2222u);
}

TEST_F(InterpreterSystem, CsrrwWithRdEqualRs1) {
  m.hart.mscratch = 0xaaaa;
  m.x(a1) = 0xbbbb;
  ASSERT_EQ(run_code({rv::csrrw(a1, csr::kMscratch, a1)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a1), 0xaaaau);
  EXPECT_EQ(m.hart.mscratch, 0xbbbbu);
}

TEST_F(InterpreterSystem, CsrrsSetsAndCsrrcClearsBits) {
  m.hart.mscratch = 0xf0;
  m.x(a1) = 0x0f;
  m.x(a3) = 0x3c;
  ASSERT_EQ(run_code({rv::csrrs(a0, csr::kMscratch, a1), rv::csrrc(a2, csr::kMscratch, a3)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0xf0u);
  EXPECT_EQ(m.x(a2), 0xffu);
  EXPECT_EQ(m.hart.mscratch, 0xc3u);
}

TEST_F(InterpreterSystem, ImmediateFormsZeroExtendFiveBitUimm) {
  m.hart.mscratch = 0xdead;
  ASSERT_EQ(run_code({rv::csrrwi(a0, csr::kMscratch, 31), rv::csrrsi(a1, csr::kMscratch, 0),
                      rv::csrrci(a2, csr::kMscratch, 1), rv::csrrsi(a3, csr::kMscratch, 0x10 | 1),
                      rv::csrr(a4, csr::kMscratch)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0xdeadu);
  EXPECT_EQ(m.x(a1), 31u);  // 31, not sign-extended -1
  EXPECT_EQ(m.x(a2), 31u);
  EXPECT_EQ(m.x(a3), 30u);
  EXPECT_EQ(m.x(a4), 31u);
}

TEST_F(InterpreterSystem, ReadOnlyCsrsAreReadableWithoutWriting) {
  m.x(a5) = 0;  // not used: the x0 / zero-uimm forms do not write
  ASSERT_EQ(
      run_code({rv::csrrs(a0, csr::kMhartid, zero), rv::csrrc(a1, csr::kMvendorid, zero),
                rv::csrrsi(a2, csr::kMarchid, 0), rv::csrrci(a3, csr::kMimpid, 0), rv::csrr(a4, csr::kMisa)})
          .reason,
      StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0u);  // one hart: hart 0
  EXPECT_EQ(m.x(a1), 0u);
  EXPECT_EQ(m.x(a2), 0u);
  EXPECT_EQ(m.x(a3), 0u);
  // misa: MXL = 2 (XLEN 64) in bits 63:62; extensions A, C, D, F, I, M, U.
  const std::uint64_t misa =
      (2ull << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) | (1u << 12) | (1u << 20);
  EXPECT_EQ(m.x(a4), misa);
  EXPECT_EQ(misa, 0x800000000010112dull);
}

TEST_F(InterpreterSystem, WritingAReadOnlyCsrIsIllegal) {
  expect_illegal(rv::csrrw(a0, csr::kMhartid, a1), "csrrw mhartid");
  expect_illegal(rv::csrrw(zero, csr::kMhartid, zero), "csrrw x0, mhartid, x0 still writes");
  expect_illegal(rv::csrrwi(a0, csr::kMvendorid, 0), "csrrwi mvendorid, 0 still writes");
  expect_illegal(rv::csrrsi(a0, csr::kMarchid, 1), "csrrsi marchid, 1");
  expect_illegal(rv::csrrc(a0, csr::kMimpid, a1), "csrrc mimpid, a1");
  expect_illegal(rv::csrrw(a0, csr::kCycle, a1), "csrrw cycle");
  expect_illegal(rv::csrrs(a0, csr::kInstret, a1), "csrrs instret, a1");
}

TEST_F(InterpreterSystem, CsrrsWithZeroValuedRegisterOtherThanX0StillWrites) {
  // Zicsr: "if rs1 specifies a register holding a zero value other than x0,
  // the instruction will still attempt to write the unmodified value back".
  TestMachine t;
  t.x(a1) = 0;
  t.load_code({rv::csrrs(a0, csr::kMhartid, a1)});
  Stop stop = t.run(1);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kIllegalInsn);
  EXPECT_EQ(stop.tval, rv::csrrs(a0, csr::kMhartid, a1));
}

TEST_F(InterpreterSystem, MisaIsWarlAndIgnoresWrites) {
  // misa (0x301) is a read/write CSR whose fields are WARL: the write is legal.
  m.x(a1) = 0;
  ASSERT_EQ(run_code({rv::csrrw(a0, csr::kMisa, a1), rv::csrr(a2, csr::kMisa)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), kMisa);
  EXPECT_EQ(m.x(a2), kMisa);
}

TEST_F(InterpreterSystem, UnknownCsrIsIllegal) {
  expect_illegal(rv::csrr(a0, 0x180), "satp (no S-mode)");
  expect_illegal(rv::csrr(a0, 0x100), "sstatus (no S-mode)");
  expect_illegal(rv::csrr(a0, 0x7c0), "custom machine CSR");
  expect_illegal(rv::csrrw(a0, 0x5c0, a1), "custom supervisor CSR");
  expect_illegal(rv::csrr(a0, 0x7b0), "dcsr (debug mode only)");
}

TEST_F(InterpreterSystem, UserModeCannotAccessMachineCsrs) {
  m.hart.priv = Privilege::kUser;
  expect_illegal(rv::csrr(a0, csr::kMscratch), "csrr mscratch in U");
  expect_illegal(rv::csrr(a0, csr::kMstatus), "csrr mstatus in U");
  expect_illegal(rv::csrr(a0, csr::kMhartid), "csrr mhartid in U");
  expect_illegal(rv::csrrw(a0, csr::kMtvec, a1), "csrrw mtvec in U");
  expect_illegal(rv::mret(), "mret in U");
}

TEST_F(InterpreterSystem, UserModeCanAccessFloatingPointCsrs) {
  m.hart.priv = Privilege::kUser;
  m.hart.fflags = 0x3;
  ASSERT_EQ(run_code({rv::csrr(a0, csr::kFflags), rv::csrrwi(a1, csr::kFrm, 4)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0x3u);
  EXPECT_EQ(m.hart.frm, 4u);
}

TEST_F(InterpreterSystem, UserModeCounterAccessFollowsMcounteren) {
  m.hart.priv = Privilege::kUser;
  m.hart.mcounteren = 0;
  expect_illegal(rv::csrr(a0, csr::kInstret), "rdinstret with mcounteren.IR = 0");
  expect_illegal(rv::csrr(a0, csr::kCycle), "rdcycle with mcounteren.CY = 0");

  m.hart.mcounteren = 1u << 2;  // IR
  ASSERT_EQ(run_code({rv::nop(), rv::nop(), rv::csrr(a0, csr::kInstret)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 2u);
}

TEST_F(InterpreterSystem, FloatingPointCsrsAlias) {
  m.x(a1) = 0xff;
  m.x(a2) = 0x1ff;
  ASSERT_EQ(run_code({
                         rv::csrw(csr::kFcsr, a1),    // frm = 7, fflags = 0x1f
                         rv::csrr(a3, csr::kFflags),  //
                         rv::csrr(a4, csr::kFrm),     //
                         rv::csrrwi(zero, csr::kFrm, 2),
                         rv::csrr(a5, csr::kFcsr),  // 2 << 5 | 0x1f
                         rv::csrrwi(zero, csr::kFflags, 1),
                         rv::csrr(a6, csr::kFcsr),  // 2 << 5 | 1
                         rv::csrw(csr::kFcsr, a2),  // bit 8 is reserved: ignored
                         rv::csrr(a7, csr::kFcsr),
                     })
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a3), 0x1fu);
  EXPECT_EQ(m.x(a4), 7u);
  EXPECT_EQ(m.x(a5), (2u << 5) | 0x1fu);
  EXPECT_EQ(m.x(a6), (2u << 5) | 1u);
  EXPECT_EQ(m.x(a7), 0xffu);
}

TEST_F(InterpreterSystem, FflagsAndFrmKeepOnlyTheirBits) {
  m.x(a1) = ~std::uint64_t{0};
  ASSERT_EQ(run_code({rv::csrw(csr::kFflags, a1), rv::csrr(a2, csr::kFcsr), rv::csrw(csr::kFrm, a1),
                      rv::csrr(a3, csr::kFrm), rv::csrr(a4, csr::kFcsr)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a2), 0x1fu);  // frm still 0
  EXPECT_EQ(m.x(a3), 7u);
  EXPECT_EQ(m.x(a4), 0xffu);
}

TEST_F(InterpreterSystem, MepcBit0IsAlwaysZero) {
  m.x(a1) = kBase + 3;
  ASSERT_EQ(run_code({rv::csrw(csr::kMepc, a1), rv::csrr(a0, csr::kMepc)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), kBase + 2);
}

TEST_F(InterpreterSystem, MstatusReportsUxl64AndKeepsMppLegal) {
  // MPP = 1 (S) is not a supported mode: WARL keeps a legal value (U or M).
  m.x(a1) = mstatus::kMie | mstatus::kMpie | (1ull << mstatus::kMppShift);
  ASSERT_EQ(run_code({rv::csrw(csr::kMstatus, a1), rv::csrr(a0, csr::kMstatus)}).reason, StopReason::kBudget);
  const std::uint64_t value = m.x(a0);
  EXPECT_EQ((value >> 32) & 3, 2u);  // UXL = 2: XLEN 64 in U-mode
  EXPECT_NE(value & mstatus::kMie, 0u);
  EXPECT_NE(value & mstatus::kMpie, 0u);
  const std::uint64_t mpp = (value & mstatus::kMpp) >> mstatus::kMppShift;
  EXPECT_TRUE(mpp == 0 || mpp == 3) << mpp;
}

// ---- counters ------------------------------------------------------------------------

TEST_F(InterpreterSystem, MinstretReadsTheExactRetiredCount) {
  m.hart.instret = 500;
  ASSERT_EQ(run_code({rv::nop(), rv::nop(), rv::nop(), rv::csrr(a0, csr::kMinstret),
                      rv::csrr(a1, csr::kInstret), rv::csrr(a2, csr::kMinstret)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 503u);
  EXPECT_EQ(m.x(a1), 504u);
  EXPECT_EQ(m.x(a2), 505u);
  EXPECT_EQ(m.hart.instret, 506u);
}

TEST_F(InterpreterSystem, MinstretCountsAcrossRuns) {
  m.load_code({rv::nop(), rv::nop(), rv::nop(), rv::csrr(a0, csr::kMinstret)});
  ASSERT_EQ(m.run(2).reason, StopReason::kBudget);
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 3u);
}

TEST_F(InterpreterSystem, MinstretWriteIsTheValueReadByTheNextInstruction) {
  // Privileged spec §2.1 / Zicsr: "If a CSR access instruction writes such a
  // CSR, the write is done instead of the increment", so the value written by
  // one instruction is the value read by the following instruction.
  m.x(a1) = 100;
  ASSERT_EQ(run_code({rv::csrw(csr::kMinstret, a1), rv::csrr(a0, csr::kMinstret)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 100u);
  EXPECT_EQ(m.hart.instret, 101u);
}

TEST_F(InterpreterSystem, WritingMcycleDoesNotChangeMinstret) {
  // Privileged spec §3.1.11: mcycle counts cycles, minstret counts retired
  // instructions; they are separate counters.
  m.x(a1) = 0;
  ASSERT_EQ(run_code({rv::nop(), rv::nop(), rv::csrw(csr::kMcycle, a1), rv::csrr(a0, csr::kMinstret)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 3u);
  EXPECT_EQ(m.hart.instret, 4u);
}

TEST_F(InterpreterSystem, McountinhibitIrStopsMinstret) {
  // Privileged spec §3.1.12: "When the IR bit is set, the minstret register is
  // not incremented." (An implementation without the register reads IR as 0.)
  m.x(a1) = 1u << 2;  // IR
  ASSERT_EQ(run_code({rv::csrw(csr::kMcountinhibit, a1), rv::csrr(a2, csr::kMcountinhibit),
                      rv::csrr(a0, csr::kMinstret), rv::nop(), rv::nop(), rv::csrr(a3, csr::kMinstret)})
                .reason,
            StopReason::kBudget);
  if ((m.x(a2) & (1u << 2)) != 0) {
    EXPECT_EQ(m.x(a3), m.x(a0));
  }
}

// ---- ecall, ebreak, illegal ------------------------------------------------------------

TEST_F(InterpreterSystem, EcallFromMachineMode) {
  Stop stop = run_code({rv::nop(), rv::ecall(), rv::nop()}, 10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(stop.cause, Cause::kEcallFromM);
  EXPECT_EQ(m.hart.pc, kBase + 4);
  EXPECT_EQ(m.hart.instret, 1u);  // the ecall itself is not retired
}

TEST_F(InterpreterSystem, EcallFromUserMode) {
  m.hart.priv = Privilege::kUser;
  Stop stop = run_code({rv::ecall()}, 10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(stop.cause, Cause::kEcallFromU);
  EXPECT_EQ(m.hart.pc, kBase);
  EXPECT_EQ(m.hart.instret, 0u);
}

TEST_F(InterpreterSystem, EbreakIsABreakpointWithTvalPc) {
  Stop stop = run_code({rv::nop(), rv::ebreak()}, 10);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kBreakpoint);
  EXPECT_EQ(stop.tval, kBase + 4);
  EXPECT_EQ(m.hart.pc, kBase + 4);
  EXPECT_EQ(m.hart.instret, 1u);
}

TEST_F(InterpreterSystem, CompressedEbreakIsABreakpoint) {
  m.load_parcels({0x0001, 0x9002}, kBase);  // c.nop; c.ebreak
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kBreakpoint);
  EXPECT_EQ(stop.tval, kBase + 2);
  EXPECT_EQ(m.hart.pc, kBase + 2);
}

TEST_F(InterpreterSystem, IllegalInstructionTvalIsTheInstructionBits) {
  expect_illegal(0xffffffff, "all ones");
  expect_illegal(rv::sret(), "sret");
  expect_illegal(rv::sfence_vma(zero, zero), "sfence.vma");
  expect_illegal(rv::fadd_s(1, 2, 3, 5), "fadd.s with rm = 5");
}

TEST_F(InterpreterSystem, IllegalCompressedTvalHasOnly16Bits) {
  // c.lui a0, 0 (reserved) followed by a parcel that must not leak into mtval.
  m.load_parcels({0x6501, 0xffff}, kBase);
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kIllegalInsn);
  EXPECT_EQ(stop.tval, 0x6501u);
  EXPECT_EQ(m.hart.pc, kBase);
}

TEST_F(InterpreterSystem, AllZeroParcelIsIllegal) {
  Stop stop = m.run(10);  // RAM starts zeroed
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kIllegalInsn);
  EXPECT_EQ(stop.tval, 0u);
  EXPECT_EQ(m.hart.pc, kBase);
}

TEST_F(InterpreterSystem, WfiCompletesInMachineMode) {
  Stop stop = run_code({rv::wfi(), rv::addi(a0, zero, 1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 1u);
}

// ---- traps -------------------------------------------------------------------------------

TEST(Trap, EnterTrapFromUserSavesStateAndEntersMachineMode) {
  HartState hart;
  hart.priv = Privilege::kUser;
  hart.pc = 0x80000010;
  hart.mstatus = mstatus::kMie;
  hart.mtvec = 0x80000100;
  enter_trap(hart, Cause::kIllegalInsn, 0x1234);
  EXPECT_EQ(hart.mepc, 0x80000010u);
  EXPECT_EQ(hart.mcause, 2u);
  EXPECT_EQ(hart.mtval, 0x1234u);
  EXPECT_EQ(hart.mstatus & mstatus::kMie, 0u);
  EXPECT_NE(hart.mstatus & mstatus::kMpie, 0u);
  EXPECT_EQ(hart.mstatus & mstatus::kMpp, 0u);  // came from U
  EXPECT_EQ(hart.priv, Privilege::kMachine);
  EXPECT_EQ(hart.pc, 0x80000100u);
}

TEST(Trap, EnterTrapFromMachineWithInterruptsOff) {
  HartState hart;
  hart.priv = Privilege::kMachine;
  hart.pc = 0x80000020;
  hart.mstatus = mstatus::kMpie;  // stale MPIE must become MIE (0)
  hart.mtvec = 0x80000200;
  enter_trap(hart, Cause::kEcallFromM, 0);
  EXPECT_EQ(hart.mcause, 11u);
  EXPECT_EQ(hart.mstatus & mstatus::kMpie, 0u);
  EXPECT_EQ(hart.mstatus & mstatus::kMie, 0u);
  EXPECT_EQ((hart.mstatus & mstatus::kMpp) >> mstatus::kMppShift, 3u);
}

TEST(Trap, ExceptionsGoToTheBaseEvenInVectoredMode) {
  HartState hart;
  hart.mtvec = 0x80000101;  // MODE = 1 (vectored): only interrupts are vectored
  hart.pc = 0x80000040;
  enter_trap(hart, Cause::kLoadAccessFault, 0x10);
  EXPECT_EQ(hart.pc, 0x80000100u);
  EXPECT_EQ(hart.mcause, 5u);
}

TEST(Trap, ReturnFromTrapRestoresPrivilegeAndInterruptEnable) {
  HartState hart;
  hart.priv = Privilege::kMachine;
  hart.mstatus = mstatus::kMpie | mstatus::kMprv;  // MPP = 0 (U), MIE = 0
  hart.mepc = 0x80000300;
  return_from_trap(hart);
  EXPECT_EQ(hart.priv, Privilege::kUser);
  EXPECT_EQ(hart.pc, 0x80000300u);
  EXPECT_NE(hart.mstatus & mstatus::kMie, 0u);   // MIE = MPIE
  EXPECT_NE(hart.mstatus & mstatus::kMpie, 0u);  // MPIE = 1
  EXPECT_EQ(hart.mstatus & mstatus::kMpp, 0u);   // MPP = least-privileged mode (U)
  EXPECT_EQ(hart.mstatus & mstatus::kMprv, 0u);  // MPRV cleared when leaving for U
}

TEST(Trap, ReturnFromTrapToMachineKeepsMprv) {
  HartState hart;
  hart.mstatus = mstatus::kMpp | mstatus::kMprv;  // MPP = M, MPIE = 0
  hart.mepc = 0x80000400;
  return_from_trap(hart);
  EXPECT_EQ(hart.priv, Privilege::kMachine);
  EXPECT_EQ(hart.mstatus & mstatus::kMie, 0u);
  EXPECT_NE(hart.mstatus & mstatus::kMpie, 0u);
  EXPECT_NE(hart.mstatus & mstatus::kMprv, 0u);
  EXPECT_EQ(hart.mstatus & mstatus::kMpp, 0u);
}

TEST_F(InterpreterSystem, MretReturnsToUserModeAtMepc) {
  m.hart.mstatus = mstatus::kMpie;  // MPP = U
  m.hart.mepc = kBase + 0x100;
  m.load_code({rv::mret()});
  m.load_code({rv::ecall()}, kBase + 0x100);
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(stop.cause, Cause::kEcallFromU);
  EXPECT_EQ(m.hart.priv, Privilege::kUser);
  EXPECT_EQ(m.hart.pc, kBase + 0x100);
  EXPECT_NE(m.hart.mstatus & mstatus::kMie, 0u);
  EXPECT_EQ(m.hart.instret, 1u);
}

TEST_F(InterpreterSystem, TrapRoundTripThroughAMachineModeHandler) {
  // Handler at the RAM base: skip the ecall and return.
  m.load_code({rv::csrr(t0, csr::kMepc), rv::addi(t0, t0, 4), rv::csrw(csr::kMepc, t0), rv::mret()});
  // User program.
  m.load_code({rv::addi(a0, zero, 1), rv::ecall(), rv::addi(a0, a0, 10), rv::ecall()}, kBase + 0x100);
  m.hart.mtvec = kBase;
  m.hart.priv = Privilege::kUser;
  m.hart.pc = kBase + 0x100;

  Stop stop = m.run(100);
  ASSERT_EQ(stop.reason, StopReason::kEcall);
  ASSERT_EQ(stop.cause, Cause::kEcallFromU);
  enter_trap(m.hart, stop.cause, 0);
  EXPECT_EQ(m.hart.pc, kBase);
  EXPECT_EQ(m.hart.mepc, kBase + 0x104);

  stop = m.run(100);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(stop.cause, Cause::kEcallFromU);
  EXPECT_EQ(m.hart.priv, Privilege::kUser);
  EXPECT_EQ(m.hart.pc, kBase + 0x10c);
  EXPECT_EQ(m.x(a0), 11u);
  EXPECT_EQ(m.hart.mcause, 8u);
  EXPECT_EQ(m.hart.instret, 1u + 4 + 1);
}

// ---- access faults -------------------------------------------------------------------------

TEST_F(InterpreterSystem, FetchFromUnmappedAddressIsAnInstructionAccessFault) {
  m.hart.pc = 0x1000;
  Stop stop = m.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kInsnAccessFault);
  EXPECT_EQ(stop.tval, 0x1000u);
  EXPECT_EQ(m.hart.pc, 0x1000u);
  EXPECT_EQ(m.hart.instret, 0u);
}

TEST_F(InterpreterSystem, JumpToUnmappedAddressFaultsAtTheTarget) {
  const GuestAddr target = TestMachine::kRamEnd + 0x100;
  m.x(a1) = target;
  Stop stop = run_code({rv::jalr(ra, a1, 0)}, 5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kInsnAccessFault);
  EXPECT_EQ(stop.tval, target);
  EXPECT_EQ(m.hart.pc, target);
  EXPECT_EQ(m.x(ra), kBase + 4);  // the jump retired
  EXPECT_EQ(m.hart.instret, 1u);
}

TEST_F(InterpreterSystem, FetchFromNonExecutablePageFaults) {
  const GuestAddr page = kBase + 0x2000;
  m.load_code({rv::nop()}, page);
  ASSERT_TRUE(m.space.protect(page, kPageSize, memory::kPermRW).ok());
  Stop stop = run_code({rv::jal(zero, 0x2000)}, 5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kInsnAccessFault);
  EXPECT_EQ(stop.tval, page);
  EXPECT_EQ(m.hart.pc, page);
}

TEST_F(InterpreterSystem, ExecuteOnlyPageRunsButCannotBeRead) {
  const GuestAddr page = kBase + 0x3000;
  m.load_code({rv::ld(a0, 0, a1), rv::ecall()}, page);
  ASSERT_TRUE(m.space.protect(page, kPageSize, memory::kPermExec).ok());
  m.x(a1) = page;
  m.hart.pc = page;
  Stop stop = m.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, page);
  EXPECT_EQ(m.hart.pc, page);
}

TEST_F(InterpreterSystem, InstructionStraddlingIntoUnmappedPageFaultsAtThatPage) {
  // A 32-bit instruction whose upper half is past the end of RAM: mepc is the
  // instruction, mtval the address of the portion that faulted.
  const GuestAddr pc = TestMachine::kRamEnd - 2;
  m.load_parcels({static_cast<std::uint16_t>(rv::nop())}, pc);
  m.hart.pc = pc;
  Stop stop = m.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kInsnAccessFault);
  EXPECT_EQ(stop.tval, TestMachine::kRamEnd);
  EXPECT_EQ(m.hart.pc, pc);
}

TEST_F(InterpreterSystem, LoadAndStoreToUnmappedAddressesFaultWithTheAddress) {
  const GuestAddr hole = TestMachine::kRamEnd + 0x10;
  {
    TestMachine t;
    t.x(a1) = hole - 8;
    t.x(a0) = 0x77;
    t.load_code({rv::nop(), rv::ld(a0, 8, a1)});
    Stop stop = t.run(5);
    EXPECT_EQ(stop.reason, StopReason::kException);
    EXPECT_EQ(stop.cause, Cause::kLoadAccessFault);
    EXPECT_EQ(stop.tval, hole);
    EXPECT_EQ(t.hart.pc, kBase + 4);
    EXPECT_EQ(t.x(a0), 0x77u);
    EXPECT_EQ(t.hart.instret, 1u);
  }
  {
    TestMachine t;
    t.x(a1) = hole;
    t.load_code({rv::sw(a0, 0, a1)});
    Stop stop = t.run(5);
    EXPECT_EQ(stop.reason, StopReason::kException);
    EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
    EXPECT_EQ(stop.tval, hole);
    EXPECT_EQ(t.hart.pc, kBase);
  }
}

TEST_F(InterpreterSystem, MisalignedAccessIntoUnmappedPageFaultsAtThatPortion) {
  const GuestAddr end = TestMachine::kRamEnd;
  m.x(a1) = end - 4;
  Stop stop = run_code({rv::ld(a0, 0, a1)}, 5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, end);

  TestMachine t;
  t.x(a1) = end - 2;
  t.load_code({rv::sw(a0, 0, a1)});
  stop = t.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, end);
}

TEST_F(InterpreterSystem, PermissionFaultsOnLoadAndStore) {
  const GuestAddr ro = TestMachine::kDataBase;
  const GuestAddr none = TestMachine::kDataBase + kPageSize;
  m.poke<std::uint64_t>(ro, 0x1234);
  ASSERT_TRUE(m.space.protect(ro, kPageSize, memory::kPermRead).ok());
  ASSERT_TRUE(m.space.protect(none, kPageSize, memory::kPermNone).ok());
  m.x(a1) = ro;
  m.x(a2) = none;
  m.x(a3) = 0x9999;
  m.load_code({rv::ld(a0, 0, a1), rv::sd(a3, 0, a1)});
  Stop stop = m.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, ro);
  EXPECT_EQ(m.x(a0), 0x1234u);  // the load worked
  EXPECT_EQ(m.peek<std::uint64_t>(ro), 0x1234u);

  TestMachine& t = m;
  t.hart.pc = kBase + 0x40;
  t.load_code({rv::lb(a0, 8, a2)}, kBase + 0x40);
  stop = t.run(5);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, none + 8);
}

// ---- instruction-fetch coherence -----------------------------------------------------------

TEST_F(InterpreterSystem, SelfModifyingCodeWithFenceI) {
  // 0: addi a0, zero, 1   <- overwritten with addi a0, zero, 2
  // 1: sw a2, 0(a1)
  // 2: fence.i
  // 3: jal zero, -12
  m.x(a1) = kBase;
  m.x(a2) = rv::addi(a0, zero, 2);
  m.load_code({rv::addi(a0, zero, 1), rv::sw(a2, 0, a1), rv::fence_i(), rv::jal(zero, -12)});
  ASSERT_EQ(m.run(1).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 1u);
  const std::uint64_t before = m.interp.decode_cache().invalidations();
  ASSERT_EQ(m.run(4).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 2u);
  EXPECT_GT(m.interp.decode_cache().invalidations(), before);
}

TEST_F(InterpreterSystem, SelfModifyingCodeWithoutFenceIIsStillCoherent) {
  // The next instruction is rewritten by the store right before it.
  m.x(a1) = kBase + 4;
  m.x(a2) = rv::addi(a0, zero, 7);
  m.load_code({rv::sw(a2, 0, a1), rv::addi(a0, zero, 3)});
  ASSERT_EQ(m.run(2).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 7u);
}

TEST_F(InterpreterSystem, RewritingCodeBetweenRunsIsSeen) {
  m.load_code({rv::addi(a0, zero, 1), rv::ecall()});
  ASSERT_EQ(m.run(10).reason, StopReason::kEcall);
  EXPECT_EQ(m.x(a0), 1u);
  const std::uint64_t before = m.interp.decode_cache().invalidations();
  const std::uint32_t patched = rv::addi(a0, zero, 3);
  ASSERT_TRUE(m.memory.write_bytes(kBase, &patched, sizeof(patched)));
  EXPECT_EQ(m.interp.decode_cache().invalidations(), before + 1);
  m.hart.pc = kBase;
  ASSERT_EQ(m.run(10).reason, StopReason::kEcall);
  EXPECT_EQ(m.x(a0), 3u);
}

TEST_F(InterpreterSystem, InstructionStraddlingPagesExecutes) {
  // c.nop at page_end - 4, a 32-bit addi at page_end - 2, ecall on the next page.
  const GuestAddr page_end = kBase + kPageSize;
  const std::uint32_t addi = rv::addi(a0, a0, 7);
  m.load_parcels({0x0001, static_cast<std::uint16_t>(addi), static_cast<std::uint16_t>(addi >> 16)},
                 page_end - 4);
  m.load_code({rv::ecall()}, page_end + 2);
  m.hart.pc = page_end - 4;
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(m.hart.pc, page_end + 2);
  EXPECT_EQ(m.x(a0), 7u);
  EXPECT_EQ(m.hart.instret, 2u);
}

class StraddlingJump : public InterpreterSystem {
 protected:
  // jalr zero, imm(t1) at page_end - 2: opcode, rd and rs1[0] in the lower
  // half; rs1[4:1] and the immediate (bits 31:20) in the upper half, on the next page.
  static constexpr GuestAddr kPageEnd = kBase + kPageSize;
  static constexpr std::uint32_t kJump0 = rv::jalr(zero, t1, 0);
  static constexpr std::uint32_t kJump8 = rv::jalr(zero, t1, 8);
  static_assert((kJump0 & 0xffff) == (kJump8 & 0xffff));

  void SetUp() override {
    m.load_parcels({static_cast<std::uint16_t>(kJump0), static_cast<std::uint16_t>(kJump0 >> 16)},
                   kPageEnd - 2);
    m.load_code({rv::ecall(), rv::nop(), rv::ecall()}, kBase + 0x100);
    m.x(t1) = kBase + 0x100;
    m.hart.pc = kPageEnd - 2;
    Stop stop = m.run(10);
    ASSERT_EQ(stop.reason, StopReason::kEcall);
    ASSERT_EQ(m.hart.pc, kBase + 0x100);
  }
};

TEST_F(StraddlingJump, RedecodedWhenTheSecondPageIsRewrittenByTheHost) {
  const auto upper = static_cast<std::uint16_t>(kJump8 >> 16);
  ASSERT_TRUE(m.memory.write_bytes(kPageEnd, &upper, sizeof(upper)));
  m.hart.pc = kPageEnd - 2;
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(m.hart.pc, kBase + 0x108);
}

TEST_F(StraddlingJump, RedecodedWhenTheSecondPageIsRewrittenByAGuestStore) {
  // At +0x200: sh a3, 0(a4); jalr zero, 0(a5) -> back to the straddling jump.
  m.x(a3) = kJump8 >> 16;
  m.x(a4) = kPageEnd;
  m.x(a5) = kPageEnd - 2;
  m.load_code({rv::sh(a3, 0, a4), rv::jalr(zero, a5, 0)}, kBase + 0x200);
  m.hart.pc = kBase + 0x200;
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(m.hart.pc, kBase + 0x108);
}

TEST_F(StraddlingJump, RedecodedWhenTheFirstPageIsRewritten) {
  // Change rs1 from t1 (6) to t2 (7): only rs1[0], instruction bit 15, in the lower half.
  const std::uint32_t via_t2 = rv::jalr(zero, t2, 0);
  ASSERT_EQ(via_t2 >> 16, kJump0 >> 16);
  const auto lower = static_cast<std::uint16_t>(via_t2);
  ASSERT_TRUE(m.memory.write_bytes(kPageEnd - 2, &lower, sizeof(lower)));
  m.x(t2) = kBase + 0x108;
  m.hart.pc = kPageEnd - 2;
  Stop stop = m.run(10);
  EXPECT_EQ(stop.reason, StopReason::kEcall);
  EXPECT_EQ(m.hart.pc, kBase + 0x108);
}

}  // namespace
}  // namespace vmm::cpu
