// The A extension inline on the direct view (backend/x86_64/atomic_fast_path.hpp)
// against the interpreter: every AMO at the signed and unsigned edges and with
// the upper half of words set, registers aliased, in the HartState or x0,
// LR/SC sequences, and the ways to the slow path (misaligned, a hole, a
// read-only page, outside the window, translated code rewritten by an AMO).
// Registers, the reservation, memory, pc and the stop must agree, through the
// direct view (user mode) and through the TLB (system mode).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
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
constexpr GuestAddr kData = TestMachine::kDataBase;
constexpr GuestAddr kReadOnly = kData + 0x1000;  // a page both machines make read-only
constexpr GuestAddr kHole = TestMachine::kRamEnd + 0x1000;

/// Registers a test sets before running; the rest are zero.
struct State {
  std::vector<std::pair<unsigned, std::uint64_t>> x;
  std::uint64_t word = 0;       ///< at kData
  std::uint64_t next = 0;       ///< at kData + 8
  bool reserved = false;        ///< a reservation of kData before the code runs
  bool read_only_page = false;  ///< kReadOnly read-only
};

template <typename Machine>
void set_up(Machine& m, const State& s, const std::vector<std::uint32_t>& code) {
  m.load_code(code);
  m.load_bytes(kData, &s.word, 8);
  m.load_bytes(kData + 8, &s.next, 8);
  for (auto [reg, value] : s.x) m.hart.x[reg] = value;
  m.hart.reservation = kData;
  m.hart.reservation_valid = s.reserved;
  // The guest has read and written the data pages before: the TLB holds
  // them, so the JIT's TLB path takes its fast path, not the interpreter.
  for (GuestAddr page : {kData, kReadOnly}) {
    std::uint64_t value = 0;
    ASSERT_TRUE(m.memory.load(page, value));
    ASSERT_TRUE(m.memory.store(page, value));
  }
  if (s.read_only_page) {
    ASSERT_TRUE(m.space.protect(kReadOnly, kPageSize, memory::kPermRead));
  }
}

void expect_same_on(JitRam ram, const State& s, const std::vector<std::uint32_t>& code);

/// Runs `code` on the interpreter and on the JIT, through the direct view and
/// through the TLB, and compares.
void expect_same(const std::string& name, const State& s, const std::vector<std::uint32_t>& code) {
  for (JitRam ram : {JitRam::kDirectView, JitRam::kPrivate}) {
    SCOPED_TRACE(name + (ram == JitRam::kDirectView ? ", direct view" : ", TLB"));
    expect_same_on(ram, s, code);
  }
}
void expect_same_on(JitRam ram, const State& s, const std::vector<std::uint32_t>& code) {
  TestMachine interp;
  set_up(interp, s, code);
  const cpu::Stop want = interp.run(1000);
  JitMachine jit(vmm::test::eager_options(), ram);
  ASSERT_EQ(jit.engine->uses_direct_memory(), ram == JitRam::kDirectView);
  set_up(jit, s, code);
  const cpu::Stop got = jit.run(1000);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.cause, want.cause);
  EXPECT_EQ(got.tval, want.tval);
  EXPECT_EQ(jit.hart.pc, interp.hart.pc);
  for (unsigned r = 1; r < 32; ++r) {
    EXPECT_EQ(jit.hart.x[r], interp.hart.x[r])
        << "x" << r << std::hex << ": " << jit.hart.x[r] << " against " << interp.hart.x[r];
  }
  EXPECT_EQ(jit.hart.reservation_valid, interp.hart.reservation_valid);
  if (interp.hart.reservation_valid) {
    EXPECT_EQ(jit.hart.reservation, interp.hart.reservation);
  }
  EXPECT_EQ(jit.peek<std::uint64_t>(kData), interp.peek<std::uint64_t>(kData));
  EXPECT_EQ(jit.peek<std::uint64_t>(kData + 8), interp.peek<std::uint64_t>(kData + 8));
  EXPECT_EQ(jit.peek<std::uint64_t>(kReadOnly), interp.peek<std::uint64_t>(kReadOnly));
  EXPECT_GT(jit.engine->counters().regions_translated, 0u);
}

using Amo = std::uint32_t (*)(unsigned, unsigned, unsigned);

constexpr Amo kWordOps[] = {rv::amoswap_w, rv::amoadd_w, rv::amoxor_w,  rv::amoand_w, rv::amoor_w,
                            rv::amomin_w,  rv::amomax_w, rv::amominu_w, rv::amomaxu_w};
constexpr Amo kDoubleOps[] = {rv::amoswap_d, rv::amoadd_d, rv::amoxor_d,  rv::amoand_d, rv::amoor_d,
                              rv::amomin_d,  rv::amomax_d, rv::amominu_d, rv::amomaxu_d};

// Signed and unsigned order disagree across 0x80000000 and 2^63; the upper
// halves of the word forms' operands must not matter, nor the memory's upper word.
constexpr std::uint64_t kEdges[] = {0,
                                    1,
                                    ~std::uint64_t{0},
                                    0x7fffffff,
                                    0x80000000,
                                    0xffffffff80000000,
                                    0x00000001fffffffe,
                                    0x7fffffffffffffff,
                                    0x8000000000000000,
                                    0xdeadbeef00000005};

TEST(JitAtomicFastPath, EveryAmoAgreesWithTheInterpreterAtTheEdges) {
  for (const auto* ops : {kWordOps, kDoubleOps}) {
    for (std::size_t op = 0; op < std::size(kWordOps); ++op) {
      for (std::uint64_t old : kEdges) {
        for (std::uint64_t src : kEdges) {
          State s;
          s.word = old;
          s.x = {{a1, kData}, {a2, src}};
          expect_same("op " + std::to_string(op) + (ops == kWordOps ? ".w" : ".d") + " old " +
                          std::to_string(old) + " src " + std::to_string(src),
                      s, {ops[op](a0, a2, a1), rv::ebreak()});
        }
      }
    }
  }
}

TEST(JitAtomicFastPath, AliasedRegistersTheHartStateAndX0) {
  // s1, a0..a5 live in host registers; t3..t6 and s4..s11 in the HartState.
  const std::uint64_t old = 0xffffffff80000003, src = 0x123456789;
  for (const auto* ops : {kWordOps, kDoubleOps}) {
    for (std::size_t op = 0; op < std::size(kWordOps); ++op) {
      const std::string name = "op " + std::to_string(op) + (ops == kWordOps ? ".w" : ".d");
      State s;
      s.word = old;
      s.x = {{a1, kData}, {a2, src}, {t3, kData}, {t4, src}};
      expect_same(name + " rd = rs1", s, {ops[op](a1, a2, a1), rv::ebreak()});
      expect_same(name + " rd = rs2", s, {ops[op](a2, a2, a1), rv::ebreak()});
      expect_same(name + " rd = x0", s, {ops[op](zero, a2, a1), rv::ebreak()});
      expect_same(name + " rs2 = x0", s, {ops[op](a0, zero, a1), rv::ebreak()});
      expect_same(name + " all in the HartState", s, {ops[op](t5, t4, t3), rv::ebreak()});
      expect_same(name + " rd = rs1 in the HartState", s, {ops[op](t3, t4, t3), rv::ebreak()});
      expect_same(name + " twice, the second reading the first", s,
                  {ops[op](a0, a2, a1), ops[op](t5, a0, t3), rv::ebreak()});
    }
  }
}

TEST(JitAtomicFastPath, LoadReservedAndStoreConditional) {
  State s;
  s.word = 0xaaaaaaaa80000000;
  s.x = {{a1, kData}, {a2, 0x1111111122334455}, {t3, kData + 8}, {t4, 77}};
  expect_same("lr.w sign-extends, sc.w writes four bytes", s,
              {rv::lr_w(a0, a1), rv::sc_w(a3, a2, a1), rv::ebreak()});
  expect_same("lr.d, sc.d", s, {rv::lr_d(a0, a1), rv::sc_d(a3, a2, a1), rv::ebreak()});
  expect_same("sc without a reservation fails", s, {rv::sc_d(a3, a2, a1), rv::ebreak()});
  expect_same("sc after a successful sc fails", s,
              {rv::lr_d(a0, a1), rv::sc_d(a3, a2, a1), rv::sc_d(a4, t4, a1), rv::ebreak()});
  expect_same("sc to another address fails and clears the reservation", s,
              {rv::lr_d(a0, a1), rv::sc_d(a3, a2, t3), rv::sc_d(a4, a2, a1), rv::ebreak()});
  expect_same("rd = rs1 = rs2 in the HartState", s, {rv::lr_d(t5, t3), rv::sc_d(t3, t3, t3), rv::ebreak()});
  expect_same("sc rd = x0", s, {rv::lr_w(a0, a1), rv::sc_w(zero, a2, a1), rv::ebreak()});
  State reserved = s;
  reserved.reserved = true;
  expect_same("a reservation made before the region", reserved, {rv::sc_w(a3, a2, a1), rv::ebreak()});
  // The usual compare-and-swap loop: lr, compare, sc, retry.
  expect_same(
      "a compare-and-swap loop", s,
      {rv::lr_w(a0, a1), rv::bne(a0, a4, 12), rv::sc_w(a3, a2, a1), rv::bne(a3, zero, -12), rv::ebreak()});
}

TEST(JitAtomicFastPath, FaultsAndTrapsAreTheInterpretersWithNothingChanged) {
  State s;
  s.word = 5;
  s.read_only_page = true;
  s.x = {{a2, 9}, {a0, 0x77}};
  const std::vector<std::pair<std::string, GuestAddr>> places = {{"misaligned by 4", kData + 4},
                                                                 {"misaligned by 2", kData + 2},
                                                                 {"misaligned by 1", kData + 1},
                                                                 {"read-only", kReadOnly},
                                                                 {"a hole", kHole},
                                                                 {"outside the window", JitMachine::kWindow},
                                                                 {"negative", ~GuestAddr{7}}};
  for (const auto& [where, address] : places) {
    State at = s;
    at.x.emplace_back(a1, address);
    at.reserved = true;  // a failing sc must still fault where the interpreter's does
    for (std::uint32_t insn :
         {rv::amoadd_w(a0, a2, a1), rv::amoswap_d(a0, a2, a1), rv::amomaxu_d(a0, a2, a1), rv::lr_w(a0, a1),
          rv::lr_d(a0, a1), rv::sc_w(a0, a2, a1), rv::sc_d(a0, a2, a1)}) {
      expect_same(where + " " + std::to_string(insn), at,
                  {rv::addi(a3, zero, 1), insn, rv::addi(a4, zero, 1)});
    }
  }
}

TEST(JitAtomicFastPath, AnAmoRewritingTranslatedCodeTakesEffect) {
  // The page of translated code is read-only in the view and watched (out
  // of the TLB) otherwise: the interpreter runs the AMO and the code is
  // translated again.
  const std::uint32_t replacement = rv::addi(a0, zero, 42);
  State s;
  s.x = {{a1, kBase + 8}, {a2, replacement}};
  const std::vector<std::uint32_t> code = {rv::amoswap_w(a3, a2, a1), rv::addi(a4, zero, 1),
                                           rv::addi(a0, zero, 1), rv::ebreak()};
  expect_same("amoswap.w over the next instruction but one", s, code);
  for (JitRam ram : {JitRam::kDirectView, JitRam::kPrivate}) {
    JitMachine jit(vmm::test::eager_options(), ram);
    set_up(jit, s, code);
    jit.run(100);
    EXPECT_EQ(jit.hart.x[a0], 42u);
    EXPECT_GT(jit.engine->counters().blocks_invalidated, 0u);
  }
}

TEST(JitAtomicFastPath, AnAmoOnItsOwnCodePageAppliesItsOperation) {
  // The word shares the page of the translated code: the AMO's write resets
  // the page's decoded slots while the interpreter runs it for the JIT, and
  // its operation must have been taken before (every one computed amomaxu's
  // result once). Expected values are the spec's.
  struct Case {
    const char* name;
    std::uint32_t (*encode)(unsigned, unsigned, unsigned);
    std::uint64_t old;
    std::uint64_t operand;
    std::uint64_t stored;
  };
  const Case cases[] = {
      {"amoadd.w", rv::amoadd_w, 100, 5, 105},      {"amoswap.w", rv::amoswap_w, 105, 7, 7},
      {"amoand.w", rv::amoand_w, 0xff, 0x0f, 0x0f}, {"amoxor.d", rv::amoxor_d, 0xff, 0x0f, 0xf0},
      {"amomin.w", rv::amomin_w, 3, 5, 3},          {"amomax.w", rv::amomax_w, 0xffffffff, 1, 1},
      {"amominu.d", rv::amominu_d, 3, 5, 3},
  };
  constexpr GuestAddr kWord = kBase + 0x800;
  for (const Case& c : cases) {
    for (JitRam ram : {JitRam::kDirectView, JitRam::kPrivate}) {
      SCOPED_TRACE(std::string(c.name) + (ram == JitRam::kDirectView ? ", direct view" : ", TLB"));
      JitMachine jit(vmm::test::eager_options(), ram);
      jit.load_code({rv::addi(a4, zero, 1), c.encode(a3, a2, a1), rv::addi(a5, zero, 1), rv::ebreak()});
      jit.load_bytes(kWord, &c.old, 8);
      jit.hart.x[a1] = kWord;
      jit.hart.x[a2] = c.operand;
      const cpu::Stop stop = jit.run(100);
      EXPECT_EQ(stop.cause, cpu::Cause::kBreakpoint);
      EXPECT_EQ(jit.peek<std::uint64_t>(kWord), c.stored);
      EXPECT_EQ(jit.hart.x[a5], 1u);
      EXPECT_GT(jit.engine->counters().regions_translated, 0u);
    }
  }
}

TEST(JitAtomicFastPath, TheTlbPathNeedsTheReadAndTheWriteEntry) {
  // A write-only page: a store fills the write entry, and the AMO after it
  // must not take the page as readable from that alone.
  const std::vector<std::uint32_t> code = {rv::sd(a2, 0, a1), rv::amoadd_d(a0, a2, a1), rv::ebreak()};
  TestMachine interp;
  JitMachine jit(vmm::test::eager_options(), JitRam::kPrivate);
  for (auto* space : {&interp.space, &jit.space}) {
    ASSERT_TRUE(space->protect(page_floor(kData), kPageSize, memory::kPermWrite));
  }
  interp.load_code(code);
  jit.load_code(code);
  for (auto* hart : {&interp.hart, &jit.hart}) {
    hart->x[a1] = kData;
    hart->x[a2] = 5;
  }
  const cpu::Stop want = interp.run(100);
  const cpu::Stop got = jit.run(100);
  ASSERT_EQ(want.cause, cpu::Cause::kStoreAccessFault);
  EXPECT_EQ(got.cause, want.cause);
  EXPECT_EQ(got.tval, want.tval);
  EXPECT_EQ(jit.hart.pc, interp.hart.pc);
  EXPECT_EQ(jit.hart.x[a0], interp.hart.x[a0]);
}

}  // namespace
}  // namespace vmm::jit
