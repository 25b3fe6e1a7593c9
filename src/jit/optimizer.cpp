#include "vmm/jit/optimizer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace vmm::jit {
namespace {

/// IR positions where other paths join the fall-through one: the in-region
/// targets of branches and jumps (the back end's loop heads).
std::vector<bool> join_points(const IrRegion& region) {
  std::vector<bool> joins(region.insns.size(), false);
  for (const std::optional<std::size_t>& at : in_region_targets(region)) {
    if (at) joins[*at] = true;
  }
  return joins;
}

std::uint32_t bit(GuestReg r) { return r == 0 ? 0 : 1u << r; }

/// Whether `insn` only computes its destination from registers and
/// constants: no memory, no helper, no way out.
bool computes_only(const IrInsn& insn) {
  switch (insn.kind) {
    case IrKind::kMovImm:
    case IrKind::kMov:
    case IrKind::kExtend:
    case IrKind::kAlu:
    case IrKind::kAluImm:
      return true;
    default:
      return false;
  }
}

/// The registers a computes_only() instruction reads.
std::uint32_t reads(const IrInsn& insn) {
  switch (insn.kind) {
    case IrKind::kAlu:
      return bit(insn.a) | bit(insn.b);
    case IrKind::kMovImm:
      return 0;
    default:
      return bit(insn.a);
  }
}

/// The integer register `insn` writes, when it names one (0 otherwise);
/// helpers, which may write any, are handled by the caller.
GuestReg written(const IrInsn& insn) {
  if (computes_only(insn) || insn.kind == IrKind::kJumpIndirect) return insn.dst;
  if (insn.kind == IrKind::kLoad && !insn.fp_data) return insn.dst;
  return 0;
}

bool shift_by_imm(const IrInsn& insn, AluOp op) { return insn.kind == IrKind::kAluImm && insn.alu == op; }

/// Whether `insn` combines two values whose set bits cannot overlap the
/// way or does: or, xor and add agree on disjoint bits.
bool combines(const IrInsn& insn) {
  return insn.kind == IrKind::kAlu && !insn.word && insn.a != 0 && insn.b != 0 && insn.a != insn.b &&
         (insn.alu == AluOp::kOr || insn.alu == AluOp::kXor || insn.alu == AluOp::kAdd);
}

/// The values of a straight-line stretch: which IR position wrote each
/// register last, and how often each has been written (a source is
/// unchanged between two positions when its count is).
class Values {
 public:
  static constexpr std::size_t kUnknown = std::numeric_limits<std::size_t>::max();

  void forget_all() {
    m_writer.fill(kUnknown);
    for (auto& v : m_version) ++v;
  }
  void wrote(GuestReg r, std::size_t at) {
    if (r == 0) return;
    m_writer[r] = at;
    ++m_version[r];
  }
  [[nodiscard]] std::size_t writer(GuestReg r) const { return m_writer[r]; }
  [[nodiscard]] std::uint32_t version(GuestReg r) const { return m_version[r]; }

 private:
  std::array<std::size_t, 32> m_writer = filled();
  std::array<std::uint32_t, 32> m_version{};
  static std::array<std::size_t, 32> filled() {
    std::array<std::size_t, 32> a{};
    a.fill(kUnknown);
    return a;
  }
};

/// The rotate that `insn` (an or-like combination) computes from two shifts
/// of one unchanged source, if it does: kAluImm kRor, else nullopt.
std::optional<IrInsn> rotate_of(const IrInsn& insn, const std::vector<IrInsn>& insns, const Values& values,
                                const std::vector<std::uint32_t>& source_version) {
  if (!combines(insn)) return std::nullopt;
  std::size_t right = values.writer(insn.a);
  std::size_t left = values.writer(insn.b);
  if (right == Values::kUnknown || left == Values::kUnknown) return std::nullopt;
  if (shift_by_imm(insns[left], AluOp::kSrl)) std::swap(right, left);
  const IrInsn& srl = insns[right];
  const IrInsn& sll = insns[left];
  if (!shift_by_imm(srl, AluOp::kSrl) || !shift_by_imm(sll, AluOp::kSll)) return std::nullopt;
  const std::int64_t width = srl.word ? 32 : 64;
  const GuestReg x = srl.a;
  // srl's bit width-1 is clear (k >= 1), so for the *W forms the
  // sign-extended halves combine to the sign-extended rotate.
  if (x == 0 || sll.a != x || sll.word != srl.word || srl.imm < 1 || srl.imm >= width ||
      srl.imm + sll.imm != width || source_version[right] != values.version(x) ||
      source_version[left] != values.version(x))
    return std::nullopt;
  IrInsn rotate = insn;
  rotate.kind = IrKind::kAluImm;
  rotate.alu = AluOp::kRor;
  rotate.word = srl.word;
  rotate.a = x;
  rotate.b = 0;
  rotate.imm = srl.imm;
  return rotate;
}

/// `srli/srai d, t, k` where t = `slli t, s, 32` of a still unchanged s: the
/// low word of s, extended, then shifted by what is left (so t is often
/// dead after). Appends the extension and the shift; false when `insn` is
/// not such a shift.
bool extend_then_shift(const IrInsn& insn, const std::vector<IrInsn>& insns, const Values& values,
                       const std::vector<std::uint32_t>& source_version, std::vector<IrInsn>& out) {
  const bool arithmetic = shift_by_imm(insn, AluOp::kSra);
  if ((!shift_by_imm(insn, AluOp::kSrl) && !arithmetic) || insn.word || insn.a == 0) return false;
  const std::size_t at = values.writer(insn.a);
  if (at == Values::kUnknown) return false;
  const IrInsn& sll = insns[at];
  if (!shift_by_imm(sll, AluOp::kSll) || sll.word || sll.imm != 32 || sll.a == 0 ||
      source_version[at] != values.version(sll.a))
    return false;
  IrInsn extend = insn;
  extend.kind = IrKind::kExtend;
  extend.a = sll.a;
  extend.size = 4;
  extend.is_signed = arithmetic;
  extend.imm = 0;
  out.push_back(extend);
  // (s << 32) >> k is the extended word shifted left by 32 - k, or right by k - 32.
  if (insn.imm != 32) {
    IrInsn shift = insn;
    shift.a = insn.dst;
    shift.alu = insn.imm < 32 ? AluOp::kSll : insn.alu;
    shift.imm = insn.imm < 32 ? 32 - insn.imm : insn.imm - 32;
    out.push_back(shift);
  }
  return true;
}

/// Rotates and extend-then-shift pairs (see fuse_shifts); `joins` follows the
/// instructions, added ones never being joins.
void fuse_shifts(IrRegion& region, std::vector<bool>& joins) {
  const std::vector<IrInsn> insns = std::move(region.insns);
  std::vector<IrInsn>& out = region.insns;
  out.clear();
  out.reserve(insns.size() + 8);
  std::vector<bool> out_joins;
  out_joins.reserve(insns.size() + 8);
  Values values;
  // Per input position: the version of its source register a when it ran.
  std::vector<std::uint32_t> source_version(insns.size(), 0);
  for (std::size_t i = 0; i < insns.size(); ++i) {
    const IrInsn& insn = insns[i];
    if (joins[i]) values.forget_all();
    source_version[i] = values.version(insn.a);
    if (std::optional<IrInsn> rotate = rotate_of(insn, insns, values, source_version)) {
      out.push_back(*rotate);
    } else if (!extend_then_shift(insn, insns, values, source_version, out)) {
      out.push_back(insn);
    }
    out_joins.push_back(joins[i]);
    out_joins.resize(out.size(), false);
    if (insn.kind == IrKind::kFloat || insn.kind == IrKind::kInterpret) {
      values.forget_all();  // a helper may write any register
    } else {
      values.wrote(written(insn), i);
    }
  }
  joins = std::move(out_joins);
}

void remove_dead_writes(IrRegion& region, const std::vector<bool>& joins) {
  std::vector<IrInsn>& insns = region.insns;
  std::vector<bool> dead(insns.size(), false);
  // Registers that every path from here overwrites before anything can
  // observe them. Nothing at the region's end: whoever runs next sees all.
  std::uint32_t unseen = 0;
  for (std::size_t i = insns.size(); i-- > 0;) {
    IrInsn& insn = insns[i];
    if (insn.kind == IrKind::kNop) continue;
    if (!computes_only(insn)) {
      unseen = 0;  // may leave, fault or call a helper: every register is seen
      continue;
    }
    if ((unseen & bit(insn.dst)) != 0) {
      // Branches land on a join: it stays, as a kNop.
      if (joins[i]) {
        insn.kind = IrKind::kNop;
        insn.dst = insn.a = insn.b = 0;
      } else {
        dead[i] = true;
      }
      continue;
    }
    unseen = (unseen | bit(insn.dst)) & ~reads(insn);
  }
  auto first = std::find(dead.begin(), dead.end(), true);
  std::size_t kept = static_cast<std::size_t>(first - dead.begin());
  for (std::size_t i = kept; i < insns.size(); ++i) {
    if (!dead[i]) insns[kept++] = insns[i];
  }
  insns.resize(kept);
}

}  // namespace

void fuse_shifts(IrRegion& region) {
  std::vector<bool> joins = join_points(region);
  fuse_shifts(region, joins);
}
void remove_dead_writes(IrRegion& region) { remove_dead_writes(region, join_points(region)); }

void optimize(IrRegion& region) {
  std::vector<bool> joins = join_points(region);
  fuse_shifts(region, joins);
  remove_dead_writes(region, joins);
}

}  // namespace vmm::jit
