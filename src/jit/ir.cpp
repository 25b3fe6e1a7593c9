#include "vmm/jit/ir.hpp"

#include <algorithm>
#include <utility>

namespace vmm::jit {

Cond opposite(Cond cond) {
  switch (cond) {
    case Cond::kEq:
      return Cond::kNe;
    case Cond::kNe:
      return Cond::kEq;
    case Cond::kLt:
      return Cond::kGe;
    case Cond::kGe:
      return Cond::kLt;
    case Cond::kLtu:
      return Cond::kGeu;
    case Cond::kGeu:
      break;
  }
  return Cond::kLtu;
}

GuestReg written_register(const IrInsn& insn) {
  if (computes_only(insn) || insn.kind == IrKind::kJumpIndirect) return insn.dst;
  if (insn.kind == IrKind::kLoad && !insn.fp_data) return insn.dst;
  return 0;
}

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

std::uint32_t registers_read(const IrInsn& insn) {
  auto bit = [](GuestReg r) { return r == 0 ? 0u : 1u << r; };
  switch (insn.kind) {
    case IrKind::kAlu:
      return bit(insn.a) | bit(insn.b);
    case IrKind::kMovImm:
      return 0;
    default:
      return bit(insn.a);
  }
}

std::pmr::vector<std::optional<std::size_t>> in_region_targets(const IrRegion& region,
                                                               std::pmr::memory_resource* memory) {
  const std::vector<IrInsn>& insns = region.insns;
  // (pc, position) where each guest instruction's IR starts. A trace is a
  // few runs in address order (a followed jump starts the next), so each
  // run is searched by pc, the earliest first.
  std::pmr::vector<std::pair<GuestAddr, std::size_t>> starts(memory);
  std::pmr::vector<std::size_t> run_ends(memory);
  starts.reserve(insns.size());
  for (std::size_t i = 0; i < insns.size(); ++i) {
    if (i != 0 && insns[i - 1].index == insns[i].index) continue;
    if (!starts.empty() && insns[i].pc <= starts.back().first) run_ends.push_back(starts.size());
    starts.emplace_back(insns[i].pc, i);
  }
  run_ends.push_back(starts.size());
  auto by_pc = [](const std::pair<GuestAddr, std::size_t>& s, GuestAddr pc) { return s.first < pc; };
  std::pmr::vector<std::optional<std::size_t>> targets(insns.size(), memory);
  for (std::size_t j = 0; j < insns.size(); ++j) {
    if (insns[j].kind != IrKind::kBranch && insns[j].kind != IrKind::kJump) continue;
    const GuestAddr target = insns[j].target;
    // A guest instruction may be translated more than once (an unrolled
    // loop's copy): a jump lands on the first copy, unless its own run has
    // the target ahead of it (a skip inside the copy).
    auto begin = starts.begin();
    for (std::size_t end : run_ends) {
      auto run_end = starts.begin() + static_cast<std::ptrdiff_t>(end);
      auto at = std::lower_bound(begin, run_end, target, by_pc);
      const bool own_run = begin->second <= j && (run_end == starts.end() || run_end->second > j);
      if (at != run_end && at->first == target) {
        if (!targets[j] || (own_run && at->second > j)) targets[j] = at->second;
      }
      begin = run_end;
    }
  }
  return targets;
}

}  // namespace vmm::jit
