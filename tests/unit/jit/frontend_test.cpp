// The front end's region discovery on real encodings: where a trace goes on
// past a direct jump and where it stops.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "support/code_fetch.hpp"
#include "support/guest_asm.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/jit/frontend.hpp"

namespace vmm::jit {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
constexpr GuestAddr kBase = 0x80000000;

IrRegion region_of(const std::vector<std::uint32_t>& code) {
  std::optional<IrRegion> region = build_region(test::fetch_code(code, kBase), kBase, FrontendOptions{});
  EXPECT_TRUE(region.has_value());
  return region.value_or(IrRegion{});
}

TEST(JitFrontend, AJumpIsFollowedIntoItsTarget) {
  const std::vector<std::uint32_t> code = {
      rv::addi(a0, a0, 1),  // kBase
      rv::jal(zero, 8),     // over the next instruction
      rv::addi(a1, a1, 1),  // skipped
      rv::addi(a2, a2, 1),  // kBase + 12
      rv::ecall(),
  };
  IrRegion r = region_of(code);
  EXPECT_EQ(r.guest_insns, 4u);  // addi, jal, addi a2, ecall
  ASSERT_FALSE(r.insns.empty());
  EXPECT_EQ(r.insns.back().kind, IrKind::kEcall);
  EXPECT_EQ(r.insns.back().pc, kBase + 16);
}

TEST(JitFrontend, AJumpBackIntoCodeAnEarlierJumpReachedIsALoop) {
  // Entered at kBase + 12, the trace follows the jump back to kBase; the
  // jump at kBase + 8 goes back to kBase again, which the region already
  // holds: a loop, not more trace (once unrolled: the loop's short body is
  // copied once, and the copy's jump closes the loop on the first copy).
  const std::vector<std::uint32_t> code = {
      rv::addi(a0, a0, 1),  // kBase
      rv::beq(a0, a1, 16),  // out, to kBase + 20
      rv::jal(zero, -8),    // back to kBase
      rv::addi(a2, a2, 1),  // kBase + 12: the entry
      rv::jal(zero, -16),   // to kBase
      rv::ecall(),
  };
  std::optional<IrRegion> region = build_region(test::fetch_code(code, kBase), kBase + 12, FrontendOptions{});
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(region->guest_insns, 8u);  // addi a2, jal, addi a0, beq, jal, and the copy: addi a0, beq, jal
  ASSERT_FALSE(region->insns.empty());
  const IrInsn& jump = region->insns.back();
  EXPECT_EQ(jump.kind, IrKind::kJump);
  EXPECT_EQ(jump.target, kBase);
  auto targets = in_region_targets(*region);
  ASSERT_TRUE(targets.back().has_value());
  EXPECT_EQ(region->insns[*targets.back()].pc, kBase);
  EXPECT_EQ(region->insns[*targets.back()].index, 2u);  // the first copy
}

TEST(JitFrontend, ACallEndsTheRegionAtItsCallee) {
  // Both link registers the spec names for calls: the callee gets a region
  // of its own instead of a copy in every caller's.
  for (unsigned link : {ra, t0}) {
    const std::vector<std::uint32_t> code = {
        rv::addi(a0, a0, 1),  // kBase
        rv::jal(link, 8),     // call kBase + 12
        rv::addi(a1, a1, 1),  // the return address
        rv::addi(a2, a2, 1),  // the callee
        rv::ecall(),
    };
    IrRegion r = region_of(code);
    EXPECT_EQ(r.guest_insns, 2u) << link;
    ASSERT_GE(r.insns.size(), 3u);
    const IrInsn& push = r.insns[r.insns.size() - 2];
    EXPECT_EQ(push.kind, IrKind::kCall);
    EXPECT_EQ(push.imm2, kBase + 8);
    const IrInsn& jump = r.insns.back();
    EXPECT_EQ(jump.kind, IrKind::kJump);
    EXPECT_EQ(jump.target, kBase + 12);
    EXPECT_FALSE(r.ends_with_fallthrough);
  }
}

TEST(JitFrontend, FpCsrsKeepTheRegionGoingOtherCsrsEndIt) {
  const std::vector<std::uint32_t> code = {
      rv::csrrs(a4, 0x001, zero),  // frflags
      rv::csrrw(zero, 0x001, a4),  // fsflags
      rv::csrrwi(zero, 0x002, 1),  // fsrmi
      rv::csrrs(a5, 0x003, zero),  // frcsr
      rv::csrrs(a5, 0xb02, zero),  // minstret: ends the region
      rv::addi(a2, a2, 1),
  };
  IrRegion r = region_of(code);
  EXPECT_EQ(r.guest_insns, 5u);
  ASSERT_FALSE(r.insns.empty());
  EXPECT_EQ(r.insns.back().kind, IrKind::kInterpret);
  EXPECT_EQ(r.insns.back().pc, kBase + 16);
  EXPECT_EQ(r.next_pc, kBase + 20);  // on from the next instruction, outside the region
}

TEST(JitFrontend, BranchesToAnInstructionThatLowersToNothingFindIt) {
  // A fence (or a nop, an alignment pad before a loop) has no IR of its own;
  // a branch back to it must still land inside the region: a loop (unrolled
  // once: the first copy's branch becomes the way out, to the ecall).
  for (std::uint32_t head : {rv::fence(), rv::addi(zero, zero, 0)}) {
    const std::vector<std::uint32_t> code = {
        head,                 // kBase: the loop head
        rv::addi(a0, a0, 1),  //
        rv::bne(a0, a1, -8),  // back to kBase
        rv::ecall(),
    };
    IrRegion r = region_of(code);
    auto targets = in_region_targets(r);
    std::vector<GuestAddr> landings;
    for (std::size_t i = 0; i < r.insns.size(); ++i) {
      if (r.insns[i].kind != IrKind::kBranch) continue;
      ASSERT_TRUE(targets[i].has_value()) << head;
      landings.push_back(r.insns[*targets[i]].pc);
      if (r.insns[i].target == kBase) {
        EXPECT_EQ(*targets[i], 0u) << head;  // the first copy's head
      }
    }
    EXPECT_EQ(landings, (std::vector<GuestAddr>{kBase + 12, kBase})) << head;
  }
}

TEST(JitFrontend, AShortLoopIsUnrolledOnce) {
  // A pass of the translated loop runs two iterations: the first copy's
  // branch back is turned into the way out (beq to the instruction after
  // the loop), the second's closes the loop on the first copy. A skip
  // inside the body lands in its own copy.
  const std::vector<std::uint32_t> code = {
      rv::addi(a0, a0, 1),   // kBase: the loop
      rv::beq(a2, zero, 8),  //   skips the load
      rv::lbu(a2, 0, a0),    //
      rv::bne(a0, a1, -12),  // kBase + 12
      rv::ecall(),           // kBase + 16
  };
  IrRegion r = region_of(code);
  EXPECT_EQ(r.guest_insns, 9u);  // two copies of four, and the ecall
  auto targets = in_region_targets(r);
  std::vector<std::pair<Cond, std::size_t>> branches;
  for (std::size_t i = 0; i < r.insns.size(); ++i) {
    if (r.insns[i].kind != IrKind::kBranch) continue;
    ASSERT_TRUE(targets[i].has_value());
    branches.emplace_back(r.insns[i].cond, r.insns[*targets[i]].index);
  }
  EXPECT_EQ(branches, (std::vector<std::pair<Cond, std::size_t>>{
                          {Cond::kEq, 3}, {Cond::kEq, 8}, {Cond::kEq, 7}, {Cond::kNe, 0}}));
}

TEST(JitFrontend, OnlyTheFirstLoopOfATraceAndOnlyShortBodiesAreUnrolled) {
  // 17 instructions of body: too long to copy.
  std::vector<std::uint32_t> code(17, rv::addi(a0, a0, 1));
  code.push_back(rv::bne(a0, a1, -17 * 4));
  code.push_back(rv::ecall());
  EXPECT_EQ(region_of(code).guest_insns, 19u);
  // Two loops one after the other: the first is unrolled, the second not.
  const std::vector<std::uint32_t> loops = {
      rv::addi(a0, a0, 1),  // kBase
      rv::bne(a0, a1, -4),  //
      rv::addi(a2, a2, 1),  // kBase + 8
      rv::bne(a2, a3, -4),  //
      rv::ecall(),
  };
  EXPECT_EQ(region_of(loops).guest_insns, 4u + 2u + 1u);
}

/// build_region with regions already starting at `entries`.
IrRegion region_with_entries(const std::vector<std::uint32_t>& code, std::vector<GuestAddr> entries) {
  FrontendOptions options;
  options.is_entry = [entries = std::move(entries)](GuestAddr pc) {
    return std::find(entries.begin(), entries.end(), pc) != entries.end();
  };
  std::optional<IrRegion> region = build_region(test::fetch_code(code, kBase), kBase, options);
  EXPECT_TRUE(region.has_value());
  return region.value_or(IrRegion{});
}

TEST(JitFrontend, TheTraceEndsWhereAnotherRegionStarts) {
  // Straight code, a branch's side exit and a followed jump: the region
  // falls through to the first pc past its entry where a region starts,
  // wherever the trace got there from.
  const std::vector<std::uint32_t> code = {
      rv::addi(a0, a0, 1),  // kBase: the entry (a region there too does not count)
      rv::beq(a0, a1, 8),   // a side exit, to kBase + 12
      rv::jal(zero, 8),     // followed, to kBase + 16
      rv::addi(a1, a1, 1),  // kBase + 12
      rv::addi(a2, a2, 1),  // kBase + 16
      rv::addi(a3, a3, 1),  // kBase + 20
      rv::ecall(),
  };
  IrRegion whole = region_with_entries(code, {kBase, kBase + 12});
  EXPECT_EQ(whole.guest_insns, 6u);  // a side exit's target is not on the trace
  EXPECT_FALSE(whole.ends_with_fallthrough);

  IrRegion cut = region_with_entries(code, {kBase, kBase + 20});
  EXPECT_EQ(cut.guest_insns, 4u);  // addi, beq, jal, addi a2
  EXPECT_TRUE(cut.ends_with_fallthrough);
  EXPECT_EQ(cut.next_pc, kBase + 20);
  ASSERT_FALSE(cut.insns.empty());
  EXPECT_EQ(cut.insns.back().pc, kBase + 16);

  IrRegion at_the_jump_target = region_with_entries(code, {kBase + 16, kBase + 20});
  EXPECT_EQ(at_the_jump_target.guest_insns, 3u);
  EXPECT_TRUE(at_the_jump_target.ends_with_fallthrough);
  EXPECT_EQ(at_the_jump_target.next_pc, kBase + 16);
}

TEST(JitFrontend, ALoopTheTraceClosesStaysWholeWhereverRegionsStart) {
  // A region at the loop's second instruction would cut the loop in two:
  // it stays, and the trace ends at the region after the loop.
  const std::vector<std::uint32_t> code = {
      rv::addi(a2, a2, 1),  // kBase: the entry
      rv::addi(a0, a0, 1),  // kBase + 4: the loop
      rv::addi(a3, a3, 1),  // kBase + 8
      rv::bne(a0, a1, -8),  // kBase + 12
      rv::addi(a4, a4, 1),  // kBase + 16
      rv::addi(a5, a5, 1),  // kBase + 20
      rv::ecall(),
  };
  IrRegion r = region_with_entries(code, {kBase + 8, kBase + 20});
  EXPECT_TRUE(r.ends_with_fallthrough);
  EXPECT_EQ(r.next_pc, kBase + 20);
  EXPECT_EQ(r.guest_insns, 8u);  // addi a2, the loop unrolled once (three twice), addi a4
  auto targets = in_region_targets(r);
  EXPECT_TRUE(std::any_of(targets.begin(), targets.end(), [](const auto& t) { return t.has_value(); }));
}

}  // namespace
}  // namespace vmm::jit
