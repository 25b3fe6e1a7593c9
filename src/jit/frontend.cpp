#include "vmm/jit/frontend.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "vmm/cpu/csr.hpp"

namespace vmm::jit {
namespace {

using isa::Op;

GuestReg int_reg(std::uint8_t r) { return r == isa::kZeroSink ? 0 : r; }

struct Lowering {
  IrRegion& region;
  GuestAddr pc;
  std::uint16_t index;
  const isa::DecodedInsn& d;

  IrInsn base() const {
    IrInsn insn;
    insn.pc = pc;
    insn.index = index;
    insn.length = d.length;
    return insn;
  }
  void push(IrInsn insn) { region.insns.push_back(insn); }

  void mov_imm(GuestReg dst, std::uint64_t value) {
    if (dst == 0) return;
    IrInsn i = base();
    i.kind = IrKind::kMovImm;
    i.dst = dst;
    i.imm = static_cast<std::int64_t>(value);
    push(i);
  }
  void alu(AluOp op, bool word) {
    GuestReg dst = int_reg(d.rd);
    if (dst == 0) return;  // no side effects: a hint or a nop
    IrInsn i = base();
    // mv (add rd, x0, rs, what c.mv expands to) and its relatives are copies.
    const bool zero_neutral = op == AluOp::kAdd || op == AluOp::kOr || op == AluOp::kXor;
    if (!word && (d.rs2 == 0 || (d.rs1 == 0 && zero_neutral)) && (zero_neutral || op == AluOp::kSub)) {
      i.kind = IrKind::kMov;
      i.dst = dst;
      i.a = d.rs2 == 0 ? d.rs1 : d.rs2;
      return push(i);
    }
    i.kind = IrKind::kAlu;
    i.alu = op;
    i.word = word;
    i.dst = dst;
    i.a = d.rs1;
    i.b = d.rs2;
    push(i);
  }
  void extend(GuestReg dst, GuestReg src, std::uint8_t size, bool is_signed) {
    IrInsn i = base();
    i.kind = IrKind::kExtend;
    i.dst = dst;
    i.a = src;
    i.size = size;
    i.is_signed = is_signed;
    push(i);
  }
  void alu_imm(AluOp op, bool word) {
    GuestReg dst = int_reg(d.rd);
    if (dst == 0) return;
    if (op == AluOp::kAdd && word && d.imm == 0) return extend(dst, d.rs1, 4, true);  // sext.w
    if (op == AluOp::kAdd && !word && d.rs1 == 0)
      return mov_imm(dst, static_cast<std::uint64_t>(std::int64_t{d.imm}));
    IrInsn i = base();
    if (op == AluOp::kAdd && !word && d.imm == 0) {
      i.kind = IrKind::kMov;
      i.dst = dst;
      i.a = d.rs1;
      return push(i);
    }
    i.kind = IrKind::kAluImm;
    i.alu = op;
    i.word = word;
    i.dst = dst;
    i.a = d.rs1;
    i.imm = d.imm;
    push(i);
  }
  void load(std::uint8_t size, bool is_signed, bool fp = false) {
    IrInsn i = base();
    i.kind = IrKind::kLoad;
    i.size = size;
    i.is_signed = is_signed;
    i.fp_data = fp;
    i.dst = fp ? d.rd : int_reg(d.rd);  // a load to x0 still accesses memory (and may fault)
    i.a = d.rs1;
    i.imm = d.imm;
    push(i);
  }
  void store(std::uint8_t size, bool fp = false) {
    IrInsn i = base();
    i.kind = IrKind::kStore;
    i.size = size;
    i.fp_data = fp;
    i.a = d.rs1;
    i.b = d.rs2;
    i.imm = d.imm;
    push(i);
  }
  void branch(Cond cond) {
    IrInsn i = base();
    i.kind = IrKind::kBranch;
    i.cond = cond;
    i.a = d.rs1;
    i.b = d.rs2;
    i.target = pc + static_cast<std::uint64_t>(std::int64_t{d.imm});
    push(i);
  }
  void helper(IrKind kind) {
    IrInsn i = base();
    i.kind = kind;
    i.insn = d;
    push(i);
  }
};

/// Instructions after which the region must end (control leaves, or the
/// interpreter may change what the following code means).
bool ends_region(Op op) {
  switch (op) {
    case Op::kJalr:
    case Op::kEcall:
    case Op::kEbreak:
    case Op::kMret:
    case Op::kWfi:
    case Op::kFenceI:
    case Op::kIllegal:
    case Op::kCsrrw:
    case Op::kCsrrs:
    case Op::kCsrrc:
    case Op::kCsrrwi:
    case Op::kCsrrsi:
    case Op::kCsrrci:
      return true;
    default:
      return false;
  }
}

bool is_fp_compute(Op op) { return op >= Op::kFmaddS && op <= Op::kFmvDX; }

/// Lowers one instruction; returns false when it ends the region.
bool lower(Lowering& l, Op op, const FrontendOptions& options) {
  const isa::DecodedInsn& d = l.d;
  switch (op) {
    case Op::kLui:
      l.mov_imm(int_reg(d.rd), static_cast<std::uint64_t>(std::int64_t{d.imm}));
      return true;
    case Op::kAuipc:
      l.mov_imm(int_reg(d.rd), l.pc + static_cast<std::uint64_t>(std::int64_t{d.imm}));
      return true;
    case Op::kJalr: {
      IrInsn i = l.base();
      i.kind = IrKind::kJumpIndirect;
      i.dst = int_reg(d.rd);
      i.a = d.rs1;
      i.imm = d.imm;
      i.imm2 = l.pc + d.length;
      l.push(i);
      return false;
    }
    case Op::kBeq:
      l.branch(Cond::kEq);
      return true;
    case Op::kBne:
      l.branch(Cond::kNe);
      return true;
    case Op::kBlt:
      l.branch(Cond::kLt);
      return true;
    case Op::kBge:
      l.branch(Cond::kGe);
      return true;
    case Op::kBltu:
      l.branch(Cond::kLtu);
      return true;
    case Op::kBgeu:
      l.branch(Cond::kGeu);
      return true;
    case Op::kLb:
      l.load(1, true);
      return true;
    case Op::kLh:
      l.load(2, true);
      return true;
    case Op::kLw:
      l.load(4, true);
      return true;
    case Op::kLd:
      l.load(8, false);
      return true;
    case Op::kLbu:
      l.load(1, false);
      return true;
    case Op::kLhu:
      l.load(2, false);
      return true;
    case Op::kLwu:
      l.load(4, false);
      return true;
    case Op::kSb:
      l.store(1);
      return true;
    case Op::kSh:
      l.store(2);
      return true;
    case Op::kSw:
      l.store(4);
      return true;
    case Op::kSd:
      l.store(8);
      return true;
    case Op::kAddi:
      l.alu_imm(AluOp::kAdd, false);
      return true;
    case Op::kSlti:
      l.alu_imm(AluOp::kSlt, false);
      return true;
    case Op::kSltiu:
      l.alu_imm(AluOp::kSltu, false);
      return true;
    case Op::kXori:
      l.alu_imm(AluOp::kXor, false);
      return true;
    case Op::kOri:
      l.alu_imm(AluOp::kOr, false);
      return true;
    case Op::kAndi:
      l.alu_imm(AluOp::kAnd, false);
      return true;
    case Op::kSlli:
      l.alu_imm(AluOp::kSll, false);
      return true;
    case Op::kSrli:
      l.alu_imm(AluOp::kSrl, false);
      return true;
    case Op::kSrai:
      l.alu_imm(AluOp::kSra, false);
      return true;
    case Op::kAdd:
      l.alu(AluOp::kAdd, false);
      return true;
    case Op::kSub:
      l.alu(AluOp::kSub, false);
      return true;
    case Op::kSll:
      l.alu(AluOp::kSll, false);
      return true;
    case Op::kSlt:
      l.alu(AluOp::kSlt, false);
      return true;
    case Op::kSltu:
      l.alu(AluOp::kSltu, false);
      return true;
    case Op::kXor:
      l.alu(AluOp::kXor, false);
      return true;
    case Op::kSrl:
      l.alu(AluOp::kSrl, false);
      return true;
    case Op::kSra:
      l.alu(AluOp::kSra, false);
      return true;
    case Op::kOr:
      l.alu(AluOp::kOr, false);
      return true;
    case Op::kAnd:
      l.alu(AluOp::kAnd, false);
      return true;
    case Op::kAddiw:
      l.alu_imm(AluOp::kAdd, true);
      return true;
    case Op::kSlliw:
      l.alu_imm(AluOp::kSll, true);
      return true;
    case Op::kSrliw:
      l.alu_imm(AluOp::kSrl, true);
      return true;
    case Op::kSraiw:
      l.alu_imm(AluOp::kSra, true);
      return true;
    case Op::kAddw:
      l.alu(AluOp::kAdd, true);
      return true;
    case Op::kSubw:
      l.alu(AluOp::kSub, true);
      return true;
    case Op::kSllw:
      l.alu(AluOp::kSll, true);
      return true;
    case Op::kSrlw:
      l.alu(AluOp::kSrl, true);
      return true;
    case Op::kSraw:
      l.alu(AluOp::kSra, true);
      return true;
    case Op::kMul:
      l.alu(AluOp::kMul, false);
      return true;
    case Op::kMulh:
      l.alu(AluOp::kMulh, false);
      return true;
    case Op::kMulhsu:
      l.alu(AluOp::kMulhsu, false);
      return true;
    case Op::kMulhu:
      l.alu(AluOp::kMulhu, false);
      return true;
    case Op::kDiv:
      l.alu(AluOp::kDiv, false);
      return true;
    case Op::kDivu:
      l.alu(AluOp::kDivu, false);
      return true;
    case Op::kRem:
      l.alu(AluOp::kRem, false);
      return true;
    case Op::kRemu:
      l.alu(AluOp::kRemu, false);
      return true;
    case Op::kMulw:
      l.alu(AluOp::kMul, true);
      return true;
    case Op::kDivw:
      l.alu(AluOp::kDiv, true);
      return true;
    case Op::kDivuw:
      l.alu(AluOp::kDivu, true);
      return true;
    case Op::kRemw:
      l.alu(AluOp::kRem, true);
      return true;
    case Op::kRemuw:
      l.alu(AluOp::kRemu, true);
      return true;
    case Op::kFence:
      return true;  // one hart, and devices see stores in program order
    case Op::kEcall: {
      IrInsn i = l.base();
      i.kind = IrKind::kEcall;
      l.push(i);
      return false;
    }
    case Op::kFlw:
    case Op::kFld:
      if (!options.inline_fp_memory) break;
      l.load(op == Op::kFlw ? 4 : 8, false, true);
      return true;
    case Op::kFsw:
    case Op::kFsd:
      if (!options.inline_fp_memory) break;
      l.store(op == Op::kFsw ? 4 : 8, true);
      return true;
    default:
      if (is_fp_compute(op)) {
        l.helper(IrKind::kFloat);
        return true;
      }
      break;
  }
  l.helper(IrKind::kInterpret);
  // The FP CSRs hold nothing translated code was made for (its F/D paths
  // read fflags and frm as they run): frflags/fsflags around a quiet compare
  // (every sqrt with errno) keep the region, and the loop around it, going.
  return !ends_region(op) || accesses_fp_csr(d);
}

/// Two instructions that compilers emit for one operation: extensions
/// written as shift pairs (zext.w, zext.h, sext.h...) and constants built by
/// lui or auipc and addi(w). Lowers them as one IR instruction; false when
/// `second` does not complete such a pair.
bool fuse(Lowering& l, const isa::DecodedInsn& second) {
  const isa::DecodedInsn& first = l.d;
  const GuestReg dst = int_reg(first.rd);
  if (dst == 0 || second.rd != first.rd || second.rs1 != first.rd) return false;
  const std::int32_t shift = first.imm;
  if (first.op == Op::kSlli && (second.op == Op::kSrli || second.op == Op::kSrai) && second.imm == shift &&
      (shift == 32 || shift == 48 || shift == 56)) {
    l.extend(dst, first.rs1, static_cast<std::uint8_t>((64 - shift) / 8), second.op == Op::kSrai);
    return true;
  }
  if (first.op == Op::kSlliw && (second.op == Op::kSrliw || second.op == Op::kSraiw) && second.imm == shift &&
      (shift == 16 || shift == 24)) {
    l.extend(dst, first.rs1, static_cast<std::uint8_t>((32 - shift) / 8), second.op == Op::kSraiw);
    return true;
  }
  if ((first.op == Op::kLui || first.op == Op::kAuipc) &&
      (second.op == Op::kAddi || second.op == Op::kAddiw)) {
    std::uint64_t value = static_cast<std::uint64_t>(std::int64_t{first.imm}) +
                          (first.op == Op::kAuipc ? l.pc : 0) +
                          static_cast<std::uint64_t>(std::int64_t{second.imm});
    if (second.op == Op::kAddiw)
      value = static_cast<std::uint64_t>(std::int64_t{static_cast<std::int32_t>(value)});
    l.mov_imm(dst, value);
    return true;
  }
  return false;
}

/// Loop bodies this short are unrolled once (see unrolled_body).
constexpr std::uint32_t kMaxUnrolledBody = 16;

/// When the trace, at guest instruction `index`, closes its first loop (the
/// innermost) with a jump back to `head` in its current run: the guest
/// instructions of the body, if it is short enough to copy once more within
/// `max_insns` and calls no helper (kInterpret), else 0. The trace then goes
/// on with a second copy from the head, whose own jump back closes the loop:
/// a pass runs two iterations, with half the budget checks and jumps back.
std::uint32_t unrolled_body(const IrRegion& region, GuestAddr head, std::uint32_t index,
                            std::uint32_t max_insns) {
  auto first =
      std::find_if(region.insns.begin(), region.insns.end(), [&](const IrInsn& i) { return i.pc == head; });
  if (first == region.insns.end()) return 0;
  const std::uint32_t body = index + 1u - first->index;
  if (body > kMaxUnrolledBody || region.guest_insns + body > max_insns) return 0;
  // A helper's loop (an lr/sc retry, CSR polling) seldom goes round, and the
  // helper would dwarf the saving anyway.
  if (std::any_of(first, region.insns.end(), [](const IrInsn& i) { return i.kind == IrKind::kInterpret; }))
    return 0;
  return body;
}

}  // namespace

bool accesses_fp_csr(const isa::DecodedInsn& d) {
  const bool zicsr = d.op == Op::kCsrrw || d.op == Op::kCsrrs || d.op == Op::kCsrrc || d.op == Op::kCsrrwi ||
                     d.op == Op::kCsrrsi || d.op == Op::kCsrrci;
  const auto number = static_cast<std::uint32_t>(d.imm);
  return zicsr && (number == cpu::csr::kFflags || number == cpu::csr::kFrm || number == cpu::csr::kFcsr);
}

bool ends_basic_block(isa::Op op) {
  switch (op) {
    case Op::kJal:
    case Op::kBeq:
    case Op::kBne:
    case Op::kBlt:
    case Op::kBge:
    case Op::kBltu:
    case Op::kBgeu:
      return true;
    default:
      return ends_region(op);
  }
}

namespace {

/// The region entered at `entry`, following the trace as far as
/// options.max_insns allows (build_region may then shorten it).
std::optional<IrRegion> trace(const Fetch& fetch, GuestAddr entry, const FrontendOptions& options) {
  IrRegion region;
  region.entry = entry;
  // Most instructions lower to one IR instruction, a few to two: one
  // allocation for most regions instead of a vector grown seven times.
  region.insns.reserve(std::size_t{options.max_insns} * 3 / 2);
  GuestAddr pc = entry;
  // The address ranges translated so far: a trace that followed jumps is a
  // few runs, the current one from run_start to pc.
  std::vector<std::pair<GuestAddr, GuestAddr>> runs;
  GuestAddr run_start = entry;
  auto translated = [&](GuestAddr at) {
    return (at >= run_start && at <= pc) || std::any_of(runs.begin(), runs.end(), [&](const auto& run) {
             return at >= run.first && at <= run.second;
           });
  };
  // Whether the trace has closed a loop (and so unrolled any it will).
  bool looped = false;
  // A jump back to `head` from the instruction at `at` (index `index`): true
  // when the trace goes on with a second copy of the loop's body.
  auto unroll = [&](GuestAddr head, GuestAddr at, std::uint32_t index) {
    const bool first_loop = !looped;
    looped = true;
    if (!first_loop || head < run_start || head > at ||
        unrolled_body(region, head, index, options.max_insns) == 0)
      return false;
    runs.emplace_back(run_start, at);
    run_start = pc = head;
    return true;
  };
  auto note_page = [&](GuestAddr addr) {
    GuestAddr page = page_floor(addr);
    if (std::find(region.pages.begin(), region.pages.end(), page) == region.pages.end())
      region.pages.push_back(page);
  };
  while (region.guest_insns < options.max_insns) {
    std::optional<isa::DecodedInsn> decoded = fetch(pc);
    if (!decoded) {
      if (region.guest_insns == 0) return std::nullopt;
      break;  // the next instruction cannot be fetched: leave, and let it fault when reached
    }
    const isa::DecodedInsn& d = *decoded;
    note_page(pc);
    note_page(pc + d.length - 1);
    Lowering l{region, pc, static_cast<std::uint16_t>(region.guest_insns), d};
    ++region.guest_insns;
    if (d.op == isa::Op::kJal) {
      // A direct jump: write the link, then follow the trace to the target
      // unless it comes back into this region (a loop is better as a link)
      // or calls: a callee followed into every caller's region is translated
      // again for each (recursion: 4.5 translations per instruction, and 5.5%
      // more host instructions in all, than with a region of its own).
      GuestAddr target = pc + static_cast<std::uint64_t>(std::int64_t{d.imm});
      l.mov_imm(int_reg(d.rd), pc + d.length);
      const bool call = d.rd == 1 || d.rd == 5;  // ra or t0 as the link register, as the spec's hints say
      if (call) {
        IrInsn push = l.base();
        push.kind = IrKind::kCall;
        push.imm2 = pc + d.length;
        region.insns.push_back(push);
      }
      // A jump back into code the region holds (also code reached by an
      // earlier followed jump, before its entry) is a loop, not more trace:
      // following it would translate that code again (CoreMark's nested
      // matrix loops: a second copy of the outer pass).
      const bool inside = translated(target);
      if (inside && !call && int_reg(d.rd) == 0 && unroll(target, pc, l.index)) continue;
      if (inside || call || region.guest_insns >= options.max_insns) {
        IrInsn i = l.base();
        i.kind = IrKind::kJump;
        i.target = target;
        region.insns.push_back(i);
        return region;
      }
      runs.emplace_back(run_start, pc);
      run_start = pc = target;
      continue;
    }
    const bool may_fuse = d.op == Op::kSlli || d.op == Op::kSlliw || d.op == Op::kLui || d.op == Op::kAuipc;
    if (may_fuse && region.guest_insns < options.max_insns) {
      std::optional<isa::DecodedInsn> next = fetch(pc + d.length);
      if (next && fuse(l, *next)) {
        note_page(pc + d.length + next->length - 1);
        ++region.guest_insns;
        pc += d.length + next->length;
        continue;
      }
    }
    const GuestAddr at = pc;
    pc += d.length;
    const std::size_t lowered_before = region.insns.size();
    const bool goes_on = lower(l, d.op, options);
    // (A branch to the next instruction closes no loop.)
    if (goes_on && region.insns.size() > lowered_before && region.insns.back().kind == IrKind::kBranch &&
        region.insns.back().target != pc && translated(region.insns.back().target)) {
      IrInsn& branch = region.insns.back();
      const GuestAddr next = pc;
      if (unroll(branch.target, at, l.index)) {
        // The first copy's jump back becomes the way out of the loop.
        branch.cond = opposite(branch.cond);
        branch.target = next;
        continue;
      }
    }
    // A nop, hint or fence leaves no IR; branches to it still need a place to land.
    if (region.insns.size() == lowered_before) {
      IrInsn nop = l.base();
      nop.kind = IrKind::kNop;
      region.insns.push_back(nop);
    }
    if (!goes_on) {
      // Helpers that end a region (CSR access, fence.i...) usually continue
      // with the next instruction: the region then falls through to it.
      IrKind last = region.insns.back().kind;
      if (last != IrKind::kJumpIndirect && last != IrKind::kEcall) {
        region.ends_with_fallthrough = true;
        region.next_pc = pc;
      }
      return region;
    }
  }
  region.ends_with_fallthrough = true;
  region.next_pc = pc;
  return region;
}

/// The IR position of the first guest instruction after the entry where
/// another region already starts, leaving out loops: a loop the trace
/// closed stays whole in this region. Nullopt when there is none.
std::optional<std::size_t> first_entry_outside_loops(const IrRegion& region,
                                                     const std::function<bool(GuestAddr)>& is_entry) {
  const std::pmr::vector<std::optional<std::size_t>> targets = in_region_targets(region);
  std::vector<bool> in_loop(region.insns.size(), false);
  for (std::size_t source = 0; source < targets.size(); ++source) {
    const std::optional<std::size_t> head = targets[source];
    if (!head || *head > source) continue;
    std::fill(in_loop.begin() + static_cast<std::ptrdiff_t>(*head),
              in_loop.begin() + static_cast<std::ptrdiff_t>(source) + 1, true);
  }
  for (std::size_t i = 1; i < region.insns.size(); ++i) {
    const IrInsn& insn = region.insns[i];
    // The first IR instruction of each guest instruction but the entry's.
    if (insn.index == 0 || insn.index == region.insns[i - 1].index || in_loop[i]) continue;
    if (is_entry(insn.pc)) return i;
  }
  return std::nullopt;
}

}  // namespace

std::optional<IrRegion> build_region(const Fetch& fetch, GuestAddr entry, const FrontendOptions& options) {
  std::optional<IrRegion> region = trace(fetch, entry, options);
  if (!region || !options.is_entry) return region;
  // Code another region already holds is not translated again: the region
  // ends where that one starts and falls through to it (a chained link).
  // Recursion translated each instruction 3.5 times before this,
  // sieve_primes 2.7 times, malloc_churn 2.5 times. What stays is the trace
  // up to there as it was: branches past the end become side exits, and no
  // loop is cut.
  if (std::optional<std::size_t> stop = first_entry_outside_loops(*region, options.is_entry)) {
    const IrInsn& first_dropped = region->insns[*stop];
    region->guest_insns = first_dropped.index;
    region->ends_with_fallthrough = true;
    region->next_pc = first_dropped.pc;
    region->insns.resize(*stop);
    // region->pages may name a page only the dropped code was on: a write
    // there then retranslates this region too, which is only slower.
  }
  return region;
}

}  // namespace vmm::jit
