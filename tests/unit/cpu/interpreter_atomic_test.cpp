// The A extension through the interpreter (unprivileged spec, chapter "A":
// "Load-Reserved/Store-Conditional Instructions" and "Atomic Memory
// Operations"), and the privileged spec's exception causes for misaligned and
// faulting atomics.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/guest_asm.hpp"
#include "vmm/cpu/interpreter.hpp"

namespace vmm::cpu {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::TestMachine;

constexpr std::uint64_t kAllOnes = ~std::uint64_t{0};
constexpr GuestAddr kData = TestMachine::kDataBase;

class InterpreterAtomic : public ::testing::Test {
 protected:
  Stop run_code(const std::vector<std::uint32_t>& code) {
    m.load_code(code);
    return m.run(code.size());
  }
  TestMachine m;
};

// ---- LR/SC ----------------------------------------------------------------------

TEST_F(InterpreterAtomic, LrWSignExtendsAndScWSucceeds) {
  m.poke<std::uint64_t>(kData, 0xaaaaaaaa80000000);
  m.x(a1) = kData;
  m.x(a2) = 0x1111111122334455;
  Stop stop = run_code({rv::lr_w(a0, a1), rv::sc_w(a3, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0xffffffff80000000u);
  EXPECT_EQ(m.x(a3), 0u);                                        // success
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0xaaaaaaaa22334455u);  // only 4 bytes written
}

TEST_F(InterpreterAtomic, LrDScDSucceeds) {
  m.poke<std::uint64_t>(kData + 8, 0x8000000000000001);
  m.x(a1) = kData + 8;
  m.x(a2) = 0x0123456789abcdef;
  Stop stop = run_code({rv::lr_d(a0, a1), rv::sc_d(a3, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0x8000000000000001u);
  EXPECT_EQ(m.x(a3), 0u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData + 8), 0x0123456789abcdefu);
}

TEST_F(InterpreterAtomic, ScWithoutReservationFailsAndLeavesMemory) {
  m.poke<std::uint64_t>(kData, 0x5555555555555555);
  m.x(a1) = kData;
  m.x(a2) = 0x1234;
  Stop stop = run_code({rv::sc_w(a3, a2, a1), rv::sc_d(a4, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a3), 1u);
  EXPECT_EQ(m.x(a4), 1u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0x5555555555555555u);
}

TEST_F(InterpreterAtomic, ScToADifferentAddressThanLrFails) {
  m.poke<std::uint64_t>(kData, 7);
  m.poke<std::uint64_t>(kData + 64, 9);
  m.x(a1) = kData;
  m.x(a5) = kData + 64;
  m.x(a2) = 0x77;
  Stop stop = run_code({rv::lr_d(a0, a1), rv::sc_d(a3, a2, a5)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a3), 1u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData + 64), 9u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 7u);
}

TEST_F(InterpreterAtomic, ScClearsTheReservationSoASecondScFails) {
  m.x(a1) = kData;
  m.x(a2) = 1;
  m.x(a4) = 2;
  Stop stop = run_code({rv::lr_w(a0, a1), rv::sc_w(a3, a2, a1), rv::sc_w(a5, a4, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a3), 0u);
  EXPECT_EQ(m.x(a5), 1u);
  EXPECT_EQ(m.peek<std::uint32_t>(kData), 1u);
}

TEST_F(InterpreterAtomic, FailedScAlsoClearsTheReservation) {
  m.x(a1) = kData;
  m.x(a6) = kData + 8;
  m.x(a2) = 3;
  // lr at kData; sc at kData+8 fails; a later sc at kData must fail too.
  Stop stop = run_code({rv::lr_d(a0, a1), rv::sc_d(a3, a2, a6), rv::sc_d(a5, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a3), 1u);
  EXPECT_EQ(m.x(a5), 1u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0u);
}

TEST_F(InterpreterAtomic, LrScRetryLoopIncrements) {
  // retry: lr.w a0,(a1); addi a0,a0,1; sc.w a3,a0,(a1); bnez a3,retry; ecall
  m.poke<std::uint32_t>(kData, 41);
  m.x(a1) = kData;
  m.load_code(
      {rv::lr_w(a0, a1), rv::addi(a0, a0, 1), rv::sc_w(a3, a0, a1), rv::bne(a3, zero, -12), rv::ecall()});
  EXPECT_EQ(m.run(100).reason, StopReason::kEcall);
  EXPECT_EQ(m.peek<std::uint32_t>(kData), 42u);
}

// ---- misaligned and faulting atomics ----------------------------------------------

struct MisalignedCase {
  const char* name;
  std::uint32_t insn;
  GuestAddr addr;
  Cause cause;
};

TEST_F(InterpreterAtomic, MisalignedAtomicsRaiseAddressMisaligned) {
  const MisalignedCase cases[] = {
      {"lr.w +2", rv::lr_w(a0, a1), kData + 2, Cause::kLoadMisaligned},
      {"lr.d +4", rv::lr_d(a0, a1), kData + 4, Cause::kLoadMisaligned},
      {"sc.w +1", rv::sc_w(a0, a2, a1), kData + 1, Cause::kStoreMisaligned},
      {"sc.d +4", rv::sc_d(a0, a2, a1), kData + 4, Cause::kStoreMisaligned},
      {"amoadd.w +2", rv::amoadd_w(a0, a2, a1), kData + 2, Cause::kStoreMisaligned},
      {"amoswap.d +4", rv::amoswap_d(a0, a2, a1), kData + 4, Cause::kStoreMisaligned},
      {"amomaxu.d +7", rv::amomaxu_d(a0, a2, a1), kData + 7, Cause::kStoreMisaligned},
  };
  const GuestAddr base = TestMachine::kRamBase;
  for (const MisalignedCase& c : cases) {
    TestMachine t;
    t.poke<std::uint64_t>(kData, 0x1111111111111111);
    t.poke<std::uint64_t>(kData + 8, 0x2222222222222222);
    t.x(a1) = c.addr;
    t.x(a2) = 0x99;
    t.x(a0) = 0xdead;
    t.load_code({rv::nop(), c.insn});
    Stop stop = t.run(10);
    EXPECT_EQ(stop.reason, StopReason::kException) << c.name;
    EXPECT_EQ(stop.cause, c.cause) << c.name;
    EXPECT_EQ(stop.tval, c.addr) << c.name;
    EXPECT_EQ(t.hart.pc, base + 4) << c.name;  // at the faulting instruction
    EXPECT_EQ(t.hart.instret, 1u) << c.name;   // not retired
    EXPECT_EQ(t.x(a0), 0xdeadu) << c.name;     // rd untouched
    EXPECT_EQ(t.peek<std::uint64_t>(kData), 0x1111111111111111u) << c.name;
    EXPECT_EQ(t.peek<std::uint64_t>(kData + 8), 0x2222222222222222u) << c.name;
  }
}

TEST_F(InterpreterAtomic, MisalignedScRaisesEvenWithAReservation) {
  m.x(a1) = kData;
  m.x(a5) = kData + 2;
  m.load_code({rv::lr_w(a0, a1), rv::sc_w(a3, a2, a5)});
  Stop stop = m.run(2);
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreMisaligned);
  EXPECT_EQ(stop.tval, kData + 2);
}

TEST_F(InterpreterAtomic, AmoOnUnmappedMemoryIsAStoreAccessFault) {
  const GuestAddr hole = TestMachine::kRamEnd + 0x1000;
  m.x(a1) = hole;
  Stop stop = run_code({rv::amoadd_d(a0, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, hole);
}

TEST_F(InterpreterAtomic, AmoOnReadOnlyMemoryIsAStoreAccessFault) {
  ASSERT_TRUE(m.space.protect(kData, kPageSize, memory::kPermRead).ok());
  m.x(a1) = kData;
  m.x(a2) = 5;
  Stop stop = run_code({rv::amoswap_w(a0, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kData);
  EXPECT_EQ(m.peek<std::uint32_t>(kData), 0u);
}

TEST_F(InterpreterAtomic, LrOnUnmappedMemoryIsALoadAccessFault) {
  const GuestAddr hole = TestMachine::kRamEnd + 0x1000;
  m.x(a1) = hole;
  Stop stop = run_code({rv::lr_d(a0, a1)});
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, hole);
}

// ---- AMOs -------------------------------------------------------------------------

struct AmoCase {
  const char* name;
  std::uint32_t (*encode)(unsigned, unsigned, unsigned);
  std::uint64_t memory;   ///< initial value (low 32 bits for .w)
  std::uint64_t operand;  ///< rs2
  std::uint64_t stored;   ///< expected memory afterwards
  std::uint64_t rd;       ///< expected rd: the old value (sign-extended for .w)
};

/// A word on the page of the code itself: decoded, so watched, and the
/// AMO's write resets the page's decoded slots, its own among them.
constexpr GuestAddr kOnCodePage = TestMachine::kRamBase + 0x800;

void check_amo_w(const AmoCase& c, GuestAddr at = kData) {
  TestMachine t;
  t.poke<std::uint32_t>(at, static_cast<std::uint32_t>(c.memory));
  t.poke<std::uint32_t>(at + 4, 0xcafef00d);  // neighbour word, must survive
  t.x(a1) = at;
  t.x(a2) = c.operand;
  t.load_code({c.encode(a0, a2, a1)});
  Stop stop = t.run(1);
  EXPECT_EQ(stop.reason, StopReason::kBudget) << c.name;
  EXPECT_EQ(t.peek<std::uint32_t>(at), static_cast<std::uint32_t>(c.stored)) << c.name;
  EXPECT_EQ(t.peek<std::uint32_t>(at + 4), 0xcafef00du) << c.name;
  EXPECT_EQ(t.x(a0), c.rd) << c.name;
  EXPECT_EQ(t.hart.pc, TestMachine::kRamBase + 4) << c.name;
}

void check_amo_d(const AmoCase& c, GuestAddr at = kData) {
  TestMachine t;
  t.poke<std::uint64_t>(at, c.memory);
  t.x(a1) = at;
  t.x(a2) = c.operand;
  t.load_code({c.encode(a0, a2, a1)});
  Stop stop = t.run(1);
  EXPECT_EQ(stop.reason, StopReason::kBudget) << c.name;
  EXPECT_EQ(t.peek<std::uint64_t>(at), c.stored) << c.name;
  EXPECT_EQ(t.x(a0), c.rd) << c.name;
  EXPECT_EQ(t.hart.pc, TestMachine::kRamBase + 4) << c.name;
}

std::vector<AmoCase> word_cases() {
  return {
      {"amoswap.w", rv::amoswap_w, 0x80000000, 0x12345678, 0x12345678, 0xffffffff80000000},
      {"amoadd.w overflow", rv::amoadd_w, 0x7fffffff, 1, 0x80000000, 0x7fffffff},
      {"amoadd.w ignores rs2 upper bits", rv::amoadd_w, 5, 0xffffffff00000001, 6, 5},
      {"amoadd.w wraps", rv::amoadd_w, 0xffffffff, 2, 1, kAllOnes},
      {"amoxor.w", rv::amoxor_w, 0xff00ff00, 0x0ff00ff0, 0xf0f0f0f0, 0xffffffffff00ff00},
      {"amoand.w", rv::amoand_w, 0xff00ff00, 0x0ff00ff0, 0x0f000f00, 0xffffffffff00ff00},
      {"amoor.w", rv::amoor_w, 0x0000ff00, 0x0ff00ff0, 0x0ff0fff0, 0x0000ff00},
      {"amomin.w signed", rv::amomin_w, 0xffffffff, 1, 0xffffffff, kAllOnes},
      {"amomin.w uses low word of rs2 as signed", rv::amomin_w, 0, 0x0000000080000000, 0x80000000, 0},
      {"amomax.w signed", rv::amomax_w, 0xffffffff, 1, 1, kAllOnes},
      {"amomax.w int32 min vs 0", rv::amomax_w, 0x80000000, 0, 0, 0xffffffff80000000},
      {"amominu.w unsigned", rv::amominu_w, 0xffffffff, 1, 1, kAllOnes},
      {"amominu.w ignores rs2 upper bits", rv::amominu_w, 0x10, 0xffffffff00000003, 3, 0x10},
      {"amomaxu.w unsigned", rv::amomaxu_w, 0xffffffff, 1, 0xffffffff, kAllOnes},
      {"amomaxu.w 0x80000000 > 0x7fffffff", rv::amomaxu_w, 0x7fffffff, 0x80000000, 0x80000000, 0x7fffffff},
  };
}

std::vector<AmoCase> double_cases() {
  constexpr std::uint64_t kMin = std::uint64_t{1} << 63;
  return {
      {"amoswap.d", rv::amoswap_d, 0x8000000000000000, 0x0123456789abcdef, 0x0123456789abcdef, kMin},
      {"amoadd.d wraps", rv::amoadd_d, kAllOnes, 2, 1, kAllOnes},
      {"amoadd.d carries into upper word", rv::amoadd_d, 0xffffffff, 1, 0x100000000, 0xffffffff},
      {"amoxor.d", rv::amoxor_d, 0xff00ff00ff00ff00, kAllOnes, 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00},
      {"amoand.d", rv::amoand_d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00,
       0xff00ff00ff00ff00},
      {"amoor.d", rv::amoor_d, 0xff00000000000000, 0xff, 0xff000000000000ff, 0xff00000000000000},
      {"amomin.d signed", rv::amomin_d, kAllOnes, 1, kAllOnes, kAllOnes},
      {"amomin.d int64 min", rv::amomin_d, 0, kMin, kMin, 0},
      {"amomax.d signed", rv::amomax_d, kAllOnes, 1, 1, kAllOnes},
      {"amomax.d int64 min vs -1", rv::amomax_d, kMin, kAllOnes, kAllOnes, kMin},
      {"amominu.d unsigned", rv::amominu_d, kAllOnes, 1, 1, kAllOnes},
      {"amominu.d 2^63 vs 2^63-1", rv::amominu_d, kMin, kMin - 1, kMin - 1, kMin},
      {"amomaxu.d unsigned", rv::amomaxu_d, kAllOnes, 1, kAllOnes, kAllOnes},
      {"amomaxu.d", rv::amomaxu_d, 5, kMin, kMin, 5},
  };
}

TEST(InterpreterAmoW, EveryOperationAndSignExtensionOfTheOldValue) {
  for (const AmoCase& c : word_cases()) check_amo_w(c);
}

TEST(InterpreterAmoD, EveryOperationSignedAndUnsigned) {
  for (const AmoCase& c : double_cases()) check_amo_d(c);
}

TEST(InterpreterAmo, EveryOperationOnItsOwnCodePage) {
  // The page's slots are reset under the running AMO: its operation must
  // have been taken before (every one computed amomaxu's result here once).
  for (const AmoCase& c : word_cases()) check_amo_w(c, kOnCodePage);
  for (const AmoCase& c : double_cases()) check_amo_d(c, kOnCodePage);
}

TEST_F(InterpreterAtomic, AmoWithRdX0StillUpdatesMemory) {
  m.poke<std::uint64_t>(kData, 10);
  m.x(a1) = kData;
  m.x(a2) = 5;
  Stop stop = run_code({rv::amoadd_d(zero, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 15u);
  EXPECT_EQ(m.hart.x[0], 0u);
}

TEST_F(InterpreterAtomic, AmoWithRdEqualRs2ReadsRs2BeforeWritingRd) {
  m.poke<std::uint64_t>(kData, 100);
  m.x(a1) = kData;
  m.x(a2) = 7;
  Stop stop = run_code({rv::amoswap_d(a2, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 7u);
  EXPECT_EQ(m.x(a2), 100u);
}

TEST_F(InterpreterAtomic, AmoWithAqRlBitsBehavesTheSame) {
  m.poke<std::uint32_t>(kData, 1);
  m.x(a1) = kData;
  m.x(a2) = 2;
  Stop stop = run_code({rv::amo(rv::kAmoAdd, 2, a0, a2, a1, true, true)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint32_t>(kData), 3u);
  EXPECT_EQ(m.x(a0), 1u);
}

TEST_F(InterpreterAtomic, AmoOnADeviceWatchedPageNotifiesAfterTheWrite) {
  // AddressSpace::WatchCallback: "Called for each write to a watched page,
  // after the bytes have changed" (an HTIF tohost written with an AMO).
  std::vector<std::uint32_t> seen;
  m.space.set_watch_callback([&](GuestAddr page, memory::WatchKind kind) {
    if (kind == memory::kWatchDevice) seen.push_back(m.peek<std::uint32_t>(page));
  });
  m.space.watch_page(kData, memory::kWatchDevice);
  m.x(a1) = kData;
  m.x(a2) = 0x1234;
  Stop stop = run_code({rv::amoswap_w(a0, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kBudget);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 0x1234u);
}

// Atomics take the TLB's entries when both the read and the write one hold
// the page: what changes a page after they were filled must still be seen.
TEST_F(InterpreterAtomic, AWatchAddedAfterTheTlbHeldThePageIsNotified) {
  std::vector<std::uint32_t> seen;
  m.space.set_watch_callback([&](GuestAddr page, memory::WatchKind kind) {
    if (kind == memory::kWatchDevice) seen.push_back(m.peek<std::uint32_t>(page));
  });
  m.x(a1) = kData;
  m.x(a2) = 5;
  ASSERT_EQ(run_code({rv::amoadd_w(a0, a2, a1)}).reason, StopReason::kBudget);
  m.hart.pc = TestMachine::kRamBase;
  ASSERT_EQ(run_code({rv::amoadd_w(a0, a2, a1)}).reason, StopReason::kBudget);  // through the TLB
  EXPECT_EQ(m.peek<std::uint32_t>(kData), 10u);
  EXPECT_TRUE(seen.empty());
  m.space.watch_page(kData, memory::kWatchDevice);
  m.hart.pc = TestMachine::kRamBase;
  ASSERT_EQ(run_code({rv::amoadd_w(a0, a2, a1)}).reason, StopReason::kBudget);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], 15u);
}

TEST_F(InterpreterAtomic, APageMadeReadOnlyAfterTheTlbHeldItFaults) {
  m.x(a1) = kData;
  m.x(a2) = 5;
  ASSERT_EQ(run_code({rv::ld(a3, 0, a1), rv::sd(a2, 0, a1), rv::amoadd_d(a0, a2, a1)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 10u);
  ASSERT_TRUE(m.space.protect(page_floor(kData), kPageSize, memory::kPermRead));
  m.hart.pc = TestMachine::kRamBase;
  Stop stop = run_code({rv::amoadd_d(a0, a2, a1)});
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kData);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 10u);
}

}  // namespace
}  // namespace vmm::cpu
