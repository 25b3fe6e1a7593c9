#include "vmm/jit/optimizer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace vmm::jit {
namespace {

/// Per IR position: 1 where other paths join the fall-through one, kLoopHead
/// where a jump back joins it.
using Joins = std::vector<std::uint8_t>;
constexpr std::uint8_t kLoopHead = 2;

/// The in-region targets of branches and jumps (the back end's labels).
Joins join_points(const IrRegion& region) {
  Joins joins(region.insns.size(), 0);
  const std::pmr::vector<std::optional<std::size_t>> targets = in_region_targets(region);
  for (std::size_t s = 0; s < targets.size(); ++s) {
    if (const std::optional<std::size_t> at = targets[s])
      joins[*at] = std::max(joins[*at], *at <= s ? kLoopHead : std::uint8_t{1});
  }
  return joins;
}

std::uint32_t bit(GuestReg r) { return r == 0 ? 0 : 1u << r; }

bool shift_by_imm(const IrInsn& insn, AluOp op) { return insn.kind == IrKind::kAluImm && insn.alu == op; }

/// Whether `insn` combines two values whose set bits cannot overlap the
/// way or does: or, xor and add agree on disjoint bits.
bool combines(const IrInsn& insn) {
  return insn.kind == IrKind::kAlu && !insn.word && insn.a != 0 && insn.b != 0 && insn.a != insn.b &&
         (insn.alu == AluOp::kOr || insn.alu == AluOp::kXor || insn.alu == AluOp::kAdd);
}

/// The values of a straight-line stretch: which IR position wrote each
/// register last, how often each has been written (a source is unchanged
/// between two positions when its count is), and the count of the writer's
/// source register when it wrote.
class Values {
 public:
  static constexpr std::size_t kUnknown = std::numeric_limits<std::size_t>::max();

  Values() { m_writer.fill(kUnknown); }
  void forget_all() {
    m_writer.fill(kUnknown);
    for (auto& v : m_version) ++v;
  }
  /// `insn` at position `at` wrote r (0: nothing).
  void wrote(GuestReg r, std::size_t at, std::uint32_t source_version) {
    if (r == 0) return;
    m_writer[r] = at;
    m_source_version[r] = source_version;
    ++m_version[r];
  }
  [[nodiscard]] std::size_t writer(GuestReg r) const { return m_writer[r]; }
  [[nodiscard]] std::uint32_t version(GuestReg r) const { return m_version[r]; }
  /// Whether the source of r's writer `w` (r's value unchanged since) still holds what w read.
  [[nodiscard]] bool source_unchanged(GuestReg r, const IrInsn& w) const {
    return m_source_version[r] == m_version[w.a];
  }

 private:
  std::array<std::size_t, 32> m_writer{};
  std::array<std::uint32_t, 32> m_version{};
  std::array<std::uint32_t, 32> m_source_version{};
};

/// The rotate that `insn` (an or-like combination) computes from two shifts
/// of one unchanged source, if it does: kAluImm kRor, else nullopt.
std::optional<IrInsn> rotate_of(const IrInsn& insn, const std::vector<IrInsn>& insns, const Values& values) {
  if (!combines(insn)) return std::nullopt;
  GuestReg p = insn.a;
  GuestReg q = insn.b;
  if (values.writer(p) == Values::kUnknown || values.writer(q) == Values::kUnknown) return std::nullopt;
  if (shift_by_imm(insns[values.writer(q)], AluOp::kSrl)) std::swap(p, q);
  const IrInsn& srl = insns[values.writer(p)];
  const IrInsn& sll = insns[values.writer(q)];
  if (!shift_by_imm(srl, AluOp::kSrl) || !shift_by_imm(sll, AluOp::kSll)) return std::nullopt;
  const std::int64_t width = srl.word ? 32 : 64;
  // srl's bit width-1 is clear (k >= 1), so for the *W forms the
  // sign-extended halves combine to the sign-extended rotate.
  if (srl.a == 0 || sll.a != srl.a || sll.word != srl.word || srl.imm < 1 || srl.imm >= width ||
      srl.imm + sll.imm != width || !values.source_unchanged(p, srl) || !values.source_unchanged(q, sll))
    return std::nullopt;
  IrInsn rotate = insn;
  rotate.kind = IrKind::kAluImm;
  rotate.alu = AluOp::kRor;
  rotate.word = srl.word;
  rotate.a = srl.a;
  rotate.b = 0;
  rotate.imm = srl.imm;
  return rotate;
}

/// `srli/srai d, t, k` where t = `slli t, s, 32` of a still unchanged s: the
/// low word of s, extended (returned), then shifted by what is left
/// (`shift`, unless k is 32), so t is often dead after. Nullopt when `insn`
/// is not such a shift.
std::optional<IrInsn> extend_then_shift(const IrInsn& insn, const std::vector<IrInsn>& insns,
                                        const Values& values, std::optional<IrInsn>& shift) {
  const bool arithmetic = shift_by_imm(insn, AluOp::kSra);
  if ((!shift_by_imm(insn, AluOp::kSrl) && !arithmetic) || insn.word || insn.a == 0) return std::nullopt;
  if (values.writer(insn.a) == Values::kUnknown) return std::nullopt;
  const IrInsn& sll = insns[values.writer(insn.a)];
  if (!shift_by_imm(sll, AluOp::kSll) || sll.word || sll.imm != 32 || sll.a == 0 ||
      !values.source_unchanged(insn.a, sll))
    return std::nullopt;
  IrInsn extend = insn;
  extend.kind = IrKind::kExtend;
  extend.a = sll.a;
  extend.size = 4;
  extend.is_signed = arithmetic;
  extend.imm = 0;
  // (s << 32) >> k is the extended word shifted left by 32 - k, or right by k - 32.
  if (insn.imm != 32) {
    shift = insn;
    shift->a = insn.dst;
    shift->alu = insn.imm < 32 ? AluOp::kSll : insn.alu;
    shift->imm = insn.imm < 32 ? 32 - insn.imm : insn.imm - 32;
  }
  return extend;
}

/// Rotates and extend-then-shift pairs (see optimize), rewritten in
/// place; an extension's shift is inserted after it (`joins` follows, added
/// instructions never being joins). An instruction rewritten earlier never
/// matches a pattern's first half, nor did the instruction it replaced.
void fuse_shifts(IrRegion& region, Joins& joins) {
  std::vector<IrInsn>& insns = region.insns;
  std::vector<std::pair<std::size_t, IrInsn>> shifts;  // (after position, shift)
  Values values;
  for (std::size_t i = 0; i < insns.size(); ++i) {
    IrInsn& insn = insns[i];
    if (joins[i] != 0) values.forget_all();
    if (insn.kind == IrKind::kFloat || insn.kind == IrKind::kInterpret) {
      values.forget_all();  // a helper may write any register
      continue;
    }
    const std::uint32_t source_version = values.version(insn.a);
    const GuestReg dst = written_register(insn);
    std::optional<IrInsn> shift;
    if (std::optional<IrInsn> rotate = rotate_of(insn, insns, values)) {
      insn = *rotate;
    } else if (std::optional<IrInsn> extend = extend_then_shift(insn, insns, values, shift)) {
      if (shift) shifts.emplace_back(i, *shift);
      insn = *extend;
    }
    values.wrote(dst, i, source_version);
  }
  if (shifts.empty()) return;
  std::vector<IrInsn> fused;
  Joins fused_joins;
  fused.reserve(insns.size() + shifts.size());
  fused_joins.reserve(insns.size() + shifts.size());
  auto next = shifts.begin();
  for (std::size_t i = 0; i < insns.size(); ++i) {
    fused.push_back(insns[i]);
    fused_joins.push_back(joins[i]);
    if (next != shifts.end() && next->first == i) {
      fused.push_back((next++)->second);
      fused_joins.push_back(0);
    }
  }
  insns = std::move(fused);
  joins = std::move(fused_joins);
}

void remove_dead_writes(IrRegion& region, const Joins& joins, bool leaves_before_loops) {
  std::vector<IrInsn>& insns = region.insns;
  std::vector<std::uint8_t> dead(insns.size(), 0);
  // Registers that every path from here overwrites before anything can
  // observe them. Nothing at the region's end: whoever runs next sees all.
  std::uint32_t unseen = 0;
  for (std::size_t i = insns.size(); i-- > 0;) {
    // The back end may leave on the way into a loop, after checking its
    // bases (check_before_loop): every register is seen there.
    if (leaves_before_loops && i + 1 < insns.size() && joins[i + 1] == kLoopHead) unseen = 0;
    IrInsn& insn = insns[i];
    if (insn.kind == IrKind::kNop) continue;
    if (!computes_only(insn)) {
      unseen = 0;  // may leave, fault or call a helper: every register is seen
      continue;
    }
    if ((unseen & bit(insn.dst)) != 0) {
      // Branches land on a join: it stays, as a kNop.
      if (joins[i] != 0) {
        insn.kind = IrKind::kNop;
        insn.dst = insn.a = insn.b = 0;
      } else {
        dead[i] = 1;
      }
      continue;
    }
    unseen = (unseen | bit(insn.dst)) & ~registers_read(insn);
  }
  auto first = std::find(dead.begin(), dead.end(), 1);
  std::size_t kept = static_cast<std::size_t>(first - dead.begin());
  for (std::size_t i = kept; i < insns.size(); ++i) {
    if (dead[i] == 0) insns[kept++] = insns[i];
  }
  insns.resize(kept);
}

}  // namespace

void optimize(IrRegion& region, bool leaves_before_loops) {
  Joins joins = join_points(region);
  fuse_shifts(region, joins);
  remove_dead_writes(region, joins, leaves_before_loops);
}

}  // namespace vmm::jit
