// The IR optimizer on regions built by the front end from real encodings:
// which rotates it fuses, which writes it removes, and the near misses it
// must leave alone. What the rewritten code computes is checked by
// jit_engine_test (JitOptimizer.*) and the random-program tester.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "support/code_fetch.hpp"
#include "support/guest_asm.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/jit/frontend.hpp"
#include "vmm/jit/optimizer.hpp"

namespace vmm::jit {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
constexpr GuestAddr kBase = 0x80000000;

/// The region at kBase of `code` (which should end the region itself),
/// optimized (for a back end that may leave before loops, or not).
IrRegion optimized(const std::vector<std::uint32_t>& code, bool leaves_before_loops = false) {
  Fetch fetch = test::fetch_code(code, kBase);
  std::optional<IrRegion> region = build_region(fetch, kBase, FrontendOptions{});
  EXPECT_TRUE(region.has_value());
  optimize(*region, leaves_before_loops);
  return *region;
}

/// The IR instructions made from the guest instruction at index `i`.
std::vector<IrInsn> from(const IrRegion& region, std::uint16_t i) {
  std::vector<IrInsn> out;
  std::copy_if(region.insns.begin(), region.insns.end(), std::back_inserter(out),
               [&](const IrInsn& insn) { return insn.index == i; });
  return out;
}

bool is_rotate(const IrInsn& insn, GuestReg dst, GuestReg src, std::int64_t amount, bool word) {
  return insn.kind == IrKind::kAluImm && insn.alu == AluOp::kRor && insn.dst == dst && insn.a == src &&
         insn.imm == amount && insn.word == word;
}

TEST(IrOptimizer, WordRotateBecomesOneInstructionAndItsShiftsGo) {
  IrRegion r = optimized({
      rv::srliw(t1, a3, 6),   // 0
      rv::slliw(t2, a3, 26),  // 1
      rv::or_(a0, t1, t2),    // 2: rorw a0, a3, 6
      rv::addi(t1, zero, 1),  // 3: t1 and t2 overwritten unread
      rv::addi(t2, zero, 2),  // 4
      rv::ebreak(),
  });
  EXPECT_TRUE(from(r, 0).empty());
  EXPECT_TRUE(from(r, 1).empty());
  ASSERT_EQ(from(r, 2).size(), 1u);
  EXPECT_TRUE(is_rotate(from(r, 2)[0], a0, a3, 6, true));
  EXPECT_EQ(r.guest_insns, 6u);  // removed instructions still retire
}

TEST(IrOptimizer, RotatesOfEitherOperandOrderWidthAndCombiningOperation) {
  IrRegion r = optimized({
      rv::slli(t1, a3, 3),   // 0
      rv::srli(t2, a3, 61),  // 1
      rv::or_(a0, t1, t2),   // 2: ror a0, a3, 61 (the sll operand first)
      rv::xor_(a1, t2, t1),  // 3: the same rotate through xor
      rv::add(a2, t1, t2),   // 4: and through add
      rv::ebreak(),
  });
  ASSERT_EQ(from(r, 2).size(), 1u);
  EXPECT_TRUE(is_rotate(from(r, 2)[0], a0, a3, 61, false));
  EXPECT_TRUE(is_rotate(from(r, 3)[0], a1, a3, 61, false));
  EXPECT_TRUE(is_rotate(from(r, 4)[0], a2, a3, 61, false));
  EXPECT_EQ(from(r, 0).size(), 1u);  // t1 and t2 are read at the region's end
  EXPECT_EQ(from(r, 1).size(), 1u);
}

TEST(IrOptimizer, NearMissesStayShiftsAndOr) {
  const std::vector<std::vector<std::uint32_t>> misses = {
      {rv::srliw(t1, a3, 6), rv::slliw(t2, a3, 25), rv::or_(a0, t1, t2)},  // 6 + 25 != 32
      {rv::srliw(t1, a3, 6), rv::slliw(t2, a4, 26), rv::or_(a0, t1, t2)},  // two sources
      {rv::srli(t1, a3, 6), rv::slliw(t2, a3, 26), rv::or_(a0, t1, t2)},   // widths differ
      {rv::srliw(t1, a3, 0), rv::slliw(t2, a3, 0), rv::or_(a0, t1, t2)},   // no shift at all
      {rv::srliw(a3, a3, 6), rv::slliw(t2, a3, 26), rv::or_(a0, a3, t2)},  // the source shifted in place
      {rv::srliw(t1, a3, 6), rv::addi(a3, a3, 1), rv::slliw(t2, a3, 26), rv::or_(a0, t1, t2)},  // changed
      {rv::srliw(t1, a3, 6), rv::slliw(t2, a3, 26), rv::and_(a0, t1, t2)},  // not a combination
      {rv::srliw(t1, a3, 6), rv::slliw(t2, a3, 26), rv::addi(t1, t1, 1), rv::or_(a0, t1, t2)},  // t1 changed
      {rv::sraiw(t1, a3, 6), rv::slliw(t2, a3, 26), rv::or_(a0, t1, t2)},  // arithmetic shift
  };
  for (std::size_t m = 0; m < misses.size(); ++m) {
    std::vector<std::uint32_t> code = misses[m];
    code.push_back(rv::ebreak());
    IrRegion r = optimized(code);
    for (const IrInsn& insn : r.insns) {
      EXPECT_FALSE(insn.kind == IrKind::kAluImm && insn.alu == AluOp::kRor) << "case " << m;
    }
  }
}

TEST(IrOptimizer, AWordShiftedUpAndDownIsExtendedThenShifted) {
  IrRegion r = optimized({
      rv::slli(t1, a3, 32),   // 0
      rv::srli(a0, t1, 30),   // 1: zext.w a0, a3; slli a0, a0, 2
      rv::srai(a1, t1, 36),   // 2: sext.w a1, a3; srai a1, a1, 4
      rv::srli(a2, t1, 32),   // 3: zext.w a2, a3
      rv::addi(t1, zero, 0),  // 4: the slli is dead
      rv::ebreak(),
  });
  EXPECT_TRUE(from(r, 0).empty());
  const std::vector<IrInsn> scaled = from(r, 1);
  ASSERT_EQ(scaled.size(), 2u);
  EXPECT_EQ(scaled[0].kind, IrKind::kExtend);
  EXPECT_EQ(scaled[0].a, a3);
  EXPECT_EQ(scaled[0].size, 4);
  EXPECT_FALSE(scaled[0].is_signed);
  EXPECT_EQ(scaled[1].kind, IrKind::kAluImm);
  EXPECT_EQ(scaled[1].alu, AluOp::kSll);
  EXPECT_EQ(scaled[1].a, a0);
  EXPECT_EQ(scaled[1].imm, 2);
  const std::vector<IrInsn> shifted = from(r, 2);
  ASSERT_EQ(shifted.size(), 2u);
  EXPECT_TRUE(shifted[0].is_signed);
  EXPECT_EQ(shifted[1].alu, AluOp::kSra);
  EXPECT_EQ(shifted[1].imm, 4);
  ASSERT_EQ(from(r, 3).size(), 1u);
  EXPECT_EQ(from(r, 3)[0].kind, IrKind::kExtend);
}

TEST(IrOptimizer, ShiftsThatAreNotAWordExtendedStayShifts) {
  const std::vector<std::vector<std::uint32_t>> misses = {
      {rv::slli(t1, a3, 31), rv::srli(a0, t1, 30)},                       // not by 32
      {rv::slliw(t1, a3, 0), rv::srli(a0, t1, 30)},                       // a *W shift
      {rv::slli(t1, a3, 32), rv::srliw(a0, t1, 30)},                      // a *W shift second
      {rv::slli(t1, a3, 32), rv::addi(a3, a3, 1), rv::srli(a0, t1, 30)},  // the source changed
      {rv::slli(a3, a3, 32), rv::srli(a0, a3, 30)},                       // shifted in place
      {rv::slli(t1, a3, 32), rv::addi(t1, t1, 1), rv::srli(a0, t1, 30)},  // t1 changed
  };
  for (std::size_t m = 0; m < misses.size(); ++m) {
    std::vector<std::uint32_t> code = misses[m];
    code.push_back(rv::ebreak());
    IrRegion r = optimized(code);
    for (const IrInsn& insn : r.insns) EXPECT_NE(insn.kind, IrKind::kExtend) << "case " << m;
  }
}

TEST(IrOptimizer, NoRotateAcrossAPlaceWherePathsJoin) {
  // A branch back to the or: arriving there, t1 may hold anything.
  IrRegion r = optimized({
      rv::srliw(t1, a3, 6),   // 0
      rv::slliw(t2, a3, 26),  // 1
      rv::or_(a0, t1, t2),    // 2: a loop head
      rv::addi(t1, t1, 1),    // 3
      rv::bne(t1, a5, -8),    // 4
      rv::ebreak(),
  });
  ASSERT_EQ(from(r, 2).size(), 1u);
  EXPECT_EQ(from(r, 2)[0].alu, AluOp::kOr);
}

TEST(IrOptimizer, OverwrittenWritesGoWhenNothingObservesThem) {
  IrRegion r = optimized({
      rv::addi(t1, zero, 5),  // 0: overwritten unread: goes
      rv::add(t2, a0, a1),    // 1: read by 2: stays
      rv::xor_(a2, t2, t2),   // 2
      rv::addi(t1, zero, 6),  // 3
      rv::addi(t2, zero, 7),  // 4
      rv::ebreak(),
  });
  EXPECT_TRUE(from(r, 0).empty());
  EXPECT_EQ(from(r, 1).size(), 1u);
  EXPECT_EQ(from(r, 3).size(), 1u);  // the region's end sees it
}

TEST(IrOptimizer, WritesStayWhereAFaultBranchOrHelperCouldSeeThem) {
  const std::vector<std::uint32_t> observers = {
      rv::ld(a0, 0, a1),         // a fault reports every register
      rv::sd(a0, 0, a1),         //
      rv::beq(a0, a1, 64),       // a side exit
      rv::mul(a2, a0, a0),       // (a plain computation: the write goes, the control case)
      rv::amoadd_w(a2, a0, a1),  // helpers read the HartState
      rv::fadd_s(1, 2, 3),       //
  };
  for (std::size_t o = 0; o < observers.size(); ++o) {
    IrRegion r = optimized({rv::addi(t1, zero, 5), observers[o], rv::addi(t1, zero, 6), rv::ebreak()});
    const bool removed = from(r, 0).empty();
    EXPECT_EQ(removed, o == 3) << "observer " << o;
  }
}

TEST(IrOptimizer, ADeadLoopHeadStaysAsANop) {
  // t1's write at the loop head is overwritten unread, but branches land on it.
  IrRegion r = optimized({
      rv::addi(t1, zero, 5),   // 0: loop head
      rv::addi(t1, zero, 6),   // 1
      rv::addi(a0, a0, -1),    // 2
      rv::bne(a0, zero, -12),  // 3
      rv::ebreak(),
  });
  ASSERT_EQ(from(r, 0).size(), 1u);
  EXPECT_EQ(from(r, 0)[0].kind, IrKind::kNop);
  std::optional<std::size_t> head = in_region_targets(r)[r.insns.size() - 2];
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(r.insns[*head].pc, kBase);
}

TEST(IrOptimizer, WritesBeforeALoopStayWhenTheBackEndMayLeaveThere) {
  // t1's first write is overwritten in the loop, unread: it goes, unless the
  // back end may leave on the way into the loop (the direct view's checks).
  for (bool leaves : {false, true}) {
    IrRegion r = optimized(
        {
            rv::addi(t1, zero, 5),   // 0
            rv::addi(a1, a1, 1),     // 1: loop head
            rv::addi(t1, zero, 6),   // 2
            rv::addi(a0, a0, -1),    // 3
            rv::bne(a0, zero, -12),  // 4
            rv::ebreak(),
        },
        leaves);
    EXPECT_EQ(from(r, 0).size(), leaves ? 1u : 0u) << leaves;
  }
}

TEST(IrOptimizer, BranchesLandOnTheFirstCopyOfAPcThatATraceRepeats) {
  // Entered at kBase + 4; the loop there is unrolled once, and the jal goes
  // back past the entry and the trace follows it, so kBase + 4 and kBase + 8
  // come again. Every branch back to kBase + 4 lands on the first copy
  // (position 0), which stays a join; the first copy's way out lands on the jal.
  const std::vector<std::uint32_t> code = {
      rv::addi(a1, a1, 1),  // kBase
      rv::addi(a0, a0, 1),  // kBase + 4: the entry
      rv::beq(a0, a2, -4),  // kBase + 8: to kBase + 4
      rv::jal(zero, -12),   // to kBase
  };
  Fetch fetch = test::fetch_code(code, kBase);
  FrontendOptions options;
  options.max_insns = 10;
  std::optional<IrRegion> region = build_region(fetch, kBase + 4, options);
  ASSERT_TRUE(region.has_value());
  optimize(*region, false);
  auto targets = in_region_targets(*region);
  unsigned branches = 0;
  for (std::size_t i = 0; i < region->insns.size(); ++i) {
    if (region->insns[i].kind != IrKind::kBranch) continue;
    ++branches;
    ASSERT_TRUE(targets[i].has_value()) << i;
    if (region->insns[i].target == kBase + 4) {
      EXPECT_EQ(*targets[i], 0u) << i;
    } else {
      EXPECT_EQ(region->insns[*targets[i]].pc, region->insns[i].target) << i;
    }
  }
  EXPECT_GE(branches, 3u);
  EXPECT_EQ(region->insns[0].pc, kBase + 4);
}

}  // namespace
}  // namespace vmm::jit
