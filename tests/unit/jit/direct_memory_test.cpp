// The JIT's direct view (memory::RamBacking::kDirectView): guest loads and
// stores as host accesses on guest address + view base, the host MMU checking
// permissions, and every access the guest may not make turned back into the
// checked slow path with a precise guest fault (loads and stores in holes are
// also among jit_engine_test's JitFaults). Expected values come from the spec
// semantics of the guest code; the interpreter's are the same by design.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <utility>
#include <vector>

#include "support/guest_asm.hpp"
#include "support/jit_machine.hpp"

namespace vmm::jit {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::JitMachine;
using vmm::test::JitRam;
using vmm::test::TestMachine;
constexpr GuestAddr kBase = TestMachine::kRamBase;
constexpr GuestAddr kData = kBase + 0x80000;  // inside RAM, away from the code

struct DirectMachine : JitMachine {
  DirectMachine() : JitMachine(vmm::test::eager_options(), JitRam::kDirectView) {}
};

TEST(JitDirectMemory, LoadsAndStoresOfEverySizeThroughTheView) {
  DirectMachine m;
  ASSERT_TRUE(m.engine->uses_direct_memory());
  m.load_code({
      rv::addi(t0, zero, -2),  //
      rv::sd(t0, 0, s1),       // 0xffff_ffff_ffff_fffe
      rv::sb(zero, 1, s1),     // ...ff00fe
      rv::lb(a0, 0, s1),       // -2
      rv::lbu(a1, 0, s1),      // 0xfe
      rv::lhu(a2, 0, s1),      // 0x00fe
      rv::lw(a3, 0, s1),       // 0xffff00fe sign-extended
      rv::ld(a4, 3, s1),       // misaligned inside the page: bytes 3..10
      rv::sh(t0, 14, s1),      // 0xfffe at +14
      rv::lhu(a5, 14, s1),     //
      rv::ebreak(),
  });
  m.hart.x[s1] = kData;
  cpu::Stop stop = m.run(100);
  ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
  EXPECT_EQ(static_cast<std::int64_t>(m.hart.x[a0]), -2);
  EXPECT_EQ(m.hart.x[a1], 0xfeu);
  EXPECT_EQ(m.hart.x[a2], 0xfeu);
  EXPECT_EQ(m.hart.x[a3], 0xffffffffffff00feull);
  EXPECT_EQ(m.hart.x[a4], 0x000000ffffffffffull);  // bytes 3..7 are 0xff, 8..10 were never written
  EXPECT_EQ(m.hart.x[a5], 0xfffeu);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0xffffffffffff00feull);
}

TEST(JitDirectMemory, StoreToAReadOnlyPageFaultsAndLeavesItUnchanged) {
  DirectMachine m;
  ASSERT_TRUE(m.space.protect(kData, kPageSize, memory::kPermRead));
  m.load_code({rv::ld(a0, 0, s1), rv::addi(a1, zero, 5), rv::sd(a1, 0, s1), rv::addi(a2, zero, 1)});
  m.hart.x[s1] = kData;
  cpu::Stop stop = m.run(100);
  ASSERT_EQ(stop.reason, cpu::StopReason::kException);
  EXPECT_EQ(stop.cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kData);
  EXPECT_EQ(m.hart.pc, kBase + 8);
  EXPECT_EQ(m.hart.x[a1], 5u);
  EXPECT_EQ(m.hart.x[a2], 0u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0u);
}

TEST(JitDirectMemory, AFaultOnACheckedBaseLeavesAtItsInstructionWithExactCounts) {
  // The second access on s1 is on a checked base: it has no slow path of
  // its own, its fault handler leaves the region itself (FaultSite::leaves).
  DirectMachine m;
  ASSERT_TRUE(m.space.protect(kData, kPageSize, memory::kPermRead));
  m.load_code(
      {rv::ld(a0, 0, s1), rv::addi(a1, zero, 5), rv::sd(a1, 8, s1), rv::addi(a2, zero, 1), rv::ebreak()});
  m.hart.x[s1] = kData;
  cpu::Stop stop = m.run(100);
  ASSERT_EQ(stop.reason, cpu::StopReason::kException);
  EXPECT_EQ(stop.cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kData + 8);
  EXPECT_EQ(m.hart.pc, kBase + 8);
  EXPECT_EQ(m.hart.instret, 2u);  // ld and addi; the store did not retire
  EXPECT_EQ(m.hart.x[a1], 5u);
  EXPECT_EQ(m.hart.x[a2], 0u);
}

TEST(JitDirectMemory, AFaultOnACheckedBaseInALoopWithSwappedRegistersMatchesTheInterpreter) {
  // t3..t6 outweigh the pinned registers and take host registers inside the
  // loop; each pass checks t6 at its first store, and the second store, on
  // the checked base, runs into the read-only page after the writable one
  // on the fourth pass. Its way out must swap the registers back and count
  // exactly what retired, at every budget up to and past the fault.
  const std::vector<std::uint32_t> code = {
      rv::addi(t5, zero, 8),   // pass count
      rv::add(t3, t3, t5),     // loop:
      rv::mul(t4, t3, t5),     //
      rv::sd(t4, 0, t6),       //   checks t6
      rv::sd(t3, 8, t6),       //   on the checked t6: faults on the fourth pass
      rv::addi(t6, t6, 16),    //
      rv::addi(t5, t5, -1),    //
      rv::bne(t5, zero, -24),  // -> loop
      rv::ebreak(),
  };
  const GuestAddr start =
      kData + kPageSize - 8 - 3 * 16;  // pass 4 stores at the page's last 8 bytes and past it
  for (std::uint64_t budget = 1; budget <= 1 + 8 * 7 + 1; ++budget) {  // past the fault: ends there
    DirectMachine m;
    TestMachine t;
    ASSERT_TRUE(m.space.protect(kData + kPageSize, kPageSize, memory::kPermRead));
    ASSERT_TRUE(t.space.protect(kData + kPageSize, kPageSize, memory::kPermRead));
    m.load_code(code);
    t.load_code(code);
    for (auto* hart : {&m.hart, &t.hart}) {
      hart->x[t3] = 0x33;
      hart->x[t6] = start;
    }
    const cpu::Stop jit = m.run(budget);
    const cpu::Stop interp = t.run(budget);
    EXPECT_EQ(jit.reason, interp.reason) << budget;
    EXPECT_EQ(jit.cause, interp.cause) << budget;
    EXPECT_EQ(m.hart.instret, t.hart.instret) << budget;
    EXPECT_EQ(m.hart.pc, t.hart.pc) << budget;
    for (unsigned r = 1; r < 32; ++r) EXPECT_EQ(m.hart.x[r], t.hart.x[r]) << "x" << r << " after " << budget;
    EXPECT_EQ(m.peek<std::uint64_t>(kData + kPageSize - 8), t.peek<std::uint64_t>(kData + kPageSize - 8));
  }
}

TEST(JitDirectMemory, AddressesOutsideTheWindowFault) {
  for (GuestAddr address : {JitMachine::kWindow, JitMachine::kWindow + 0x1000, ~GuestAddr{0} - 0xfff,
                            GuestAddr{1} << 47, JitMachine::kWindow - 4}) {
    DirectMachine m;
    m.load_code({rv::ld(a0, 0, s1), rv::ebreak()});
    m.hart.x[s1] = address;
    cpu::Stop stop = m.run(100);
    ASSERT_EQ(stop.reason, cpu::StopReason::kException) << address;
    EXPECT_EQ(stop.cause, cpu::Cause::kLoadAccessFault) << address;
    EXPECT_EQ(stop.tval, address);
    EXPECT_EQ(m.hart.pc, kBase);
  }
}

TEST(JitDirectMemory, NegativeDisplacementsBelowTheWindowFault) {
  // Translated code checks the base register alone; the displacement may take
  // the address below guest 0 (a huge guest address) or below RAM.
  struct Case {
    GuestAddr base;
    std::int32_t disp;
  };
  for (Case c : {Case{16, -32}, Case{0, -2048}, Case{kBase, -8}, Case{kBase + 8, -2048}}) {
    DirectMachine m;
    m.load_code({rv::ld(a0, c.disp, t0), rv::ebreak()});  // t0 lives in the HartState
    m.hart.x[t0] = c.base;
    cpu::Stop stop = m.run(100);
    GuestAddr address = c.base + static_cast<GuestAddr>(static_cast<std::int64_t>(c.disp));
    ASSERT_EQ(stop.reason, cpu::StopReason::kException) << address;
    EXPECT_EQ(stop.cause, cpu::Cause::kLoadAccessFault) << address;
    EXPECT_EQ(stop.tval, address);
  }
}

/// A guest address whose view address + 8 is `host` (outside the view).
std::uint64_t aimed_at(const JitMachine& m, const void* host) {
  const auto view = reinterpret_cast<std::uint64_t>(m.space.direct_view().base);
  return reinterpret_cast<std::uint64_t>(host) - view - 8;
}

const std::uint64_t host_secret = 0x1122334455667788;

/// The load into a1 at `pc` faulted at guest address `tval` (precisely) and
/// read nothing of host_secret.
void expect_load_fault_without_secret(const JitMachine& m, const cpu::Stop& stop, GuestAddr tval,
                                      GuestAddr pc) {
  EXPECT_NE(m.hart.x[a1], host_secret);
  EXPECT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, tval);
  EXPECT_EQ(m.hart.pc, pc);
}

/// Runs `code` with s1 and a2 at kData, which holds the guest address whose
/// view address + 8 is host_secret: once the code has loaded it into s1, its
/// load at kBase + 8 through 8(s1) must fault instead of reading the secret.
/// Returns a3 at the fault.
std::uint64_t fault_through_rewritten_base(const std::vector<std::uint32_t>& code) {
  DirectMachine m;
  const std::uint64_t aimed = aimed_at(m, &host_secret);
  m.load_code(code);
  m.load_bytes(kData, &aimed, sizeof(aimed));
  m.hart.x[s1] = kData;
  m.hart.x[a2] = kData;
  cpu::Stop stop = m.run(100);
  expect_load_fault_without_secret(m, stop, aimed + 8, kBase + 8);
  return m.hart.x[a3];
}

TEST(JitDirectMemory, ABaseRegisterRewrittenIsCheckedAgain) {
  // The second load through s1 may skip the bounds check only while s1 holds
  // the value the first one checked. lr.d (run by a helper) sets s1 so that
  // view base + s1 + 8 is a readable host variable: reading it would leak
  // host memory to the guest; the access must fault instead.
  // The same with s1 rewritten by an ordinary load (ld s1, 0(s1)).
  for (std::uint32_t rewrite : {rv::lr_d(s1, a2), rv::ld(s1, 0, s1)}) {
    fault_through_rewritten_base({rv::ld(a0, 0, s1), rewrite, rv::ld(a1, 8, s1), rv::ebreak()});
  }
}

TEST(JitDirectMemory, ABaseALoopRewritesIsCheckedOnEveryPass) {
  // The loop's first pass loads through s1, checked where the region
  // checked it before the loop; then s1 is rewritten (by lr.d, run by a
  // helper, or by an ordinary load) to aim view + s1 + 8 at a host variable.
  // The second pass must check s1 again and fault instead of reading it.
  for (std::uint32_t rewrite : {rv::lr_d(s1, a2), rv::ld(s1, 0, a2)}) {
    const std::uint64_t passes_left = fault_through_rewritten_base({
        rv::ld(a0, 0, s1),       // s1 checked before the loop
        rv::addi(a3, zero, 2),   //
        rv::ld(a1, 8, s1),       // loop:
        rewrite,                 //
        rv::addi(a3, a3, -1),    //
        rv::bne(a3, zero, -12),  //
        rv::ebreak(),
    });
    EXPECT_EQ(passes_left, 1u);
  }
}

/// `count` copies of addi a2, a2, 1: loop bodies too long to unroll.
std::vector<std::uint32_t> filler(unsigned count) {
  return std::vector<std::uint32_t>(count, rv::addi(a2, a2, 1));
}

TEST(JitDirectMemory, ABaseASkippedInstructionRewritesIsCheckedAgain) {
  // s1 is checked by the first load; the branch skips one instruction that
  // adds a3 to s1 (translated as a conditional move). When the branch falls
  // through, s1 aims view + s1 + 8 at a host variable: the second load must
  // check s1 again and fault instead of reading it.
  DirectMachine m;
  const std::uint64_t aimed = aimed_at(m, &host_secret);
  m.load_code({
      rv::ld(a0, 0, s1),    // checks s1
      rv::beq(a4, a5, 8),   // not taken: a4 != a5
      rv::add(s1, s1, a3),  // kBase + 8: s1 = aimed
      rv::ld(a1, 8, s1),    // kBase + 12
      rv::ebreak(),
  });
  m.hart.x[s1] = kData;
  m.hart.x[a3] = aimed - kData;
  m.hart.x[a5] = 1;
  cpu::Stop stop = m.run(100);
  expect_load_fault_without_secret(m, stop, aimed + 8, kBase + 12);
}

TEST(JitDirectMemory, ALoopEnteredPastItsHeadChecksItsBases) {
  // The loop's head loads through a0, which the fall-through into the head
  // checked; but the first instruction jumps into the body, past the head,
  // so the back edge brings an a0 that was never checked. Aimed at host
  // memory, the head's load must fault.
  DirectMachine m;
  const std::uint64_t aimed = aimed_at(m, &host_secret);
  std::vector<std::uint32_t> code = {
      rv::beq(a6, a7, 12),  // into the body when a6 == a7
      rv::ld(a1, 0, a0),    // checks a0 on the fall-through only
      rv::ld(a5, 8, a0),    // kBase + 8: the loop's head
  };
  for (std::uint32_t insn : filler(16)) code.push_back(insn);  // kBase + 12: the body
  code.push_back(rv::bne(a2, a3, -4 * 17));                    // -> the head
  code.push_back(rv::ebreak());
  m.load_code(code);
  m.hart.x[a0] = aimed;
  m.hart.x[a3] = 1000;
  cpu::Stop stop = m.run(1000);
  EXPECT_NE(m.hart.x[a5], host_secret);
  ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, aimed + 8);
  EXPECT_EQ(m.hart.pc, kBase + 8);
  EXPECT_EQ(m.hart.x[a2], 16u);
}

TEST(JitDirectMemory, AnOverlappingLoopsRewriteIsCheckedAtTheOtherHead) {
  // Loop A (from the region's entry) loads through a0 and never writes it
  // between its head and its back edge; loop B, entered from A's middle,
  // rewrites a0 after A's back edge and goes back into A's middle. The next
  // pass of A must check a0 again: aimed at host memory, its load faults.
  DirectMachine m;
  const std::uint64_t aimed = aimed_at(m, &host_secret);
  std::vector<std::uint32_t> code = {
      rv::ld(a5, 8, a0),    // kBase: A's head
      rv::addi(a6, a6, 1),  // kBase + 4: B's head
  };
  for (std::uint32_t insn : filler(16)) code.push_back(insn);
  code.push_back(rv::beq(a6, a7, -4 * 18));  // -> A
  code.push_back(rv::addi(a0, a3, 0));       // rewrites a0
  code.push_back(rv::bne(s0, s1, -4 * 19));  // -> B
  code.push_back(rv::ebreak());
  m.load_code(code);
  m.hart.x[a0] = kData;
  m.hart.x[a3] = aimed;
  m.hart.x[a7] = 2;
  m.hart.x[s1] = 1;
  cpu::Stop stop = m.run(1000);
  EXPECT_NE(m.hart.x[a5], host_secret);
  ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, aimed + 8);
  EXPECT_EQ(m.hart.pc, kBase);
  EXPECT_EQ(m.hart.x[a6], 2u);
}

/// Runs the loop at kBase once with every register in `warm` at kData, so
/// that it is translated with values that pass base checks, then sets the
/// registers in `aimed` up for the next run (pc at kBase again, a1 0, a3
/// 5): the translated loop then meets them on its entry.
void warm_up(JitMachine& m, std::initializer_list<unsigned> warm,
             std::initializer_list<std::pair<unsigned, std::uint64_t>> aimed) {
  for (unsigned r : warm) m.hart.x[r] = kData;
  m.hart.x[a3] = 5;
  cpu::Stop stop = m.run(1000);
  ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
  m.hart.pc = kBase;
  m.hart.x[a1] = 0;
  m.hart.x[a3] = 5;
  for (auto [r, value] : aimed) m.hart.x[r] = value;
}

TEST(JitDirectMemory, ALoopsUnchangedBasesAreCheckedOnceAtItsEntry) {
  // A loop from the region's entry: t0 (in the HartState) and s1 (pinned)
  // never change in it, so they are checked once, before the first pass
  // (the loop was translated while they held guest addresses). Aimed at
  // host memory, the load through either must still fault on the first
  // pass, at its own pc; skipped by the branch, it must not fault at all,
  // and the loop runs to its end.
  for (unsigned base : {t0, s1}) {
    for (std::uint64_t load : {1, 0}) {
      DirectMachine m;
      const std::uint64_t aimed = aimed_at(m, &host_secret);
      m.load_code({
          rv::addi(a1, a1, 1),     // loop:
          rv::beq(a2, zero, 8),    //   skips the load when a2 is 0
          rv::ld(a0, 8, base),     //
          rv::addi(a3, a3, -1),    //
          rv::bne(a3, zero, -16),  //
          rv::ebreak(),
      });
      m.hart.x[a2] = load;
      warm_up(m, {base}, {{base, aimed}});
      const std::uint64_t instret = m.hart.instret;
      cpu::Stop stop = m.run(100);
      EXPECT_NE(m.hart.x[a0], host_secret);
      if (load != 0) {
        ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault) << base;
        EXPECT_EQ(stop.tval, aimed + 8);
        EXPECT_EQ(m.hart.pc, kBase + 8);
        EXPECT_EQ(m.hart.x[a1], 1u);
      } else {
        ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint) << base;
        EXPECT_EQ(m.hart.x[a1], 5u);
        EXPECT_EQ(m.hart.instret - instret, 5u * 4u);
      }
    }
  }
}

TEST(JitDirectMemory, ALoopsUnchangedBaseInsideTheWindowServesEveryPass) {
  // The same loop with t0 inside the window: every pass loads through it
  // with the entry's check alone.
  DirectMachine m;
  m.load_code({
      rv::ld(a0, 8, t0),       // loop:
      rv::add(a1, a1, a0),     //
      rv::addi(a3, a3, -1),    //
      rv::bne(a3, zero, -12),  //
      rv::ebreak(),
  });
  const std::uint64_t value = 7;
  m.load_bytes(kData + 8, &value, sizeof(value));
  m.hart.x[t0] = kData;
  m.hart.x[a3] = 6;
  cpu::Stop stop = m.run(100);
  ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
  EXPECT_EQ(m.hart.x[a1], 42u);
}

TEST(JitDirectMemory, AnIndexAddedToACheckedBaseFaultsPreciselyInTheGuard) {
  // s1 is checked by the first load; a3, loaded by lwu and scaled by 8, is an
  // index (below 2^35), so s1 + a3 is accessed without a check
  // (BM_JitMemoryHeavyDirect counts what that saves). Inside RAM it reads
  // what is there; past the window, the guard after the view catches it and
  // the load faults at its own pc. The sum in a pinned register (a4) or in
  // the HartState (t1).
  for (unsigned sum : {a4, t1}) {
    for (std::uint64_t index : {std::uint64_t{2}, std::uint64_t{0xfffffff0}}) {
      DirectMachine m;
      m.load_code({
          rv::ld(a0, 0, s1),     // checks s1
          rv::lwu(a3, 8, s1),    //
          rv::slli(a3, a3, 3),   //
          rv::add(sum, s1, a3),  //
          rv::ld(a1, 0, sum),    // kBase + 16
          rv::ebreak(),
      });
      const std::uint64_t value = 0x0123456789abcdef;
      m.load_bytes(kData + 8, &index, 4);
      m.load_bytes(kData + 16, &value, sizeof(value));
      m.hart.x[s1] = kData;
      cpu::Stop stop = m.run(100);
      if (index == 2) {
        ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint) << sum;
        EXPECT_EQ(m.hart.x[a1], value);
      } else {
        ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault) << sum;
        EXPECT_EQ(stop.tval, kData + 8 * index);
        EXPECT_EQ(m.hart.pc, kBase + 16);
        EXPECT_EQ(m.hart.x[sum], kData + 8 * index);
      }
    }
  }
}

/// A readable host page at view + `guest`, past the guard after the view,
/// holding host_secret; unmapped when it goes.
class PageBeyondTheGuard {
 public:
  PageBeyondTheGuard(const JitMachine& m, GuestAddr guest) : m_page(m.space.direct_view().base + guest) {
    EXPECT_GE(guest, JitMachine::kWindow + memory::kViewGuardAfterBytes);
    void* mapped = ::mmap(m_page, kPageSize, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    m_mapped = mapped == m_page;
    if (m_mapped) std::memcpy(m_page, &host_secret, sizeof(host_secret));
  }
  ~PageBeyondTheGuard() {
    if (m_mapped) ::munmap(m_page, kPageSize);
  }
  PageBeyondTheGuard(const PageBeyondTheGuard&) = delete;
  PageBeyondTheGuard& operator=(const PageBeyondTheGuard&) = delete;
  [[nodiscard]] bool mapped() const { return m_mapped; }

 private:
  std::uint8_t* m_page;
  bool m_mapped = false;
};

TEST(JitDirectMemory, ASecondIndexAddedToAnIndexedBaseIsChecked) {
  // a4 = s1 + a3 needs no check, but a4 is not a checked base: a5 = a4 + a3
  // lies past the guard after the view, on a readable host page. The load
  // through a5 must be checked and fault, not read the page.
  DirectMachine m;
  const std::uint64_t index = 0xfffff000;  // scaled by 8
  const GuestAddr beyond = kData + 2 * 8 * index;
  PageBeyondTheGuard page(m, beyond);
  ASSERT_TRUE(page.mapped()) << "the host page past the view's guard is taken";
  m.load_code({
      rv::ld(a0, 0, s1),    // checks s1
      rv::lwu(a3, 8, s1),   //
      rv::slli(a3, a3, 3),  //
      rv::add(a4, s1, a3),  //
      rv::add(a5, a4, a3),  //
      rv::ld(a1, 0, a5),    // kBase + 20
      rv::ebreak(),
  });
  m.load_bytes(kData + 8, &index, 4);
  m.hart.x[s1] = kData;
  cpu::Stop stop = m.run(100);
  expect_load_fault_without_secret(m, stop, beyond, kBase + 20);
}

TEST(JitDirectMemory, AnythingButAnIndexAddedToACheckedBaseIsChecked) {
  // s1 is checked; a3 is 48 GiB: loaded whole by ld, or an index (lwu)
  // scaled by 16 with slli, slli and add, mul or sll (a5 is 16, a6 4): past
  // 2^35. s1 + a3 lies past the guard after the view, on a readable host
  // page; the load through it must fault, not read the page.
  const std::uint64_t part = 0xc0000000;
  const std::uint32_t nop = rv::addi(zero, zero, 0);
  struct Case {
    std::uint32_t load;
    std::uint32_t widen;
    std::uint32_t widen_more;
    std::uint64_t stored;
  };
  for (Case c : {Case{rv::ld(a3, 8, s1), nop, nop, 16 * part},
                 Case{rv::lwu(a3, 8, s1), rv::slli(a3, a3, 4), nop, part},
                 Case{rv::lwu(a3, 8, s1), rv::slli(a3, a3, 3), rv::add(a3, a3, a3), part},
                 Case{rv::lwu(a3, 8, s1), rv::mul(a3, a3, a5), nop, part},
                 Case{rv::lwu(a3, 8, s1), rv::sll(a3, a3, a6), nop, part}}) {
    DirectMachine m;
    const GuestAddr beyond = kData + 16 * part;
    PageBeyondTheGuard page(m, beyond);
    ASSERT_TRUE(page.mapped()) << "the host page past the view's guard is taken";
    m.load_code({
        rv::addi(a5, zero, 16),  // known small
        rv::addi(a6, zero, 4),   //
        rv::ld(a0, 0, s1),       // checks s1
        c.load,                  //
        c.widen,                 //
        c.widen_more,            //
        rv::add(a4, s1, a3),     //
        rv::ld(a1, 0, a4),       // kBase + 28
        rv::ebreak(),
    });
    m.load_bytes(kData + 8, &c.stored, sizeof(c.stored));
    m.hart.x[s1] = kData;
    cpu::Stop stop = m.run(100);
    expect_load_fault_without_secret(m, stop, beyond, kBase + 28);
  }
}

TEST(JitDirectMemory, APointerALoopIndexesIsCheckedOnceAtItsEntry) {
  // A loop from the region's entry adds an index (srliw) to s0, which it never
  // changes, and loads through the sum: s0 is checked once, before the first
  // pass (the loop was translated while s0 held a guest address). Inside RAM
  // the loop sums the bytes; with view + s0 at a host variable, the first
  // pass's load must fault instead of reading it.
  for (bool inside : {true, false}) {
    DirectMachine m;
    const std::uint64_t aimed = aimed_at(m, &host_secret) + 8;
    m.load_code({
        rv::srliw(a4, a2, 3),    // loop:
        rv::add(a4, a4, s0),     //
        rv::lbu(a5, 0, a4),      //   kBase + 8
        rv::add(a1, a1, a5),     //
        rv::addi(a2, a2, 8),     //
        rv::addi(a3, a3, -1),    //
        rv::bne(a3, zero, -24),  //
        rv::ebreak(),
    });
    const std::array<std::uint8_t, 4> bytes = {1, 2, 3, 4};
    m.load_bytes(kData, bytes.data(), bytes.size());
    warm_up(m, {s0}, {{s0, inside ? kData : aimed}, {a2, 0}, {a3, 4}});
    cpu::Stop stop = m.run(100);
    if (inside) {
      ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
      EXPECT_EQ(m.hart.x[a1], 10u);
    } else {
      EXPECT_EQ(m.hart.x[a1], 0u);
      ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
      EXPECT_EQ(stop.tval, aimed);
      EXPECT_EQ(m.hart.pc, kBase + 8);
    }
  }
}

/// A loop after `before` adds a1 = -16, an offset it
/// never changes, to an index it loads (kData + 16), and sums what it loads
/// there, 5 times. A check of a1 before the loop would fail on every entry
/// and send the loop to the interpreter: it must run translated, with no
/// access retried, and sum 35.
void run_offset_loop(std::vector<std::uint32_t> before) {
  DirectMachine m;
  std::vector<std::uint32_t> code = std::move(before);
  for (std::uint32_t insn : {
           rv::lwu(t0, 0, a0),      // loop: an index, kData + 16
           rv::add(t1, t0, a1),     //   kData
           rv::ld(t2, 0, t1),       //
           rv::add(a4, a4, t2),     //
           rv::addi(a0, a0, 4),     //
           rv::addi(a3, a3, -1),    //
           rv::bne(a3, zero, -24),  //
           rv::ebreak(),
       })
    code.push_back(insn);
  m.load_code(code);
  const std::uint64_t value = 7;
  m.load_bytes(kData, &value, sizeof(value));
  const std::array<std::uint32_t, 5> indexes = {kData + 16, kData + 16, kData + 16, kData + 16, kData + 16};
  m.load_bytes(kData + 0x100, indexes.data(), sizeof(indexes));
  m.hart.x[a0] = kData + 0x100;
  m.hart.x[a1] = static_cast<std::uint64_t>(-16);
  m.hart.x[a3] = 5;
  cpu::Stop stop = m.run(1000);
  ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
  EXPECT_EQ(m.hart.x[a4], 35u);
  EXPECT_EQ(m.engine->counters().retried_accesses, 0u);
}

TEST(JitDirectMemory, ALoopsEntryLeavesOutRegistersThatFailTheCheckWhenTranslated) {
  // The loop starts at the region's entry: a1 fails the check when the
  // loop is translated, so only the accesses through the sum are checked.
  run_offset_loop({});
}

TEST(JitDirectMemory, AConstantThatFailsTheCheckIsNotCheckedBeforeALoop) {
  // The region sets a1 to -16 before the loop, so a1's value when the region
  // is translated says nothing; as a constant that fails the check, a1 is
  // left to the accesses' own checks as well.
  run_offset_loop({rv::addi(a1, zero, -16)});
}

TEST(JitDirectMemory, ALoopPastTheEntryChecksItsUnchangedBasesBeforeItsFirstPass) {
  // The loop starts past the region's entry. Its load goes through t0 (in
  // the HartState), s1 (pinned), or s0 plus an index (srliw): none changes
  // in the loop, so they are checked once on the way into it. Translated
  // while they held guest addresses, the region then meets them aimed at host
  // memory: the check before the loop leaves for its head, and the load
  // faults at its own pc on the first pass, the instructions before it done.
  for (unsigned base : {t0, s1, s0}) {
    DirectMachine m;
    const bool indexed = base == s0;
    const std::uint64_t aimed = aimed_at(m, &host_secret) + (indexed ? 8 : 0);
    m.load_code({
        rv::addi(a1, a1, 1),                                      // the region's entry
        rv::addi(a2, a2, 1),                                      // kBase + 4: the loop's head
        rv::srliw(a4, a6, 3),                                     //
        indexed ? rv::add(a4, a4, s0) : rv::addi(zero, zero, 0),  //
        indexed ? rv::ld(a0, 0, a4) : rv::ld(a0, 8, base),        // kBase + 16
        rv::addi(a3, a3, -1),                                     //
        rv::bne(a3, zero, -20),                                   //
        rv::ebreak(),
    });
    m.hart.x[base] = kData;
    m.hart.x[a3] = 3;
    cpu::Stop stop = m.run(1000);
    ASSERT_EQ(stop.cause, cpu::Cause::kBreakpoint);
    m.hart.pc = kBase;
    m.hart.x[a1] = m.hart.x[a2] = 0;
    m.hart.x[a3] = 3;
    m.hart.x[base] = aimed;
    stop = m.run(1000);
    EXPECT_NE(m.hart.x[a0], host_secret);
    ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault) << base;
    EXPECT_EQ(stop.tval, aimed + (indexed ? 0 : 8));
    EXPECT_EQ(m.hart.pc, kBase + 16);
    EXPECT_EQ(m.hart.x[a1], 1u);
    EXPECT_EQ(m.hart.x[a2], 1u);
  }
}

TEST(JitDirectMemory, NoSignExtensionIsPendingWhereTheCheckBeforeALoopLeaves) {
  // addw leaves a5 = 0xffffffff80000000, which the loop overwrites before
  // anything reads it or may leave: its extension could wait, but not past
  // the check before the loop, which leaves when s1 fails it. One region at
  // a time, the state after that way out must be exact.
  jit::JitOptions options = vmm::test::eager_options();
  options.single_region = true;
  JitMachine m(options, JitRam::kDirectView);
  m.load_code({
      rv::addw(a5, a6, a7),    // the region's entry
      rv::addi(a2, a2, 1),     // kBase + 4: the loop's head
      rv::addi(a5, zero, 3),   //
      rv::ld(a0, 8, s1),       //
      rv::addi(a3, a3, -1),    //
      rv::bne(a3, zero, -16),  //
      rv::ebreak(),
  });
  m.hart.x[a6] = 0x7fffffff;
  m.hart.x[a7] = 1;
  m.hart.x[s1] = kData;
  m.hart.x[a3] = 2;
  for (int regions = 0; regions < 10 && m.hart.pc != kBase + 24; ++regions) m.run(1000);
  ASSERT_EQ(m.hart.pc, kBase + 24) << "the loop did not run to its end";
  m.hart.pc = kBase;
  m.hart.x[a3] = 2;
  m.hart.x[s1] = aimed_at(m, &host_secret);
  const std::uint64_t retried = m.engine->counters().retried_accesses;
  const std::uint64_t instret = m.hart.instret;
  m.run(1000);  // the region, then the interpreter runs the loop's head
  EXPECT_EQ(m.engine->counters().retried_accesses, retried + 1);
  EXPECT_EQ(m.hart.pc, kBase + 8);
  EXPECT_EQ(m.hart.instret - instret, 2u);  // addw, then the head
  EXPECT_EQ(m.hart.x[a5], 0xffffffff80000000ull);
}

TEST(JitDirectMemory, ABaseServedByTheSlowPathStaysInsideTheGuards) {
  // s1 lies beyond the window, but s1 - 2048 is its last byte: the first load
  // takes the slow path and succeeds; the next one through s1 (unchecked) ends
  // 8 bytes past the window + 4 KiB, inside the guard, and faults precisely.
  DirectMachine m;
  ASSERT_TRUE(m.space.map(JitMachine::kWindow - kPageSize, kPageSize, memory::kPermRW));
  const std::uint8_t last = 0x5a;
  m.load_bytes(JitMachine::kWindow - 1, &last, 1);
  m.load_code({rv::lbu(a0, -2048, s1), rv::ld(a1, 2047, s1), rv::ebreak()});
  m.hart.x[s1] = JitMachine::kWindow + 2047;
  cpu::Stop stop = m.run(100);
  EXPECT_EQ(m.hart.x[a0], 0x5au);
  ASSERT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
  EXPECT_EQ(stop.tval, JitMachine::kWindow + 4094);
  EXPECT_EQ(m.hart.pc, kBase + 4);
}

TEST(JitDirectMemory, MisalignedAccessesAcrossPagesWorkAndFaultAtTheEndOfRam) {
  DirectMachine m;
  m.load_code({
      rv::addi(t0, zero, -1),  //
      rv::sd(t0, 4, s1),       // across the page boundary at kData + 0x1000
      rv::ld(a0, 4, s1),       //
      rv::lw(a1, 0, s2),       // the last two bytes of RAM and two of the hole after it
      rv::ebreak(),
  });
  m.hart.x[s1] = kData + kPageSize - 8;
  m.hart.x[s2] = TestMachine::kRamEnd - 2;
  cpu::Stop stop = m.run(100);
  EXPECT_EQ(m.hart.x[a0], ~std::uint64_t{0});
  EXPECT_EQ(m.peek<std::uint32_t>(kData + kPageSize), 0xffffffffu);
  ASSERT_EQ(stop.reason, cpu::StopReason::kException);
  EXPECT_EQ(stop.cause, cpu::Cause::kLoadAccessFault);
  EXPECT_EQ(m.hart.pc, kBase + 12);
}

TEST(JitDirectMemory, MappingChangesAfterTranslationAreSeen) {
  DirectMachine m;
  // A translated store and load, run again after each change of the page under them.
  m.load_code({rv::sd(a1, 0, s1), rv::ld(a0, 0, s1), rv::ebreak()});
  m.hart.x[s1] = kData;
  auto run_from_start = [&] {
    m.hart.pc = kBase;
    return m.run(100);
  };
  m.hart.x[a1] = 41;
  EXPECT_EQ(run_from_start().cause, cpu::Cause::kBreakpoint);
  EXPECT_EQ(m.hart.x[a0], 41u);

  ASSERT_TRUE(m.space.protect(kData, kPageSize, memory::kPermRead));
  m.hart.x[a1] = 42;
  EXPECT_EQ(run_from_start().cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 41u);

  m.space.unmap(kData, kPageSize);
  m.hart.x[a0] = 0;
  EXPECT_EQ(run_from_start().cause, cpu::Cause::kStoreAccessFault);

  ASSERT_TRUE(m.space.map(kData, kPageSize, memory::kPermRW));  // fresh pages read as zero
  m.load_code({rv::ld(a0, 0, s1), rv::sd(a1, 0, s1), rv::ebreak()}, kBase + 0x100);
  m.hart.pc = kBase + 0x100;
  m.hart.x[a0] = 99;
  EXPECT_EQ(m.run(100).cause, cpu::Cause::kBreakpoint);
  EXPECT_EQ(m.hart.x[a0], 0u);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 42u);
}

TEST(JitDirectMemory, StoresIntoTranslatedCodeTakeEffect) {
  // The page holding translated code is read-only in the view: the store
  // faults, goes through the checked path and invalidates the code.
  DirectMachine m;
  const std::uint32_t replacement = rv::addi(a0, zero, 42);
  const std::uint32_t upper = (replacement + 0x800) >> 12;
  std::vector<std::uint32_t> code = {
      rv::auipc(s1, 0),  // s1 = base
      rv::lui(t0, upper),    rv::addiw(t0, t0, static_cast<std::int32_t>(replacement - (upper << 12))),
      rv::sw(t0, 16, s1),     // overwrite the next instruction (base + 16)
      rv::addi(a0, zero, 1),  // replaced by addi a0, zero, 42
      rv::ebreak(),
  };
  m.load_code(code);
  m.run(100);
  EXPECT_EQ(m.hart.x[a0], 42u);
  EXPECT_GT(m.engine->counters().blocks_invalidated, 0u);
  // Run the rewritten code again, translated afresh.
  m.hart.pc = kBase + 16;
  m.hart.x[a0] = 0;
  m.run(100);
  EXPECT_EQ(m.hart.x[a0], 42u);
}

TEST(JitDirectMemory, AViewSplitIntoTooManyPiecesIsGivenUpAndAccessesStayCorrect) {
  // A guest can split the view's host mapping page by page (mprotect every
  // other page); before the host's mapping limit is near, the address space
  // gives the view up and translated code takes the checked path.
  DirectMachine m;
  m.load_code({rv::sd(a1, 0, s1), rv::ld(a0, 0, s1), rv::sd(a1, 0, s2), rv::ebreak()});
  m.hart.x[s1] = kData;
  m.hart.x[a1] = 7;
  m.hart.x[s2] = kData + 8;
  ASSERT_EQ(m.run(100).cause, cpu::Cause::kBreakpoint);  // translated with the view
  ASSERT_EQ(m.hart.x[a0], 7u);

  constexpr GuestAddr kArea = 0x10000000;
  constexpr std::uint64_t kPages = 40000;
  ASSERT_TRUE(m.space.map(kArea, kPages * kPageSize, memory::kPermRW));
  for (std::uint64_t i = 0; i < kPages; i += 2) {
    ASSERT_TRUE(m.space.protect(kArea + i * kPageSize, kPageSize, memory::kPermRead));
  }
  EXPECT_EQ(m.space.direct_view().base, nullptr);

  // The same translated code, now through the checked path: results and faults as before.
  m.hart.pc = kBase;
  m.hart.x[a1] = 9;
  m.hart.x[s2] = kArea;  // read-only now
  cpu::Stop stop = m.run(100);
  EXPECT_EQ(m.hart.x[a0], 9u);
  ASSERT_EQ(stop.cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kArea);
  EXPECT_EQ(m.hart.pc, kBase + 8);
}

TEST(JitDirectMemory, CodeTranslatedForTheViewIsDroppedWhenTheViewIsGivenUp) {
  // Translated code checks a base register once per run of accesses. Once
  // the view is given up (here: execute-only memory, which x86 pages cannot
  // express) guest RAM is open to the host, so an unchecked second access
  // would reach a page the guest may not write: the code must go.
  DirectMachine m;
  m.load_code({rv::ld(a0, 0, s1), rv::sd(a1, 8, s1), rv::ebreak()});
  m.hart.x[s1] = kData;
  m.hart.x[a1] = 5;
  ASSERT_EQ(m.run(100).cause, cpu::Cause::kBreakpoint);  // translated with the view
  ASSERT_TRUE(m.engine->uses_direct_memory());

  ASSERT_TRUE(m.space.map(0x20000000, kPageSize, memory::kPermExec));
  EXPECT_EQ(m.space.direct_view().base, nullptr);
  ASSERT_TRUE(m.space.protect(page_floor(kData), kPageSize, memory::kPermRead));
  m.hart.pc = kBase;
  m.hart.x[a1] = 6;
  cpu::Stop stop = m.run(100);
  ASSERT_EQ(stop.cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(stop.tval, kData + 8);
  EXPECT_EQ(m.hart.pc, kBase + 4);
  EXPECT_FALSE(m.engine->uses_direct_memory());
  std::uint64_t kept = 0;
  ASSERT_TRUE(m.memory.load(kData + 8, kept));
  EXPECT_EQ(kept, 5u);
}

void store_to_nowhere() {
  // Not null: UBSan would report a null store and exit instead of faulting.
  volatile std::uintptr_t address = 0x10;  // opaque to the compiler's bounds checks
  auto* nowhere = reinterpret_cast<volatile int*>(address);
  *nowhere = 1;  // NOLINT: a host bug must stay a crash, not become a guest fault
}

TEST(JitDirectMemory, HostFaultsOutsideTranslatedCodeStillKillTheProcess) {
  DirectMachine m;  // installs the fault handler, which passes other faults on
  if (vmm::test::kAddressSanitizer) {
    // The handler before ours is AddressSanitizer's: it reports the fault and exits.
    ASSERT_DEATH(store_to_nowhere(), "SEGV on unknown address");
  } else {
    ASSERT_EXIT(store_to_nowhere(), ::testing::KilledBySignal(SIGSEGV), "");
  }
}

}  // namespace
}  // namespace vmm::jit
