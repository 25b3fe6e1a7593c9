#include "emitter.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <memory_resource>
#include <optional>
#include <utility>
#include <vector>

#include "../../helpers.hpp"
#include "atomic_fast_path.hpp"
#include "fp_fast_path.hpp"
#include "vmm/jit/frontend.hpp"

namespace vmm::jit::x86_64 {

using namespace asmjit;
using namespace asmjit::x86;

namespace {

/// Guest register -> host register id, or -1 when the guest register lives in
/// the HartState. The most used registers of GCC-compiled RV64 code (static
/// counts over CoreMark and glibc: a5, a4, sp, a0, a3, s0, a2, a1, s1, then
/// s2 and s3), s2 and s3 where rbx and r14 are not base registers.
PinMap pin_map(bool view_register, bool hart_register) {
  PinMap map{};
  for (int& m : map) m = -1;
  map[15] = Gp::kIdSi;   // a5
  map[14] = Gp::kIdDi;   // a4
  map[2] = Gp::kIdR8;    // sp
  map[10] = Gp::kIdR9;   // a0
  map[13] = Gp::kIdR10;  // a3
  map[8] = Gp::kIdR11;   // s0
  map[12] = Gp::kIdBp;   // a2
  map[11] = Gp::kIdR12;  // a1
  map[9] = Gp::kIdR13;   // s1
  GuestReg next = 18;    // s2, then s3
  if (!view_register) map[next++] = Gp::kIdR14;
  if (!hart_register) map[next] = Gp::kIdBx;
  return map;
}

/// The direct view's base while translated code runs, when it needs a
/// register (callee-saved: helpers keep it).
const Gp kViewBase = r14;

/// Pinned host registers the SysV ABI lets a callee clobber: the call thunk saves them.
constexpr std::array<std::uint32_t, 6> kCallerSavedPinned = {Gp::kIdSi, Gp::kIdDi,  Gp::kIdR8,
                                                             Gp::kIdR9, Gp::kIdR10, Gp::kIdR11};

/// Room for guest calls on the host stack below the runtime's frame (16
/// bytes each): deeper calls start the return stack again.
constexpr std::size_t kReturnStackBytes = 16 * 1024;

/// The HartState's base register, when it needs one.
const Gp kHart = rbx;
const Gp kRemaining = r15;

void store_pinned(x86::Assembler& a, const HartOperands& hart, const PinMap& map) {
  for (unsigned r = 1; r < 32; ++r) {
    if (map[r] >= 0) a.mov(hart.x(r), gpq(static_cast<std::uint32_t>(map[r])));
  }
}
void load_pinned(x86::Assembler& a, const HartOperands& hart, const PinMap& map) {
  for (unsigned r = 1; r < 32; ++r) {
    if (map[r] >= 0) a.mov(gpq(static_cast<std::uint32_t>(map[r])), hart.x(r));
  }
}

CondCode cond_code(Cond cond) {
  switch (cond) {
    case Cond::kEq:
      return CondCode::kE;
    case Cond::kNe:
      return CondCode::kNE;
    case Cond::kLt:
      return CondCode::kL;
    case Cond::kGe:
      return CondCode::kGE;
    case Cond::kLtu:
      return CondCode::kB;
    case Cond::kGeu:
      break;
  }
  return CondCode::kAE;
}
CondCode negate(CondCode cc) { return static_cast<CondCode>(static_cast<std::uint8_t>(cc) ^ 1u); }

bool fp_reads_x(isa::Op op) {
  using isa::Op;
  switch (op) {
    case Op::kFcvtSW:
    case Op::kFcvtSWu:
    case Op::kFcvtSL:
    case Op::kFcvtSLu:
    case Op::kFmvWX:
    case Op::kFcvtDW:
    case Op::kFcvtDWu:
    case Op::kFcvtDL:
    case Op::kFcvtDLu:
    case Op::kFmvDX:
      return true;
    default:
      return false;
  }
}
bool fp_writes_x(isa::Op op) {
  using isa::Op;
  switch (op) {
    case Op::kFcvtWS:
    case Op::kFcvtWuS:
    case Op::kFcvtLS:
    case Op::kFcvtLuS:
    case Op::kFmvXW:
    case Op::kFeqS:
    case Op::kFltS:
    case Op::kFleS:
    case Op::kFclassS:
    case Op::kFeqD:
    case Op::kFltD:
    case Op::kFleD:
    case Op::kFclassD:
    case Op::kFcvtWD:
    case Op::kFcvtWuD:
    case Op::kFcvtLD:
    case Op::kFcvtLuD:
    case Op::kFmvXD:
      return true;
    default:
      return false;
  }
}

/// Records the first asmjit error instead of letting emission continue silently.
class ErrorRecorder final : public ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, BaseEmitter* /*origin*/) override {
    if (m_error == kErrorOk) {
      m_error = err;
      m_message = message;
    }
  }
  [[nodiscard]] bool failed() const { return m_error != kErrorOk; }
  [[nodiscard]] const std::string& message() const { return m_message; }

 private:
  asmjit::Error m_error = kErrorOk;
  std::string m_message;
};

/// Copies assembled code to its final place in the arena, for which it was
/// assembled (CodeHolder::init with arena.next(): calls and jumps to the
/// runtime are direct rel32, no address table).
Result<std::uint8_t*> place(CodeHolder& code, CodeArena& arena, bool& full) {
  full = false;
  code.flatten();
  code.resolveUnresolvedLinks();
  std::size_t size = code.codeSize();
  std::uint8_t* dest = arena.allocate(size);
  if (dest == nullptr) {
    full = true;
    return dest;
  }
  if (reinterpret_cast<std::uint64_t>(dest) != code.baseAddress()) {
    return make_error(ErrorKind::kInvalidArgument,
                      "jit: code placed away from the address it was assembled for");
  }
  if (code.relocateToBase(reinterpret_cast<std::uintptr_t>(dest)) != kErrorOk) {
    return make_error(ErrorKind::kInvalidArgument, "jit: cannot relocate translated code");
  }
  if (code.copyFlattenedData(dest, size, CopySectionFlags::kPadSectionBuffer) != kErrorOk) {
    return make_error(ErrorKind::kInvalidArgument, "jit: cannot copy translated code");
  }
  return dest;
}

}  // namespace

Mem HartOperands::at(std::size_t offset) const {
  if (m_at == nullptr) return qword_ptr(kHart, static_cast<std::int32_t>(offset));
  // An absolute address within reach: asmjit encodes it rip-relative.
  return qword_ptr(reinterpret_cast<std::uint64_t>(m_at) + offset);
}
Mem HartOperands::x(unsigned reg) const { return at(offsetof(cpu::HartState, x) + 8 * reg); }
Mem HartOperands::f(unsigned reg) const { return at(offsetof(cpu::HartState, f) + 8 * reg); }
Mem HartOperands::pc() const { return at(offsetof(cpu::HartState, pc)); }
Mem HartOperands::fflags() const { return at(offsetof(cpu::HartState, fflags)); }
Mem HartOperands::frm() const { return at(offsetof(cpu::HartState, frm)); }
Mem HartOperands::mstatus() const { return at(offsetof(cpu::HartState, mstatus)); }
Mem HartOperands::reservation() const { return at(offsetof(cpu::HartState, reservation)); }
Mem HartOperands::reservation_valid() const {
  static_assert(sizeof(cpu::HartState::reservation_valid) == 1);
  Mem m = at(offsetof(cpu::HartState, reservation_valid));
  m.setSize(1);
  return m;
}

// ---- one region --------------------------------------------------------------

class Backend::RegionEmitter {
 public:
  /// `scratch` serves every container of the region's emission (a
  /// monotonic buffer: no malloc and free per vector and region).
  RegionEmitter(const Backend& backend, const IrRegion& region, Block& block, x86::Assembler& a,
                std::pmr::memory_resource* scratch)
      : m_links(scratch),
        m_fault_labels(scratch),
        m_b(backend),
        m_region(region),
        m_block(block),
        m_a(a),
        m_n(region.guest_insns),
        m_scratch(scratch),
        m_cold(scratch),
        m_map(backend.m_pins),
        m_swaps(scratch),
        m_extend_at_exit(scratch),
        m_extend_after(scratch),
        m_low_test(scratch),
        m_canonical(scratch),
        m_heads(scratch),
        m_jump_to(scratch),
        m_data(scratch),
        m_records(scratch),
        m_checked_into(scratch),
        m_loop_forgets(scratch),
        m_loop_checks(scratch),
        m_checks_bases(backend.m_memory->checks_bases()) {}

  void emit() {
    Label bail = m_a.newLabel();
    find_loop_heads();
    find_loop_forgets();
    find_canonical();
    m_a.sub(kRemaining, static_cast<std::int32_t>(m_n));
    m_a.jb(bail);
    if (m_b.m_config.count_stats) count(offsetof(JitContext, region_entries));
    check_loop_bases();
    allocate_registers();
    from_pins();
    bool falls_in = true;
    for (std::size_t i = 0; i < m_region.insns.size(); ++i) {
      if (i < m_resume_at) continue;  // emitted by an if-conversion (emit_select)
      if (m_heads[i].label.isValid()) {
        if (falls_in && i > 0) check_before_loop(i);
        m_a.bind(m_heads[i].label);
        join_checked_bases(i, falls_in);  // other paths join here
        m_zero_flag_of = 0;
        m_rax_holds = 0;
        m_fs_dirty = false;
        fp_forget_all();
      }
      m_zero_flag_in = m_zero_flag_of;
      // Moves leave the flags alone: a branch past them still tests the
      // register they describe, unless a move overwrote it.
      const IrInsn& insn = m_region.insns[i];
      m_zero_flag_of = keeps_flags(insn) && insn.dst != m_zero_flag_in ? m_zero_flag_in : 0;
      m_rax_in = m_rax_holds;
      m_rax_holds = 0;
      const std::uint32_t index_base = forms_index_base(insn);
      emit_insn(insn);
      forget_checks(insn);
      m_index_bases |= index_base;
      if (std::optional<std::size_t> to = m_jump_to[i]; to && *to > i) m_checked_into[*to] &= m_checked_bases;
      falls_in =
          insn.kind != IrKind::kJump && insn.kind != IrKind::kJumpIndirect && insn.kind != IrKind::kEcall;
    }
    m_rax_in = 0;
    if (m_region.ends_with_fallthrough) direct_exit(m_region.next_pc, m_n);
    // Cold code after the body: not-yet-chained exits, slow paths, data.
    m_a.bind(bail);
    m_a.add(kRemaining, static_cast<std::int32_t>(m_n));
    m_a.mov(rax, m_region.entry);
    m_a.jmp(Imm(reinterpret_cast<std::uintptr_t>(m_b.m_runtime.exit_budget)));
    // Cold code may add more cold code (a slow path's status check): copy
    // each item out before emitting it, as the vector may grow meanwhile.
    for (std::size_t i = 0; i < m_cold.size(); ++i) emit_cold(Cold(m_cold[i]));
  }

  /// Where a link's patchable jump and its stub are: offsets from the code's
  /// base (a region is one .text section), taken as they are emitted, which
  /// is cheaper than a label each.
  struct PendingLink {
    std::size_t jump = 0;
    std::size_t stub = 0;
  };
  std::pmr::vector<PendingLink> m_links;
  /// Every access that may fault, at its code offset: with its slow path,
  /// or leaving before guest `pc` (FaultSite::leaves) through `slow`, the
  /// region's way out when it has one (else the runtime's exit_retry).
  struct PendingFaultSite {
    std::size_t access = 0;
    Label slow;
    GuestAddr pc = 0;
    std::uint32_t refund = 0;
    bool leaves = false;
  };
  std::pmr::vector<PendingFaultSite> m_fault_labels;

 private:
  // ---- operands ----------------------------------------------------------------
  [[nodiscard]] Mem x_mem(unsigned reg) const { return m_b.m_hart.x(reg); }
  [[nodiscard]] Mem f_mem(unsigned reg) const { return m_b.m_hart.f(reg); }
  [[nodiscard]] Mem pc_mem() const { return m_b.m_hart.pc(); }
  bool pinned(GuestReg r) const { return r != 0 && m_map[r] >= 0; }
  Gp host(GuestReg r) const { return gpq(static_cast<std::uint32_t>(m_map[r])); }

  /// Loads guest register r into host register dst (64-bit).
  void read(const Gp& dst, GuestReg r) {
    if (r == 0) {
      m_a.xor_(dst.r32(), dst.r32());
    } else if (pinned(r)) {
      if (host(r).id() != dst.id()) m_a.mov(dst, host(r));
    } else {
      m_a.mov(dst, x_mem(r));
    }
  }
  void write(GuestReg r, const Gp& src) {
    if (r == 0) return;
    if (pinned(r)) {
      if (host(r).id() != src.id()) m_a.mov(host(r), src);
    } else {
      m_a.mov(x_mem(r), src);
      // Every write is its instruction's last act: the next one may read r from rax.
      if (src.id() == Gp::kIdAx) m_rax_holds = r;
    }
  }

  // ---- the value left in rax ---------------------------------------------------------
  // An instruction whose result goes to the HartState computed it in rax
  // (write), so the next instruction may take that register from rax instead
  // of reloading it: m_rax_in names it until this instruction's first use of
  // rax. Only an instruction's first operand read asks (read_first,
  // take_rax), before anything it emits can have changed rax.

  /// Whether rax holds guest register r (not in a host register) on entry to
  /// this instruction, and nothing since changed it. Asking consumes the answer.
  bool take_rax(GuestReg r) {
    const bool held = r != 0 && !pinned(r) && m_rax_in == r;
    m_rax_in = 0;
    return held;
  }
  /// Whether rax holds r, without consuming (for a second operand read while rax stays unchanged).
  [[nodiscard]] bool rax_has(GuestReg r) const { return r != 0 && !pinned(r) && m_rax_in == r; }
  /// read() for the first operand an instruction reads.
  void read_first(const Gp& dst, GuestReg r) {
    if (take_rax(r)) {
      if (dst.id() != Gp::kIdAx) m_a.mov(dst, rax);
      return;
    }
    read(dst, r);
  }
  /// A register or memory operand for guest register r (r != 0), 64 or 32 bits.
  Operand operand(GuestReg r, bool word) const {
    if (pinned(r)) return word ? Operand(host(r).r32()) : Operand(host(r));
    Mem m = x_mem(r);
    if (word) m.setSize(4);
    return m;
  }

  void count(std::size_t field) {
    m_a.mov(rax, reinterpret_cast<std::uintptr_t>(m_b.m_config.ctx) + field);
    m_a.inc(qword_ptr(rax));
  }
  void adjust_remaining(std::uint32_t executed) {
    if (executed < m_n) m_a.add(kRemaining, static_cast<std::int32_t>(m_n - executed));
  }
  void jump_abs(const std::uint8_t* target) { m_a.jmp(Imm(reinterpret_cast<std::uintptr_t>(target))); }

  // ---- registers of the region ------------------------------------------------------
  // Between regions the host registers hold the guest registers of the
  // backend's pin map. A region with a loop that names some other guest
  // register much more often than one of those takes its host register: swapped at entry
  // (from_pins), swapped back on every way out (to_pins), the displaced
  // register living in the HartState meanwhile.
  struct Swap {
    GuestReg guest;   ///< in the host register inside the region
    GuestReg victim;  ///< its owner between regions
    std::uint32_t host;
  };

  void allocate_registers() {
    std::array<std::uint32_t, 32> uses{};
    std::pmr::vector<std::uint8_t> depth = loop_depths();
    // Only a loop repays the moves: straight-line regions are entered and
    // left about as often as their instructions run (recursion: 7% fewer
    // host instructions without their swaps, the rest within 0.3%).
    if (std::all_of(depth.begin(), depth.end(), [](std::uint8_t d) { return d == 0; })) return;
    for (std::size_t i = 0; i < m_region.insns.size(); ++i) {
      count_uses(m_region.insns[i], uses, loop_weight(depth[i]));
    }
    std::pmr::vector<GuestReg> wanted(m_scratch);
    for (GuestReg r = 1; r < 32; ++r) {
      if (m_b.m_pins[r] < 0 && uses[r] >= kSwapMargin) wanted.push_back(r);
    }
    std::stable_sort(wanted.begin(), wanted.end(), [&](GuestReg x, GuestReg y) { return uses[x] > uses[y]; });
    std::array<bool, 32> displaced{};
    for (GuestReg g : wanted) {
      // The least used owner, if the swap pays for its moves at entry and exit.
      GuestReg victim = 0;
      for (GuestReg r = 1; r < 32; ++r) {
        if (m_b.m_pins[r] >= 0 && !displaced[r] && (victim == 0 || uses[r] < uses[victim])) victim = r;
      }
      if (victim == 0 || uses[g] < uses[victim] + kSwapMargin) break;
      displaced[victim] = true;
      auto id = static_cast<std::uint32_t>(m_b.m_pins[victim]);
      m_swaps.push_back(Swap{g, victim, id});
      m_map[g] = static_cast<int>(id);
      m_map[victim] = -1;
    }
  }
  /// Guest registers named by IR operands (helpers go through the HartState).
  static void count_uses(const IrInsn& insn, std::array<std::uint32_t, 32>& uses, std::uint32_t weight) {
    auto use = [&](GuestReg r) { uses[r] += weight; };
    switch (insn.kind) {
      case IrKind::kMovImm:
        use(insn.dst);
        break;
      case IrKind::kMov:
      case IrKind::kExtend:
      case IrKind::kAluImm:
      case IrKind::kJumpIndirect:
        use(insn.dst);
        use(insn.a);
        break;
      case IrKind::kAlu:
        use(insn.dst);
        use(insn.a);
        use(insn.b);
        break;
      case IrKind::kLoad:
        if (!insn.fp_data) use(insn.dst);
        use(insn.a);
        break;
      case IrKind::kStore:
        if (!insn.fp_data) use(insn.b);
        use(insn.a);
        break;
      case IrKind::kBranch:
        use(insn.a);
        use(insn.b);
        break;
      default:
        break;
    }
  }
  /// Per IR position: how many loops of this region (from a loop head to
  /// the last branch or jump back to it) hold it, where a use counts for
  /// every pass while a swap is paid once per region entry and exit.
  std::pmr::vector<std::uint8_t> loop_depths() const {
    const std::size_t n = m_region.insns.size();
    // Per loop head (is_head): its last back edge.
    std::pmr::vector<std::size_t> last_back_edge(n, 0, m_scratch);
    std::pmr::vector<bool> is_head(n, false, m_scratch);
    for (std::size_t j = 0; j < n; ++j) {
      const IrInsn& insn = m_region.insns[j];
      if (insn.kind != IrKind::kBranch && insn.kind != IrKind::kJump) continue;
      std::optional<std::size_t> at = m_jump_to[j];
      if (!at || *at > j) continue;
      is_head[*at] = true;
      last_back_edge[*at] = std::max(last_back_edge[*at], j);
    }
    std::pmr::vector<std::uint8_t> depth(n, 0, m_scratch);
    for (std::size_t h = 0; h < n; ++h) {
      if (!is_head[h]) continue;
      for (std::size_t i = h; i <= last_back_edge[h]; ++i) {
        if (depth[i] < 255) ++depth[i];
      }
    }
    return depth;
  }
  /// What a use at loop depth `depth` counts: kLoopWeight in a loop, four
  /// times more per loop nested inside it (an inner loop's pass runs that
  /// many times per outer pass, at least).
  static std::uint32_t loop_weight(std::uint8_t depth) {
    if (depth == 0) return 1;
    return kLoopWeight << (2 * std::min<std::uint32_t>(depth - 1u, 3u));
  }
  void from_pins() {
    for (const Swap& s : m_swaps) {
      m_a.mov(x_mem(s.victim), gpq(s.host));
      m_a.mov(gpq(s.host), x_mem(s.guest));
    }
  }
  /// Before anything that leaves the region or expects the pin map (other
  /// regions, the runtime's exits); only moves, so flags survive.
  void to_pins() {
    for (const Swap& s : m_swaps) {
      m_a.mov(x_mem(s.guest), gpq(s.host));
      m_a.mov(gpq(s.host), x_mem(s.victim));
    }
  }

  // ---- sign extension of 32-bit results --------------------------------------------
  /// A *W instruction's result is sign-extended from 32 bits, except when no
  /// one can see the upper half: the register is overwritten before anything
  /// reads more than its low 32 bits and before anything that may leave the
  /// region (an exit, a helper, an access that may fault), side exits of
  /// branches excepted: their taken paths sign-extend it on the way out
  /// (m_extend_at_exit). The x86 32-bit operation leaves it zero-extended,
  /// which nothing observes. So every register is canonical wherever the
  /// region may be left, and wherever code that reads it may be entered.
  void sign_extend_word(const IrInsn& insn, const Gp& work) {
    if (!defer_extension(insn)) m_a.movsxd(work, work.r32());
  }
  /// (IR position, guest register) pairs.
  using Places = std::pmr::vector<std::pair<std::size_t, GuestReg>>;
  /// Where a deferred sign extension happens: on the ways out of these
  /// branches and jumps, and after these loop branches when they fall through
  /// (the loop's exit, not its hot path).
  struct Deferral {
    explicit Deferral(std::pmr::memory_resource* scratch)
        : exits(scratch), after(scratch), low_tests(scratch) {}
    Places exits;
    Places after;
    Places low_tests;  ///< zero tests (beqz/bnez) that may test the low half
    /// IR instructions scanned so far. Copies and logic start scans of their
    /// own, which could multiply (a value read by the next two instructions,
    /// over and over): past kScanBudget the extension is simply not deferred.
    std::uint32_t steps = 0;
  };
  static constexpr std::uint32_t kScanBudget = 512;
  /// Whether the sign extension of insn's result can be left to side exits
  /// and loop exits (registered with them if so).
  bool defer_extension(const IrInsn& insn) {
    Deferral d(m_scratch);
    const std::size_t here = position(insn);
    if (!upper_half_unseen(insn.dst, here + 1, d, 0)) return false;
    // Code already emitted (reached again through a loop) cannot be given the extension.
    auto emitted = [&](const std::pair<std::size_t, GuestReg>& at) { return at.first <= here; };
    if (std::any_of(d.exits.begin(), d.exits.end(), emitted) ||
        std::any_of(d.after.begin(), d.after.end(), emitted) ||
        std::any_of(d.low_tests.begin(), d.low_tests.end(), emitted))
      return false;
    for (auto [at, r] : d.exits) m_extend_at_exit[at] |= 1u << r;
    for (auto [at, r] : d.after) m_extend_after[at] |= 1u << r;
    for (auto [at, r] : d.low_tests) m_low_test[at] |= 1u << r;
    return true;
  }
  /// Scans the region from IR position `start`: true when r is overwritten
  /// before its upper half can be seen, on the fall-through path and through
  /// the region's own loops and forward jumps (one level); `d` collects the
  /// ways out that must sign-extend r meanwhile. An extension there must only
  /// ever meet the lazy value, so none is placed after a place where other
  /// paths join (a label; a scan from a loop head or jump target starts at one).
  /// A copy of r, or and/or/xor of r with a canonical operand, is as lazy as
  /// r (right low half, canonical true value): it must go unseen as well,
  /// and is tested for zero in full (`propagated`: its flags are a 64-bit op's).
  bool upper_half_unseen(GuestReg r, std::size_t start, Deferral& d, int depth, bool propagated = false,
                         bool jumped = false) const {
    bool joined = false;
    for (std::size_t j = start; j < m_region.insns.size(); ++j) {
      if (++d.steps > kScanBudget) return false;
      // Falling into a loop whose bases are checked first: a failed check leaves there.
      if (m_any_loop_checks && j != 0 && m_loop_checks[j] != 0 && !(jumped && j == start)) return false;
      const IrInsn& next = m_region.insns[j];
      if (m_heads[j].label.isValid()) joined = true;
      switch (next.kind) {
        case IrKind::kMovImm:
          if (next.dst == r) return true;
          break;
        case IrKind::kMov:
          if (next.a == r) {
            if (joined || !upper_half_unseen(next.dst, j + 1, d, depth, true)) return false;
            if (next.dst == r) return true;
            break;
          }
          if (next.dst == r) return true;
          break;
        case IrKind::kExtend:
          if (next.a == r && next.size == 8) return false;
          if (next.dst == r) return true;
          break;
        case IrKind::kAlu:
        case IrKind::kAluImm: {
          const bool shift = next.alu == AluOp::kSll || next.alu == AluOp::kSrl || next.alu == AluOp::kSra;
          // andi with a mask below 2^31 reads bits 0..30 only.
          const bool low_mask = next.kind == IrKind::kAluImm && next.alu == AluOp::kAnd && next.imm >= 0 &&
                                next.imm <= INT32_MAX;
          // slli by 32 or more shifts the upper half out (zero extension's first half).
          const bool low_shift = next.kind == IrKind::kAluImm && next.alu == AluOp::kSll && next.imm >= 32;
          const bool reads_a = next.a == r && !low_mask && !low_shift;
          const bool reads_b = next.kind == IrKind::kAlu && next.b == r;
          const bool bitwise =
              !next.word && (next.alu == AluOp::kAnd || next.alu == AluOp::kOr || next.alu == AluOp::kXor);
          if (bitwise && (reads_a || reads_b)) {
            if (joined || !canonical_other(next, r, j) || !upper_half_unseen(next.dst, j + 1, d, depth, true))
              return false;
            if (next.dst == r) return true;
            break;
          }
          // *W operations read the low halves; a shift amount is its low six bits.
          if ((reads_a && !next.word) || (reads_b && !next.word && !shift)) return false;
          if (next.dst == r) return true;
          break;
        }
        case IrKind::kBranch:
        case IrKind::kJump: {
          const bool reads = next.kind == IrKind::kBranch && (next.a == r || next.b == r);
          // beqz/bnez where only the lazy value gets: zero exactly when its low half is.
          const bool zero_test = reads && next.a == r && next.b == 0 && !joined && !propagated &&
                                 (next.cond == Cond::kEq || next.cond == Cond::kNe);
          if (reads && !zero_test) return false;
          if (zero_test) d.low_tests.emplace_back(j, r);
          std::optional<std::size_t> head = m_jump_to[j];
          const bool in_region = head.has_value();
          if (next.kind == IrKind::kJump && !in_region) return false;  // the region's end
          if (joined) return false;
          d.exits.emplace_back(j, r);  // a side exit, or the budget's way out of a loop
          if (in_region && (depth > 0 || !upper_half_unseen(r, *head, d, depth + 1, propagated, true)))
            return false;
          if (next.kind == IrKind::kJump) return true;  // nothing falls through
          if (in_region && *head <= j) {
            d.after.emplace_back(j, r);  // leaving the loop: extended there
            return true;
          }
          break;
        }
        case IrKind::kCall:
        case IrKind::kNop:
          break;  // the return stack only, or nothing
        default:
          return false;  // may leave the region, or reads registers in full
      }
    }
    return false;  // the region ends: other code sees the register
  }
  /// Whether the operand of the and/or/xor `insn` other than r holds a
  /// canonical (sign-extended 32-bit) value at IR position j.
  bool canonical_other(const IrInsn& insn, GuestReg r, std::size_t j) const {
    if (insn.kind == IrKind::kAluImm) return insn.imm == static_cast<std::int32_t>(insn.imm);
    const GuestReg other = insn.a == r ? insn.b : insn.a;
    return other == r || (m_canonical[j] & (1u << other)) != 0;
  }
  /// m_canonical: per IR position, the guest registers whose value is
  /// known to be canonical there (x0, results of *W operations, sign-
  /// extending loads...), from the last place where paths join.
  /// Its upper 32 bits likewise: the registers known to hold a value in
  /// [-2^30, 2^30) (small_word_operands).
  void find_canonical() {
    m_canonical.assign(m_region.insns.size(), 0);
    std::uint32_t known = 1;  // x0
    std::uint32_t small = 1;
    for (std::size_t i = 0; i < m_region.insns.size(); ++i) {
      if (m_heads[i].label.isValid()) known = small = 1;
      m_canonical[i] = std::uint64_t{small} << 32 | known;
      const IrInsn& insn = m_region.insns[i];
      if (insn.kind == IrKind::kFloat || insn.kind == IrKind::kInterpret) {
        known = small = 1;  // a helper may write any register
        continue;
      }
      const GuestReg dst = written_register(insn);
      if (dst == 0) continue;
      known &= ~(1u << dst);
      small &= ~(1u << dst);
      const std::uint64_t before = m_canonical[i];
      if (canonical_result(insn, static_cast<std::uint32_t>(before))) known |= 1u << dst;
      if (small_result(insn, static_cast<std::uint32_t>(before >> 32))) small |= 1u << dst;
    }
  }
  // ---- indexes: values known to lie in [0, 2^35) -----------------------------------
  /// Widths of values: value < 2^w, so not negative (kAnyWidth: no bound known).
  static constexpr std::uint8_t kAnyWidth = 64;
  /// How many definitions back width_before follows operands: enough for
  /// `(x >> s) & m` scaled by a shift, or a zero extension.
  static constexpr unsigned kWidthDepth = 3;
  /// Whether r holds an index where IR position `at` reads it.
  bool is_index(GuestReg r, std::size_t at) const {
    return width_before(r, at, kWidthDepth) <= memory::kViewIndexBits;
  }
  /// The width of r's value where IR position `at` reads it, from its
  /// definitions since the last place paths join (no bound past it, or past
  /// a helper, which may write any register); asked only of the few adds
  /// that could form index bases (forms_index_base), so computed there.
  std::uint8_t width_before(GuestReg r, std::size_t at, unsigned depth) const {
    if (r == 0) return 0;
    for (std::size_t k = at; k > 0 && !m_heads[k].label.isValid(); --k) {
      const IrInsn& insn = m_region.insns[k - 1];
      if (insn.kind == IrKind::kFloat || insn.kind == IrKind::kInterpret) return kAnyWidth;
      if (written_register(insn) != r) continue;
      if (depth == 0) return kAnyWidth;
      return result_width(insn, [&](GuestReg s) { return width_before(s, k - 1, depth - 1); });
    }
    return kAnyWidth;
  }
  /// The width of what `insn` leaves in its destination, given the widths
  /// of its operands before it (width(r)).
  template <class Width>
  static std::uint8_t result_width(const IrInsn& insn, const Width& width) {
    auto of = [](std::int64_t v) -> unsigned {
      return v < 0 ? kAnyWidth : static_cast<unsigned>(std::bit_width(static_cast<std::uint64_t>(v)));
    };
    // A *W result is its low 32 bits sign-extended: below 2^31 it is what was computed.
    auto fits = [&](unsigned bits) {
      return static_cast<std::uint8_t>(bits <= (insn.word ? 31u : 63u) ? bits : kAnyWidth);
    };
    switch (insn.kind) {
      case IrKind::kMovImm:
        return static_cast<std::uint8_t>(of(insn.imm));
      case IrKind::kMov:
        return width(insn.a);
      case IrKind::kExtend: {
        const unsigned a = width(insn.a);
        if (insn.is_signed) return static_cast<std::uint8_t>(a < 8u * insn.size ? a : kAnyWidth);
        return static_cast<std::uint8_t>(std::min(a, 8u * insn.size));
      }
      case IrKind::kLoad:
        return static_cast<std::uint8_t>(insn.fp_data || insn.is_signed ? kAnyWidth : 8u * insn.size);
      case IrKind::kJumpIndirect:
        return static_cast<std::uint8_t>(of(static_cast<std::int64_t>(insn.imm2)));
      case IrKind::kAlu:
      case IrKind::kAluImm:
        break;
      default:
        return kAnyWidth;
    }
    if (insn.alu == AluOp::kSlt || insn.alu == AluOp::kSltu) return 1;
    const bool imm = insn.kind == IrKind::kAluImm;
    const unsigned a = width(insn.a);
    const unsigned b = imm ? of(insn.imm) : width(insn.b);
    switch (insn.alu) {
      case AluOp::kAnd:
        return fits(std::min(a, b));
      case AluOp::kOr:
      case AluOp::kXor:
        return fits(std::max(a, b));
      case AluOp::kAdd:
        return fits(std::max(a, b) + 1);
      case AluOp::kMul:
        return fits(a + b);
      case AluOp::kSll:
        return imm ? fits(a + static_cast<unsigned>(insn.imm)) : kAnyWidth;
      case AluOp::kSrl:
        if (!imm) return fits(a);
        if (insn.word) return static_cast<std::uint8_t>(insn.imm >= 1 ? 32 - insn.imm : fits(a));
        return static_cast<std::uint8_t>(a > insn.imm ? a - static_cast<unsigned>(insn.imm) : 0);
      case AluOp::kRemu:  // at most a, also when b is 0 (unlike divu: all ones)
        return insn.word ? kAnyWidth : static_cast<std::uint8_t>(a);
      default:
        return kAnyWidth;
    }
  }
  static constexpr std::int64_t kSmall = std::int64_t{1} << 30;
  /// Whether `insn` leaves a value in [-2^30, 2^30) in its destination (in
  /// full: none of these defers a sign extension), given the registers small before it.
  static bool small_result(const IrInsn& insn, std::uint32_t small) {
    switch (insn.kind) {
      case IrKind::kMovImm:
        return insn.imm >= -kSmall && insn.imm < kSmall;
      case IrKind::kMov:
        return (small & (1u << insn.a)) != 0;
      case IrKind::kExtend:
        return insn.size < 4 || (insn.size == 4 && insn.is_signed && (small & (1u << insn.a)) != 0);
      case IrKind::kLoad:
        return !insn.fp_data && insn.size < 4;
      case IrKind::kAlu:
      case IrKind::kAluImm:
        if (insn.alu == AluOp::kSlt || insn.alu == AluOp::kSltu) return true;
        if (insn.kind != IrKind::kAluImm) return false;
        if (insn.alu == AluOp::kAnd) return insn.imm >= 0 && insn.imm < kSmall;
        if (insn.alu == AluOp::kSrl) return insn.word ? insn.imm >= 2 : insn.imm >= 34;
        return false;
      default:
        return false;
    }
  }
  /// Whether the source of the extension `insn` holds a small value (in full).
  bool small_source(const IrInsn& insn) const { return small_before(insn, insn.a); }
  /// Whether r holds a small value (in full) where `insn` reads it.
  bool small_before(const IrInsn& insn, GuestReg r) const {
    const auto small = static_cast<std::uint32_t>(m_canonical[position(insn)] >> 32);
    return (small & (1u << r)) != 0;
  }
  static Mem widened(Mem m) {
    m.setSize(8);
    return m;
  }
  /// An addw/subw/negw of small values cannot overflow 32 bits: the 64-bit
  /// operation gives the sign-extended result itself, with no extension
  /// (`0 - (crc & 1)` in a bitwise CRC, differences of bytes).
  bool small_word_operands(const IrInsn& insn) const {
    if (!insn.word || (insn.alu != AluOp::kAdd && insn.alu != AluOp::kSub)) return false;
    return small_before(insn, insn.a) && (insn.kind == IrKind::kAluImm || small_before(insn, insn.b));
  }
  /// Whether `insn` leaves a canonical value in its destination, given the
  /// registers canonical before it.
  static bool canonical_result(const IrInsn& insn, std::uint32_t known) {
    auto is = [&](GuestReg r) { return (known & (1u << r)) != 0; };
    const bool imm32 = insn.imm == static_cast<std::int32_t>(insn.imm);
    switch (insn.kind) {
      case IrKind::kMovImm:
        return imm32;
      case IrKind::kMov:
        return is(insn.a);
      case IrKind::kExtend:
        return insn.size < 4 || (insn.size == 4 && insn.is_signed) || (insn.size == 8 && is(insn.a));
      case IrKind::kLoad:
        return insn.size < 4 || (insn.size == 4 && insn.is_signed);
      case IrKind::kAlu:
      case IrKind::kAluImm: {
        const bool imm = insn.kind == IrKind::kAluImm;
        if (insn.word || insn.alu == AluOp::kSlt || insn.alu == AluOp::kSltu) return true;
        switch (insn.alu) {
          case AluOp::kAnd:
            if (imm && insn.imm >= 0 && insn.imm <= INT32_MAX) return true;
            [[fallthrough]];
          case AluOp::kOr:
          case AluOp::kXor:
            return is(insn.a) && (imm ? imm32 : is(insn.b));
          case AluOp::kSrl:
            return imm && insn.imm >= 33;
          case AluOp::kSra:
            return imm && insn.imm >= 32;
          default:
            return false;
        }
      }
      default:
        return false;
    }
  }

  /// Sign-extends the registers in `mask` (bit r), in place.
  void extend_deferred(std::uint32_t mask) {
    for (GuestReg r = 1; r < 32; ++r) {
      if ((mask & (1u << r)) == 0) continue;
      if (pinned(r)) {
        m_a.movsxd(host(r), host(r).r32());
      } else {
        Mem low = x_mem(r);
        low.setSize(4);
        m_a.movsxd(rax, low);
        m_a.mov(x_mem(r), rax);
      }
    }
  }

  // ---- control flow inside the region -----------------------------------------------
  /// Where a branch or jump may land inside the region: the first IR
  /// instruction of the guest instruction at its target.
  struct LoopHead {
    Label label;
    std::uint32_t index = 0;  ///< guest instruction index of the target
  };

  /// Marks the targets of branches and jumps that land on an instruction of
  /// this region (loops backward, skipped code forward), so they jump there
  /// directly instead of leaving.
  void find_loop_heads() {
    m_heads.assign(m_region.insns.size(), LoopHead{});
    m_extend_at_exit.assign(m_region.insns.size(), 0);
    m_extend_after.assign(m_region.insns.size(), 0);
    m_low_test.assign(m_region.insns.size(), 0);
    m_jump_to = in_region_targets(m_region, m_scratch);
    for (const std::optional<std::size_t>& at : m_jump_to) {
      if (at && !m_heads[*at].label.isValid())
        m_heads[*at] = LoopHead{m_a.newLabel(), m_region.insns[*at].index};
    }
  }
  /// The IR position of `insn`, an instruction of m_region.
  std::size_t position(const IrInsn& insn) const {
    return static_cast<std::size_t>(&insn - m_region.insns.data());
  }
  /// The place inside the region the branch or jump `insn` can jump to, or null.
  const LoopHead* loop_head(const IrInsn& insn) const {
    std::optional<std::size_t> at = m_jump_to[position(insn)];
    return at ? &m_heads[*at] : nullptr;
  }
  /// To `head` after `executed` instructions of this pass through the region.
  void loop_back(const LoopHead& head, GuestAddr target, std::uint32_t executed, std::size_t at) {
    if (head.index >= executed) {
      // Forward: the skipped instructions are refunded, then on with the pass.
      if (head.index > executed) m_a.add(kRemaining, static_cast<std::int32_t>(head.index - executed));
      m_a.jmp(head.label);
      return;
    }
    // Backward, a new pass from the head. Charged for the whole region, `executed` done:
    // the refund is m_n - executed and the pass needs m_n - head.index, so the net
    // charge is executed - head.index. When it does not fit, the interpreter takes over.
    m_a.sub(kRemaining, static_cast<std::int32_t>(executed - head.index));
    m_a.jae(head.label);
    m_a.add(kRemaining, static_cast<std::int32_t>(m_n - head.index));
    extend_deferred(m_extend_at_exit[at]);
    to_pins();
    m_a.mov(rax, target);
    jump_abs(m_b.m_runtime.exit_budget);
  }

  // ---- exits --------------------------------------------------------------------
  /// Leaves for guest `target` after `executed` instructions through a
  /// patchable rel32 jump, unchained (to its stub) until the dispatcher links it.
  void direct_exit(GuestAddr target, std::uint32_t executed) {
    adjust_remaining(executed);
    to_pins();
    link_jump(target);
  }
  /// The patchable rel32 jump of a link to guest `target`, the state already
  /// the pin map's.
  void link_jump(GuestAddr target) {
    std::size_t index = m_links.size();
    Link& link = m_block.links.at(index);
    link.target_pc = target;
    m_links.push_back(PendingLink{m_a.offset(), 0});
    static constexpr std::uint8_t kJmpRel32[5] = {0xE9, 0, 0, 0, 0};  // patched to the stub once placed
    m_a.embed(kJmpRel32, sizeof(kJmpRel32));
    m_cold.push_back(Cold{Cold::kLinkStub, nullptr, Label(), Label(), &link, false});
  }

  // ---- cold code ------------------------------------------------------------------
  /// Code placed after the region's body, emitted once the body is done.
  struct Cold {
    enum Kind : std::uint8_t {
      kLinkStub,
      kStatus,
      kLoadSlow,
      kStoreSlow,
      kWayOut,
      kRetryWayOut,
      kReturnStackFull,
      kFpSlow,
      kInterpretSlow,
      kBranchTaken,
      kEntryCheckFailed,
      kLoopCheckFailed,
    };
    Kind kind;
    const IrInsn* insn;  ///< in m_region, which outlives emission
    Label entry;         ///< where the hot code jumps to (kLinkStub: none, see link_jump)
    Label resume;        ///< slow paths: back into the hot code
    Link* link;          ///< kLinkStub
    bool after_pc_in_rax;
    /// kFpSlow: the FP registers cached in xmm registers after the
    /// instruction, reloaded once the helper has run (it clobbers them all).
    FpCached fp_cached = kNothingCached;
  };

  void emit_cold(const Cold& c) {
    if (c.entry.isValid()) m_a.bind(c.entry);
    switch (c.kind) {
      case Cold::kLinkStub:
        // Reached by its patched jump only: no label, an offset.
        m_links[static_cast<std::size_t>(c.link - m_block.links.data())].stub = m_a.offset();
        m_a.mov(rax, reinterpret_cast<std::uintptr_t>(c.link));
        return jump_abs(m_b.m_runtime.exit_link);
      case Cold::kStatus:
        return emit_leave(*c.insn, c.after_pc_in_rax);
      case Cold::kLoadSlow:
        if (m_b.m_memory->slow_path_leaves()) return leave_for_retry(*c.insn);
        effective_address(*c.insn);
        m_a.mov(rdx, rax);
        call_access_slow(*c.insn,
                         reinterpret_cast<std::uint64_t>(helpers::load(c.insn->size, c.insn->is_signed)));
        finish_load(*c.insn, rax);
        m_a.jmp(c.resume);
        return;
      case Cold::kStoreSlow: {
        if (m_b.m_memory->slow_path_leaves()) return leave_for_retry(*c.insn);
        effective_address(*c.insn);
        m_a.mov(rdx, rax);
        Gp v = store_value(*c.insn, rax);
        if (v.id() != Gp::kIdAx) m_a.mov(rax, v);
        call_access_slow(*c.insn, reinterpret_cast<std::uint64_t>(helpers::store(c.insn->size)));
        m_a.jmp(c.resume);
        return;
      }
      case Cold::kWayOut:
        to_pins();
        return jump_abs(m_b.m_runtime.exit_with_pc);
      case Cold::kRetryWayOut:
        to_pins();
        return jump_abs(m_b.m_runtime.exit_retry);
      case Cold::kReturnStackFull:
        // Entries are only predictions: forget them all and start again.
        m_a.mov(rsp, m_b.ctx_mem(offsetof(JitContext, ras_top)));
        m_a.jmp(c.resume);
        return;
      case Cold::kFpSlow:
        call_fp_helper(*c.insn);
        reload_fp_copies(c.fp_cached);
        m_a.jmp(c.resume);
        return;
      case Cold::kInterpretSlow:
        call_interpreter(*c.insn);
        reload_fp_copies(c.fp_cached);
        m_a.jmp(c.resume);
        return;
      case Cold::kBranchTaken:
        return emit_branch_taken(*c.insn);
      case Cold::kEntryCheckFailed:
        m_a.add(kRemaining, static_cast<std::int32_t>(m_n));
        m_a.mov(rax, m_region.entry);
        return jump_abs(m_b.m_runtime.exit_retry);
      case Cold::kLoopCheckFailed:
        return leave_to_interpret(*c.insn);
    }
  }

  /// The slow path of an access through the direct view, taken only when
  /// the access faults, is out of bounds or writes a watched code page: the
  /// region leaves before it (nothing of it done, no sign extension pending:
  /// deferrals stop at accesses) and the interpreter runs it.
  void leave_for_retry(const IrInsn& insn) {
    if (m_b.m_config.count_stats) {  // the interpreter counts the access when it runs it
      m_a.mov(rdx, reinterpret_cast<std::uintptr_t>(&m_b.m_config.tlb->accesses));
      m_a.dec(qword_ptr(rdx));
    }
    leave_to_interpret(insn);
  }
  /// Leaves before `insn`, for the interpreter to run it (ExitKind::kRetry).
  void leave_to_interpret(const IrInsn& insn) {
    adjust_remaining(insn.index);
    m_a.mov(rax, insn.pc);
    if (m_swaps.empty()) return jump_abs(m_b.m_runtime.exit_retry);
    if (!m_retry_way_out.isValid()) {
      m_retry_way_out = m_a.newLabel();
      m_cold.push_back(Cold{Cold::kRetryWayOut, nullptr, m_retry_way_out, Label(), nullptr, false});
    }
    m_a.jmp(m_retry_way_out);
  }

  /// The shared slow path for the access `insn`, through an AccessRecord in the region's data.
  void call_access_slow(const IrInsn& insn, std::uint64_t helper) {
    Label record = m_a.newLabel();
    m_records.push_back(PendingRecord{record, helper, insn.pc, insn.pc + insn.length, m_n - insn.index,
                                      m_n - insn.index - 1u});
    if (!m_swaps.empty() && !m_way_out.isValid()) {
      m_way_out = m_a.newLabel();
      m_cold.push_back(Cold{Cold::kWayOut, nullptr, m_way_out, Label(), nullptr, false});
    }
    m_a.lea(rcx, ptr(record));
    m_a.call(Imm(reinterpret_cast<std::uintptr_t>(m_b.m_runtime.access_slow)));
  }

  /// Calls a helper through the thunk: rdx = a, rax = b (set by the caller).
  void call_helper(const void* fn) {
    m_a.mov(rcx, reinterpret_cast<std::uintptr_t>(fn));
    m_a.call(Imm(reinterpret_cast<std::uintptr_t>(m_b.m_runtime.call_thunk)));
  }

  /// After a helper call (status in rdx): on kHelperStopBefore leave at this
  /// instruction, on kHelperLeaveAfter at `after_pc` (or rax when null).
  void check_status(const IrInsn& insn, bool after_pc_in_rax) {
    Label leave = m_a.newLabel();
    m_a.test(edx, edx);
    m_a.jnz(leave);
    m_cold.push_back(Cold{Cold::kStatus, &insn, leave, Label(), nullptr, after_pc_in_rax});
  }
  /// The cold side of check_status.
  void emit_leave(const IrInsn& insn, bool after_pc_in_rax) {
    Label after = m_a.newLabel();
    m_a.cmp(edx, static_cast<std::int32_t>(kHelperStopBefore));
    m_a.jne(after);
    adjust_remaining(insn.index);
    to_pins();
    m_a.mov(rax, insn.pc);
    jump_abs(m_b.m_runtime.exit_with_pc);
    m_a.bind(after);
    adjust_remaining(insn.index + 1u);
    to_pins();
    if (!after_pc_in_rax) m_a.mov(rax, insn.pc + insn.length);
    jump_abs(m_b.m_runtime.exit_with_pc);
  }

  // ---- instructions -------------------------------------------------------------
  void emit_insn(const IrInsn& insn) {
    switch (insn.kind) {
      case IrKind::kMovImm:
        if (pinned(insn.dst)) {
          m_a.mov(host(insn.dst), static_cast<std::uint64_t>(insn.imm));
        } else if (insn.imm == static_cast<std::int32_t>(insn.imm)) {
          m_a.mov(x_mem(insn.dst), static_cast<std::int32_t>(insn.imm));
        } else {
          m_a.mov(rax, static_cast<std::uint64_t>(insn.imm));
          write(insn.dst, rax);
        }
        return;
      case IrKind::kMov:
        if (pinned(insn.dst)) {
          read_first(host(insn.dst), insn.a);
        } else if (pinned(insn.a) || insn.a == 0) {
          if (insn.a == 0) {
            m_a.mov(x_mem(insn.dst), 0);
          } else {
            m_a.mov(x_mem(insn.dst), host(insn.a));
          }
        } else {
          read_first(rax, insn.a);
          write(insn.dst, rax);
        }
        return;
      case IrKind::kExtend:
        return emit_extend(insn);
      case IrKind::kAlu:
      case IrKind::kAluImm:
        return emit_alu(insn);
      case IrKind::kLoad:
        return emit_load(insn);
      case IrKind::kStore:
        return emit_store(insn);
      case IrKind::kBranch:
        return emit_branch(insn);
      case IrKind::kJump:
        if (const LoopHead* head = loop_head(insn))
          return loop_back(*head, insn.target, insn.index + 1u, position(insn));
        return direct_exit(insn.target, insn.index + 1u);
      case IrKind::kJumpIndirect:
        return emit_indirect(insn);
      case IrKind::kCall:
        return emit_call(insn);
      case IrKind::kNop:
        return;
      case IrKind::kFloat:
        return emit_fp(insn);
      case IrKind::kInterpret:
        return emit_interpret(insn);
      case IrKind::kEcall:
        adjust_remaining(insn.index);
        to_pins();
        m_a.mov(rax, insn.pc);
        jump_abs(m_b.m_runtime.exit_ecall);
        return;
    }
  }

  /// Picks where `dst = a op b` is computed: dst's host register when that
  /// cannot clobber b before it is read (b is 0 for an immediate), else rax.
  Gp work_register(GuestReg dst, GuestReg a, GuestReg b) const {
    if (!pinned(dst)) return rax;
    if (b == dst && a != dst) return rax;
    return host(dst);
  }

  void emit_extend(const IrInsn& insn) {
    Gp dst = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
    if (insn.a == 0) {
      m_a.xor_(dst.r32(), dst.r32());
    } else {
      Operand src = take_rax(insn.a) ? Operand(rax) : operand(insn.a, insn.size == 4);
      if (src.isReg()) {
        Gp reg = src.as<Gp>();
        src = insn.size == 1 ? Operand(reg.r8()) : insn.size == 2 ? Operand(reg.r16()) : Operand(reg.r32());
      } else {
        src.as<Mem>().setSize(insn.size);
      }
      if (insn.size == 4) {
        if (insn.is_signed && small_source(insn)) {
          // Small values are held in full: the copy is exact (and its result small, see small_result).
          m_a.emit(Inst::kIdMov, dst, src.isReg() ? Operand(src.as<Gp>().r64()) : widened(src.as<Mem>()));
        } else if (insn.is_signed && !defer_extension(insn)) {
          m_a.emit(Inst::kIdMovsxd, dst, src);
        } else {
          // zext.w, or sext.w whose extension waits for the ways out (as a
          // *W result's does): writing a 32-bit register clears the upper half.
          m_a.emit(Inst::kIdMov, dst.r32(), src);
        }
      } else if (insn.is_signed) {
        m_a.emit(Inst::kIdMovsx, dst, src);
      } else {
        m_a.emit(Inst::kIdMovzx, dst.r32(), src);
      }
    }
    if (!pinned(insn.dst)) write(insn.dst, rax);
  }

  void emit_alu(const IrInsn& insn) {
    const bool imm = insn.kind == IrKind::kAluImm;
    const bool w = insn.word && !small_word_operands(insn);
    switch (insn.alu) {
      case AluOp::kAdd:
      case AluOp::kSub:
      case AluOp::kXor:
      case AluOp::kOr:
      case AluOp::kAnd:
      case AluOp::kMul:
        return emit_simple(insn, imm, w);
      case AluOp::kSll:
      case AluOp::kSrl:
      case AluOp::kSra:
        return emit_shift(insn, imm, w);
      case AluOp::kRor:
        return emit_rotate(insn);
      case AluOp::kSlt:
      case AluOp::kSltu:
        return emit_set_less(insn, imm);
      case AluOp::kMulh:
      case AluOp::kMulhsu:
      case AluOp::kMulhu:
        return emit_mul_high(insn);
      case AluOp::kDiv:
      case AluOp::kDivu:
      case AluOp::kRem:
      case AluOp::kRemu:
        return emit_divide(insn);
    }
  }

  void simple_op(AluOp op, const Gp& dst, const Operand& src) {
    switch (op) {
      case AluOp::kAdd:
        m_a.emit(Inst::kIdAdd, dst, src);
        break;
      case AluOp::kSub:
        m_a.emit(Inst::kIdSub, dst, src);
        break;
      case AluOp::kXor:
        m_a.emit(Inst::kIdXor, dst, src);
        break;
      case AluOp::kOr:
        m_a.emit(Inst::kIdOr, dst, src);
        break;
      case AluOp::kAnd:
        m_a.emit(Inst::kIdAnd, dst, src);
        break;
      default:
        m_a.emit(Inst::kIdImul, dst, src);
        break;
    }
  }

  void emit_simple(const IrInsn& insn, bool imm, bool w) {
    GuestReg a = insn.a;
    GuestReg b = insn.b;
    // dst = b op dst, commutative: computed as dst = dst op b, in dst's place.
    const bool commutative = insn.alu != AluOp::kSub;
    if (!imm && commutative && b == insn.dst && a != insn.dst) std::swap(a, b);
    if (update_in_place(insn, a, b, imm, w)) return;
    if (!imm && insn.alu == AluOp::kSub && a == 0 && b != 0) return emit_negate(insn, w);
    if (insn.alu == AluOp::kAdd && insn.dst != a && pinned(a) && (imm || pinned(b))) {
      // Three operands: lea adds without first copying a source.
      Gp work = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
      Mem sum = imm ? ptr(host(a), static_cast<std::int32_t>(insn.imm)) : ptr(host(a), host(b));
      if (w) {
        m_a.lea(work.r32(), sum);
        sign_extend_word(insn, work);
      } else {
        m_a.lea(work, sum);
      }
      return write(insn.dst, work);
    }
    Gp work = work_register(insn.dst, a, imm ? GuestReg{0} : b);
    const bool b_in_rax = !imm && work.id() != Gp::kIdAx && rax_has(b);
    read_first(work, a);
    Gp dst = w ? work.r32() : work;
    if (imm) {
      if (insn.alu == AluOp::kMul) {
        m_a.imul(dst, dst, static_cast<std::int32_t>(insn.imm));
      } else {
        simple_op(insn.alu, dst, Imm(insn.imm));
      }
    } else if (b == 0) {
      simple_op(insn.alu, dst, Imm(0));
    } else {
      simple_op(insn.alu, dst, b_in_rax ? (w ? Operand(eax) : Operand(rax)) : operand(b, w));
    }
    // movsxd and the write are moves: the zero flag stays the result's
    // (a *W result is zero exactly when its low 32 bits are).
    if (insn.alu != AluOp::kMul) m_zero_flag_of = insn.dst;
    if (w) sign_extend_word(insn, work);
    write(insn.dst, work);
  }

  /// neg / negw (sub from x0): the operand negated in place, no zeroed register first.
  void emit_negate(const IrInsn& insn, bool w) {
    Gp work = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
    read_first(work, insn.b);
    m_a.neg(w ? work.r32() : work);
    m_zero_flag_of = insn.dst;
    if (w) sign_extend_word(insn, work);
    write(insn.dst, work);
  }

  /// `x = x op y` on a register living in the HartState: one read-modify-write
  /// of its slot (a *W result only when its upper half goes unobserved, so
  /// the stale upper half of the slot is never seen; see defer_extension).
  bool update_in_place(const IrInsn& insn, GuestReg a, GuestReg b, bool imm, bool w) {
    if (insn.dst == 0 || insn.dst != a || pinned(insn.dst) || insn.alu == AluOp::kMul) return false;
    if (imm ? insn.imm != static_cast<std::int32_t>(insn.imm) : b != 0 && !pinned(b)) return false;
    if (w && !defer_extension(insn)) return false;
    Mem slot = x_mem(insn.dst);
    if (w) slot.setSize(4);
    if (imm || b == 0) {
      simple_op_mem(insn.alu, slot, Imm(imm ? insn.imm : 0));
    } else {
      simple_op_mem(insn.alu, slot, w ? host(b).r32() : host(b));
    }
    m_zero_flag_of = insn.dst;
    return true;
  }
  void simple_op_mem(AluOp op, const Mem& dst, const Operand& src) {
    static constexpr std::array<InstId, 5> kIds = {Inst::kIdAdd, Inst::kIdSub, Inst::kIdXor, Inst::kIdOr,
                                                   Inst::kIdAnd};
    const std::size_t at = op == AluOp::kAdd   ? 0
                           : op == AluOp::kSub ? 1
                           : op == AluOp::kXor ? 2
                           : op == AluOp::kOr  ? 3
                                               : 4;
    m_a.emit(kIds[at], dst, src);
  }

  void emit_shift(const IrInsn& insn, bool imm, bool w) {
    if (imm && !w && insn.alu == AluOp::kSll && insn.imm >= 1 && insn.imm <= 3 && insn.dst != insn.a &&
        pinned(insn.a)) {
      // Index scaling: lea shifts by 1, 2 or 3 into another register in one instruction.
      Gp work = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
      m_a.lea(work, ptr(0, host(insn.a), static_cast<std::uint32_t>(insn.imm)));
      return write(insn.dst, work);
    }
    if (!imm && m_b.m_config.bmi2) return emit_shift_bmi2(insn, w);
    Gp work = work_register(insn.dst, insn.a, imm ? GuestReg{0} : insn.b);
    const bool b_in_rax = !imm && work.id() != Gp::kIdAx && rax_has(insn.b);
    read_first(work, insn.a);
    Gp dst = w ? work.r32() : work;
    InstId id = insn.alu == AluOp::kSll   ? Inst::kIdShl
                : insn.alu == AluOp::kSrl ? Inst::kIdShr
                                          : Inst::kIdSar;
    if (imm) {
      if (insn.imm != 0) {
        m_a.emit(id, dst, Imm(insn.imm));
        m_zero_flag_of = insn.dst;  // a shift by 0 would leave the flags alone
      }
    } else {
      // x86 masks the count to 5 or 6 bits, exactly as RISC-V does.
      if (b_in_rax) {
        m_a.mov(rcx, rax);
      } else {
        read(rcx, insn.b);
      }
      m_a.emit(id, dst, cl);
    }
    // srliw by 1..31 clears bit 31: the zero-extended result is the sign-extended one.
    const bool non_negative = imm && insn.alu == AluOp::kSrl && insn.imm != 0;
    if (w && !non_negative) sign_extend_word(insn, work);
    write(insn.dst, work);
  }

  /// A shift by a register with BMI2: three operands, the count in any
  /// register (masked to 5 or 6 bits, as RISC-V does), the source straight
  /// from the HartState, no flags written.
  void emit_shift_bmi2(const IrInsn& insn, bool w) {
    const bool a_in_rax = take_rax(insn.a);
    Gp count = rcx;
    if (pinned(insn.b)) {
      count = host(insn.b);
    } else if (rax_has(insn.b) || (a_in_rax && insn.b == insn.a)) {
      count = rax;
    } else {
      read(rcx, insn.b);
    }
    Operand source;
    if (insn.a == 0) {
      m_a.xor_(edx, edx);
      source = w ? Operand(edx) : Operand(rdx);
    } else if (a_in_rax) {
      source = w ? Operand(eax) : Operand(rax);
    } else {
      source = operand(insn.a, w);
    }
    Gp work = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
    InstId id = insn.alu == AluOp::kSll   ? Inst::kIdShlx
                : insn.alu == AluOp::kSrl ? Inst::kIdShrx
                                          : Inst::kIdSarx;
    m_a.emit(id, w ? work.r32() : work, source, w ? count.r32() : count);
    if (w) sign_extend_word(insn, work);
    write(insn.dst, work);
  }

  /// A rotate right by an immediate: BMI2's rorx reads the source in place
  /// (register or HartState) into the destination, without flags; else a
  /// copy and ror, which leaves the zero flag alone.
  void emit_rotate(const IrInsn& insn) {
    const bool w = insn.word;
    Gp work = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
    if (m_b.m_config.bmi2 && insn.a != 0) {
      Operand source = take_rax(insn.a) ? (w ? Operand(eax) : Operand(rax)) : operand(insn.a, w);
      m_a.emit(Inst::kIdRorx, w ? work.r32() : work, source, Imm(insn.imm));
    } else {
      read_first(work, insn.a);
      m_a.emit(Inst::kIdRor, w ? work.r32() : work, Imm(insn.imm));
    }
    if (w) sign_extend_word(insn, work);
    write(insn.dst, work);
  }

  void emit_set_less(const IrInsn& insn, bool imm) {
    const CondCode less = insn.alu == AluOp::kSlt ? CondCode::kL : CondCode::kB;
    // Into a host register that is neither operand: cleared before the
    // compare, set from its flags (three instructions instead of five).
    if (pinned(insn.a) && pinned(insn.dst) && insn.dst != insn.a && (imm || insn.dst != insn.b)) {
      const Gp d = host(insn.dst);
      m_a.xor_(d.r32(), d.r32());
      if (imm) {
        m_a.cmp(host(insn.a), Imm(insn.imm));
      } else if (insn.b == 0) {
        m_a.cmp(host(insn.a), 0);
      } else {
        m_a.emit(Inst::kIdCmp, host(insn.a), operand(insn.b, false));
      }
      m_a.set(less, d.r8());
      return;
    }
    // snez (sltu rd, x0, rs): rs != 0.
    if (!imm && insn.alu == AluOp::kSltu && insn.a == 0 && pinned(insn.b) && pinned(insn.dst) &&
        insn.dst != insn.b) {
      const Gp d = host(insn.dst);
      m_a.xor_(d.r32(), d.r32());
      m_a.test(host(insn.b), host(insn.b));
      m_a.setne(d.r8());
      return;
    }
    read_first(rax, insn.a);
    if (imm) {
      m_a.cmp(rax, Imm(insn.imm));
    } else if (insn.b == 0) {
      m_a.cmp(rax, 0);
    } else {
      m_a.emit(Inst::kIdCmp, rax, operand(insn.b, false));
    }
    m_a.set(less, al);
    m_a.movzx(eax, al);
    write(insn.dst, rax);
  }

  void emit_mul_high(const IrInsn& insn) {
    read_first(rcx, insn.b);
    read(rax, insn.a);
    if (insn.alu == AluOp::kMulh) {
      m_a.imul(rdx, rax, rcx);
    } else {
      m_a.mul(rdx, rax, rcx);  // unsigned high part
      if (insn.alu == AluOp::kMulhsu) {
        // signed a x unsigned b = unsigned product - (a < 0 ? b << 64 : 0)
        read(rax, insn.a);
        m_a.sar(rax, 63);
        m_a.and_(rax, rcx);
        m_a.sub(rdx, rax);
      }
    }
    write(insn.dst, rdx);
  }

  /// Division with RISC-V's results for division by zero and overflow
  /// (unprivileged spec, M extension: no traps).
  void emit_divide(const IrInsn& insn) {
    const bool w = insn.word;
    const bool is_signed = insn.alu == AluOp::kDiv || insn.alu == AluOp::kRem;
    const bool rem = insn.alu == AluOp::kRem || insn.alu == AluOp::kRemu;
    Gp ra = w ? Gp(rax.r32()) : Gp(rax);
    Gp rc = w ? Gp(rcx.r32()) : Gp(rcx);
    Gp rd = w ? Gp(rdx.r32()) : Gp(rdx);
    Label by_zero = m_a.newLabel(), overflow = m_a.newLabel(), divide = m_a.newLabel(), done = m_a.newLabel();
    read_first(rcx, insn.b);
    read(rax, insn.a);
    m_a.test(rc, rc);
    m_a.jz(by_zero);
    if (is_signed) {
      m_a.cmp(rc, -1);
      m_a.jne(divide);
      if (w) {
        m_a.cmp(eax, static_cast<std::int32_t>(INT32_MIN));
      } else {
        m_a.mov(rdx, static_cast<std::uint64_t>(INT64_MIN));
        m_a.cmp(rax, rdx);
      }
      m_a.je(overflow);
    }
    m_a.bind(divide);
    if (is_signed) {
      if (w) {
        m_a.cdq(edx, eax);
      } else {
        m_a.cqo(rdx, rax);
      }
      m_a.idiv(rd, ra, rc);
    } else {
      m_a.xor_(edx, edx);
      m_a.div(rd, ra, rc);
    }
    if (rem) m_a.mov(ra, rd);
    m_a.jmp(done);
    // x / 0 = all ones, x % 0 = x; MIN / -1 = MIN, MIN % -1 = 0.
    m_a.bind(by_zero);
    if (!rem) m_a.mov(rax, -1);
    m_a.jmp(done);
    m_a.bind(overflow);
    if (rem) m_a.xor_(eax, eax);
    m_a.bind(done);
    if (w) m_a.movsxd(rax, eax);
    write(insn.dst, rax);
  }

  /// rax = guest address a + imm.
  void effective_address(const IrInsn& insn) {
    if (insn.a == 0) {
      m_a.mov(rax, static_cast<std::uint64_t>(insn.imm));
    } else if (pinned(insn.a)) {
      m_a.lea(rax, qword_ptr(host(insn.a), static_cast<std::int32_t>(insn.imm)));
    } else {
      if (!take_rax(insn.a)) m_a.mov(rax, x_mem(insn.a));
      if (insn.imm != 0) m_a.add(rax, static_cast<std::int32_t>(insn.imm));
    }
  }

  /// Displacements stay within the guard pages of a direct view.
  static constexpr std::int64_t kMaxAccessDisp = 2048;
  /// The base registers whose check `insn` undoes: those it may change (bit r).
  static std::uint32_t forgets_checks(const IrInsn& insn) {
    switch (insn.kind) {
      case IrKind::kFloat:
      case IrKind::kInterpret:
        return ~0u;  // the helper may write any register
      case IrKind::kStore:
      case IrKind::kBranch:
      case IrKind::kJump:
      case IrKind::kEcall:
      case IrKind::kCall:
      case IrKind::kNop:
        return 0;
      case IrKind::kLoad:
        return insn.fp_data ? 0 : 1u << insn.dst;
      default:
        return 1u << insn.dst;
    }
  }
  /// Where paths join at label `at`: the bases checked on every way in. A
  /// loop's back edges bring what its entry brought, less what its body may
  /// change (find_loop_forgets: everything, unless every way into the body
  /// passes the head).
  void join_checked_bases(std::size_t at, bool falls_in) {
    const std::uint32_t fall = falls_in ? m_checked_bases : ~0u;
    m_checked_bases = fall & m_checked_into[at] & ~m_loop_forgets[at];
    m_index_bases = 0;
  }
  /// After `insn`: the checks of the registers it may change are undone.
  void forget_checks(const IrInsn& insn) {
    const std::uint32_t forgets = forgets_checks(insn);
    m_checked_bases &= ~forgets;
    m_index_bases &= ~forgets;
  }
  /// The register `insn` adds an index to (x0: none): one operand of a
  /// 64-bit add holds an index (is_index), the other one does not.
  GuestReg indexed_pointer(const IrInsn& insn) const {
    if (insn.kind != IrKind::kAlu || insn.alu != AluOp::kAdd || insn.word || insn.dst == 0) return 0;
    const bool a = is_index(insn.a, position(insn));
    const bool b = is_index(insn.b, position(insn));
    if (a == b) return 0;
    return a ? insn.b : insn.a;
  }
  /// Bit dst when `insn` adds an index (is_index) to a checked base, or a
  /// displacement of at most 2 KiB: the sum needs no check, the guard after
  /// the view catching it (kViewGuardAfterBytes). The sum is not a checked
  /// base itself: a second index added to it could pass the guard.
  std::uint32_t forms_index_base(const IrInsn& insn) const {
    if (!m_checks_bases || (insn.kind != IrKind::kAlu && insn.kind != IrKind::kAluImm)) return 0;
    if (insn.alu != AluOp::kAdd || insn.word || insn.dst == 0) return 0;
    auto checked = [&](GuestReg r) { return r != 0 && (m_checked_bases & (1u << r)) != 0; };
    auto index = [&](GuestReg r) { return is_index(r, position(insn)); };
    bool forms = false;
    if (insn.kind == IrKind::kAluImm) {
      forms = checked(insn.a) && insn.imm >= 0 && insn.imm < kMaxAccessDisp;
    } else if (insn.kind == IrKind::kAlu) {
      forms = (checked(insn.a) && index(insn.b)) || (checked(insn.b) && index(insn.a));
    }
    return forms ? 1u << insn.dst : 0;
  }
  /// When a loop starts at the region's entry: the bases its accesses use and
  /// its body never changes, and such pointers it adds an index to before an
  /// access (forms_index_base), are checked once, here (still in the pin map's
  /// registers), not on every pass. A failed check leaves before anything
  /// ran, and the interpreter runs the first instruction (faulting there if
  /// it must); the check costs nothing else, as the body may well not use
  /// the base (m_loop_checks leaves out those that fail now).
  void check_loop_bases() {
    if (m_loop_checks.empty() || m_loop_checks[0] == 0) return;  // no loop at the entry, or nothing to check
    Label fail = m_a.newLabel();
    emit_base_checks(m_loop_checks[0], fail);
    m_checked_bases = m_loop_checks[0];
    m_cold.push_back(Cold{Cold::kEntryCheckFailed, nullptr, fail, Label(), nullptr, false});
  }
  /// On the fall-through into the loop whose head is at IR position `head`
  /// (past the region's entry): its bases, as check_loop_bases, where every
  /// way in brings them checked then. A failed check leaves for the head's
  /// instruction, which the interpreter runs; no sign extension is pending
  /// there (upper_half_unseen stops at such heads).
  void check_before_loop(std::size_t head) {
    const std::uint32_t bases = m_loop_checks[head] & ~m_checked_bases & m_checked_into[head];
    if (bases == 0) return;
    Label fail = m_a.newLabel();
    emit_base_checks(bases, fail);
    m_checked_bases |= bases;
    m_cold.push_back(Cold{Cold::kLoopCheckFailed, &m_region.insns[head], fail, Label(), nullptr, false});
  }
  /// Checks the registers in `bases` (bit r), in the pin map's or the region's registers.
  void emit_base_checks(std::uint32_t bases, const Label& fail) {
    for (GuestReg r = 1; r < 32; ++r) {
      if ((bases & (1u << r)) == 0) continue;
      if (!pinned(r)) m_a.mov(rax, x_mem(r));
      m_b.m_memory->emit_base_check(m_a, pinned(r) ? host(r) : Gp(rax), fail);
    }
  }
  /// The guest registers (bit r) whose value in the HartState fails a base check.
  std::uint32_t failing_now() const {
    const std::uint64_t* limit = m_b.m_view_limit;
    if (limit == nullptr || m_b.m_config.hart == nullptr) return 0;
    std::uint32_t failing = 0;
    for (GuestReg r = 1; r < 32; ++r) {
      if (m_b.m_config.hart->x[r] >= *limit) failing |= 1u << r;
    }
    return failing;
  }
  /// Per IR position of a loop's head: the checks its body (to its last back
  /// edge) may undo; all of them when the body may be entered other than
  /// through the head (a jump from outside into its middle, an overlapping
  /// loop's back edge), or when the memory strategy checks no bases.
  void find_loop_forgets() {
    const std::size_t n = m_region.insns.size();
    m_checked_into.assign(n, ~0u);
    m_loop_forgets.assign(n, 0);
    m_loop_checks.assign(n, 0);
    std::pmr::vector<std::optional<std::size_t>> last_back_edge(n, std::nullopt, m_scratch);
    for (std::size_t j = 0; j < n; ++j) {
      if (m_jump_to[j] && *m_jump_to[j] <= j) last_back_edge[*m_jump_to[j]] = j;
    }
    FailingBases failing(*this);
    for (std::size_t head = 0; head < n; ++head) {
      if (!last_back_edge[head]) continue;  // not a loop's head
      const std::size_t end = *last_back_edge[head];
      if (!m_checks_bases || entered_past_head(head, end)) {
        m_loop_forgets[head] = ~0u;
        continue;
      }
      for (std::size_t k = head; k <= end; ++k) m_loop_forgets[head] |= forgets_checks(m_region.insns[k]);
      m_loop_checks[head] = loop_bases(head, end) & ~m_loop_forgets[head] & ~1u & ~failing.at(head);
      m_any_loop_checks = m_any_loop_checks || m_loop_checks[head] != 0;
    }
  }
  /// The registers whose value would fail a base check at a loop's head, as
  /// far as translation can tell: their value in the HartState now, as the
  /// region is translated at its entry, unless the region writes them before
  /// the head (then only a constant is known). Those are left to the
  /// accesses' own checks: an offset (-16) added to an index, or a guarded
  /// sentinel (-1), would fail the loop's check on every entry, and the loop
  /// never run here.
  class FailingBases {
   public:
    explicit FailingBases(const RegionEmitter& e) : m_e(e), m_now(e.m_checks_bases ? e.failing_now() : 0) {}
    /// At IR position `head`, which no earlier call passed.
    std::uint32_t at(std::size_t head) {
      for (; m_seen < head; ++m_seen) note(m_e.m_region.insns[m_seen]);
      return (m_now & ~m_written) | m_constants;
    }

   private:
    void note(const IrInsn& insn) {
      if (insn.kind == IrKind::kFloat || insn.kind == IrKind::kInterpret) {
        m_written = ~0u;  // a helper may write any register
        m_constants = 0;
        return;
      }
      const GuestReg dst = written_register(insn);
      if (dst == 0) return;
      m_written |= 1u << dst;
      const bool fails = insn.kind == IrKind::kMovImm && m_e.m_b.m_view_limit != nullptr &&
                         static_cast<std::uint64_t>(insn.imm) >= *m_e.m_b.m_view_limit;
      m_constants = fails ? m_constants | 1u << dst : m_constants & ~(1u << dst);
    }
    const RegionEmitter& m_e;
    const std::uint32_t m_now;
    std::uint32_t m_written = 0;    ///< registers written before m_seen
    std::uint32_t m_constants = 0;  ///< ...whose last write there is a constant that fails a check
    std::size_t m_seen = 0;
  };
  /// The bases the loop [head, end] accesses memory through, and the
  /// pointers it adds an index to for an access through the sum (forms_index_base).
  std::uint32_t loop_bases(std::size_t head, std::size_t end) const {
    std::uint32_t accessed = 0;
    for (std::size_t k = head; k <= end; ++k) {
      const IrInsn& insn = m_region.insns[k];
      if ((insn.kind == IrKind::kLoad || insn.kind == IrKind::kStore) && insn.imm >= -kMaxAccessDisp &&
          insn.imm < kMaxAccessDisp)
        accessed |= 1u << insn.a;
    }
    std::uint32_t bases = accessed;
    for (std::size_t k = head; k <= end; ++k) {
      const IrInsn& insn = m_region.insns[k];
      if ((accessed & (1u << insn.dst)) != 0) bases |= 1u << indexed_pointer(insn);
    }
    return bases;
  }
  /// Whether a jump from outside the loop [head, end] lands inside it past its head.
  bool entered_past_head(std::size_t head, std::size_t end) const {
    for (std::size_t s = 0; s < m_jump_to.size(); ++s) {
      const std::optional<std::size_t> to = m_jump_to[s];
      if (to && *to > head && *to <= end && (s < head || s > end)) return true;
    }
    return false;
  }

  /// A guest address as the memory seam takes it: a host register and a
  /// displacement; `holds_base` when the register holds the guest base
  /// register's value (else a + imm, computed afresh).
  struct Address {
    Gp base;
    std::int32_t disp = 0;
    bool holds_base = false;
  };
  Address address_operands(const IrInsn& insn) {
    const bool small = insn.imm >= -kMaxAccessDisp && insn.imm < kMaxAccessDisp;
    if (insn.a != 0 && small) {
      if (pinned(insn.a)) return {host(insn.a), static_cast<std::int32_t>(insn.imm), true};
      if (!take_rax(insn.a)) m_a.mov(rax, x_mem(insn.a));
      return {rax, static_cast<std::int32_t>(insn.imm), true};
    }
    effective_address(insn);
    return {rax, 0, false};
  }

  /// Whether the guest base register of `insn` is checked on every path here
  /// (m_checked_bases) or holds a checked base plus an index (m_index_bases);
  /// marks it checked from now on in the first case.
  bool base_checked(const IrInsn& insn, const Address& address) {
    if (insn.a == 0 || !address.holds_base) return false;
    if ((m_index_bases & (1u << insn.a)) != 0) return true;
    const bool checked = (m_checked_bases & (1u << insn.a)) != 0;
    m_checked_bases |= 1u << insn.a;
    return checked;
  }

  /// Marks the next instruction, a host access, as one that may fault and be
  /// resumed at `slow` (fault_redirect.hpp).
  void fault_site(const Label& slow) {
    if (!m_b.m_memory->may_fault()) return;
    m_fault_labels.push_back(PendingFaultSite{m_a.offset(), slow});
  }
  /// Whether the access of `insn`, its base `checked`, fails only by a host
  /// fault: it then gets no slow path, only a leaving fault site (fault_exit).
  /// --stats keeps the slow paths, which also uncount the access.
  bool fails_only_by_fault(bool checked) const {
    return checked && m_b.m_memory->checks_bases() && m_b.m_memory->may_fault() &&
           m_b.m_memory->slow_path_leaves() && !m_b.m_config.count_stats;
  }
  /// Marks the next instruction, a host access of `insn`, as one whose fault
  /// leaves the region before `insn` for the interpreter, as leave_for_retry's
  /// code would.
  void fault_exit(const IrInsn& insn) {
    if (!m_swaps.empty() && !m_retry_way_out.isValid()) {
      m_retry_way_out = m_a.newLabel();
      m_cold.push_back(Cold{Cold::kRetryWayOut, nullptr, m_retry_way_out, Label(), nullptr, false});
    }
    m_fault_labels.push_back(
        PendingFaultSite{m_a.offset(), m_retry_way_out, insn.pc, m_n - insn.index, true});
  }

  /// Marks the next instruction, the host access of `insn`: one that leaves
  /// when it faults (`by_fault`, fault_exit) or one served by `slow`.
  void access_site(const IrInsn& insn, bool by_fault, const Label& slow) {
    if (by_fault) {
      fault_exit(insn);
    } else {
      fault_site(slow);
    }
  }

  /// --stats: memory accesses are counted into Tlb::accesses, as the interpreter does.
  void count_access() {
    if (!m_b.m_config.count_stats) return;
    m_a.mov(rdx, reinterpret_cast<std::uintptr_t>(&m_b.m_config.tlb->accesses));
    m_a.inc(qword_ptr(rdx));
  }

  /// Where an access's slow path returns to: nowhere when it leaves the
  /// region instead (the direct view's, leave_for_retry).
  Label resume_label() { return m_b.m_memory->slow_path_leaves() ? Label() : m_a.newLabel(); }

  void emit_load(const IrInsn& insn) {
    count_access();
    const Address address = address_operands(insn);
    const bool checked = base_checked(insn, address);
    const bool by_fault = fails_only_by_fault(checked);
    Label slow = by_fault ? Label() : m_a.newLabel(), resume = by_fault ? Label() : resume_label();
    Mem source = m_b.m_memory->emit_address(m_a, memory::Access::kRead, insn.size, address.base, address.disp,
                                            slow, checked);
    access_site(insn, by_fault, slow);
    load_value(insn, source);
    if (resume.isValid()) m_a.bind(resume);
    if (!by_fault) m_cold.push_back(Cold{Cold::kLoadSlow, &insn, slow, resume, nullptr, false});
    if (insn.fp_data) fp_forget(insn.dst);
    if (resume.isValid()) fp_forget_all();  // a slow path that comes back has called a helper
  }

  /// Loads the value at host address `src` into the destination.
  void load_value(const IrInsn& insn, Mem src) {
    src.setSize(insn.size);
    if (insn.fp_data) {
      if (insn.size == 4) {
        m_a.mov(eax, src);
        Mem low = f_mem(insn.dst);
        low.setSize(4);
        m_a.mov(low, eax);
        Mem high = f_mem(insn.dst).cloneAdjusted(4);
        high.setSize(4);
        m_a.mov(high, -1);  // NaN-boxing (unprivileged spec §12.2)
      } else {
        m_a.mov(rax, src);
        m_a.mov(f_mem(insn.dst), rax);
      }
      return;
    }
    Gp dst = pinned(insn.dst) ? host(insn.dst) : Gp(rax);
    switch (insn.size) {
      case 1:
      case 2:
        if (insn.is_signed) {
          m_a.movsx(dst, src);
        } else {
          m_a.movzx(dst.r32(), src);
        }
        break;
      case 4:
        if (insn.is_signed) {
          m_a.movsxd(dst, src);
        } else {
          m_a.mov(dst.r32(), src);
        }
        break;
      default:
        m_a.mov(dst, src);
        break;
    }
    if (!pinned(insn.dst)) write(insn.dst, rax);
  }
  /// The helper returned the already extended value in `value`.
  void finish_load(const IrInsn& insn, const Gp& value) {
    if (insn.fp_data) {
      if (insn.size == 4) {
        m_a.mov(rcx, 0xffffffff00000000ull);
        m_a.or_(rax, rcx);
      }
      m_a.mov(f_mem(insn.dst), value);
      return;
    }
    write(insn.dst, value);
  }

  void emit_store(const IrInsn& insn) {
    count_access();
    const Address address = address_operands(insn);
    const bool checked = base_checked(insn, address);
    const bool by_fault = fails_only_by_fault(checked);
    Label slow = by_fault ? Label() : m_a.newLabel(), resume = by_fault ? Label() : resume_label();
    Mem dst = m_b.m_memory->emit_address(m_a, memory::Access::kWrite, insn.size, address.base, address.disp,
                                         slow, checked);
    Gp value = store_value(insn, rdx);
    dst.setSize(insn.size);
    Gp sized = insn.size == 1   ? value.r8()
               : insn.size == 2 ? value.r16()
               : insn.size == 4 ? value.r32()
                                : value;
    access_site(insn, by_fault, slow);
    m_a.mov(dst, sized);
    if (resume.isValid()) m_a.bind(resume);
    if (!by_fault) m_cold.push_back(Cold{Cold::kStoreSlow, &insn, slow, resume, nullptr, false});
    if (resume.isValid()) fp_forget_all();  // a slow path that comes back has called a helper
  }
  /// The register holding the value to store (loaded into `scratch` when needed).
  Gp store_value(const IrInsn& insn, const Gp& scratch) {
    if (insn.fp_data) {
      m_a.mov(scratch, f_mem(insn.b));
      return scratch;
    }
    if (pinned(insn.b)) return host(insn.b);
    read(scratch, insn.b);
    return scratch;
  }

  // ---- if-conversion ------------------------------------------------------------------
  /// A forward branch over one register-only instruction (`if (!c) x = y op
  /// z`): the instruction is computed into rcx whatever the branch does and
  /// moved into place by a cmov, the skipped guest instructions refunded by
  /// another. Such branches often test data (CoreMark's crc16 takes one per
  /// bit, half of them mispredicted); the select costs two instructions more
  /// when the branch is predictable.
  bool emit_select(const IrInsn& branch) {
    const std::size_t at = position(branch);
    const IrInsn* body = select_body(at);
    if (body == nullptr) return false;
    const GuestReg d = body->dst;
    const auto skipped =
        static_cast<std::int32_t>(m_region.insns[*m_jump_to[at]].index - (branch.index + 1u));
    // The body computes into rcx as if rcx were d's register (holding d
    // first if the body reads it); d itself stays as it was.
    m_rax_in = 0;
    if ((registers_read(*body) & (1u << d)) != 0) read(rcx, d);
    const int home = m_map[d];
    m_map[d] = Gp::kIdCx;
    emit_insn(*body);
    m_map[d] = home;
    forget_checks(*body);
    m_zero_flag_in = 0;  // the body's flags are not the branch's
    m_rax_in = 0;
    compare(branch);
    const CondCode taken = cond_code(branch.cond);
    m_a.lea(rdx, ptr(kRemaining, skipped));
    m_a.cmov(taken, kRemaining, rdx);
    if (pinned(d)) {
      m_a.cmov(negate(taken), host(d), rcx);
    } else {
      m_a.cmov(taken, rcx, x_mem(d));
      m_a.mov(x_mem(d), rcx);
    }
    m_rax_holds = 0;
    m_zero_flag_of = 0;
    m_resume_at = *m_jump_to[at];
    return true;
  }
  /// The one instruction a forward branch at IR position `at` skips, when
  /// it can be computed unconditionally into rcx: no memory, no exit, no
  /// helper, nothing of rcx used as a scratch; nullptr otherwise.
  const IrInsn* select_body(std::size_t at) const {
    const std::optional<std::size_t> target = m_jump_to[at];
    if (!target || *target <= at + 1) return nullptr;
    const IrInsn* body = nullptr;
    for (std::size_t k = at + 1; k < *target; ++k) {
      if (m_heads[k].label.isValid()) return nullptr;  // entered from elsewhere too
      const IrInsn& insn = m_region.insns[k];
      if (insn.kind == IrKind::kNop) continue;
      if (body != nullptr || !selectable(insn)) return nullptr;
      body = &insn;
    }
    return body;
  }
  /// Register-only (computes_only), and none of the operations whose
  /// emission takes rcx or rdx as a scratch (shifts by a register, mul, div...).
  static bool selectable(const IrInsn& insn) {
    if (insn.dst == 0 || !computes_only(insn)) return false;
    switch (insn.kind) {
      case IrKind::kAluImm:
        switch (insn.alu) {
          case AluOp::kAdd:
          case AluOp::kXor:
          case AluOp::kOr:
          case AluOp::kAnd:
          case AluOp::kSll:
          case AluOp::kSrl:
          case AluOp::kSra:
            return true;
          default:
            return false;
        }
      case IrKind::kAlu:
        switch (insn.alu) {
          case AluOp::kAdd:
          case AluOp::kSub:
          case AluOp::kXor:
          case AluOp::kOr:
          case AluOp::kAnd:
            return true;
          default:
            return false;
        }
      default:
        return true;  // constants, copies, extensions
    }
  }

  void compare(const IrInsn& insn) {
    if (insn.a == 0 && insn.b == 0) {
      m_a.xor_(eax, eax);
      m_a.cmp(rax, rax);
      return;
    }
    if (insn.b == 0) {
      // The instruction before computed a (add, sub, logic, shift by a
      // constant) and its zero flag is still the test's.
      if (m_zero_flag_in == insn.a && (insn.cond == Cond::kEq || insn.cond == Cond::kNe)) return;
      // A *W result whose sign extension was deferred: its low half decides.
      const bool low = (m_low_test[position(insn)] & (1u << insn.a)) != 0;
      if (pinned(insn.a)) {
        Gp r = low ? host(insn.a).r32() : host(insn.a);
        m_a.test(r, r);
      } else if (take_rax(insn.a)) {
        Gp r = low ? Gp(eax) : Gp(rax);
        m_a.test(r, r);
      } else {
        Mem slot = x_mem(insn.a);
        if (low) slot.setSize(4);
        m_a.cmp(slot, 0);
      }
      return;
    }
    if (!pinned(insn.a) && pinned(insn.b)) {
      if (take_rax(insn.a)) {
        m_a.cmp(rax, host(insn.b));
      } else {
        m_a.cmp(x_mem(insn.a), host(insn.b));  // straight from the HartState
      }
      return;
    }
    const bool b_in_rax = pinned(insn.a) && rax_has(insn.b);
    Gp left = rax;
    if (pinned(insn.a)) {
      left = host(insn.a);
    } else {
      read_first(rax, insn.a);
    }
    m_a.emit(Inst::kIdCmp, left, b_in_rax ? Operand(rax) : operand(insn.b, false));
  }

  void emit_branch(const IrInsn& insn) {
    if (emit_select(insn)) return;
    compare(insn);
    const LoopHead* head = loop_head(insn);
    const std::uint32_t executed = insn.index + 1u;
    if (head != nullptr && head->index == executed) {  // to the next instruction: nothing to refund
      m_a.j(cond_code(insn.cond), head->label);
      return;
    }
    if (head != nullptr &&
        (head->index < executed || !leaves_a_loop(position(insn), *m_jump_to[position(insn)]))) {
      // A loop's edge, taken on every pass but the last, or a skip inside a
      // loop, where either way may be the common one: in line.
      Label not_taken = m_a.newLabel();
      m_a.j(negate(cond_code(insn.cond)), not_taken);
      loop_back(*head, insn.target, executed, position(insn));
      m_a.bind(not_taken);
      extend_deferred(m_extend_after[position(insn)]);
      return;
    }
    // A loop's exit or a side exit, seldom taken: its refund and way out go
    // after the body, so the hot path runs on with no taken jump.
    Label taken = m_a.newLabel();
    m_a.j(cond_code(insn.cond), taken);
    m_cold.push_back(Cold{Cold::kBranchTaken, &insn, taken, Label(), nullptr, false});
  }
  /// Whether a jump from IR position `from` forward to `to` leaves a loop
  /// that holds `from`.
  bool leaves_a_loop(std::size_t from, std::size_t to) const {
    for (std::size_t j = from + 1; j < to && j < m_jump_to.size(); ++j) {
      const std::optional<std::size_t> head = m_jump_to[j];
      if (head && *head <= from) return true;  // the back edge of a loop around `from`, skipped
    }
    return false;
  }
  /// The taken path of the forward branch or side exit `insn`.
  void emit_branch_taken(const IrInsn& insn) {
    if (const LoopHead* head = loop_head(insn)) {
      loop_back(*head, insn.target, insn.index + 1u, position(insn));
      return;
    }
    extend_deferred(m_extend_at_exit[position(insn)]);
    direct_exit(insn.target, insn.index + 1u);
  }

  void emit_indirect(const IrInsn& insn) {
    // Target first: rd may be rs1.
    effective_address(insn);
    m_a.and_(rax, -2);
    if (insn.dst != 0) {
      if (pinned(insn.dst)) {
        m_a.mov(host(insn.dst), insn.imm2);
      } else {
        m_a.mov(rcx, insn.imm2);
        m_a.mov(x_mem(insn.dst), rcx);
      }
    }
    adjust_remaining(insn.index + 1u);
    to_pins();
    Label lookup = m_a.newLabel();
    if (m_b.ras() && insn.dst == 0 && (insn.a == 1 || insn.a == 5)) {
      // A return: to the address the innermost call pushed, the host's own
      // return (predicted) to that call's landing pad, which pops it.
      m_a.cmp(rax, qword_ptr(rsp, 8));
      m_a.jne(lookup);
      m_a.ret(8);
    }
    m_a.bind(lookup);
    if (m_b.m_config.chaining) {
      if (m_b.m_config.count_stats) {
        m_a.mov(rcx,
                reinterpret_cast<std::uintptr_t>(m_b.m_config.ctx) + offsetof(JitContext, indirect_lookups));
        m_a.inc(qword_ptr(rcx));
      }
      // Lookup table entry (pc >> 1) & (size - 1), 16 bytes each: offset = (pc << 3) & mask.
      Label miss = m_a.newLabel();
      m_a.mov(ecx, eax);
      m_a.shl(ecx, 3);
      m_a.and_(ecx, static_cast<std::int32_t>((JitContext::kLookupSize - 1) << 4));
      m_a.mov(rdx, reinterpret_cast<std::uintptr_t>(m_b.m_config.ctx) + offsetof(JitContext, lookup));
      m_a.cmp(rax, qword_ptr(rdx, rcx, 0, offsetof(LookupEntry, pc)));
      m_a.jne(miss);
      m_a.jmp(qword_ptr(rdx, rcx, 0, offsetof(LookupEntry, code)));
      m_a.bind(miss);
    }
    jump_abs(m_b.m_runtime.exit_indirect);
  }

  /// A call: (return address, landing pad) onto the return stack, the host's
  /// `call` pushing the second so that the host predicts the return. The
  /// landing pad links to the return address; the callee's code follows it.
  void emit_call(const IrInsn& insn) {
    if (!m_b.ras()) return;
    Label full = m_a.newLabel(), push = m_a.newLabel(), callee = m_a.newLabel();
    m_a.cmp(rsp, m_b.ctx_mem(offsetof(JitContext, ras_floor)));
    m_a.jbe(full);
    m_a.bind(push);
    if (insn.imm2 <= static_cast<std::uint64_t>(INT32_MAX)) {
      m_a.push(Imm(static_cast<std::int32_t>(insn.imm2)));
    } else {
      m_a.mov(rcx, insn.imm2);
      m_a.push(rcx);
    }
    m_a.call(callee);
    link_jump(insn.imm2);  // the landing pad
    m_a.bind(callee);
    m_cold.push_back(Cold{Cold::kReturnStackFull, &insn, full, push, nullptr, false});
  }

  /// Embeds the instruction for a helper and returns its label.
  Label embed(const IrInsn& insn) {
    Label data = m_a.newLabel();
    EmbeddedInsn e{insn.insn, insn.pc, m_n - insn.index};
    m_data.push_back({data, e});
    return data;
  }

  void emit_fp(const IrInsn& insn) {
    Label slow = m_a.newLabel();
    // Past this instruction FS is Dirty on every path that goes on: the fast
    // path needed it, the helper sets it (or leaves the region, illegal).
    const bool fs_dirty = std::exchange(m_fs_dirty, true);
    if (m_b.m_config.host_fp && emit_fp_fast_path(m_a, m_b.m_hart, insn.insn, fp_int_operands(insn.insn),
                                                  m_b.m_config.fma, slow, fs_dirty, m_fp_cached)) {
      if (!fp_writes_x(insn.insn.op)) {
        const unsigned rd = insn.insn.rd & 31;
        fp_forget(rd);
        if (fp_read_soon(position(insn) + 1, rd)) {
          if (leaves_double_in_xmm0(insn.insn.op)) {
            m_a.movaps(xmm(fp_cache(rd)), xmm0);
          } else if (leaves_double_in_rax(insn.insn.op)) {
            m_a.movq(xmm(fp_cache(rd)), rax);
          }
        }
      }
      slow_path_out_of_line(Cold::kFpSlow, insn, slow);
      m_cold.back().fp_cached = m_fp_cached;
      return;
    }
    call_fp_helper(insn);
    fp_forget_all();  // the call clobbers every xmm register
  }
  // ---- FP registers cached in xmm2..xmm15 ---------------------------------------------
  // Copies only: every write goes to the HartState too, so nothing is ever
  // written back; a copy is dropped where paths join, where a helper may
  // have run (xmm registers do not survive calls) and where the HartState's
  // value changes without it.
  /// Whether an F/D instruction from IR position `from` on may read FP
  /// register `reg` while a copy made now would still be there (before a
  /// join, a helper or another write of it): else the copy is not worth
  /// its move.
  bool fp_read_soon(std::size_t from, unsigned reg) const {
    constexpr std::size_t kLookahead = 32;
    for (std::size_t j = from; j < m_region.insns.size() && j < from + kLookahead; ++j) {
      if (m_heads[j].label.isValid()) return false;
      const IrInsn& next = m_region.insns[j];
      if (next.kind == IrKind::kInterpret && !accesses_fp_csr(next.insn)) return false;
      if (next.kind == IrKind::kLoad && next.fp_data && next.dst == reg) return false;
      if (next.kind != IrKind::kFloat) continue;
      const isa::DecodedInsn& d = next.insn;
      if (reads_cached_copies(d.op) && (d.rs1 == reg || d.rs2 == reg || d.rs3 == reg)) return true;
      if (!fp_writes_x(d.op) && (d.rd & 31) == reg) return false;
    }
    return false;
  }
  /// After a helper call: the copies the hot code expects, from the HartState.
  void reload_fp_copies(const FpCached& cached) {
    for (unsigned r = 0; r < 32; ++r) {
      if (cached[r] >= 0) m_a.movsd(xmm(static_cast<std::uint32_t>(cached[r])), f_mem(r));
    }
  }
  void fp_forget_all() {
    m_fp_cached = kNothingCached;
    m_xmm_holds.fill(-1);
  }
  void fp_forget(unsigned reg) {
    if (m_fp_cached[reg] < 0) return;
    m_xmm_holds[static_cast<std::size_t>(m_fp_cached[reg])] = -1;
    m_fp_cached[reg] = -1;
  }
  /// The xmm register to hold a copy of `reg`: the one it has, else a free
  /// one, else the next in turn.
  std::uint32_t fp_cache(unsigned reg) {
    if (m_fp_cached[reg] >= 0) return static_cast<std::uint32_t>(m_fp_cached[reg]);
    std::size_t pick = kFirstCacheXmm;
    while (pick < m_xmm_holds.size() && m_xmm_holds[pick] >= 0) ++pick;
    if (pick == m_xmm_holds.size()) {
      pick = kFirstCacheXmm + m_fp_victim;
      m_fp_victim = (m_fp_victim + 1) % (m_xmm_holds.size() - kFirstCacheXmm);
      m_fp_cached[static_cast<std::size_t>(m_xmm_holds[pick])] = -1;
    }
    m_xmm_holds[pick] = static_cast<std::int8_t>(reg);
    m_fp_cached[reg] = static_cast<std::int8_t>(pick);
    return static_cast<std::uint32_t>(pick);
  }
  /// After a fast path: its slow path (a helper call) goes to the cold code
  /// and comes back here.
  void slow_path_out_of_line(Cold::Kind kind, const IrInsn& insn, const Label& slow) {
    Label resume = m_a.newLabel();
    m_a.bind(resume);
    m_cold.push_back(Cold{kind, &insn, slow, resume, nullptr, false});
  }
  /// Where guest register r (not x0) lives: its host register or the HartState.
  Operand x_operand(GuestReg r) const { return pinned(r) ? Operand(host(r)) : Operand(x_mem(r)); }
  /// Where the integer registers of the F/D instruction `d` live.
  FpIntOperands fp_int_operands(const isa::DecodedInsn& d) const {
    FpIntOperands x;
    if (fp_writes_x(d.op) && d.rd != isa::kZeroSink) x.xd = x_operand(d.rd);
    if (fp_reads_x(d.op) && d.rs1 != 0) x.xs1 = x_operand(d.rs1);
    return x;
  }
  /// The shared helper runs the instruction (execute_fp): the slow path of
  /// a fast one, the whole of the others.
  void call_fp_helper(const IrInsn& insn) {
    Label data = embed(insn);
    const bool reads = fp_reads_x(insn.insn.op) && pinned(insn.insn.rs1);
    const bool writes = fp_writes_x(insn.insn.op) && insn.insn.rd != isa::kZeroSink && pinned(insn.insn.rd);
    if (reads) m_a.mov(x_mem(insn.insn.rs1), host(insn.insn.rs1));
    m_a.lea(rdx, ptr(data));
    call_helper(reinterpret_cast<const void*>(&helpers::fp));
    check_status(insn, false);
    if (writes) m_a.mov(host(insn.insn.rd), x_mem(insn.insn.rd));
  }

  void emit_interpret(const IrInsn& insn) {
    if (is_atomic(insn.insn.op)) return emit_atomic(insn);
    Label slow = m_a.newLabel();
    // FP CSR accesses leave FS as it was or make it Dirty; anything else the
    // interpreter runs might change it.
    const bool fs_dirty = m_fs_dirty;
    if (!accesses_fp_csr(insn.insn)) m_fs_dirty = false;
    if (m_b.m_config.host_fp &&
        emit_fp_csr_fast_path(m_a, m_b.m_hart, insn.insn, csr_int_operands(insn.insn), slow, fs_dirty)) {
      // The FP CSRs hold no FP register: the copies stay, reloaded after the slow path's call.
      slow_path_out_of_line(Cold::kInterpretSlow, insn, slow);
      m_cold.back().fp_cached = m_fp_cached;
      return;
    }
    call_interpreter(insn);
    fp_forget_all();  // the call clobbers every xmm register
  }
  /// AMOs, LR and SC inline; the interpreter runs the slow path
  /// (misaligned, a TLB miss, outside the view, a host fault) and comes back.
  void emit_atomic(const IrInsn& insn) {
    const isa::DecodedInsn& d = insn.insn;
    Label slow = m_a.newLabel();
    AtomicOperands x;
    if (d.rd != isa::kZeroSink) x.rd = x_operand(d.rd);
    if (d.rs1 != 0) x.rs1 = x_operand(d.rs1);
    if (d.rs2 != 0) x.rs2 = x_operand(d.rs2);
    if (pinned(d.rs1)) {
      x.address = host(d.rs1);
      x.address_checked = (m_checked_bases & (1u << d.rs1)) != 0;
    } else {
      read(rax, d.rs1);
      x.address = rax;
    }
    emit_atomic_fast_path(m_a, m_b.m_hart, *m_b.m_memory, d, x, slow, [&] { fault_site(slow); });
    // The interpreter changes no FP register here: the copies stay, reloaded after its call.
    slow_path_out_of_line(Cold::kInterpretSlow, insn, slow);
    m_cold.back().fp_cached = m_fp_cached;
  }
  /// Where the integer registers of the CSR instruction `d` live (csrrw's source).
  FpIntOperands csr_int_operands(const isa::DecodedInsn& d) const {
    FpIntOperands x;
    if (d.rd != isa::kZeroSink) x.xd = x_operand(d.rd);
    if (d.op == isa::Op::kCsrrw && d.rs1 != 0) x.xs1 = x_operand(d.rs1);
    return x;
  }
  /// The interpreter runs the instruction: the slow path of a fast one, the whole of the others.
  void call_interpreter(const IrInsn& insn) {
    Label data = embed(insn);
    store_pinned(m_a, m_b.m_hart, m_map);
    m_a.lea(rdx, ptr(data));
    call_helper(reinterpret_cast<const void*>(&helpers::interpret));
    load_pinned(m_a, m_b.m_hart, m_map);  // mov does not change flags; status is still in rdx
    check_status(insn, true);
  }

 public:
  void emit_data() {
    m_a.align(AlignMode::kData, 16);
    for (auto& [label, e] : m_data) {
      m_a.bind(label);
      m_a.embed(&e, sizeof(e));
    }
    // AccessRecords, field by field: `exit` may be a label of this region.
    for (const PendingRecord& r : m_records) {
      m_a.bind(r.label);
      m_a.embedUInt64(r.helper);
      if (m_way_out.isValid()) {
        m_a.embedLabel(m_way_out, 8);
      } else {
        m_a.embedUInt64(reinterpret_cast<std::uintptr_t>(m_b.m_runtime.exit_with_pc));
      }
      m_a.embedUInt64(r.pc);
      m_a.embedUInt64(r.next_pc);
      m_a.embedUInt32(r.refund_before);
      m_a.embedUInt32(r.refund_after);
    }
  }

 private:
  const Backend& m_b;
  const IrRegion& m_region;
  Block& m_block;
  x86::Assembler& m_a;
  std::uint32_t m_n;
  std::pmr::memory_resource* m_scratch;
  std::pmr::vector<Cold> m_cold;
  PinMap m_map;                 ///< guest register -> host register id inside this region, or -1
  std::size_t m_resume_at = 0;  ///< IR position emission goes on from (past a select's body)
  std::pmr::vector<Swap> m_swaps;
  /// Whether `insn` is emitted as moves only (no flag changes): constants and
  /// copies (but not of x0, which is an xor) and extensions.
  static bool keeps_flags(const IrInsn& insn) {
    switch (insn.kind) {
      case IrKind::kMovImm:
      case IrKind::kNop:
        return true;
      case IrKind::kMov:
      case IrKind::kExtend:
        return insn.a != 0;
      default:
        return false;
    }
  }

  /// Uses a register must have over the one it displaces: the swap costs two
  /// moves at entry and two at the way out.
  static constexpr std::uint32_t kSwapMargin = 6;
  /// A use inside a loop body counts as this many: the swap is paid once per
  /// entry, the use once per pass. In the HartState, a value the loop
  /// carries from one pass to the next also waits each time for a store to
  /// forward to a load, which then sets the loop's pace (malloc_churn's byte
  /// loops: 12% less CPU time at 8 than at 2).
  static constexpr std::uint32_t kLoopWeight = 8;
  /// The guest register whose value the host's zero flag reflects after the
  /// instruction just emitted (0: none); m_zero_flag_in: before this one.
  GuestReg m_zero_flag_of = 0;
  GuestReg m_zero_flag_in = 0;
  /// The guest register (in the HartState) rax holds after the instruction
  /// just emitted (0: none); m_rax_in: on entry to this one (see take_rax).
  GuestReg m_rax_holds = 0;
  GuestReg m_rax_in = 0;
  /// mstatus.FS is known Dirty here: an F/D instruction ran on every path
  /// since the last place paths join, and nothing since could change FS.
  bool m_fs_dirty = false;
  static constexpr std::size_t kFirstCacheXmm = 2;  ///< xmm0 and xmm1 are the fast paths' scratch
  FpCached m_fp_cached = kNothingCached;
  std::array<std::int8_t, 16> m_xmm_holds = {-1, -1, -1, -1, -1, -1, -1, -1, -1,
                                             -1, -1, -1, -1, -1, -1, -1};  ///< per xmm, the guest FP register
  std::size_t m_fp_victim = 0;
  /// Per IR position of a branch or jump: guest registers (bit r) whose sign
  /// extension was deferred to its way out of the region.
  std::pmr::vector<std::uint32_t> m_extend_at_exit;
  /// Per IR position of a loop branch: the same, when it falls through.
  std::pmr::vector<std::uint32_t> m_extend_after;
  /// Per IR position of a zero test (beqz/bnez): guest registers (bit r)
  /// whose sign extension was deferred past it, so it tests their low half.
  std::pmr::vector<std::uint32_t> m_low_test;
  /// Per IR position: guest registers (bit r) known to hold canonical values there, small ones in the upper
  /// half (find_canonical).
  std::pmr::vector<std::uint64_t> m_canonical;
  std::pmr::vector<LoopHead> m_heads;  ///< per IR position
  /// Per IR position of a branch or jump: the position it jumps to inside the region.
  std::pmr::vector<std::optional<std::size_t>> m_jump_to;
  std::pmr::vector<std::pair<Label, EmbeddedInsn>> m_data;
  struct PendingRecord {
    Label label;
    std::uint64_t helper;
    GuestAddr pc;
    GuestAddr next_pc;
    std::uint32_t refund_before;
    std::uint32_t refund_after;
  };
  std::pmr::vector<PendingRecord> m_records;
  /// Bit r: guest register r, unchanged since, passed a base check on every
  /// path to here (DirectMemoryAccess checks a base once; join_checked_bases).
  std::uint32_t m_checked_bases = 0;
  /// Bit r: guest register r, unchanged since, holds a checked base plus an
  /// index on every path from the last place paths join (forms_index_base).
  std::uint32_t m_index_bases = 0;
  /// Per label: the bases checked on every forward jump to it so far.
  std::pmr::vector<std::uint32_t> m_checked_into;
  /// Per loop head: the bases its body may change (find_loop_forgets).
  std::pmr::vector<std::uint32_t> m_loop_forgets;
  /// Per loop head: the bases checked before its loop (check_loop_bases, check_before_loop).
  std::pmr::vector<std::uint32_t> m_loop_checks;
  bool m_any_loop_checks = false;  ///< some entry of m_loop_checks is not 0
  const bool m_checks_bases;       ///< the memory strategy checks base registers (MemoryAccess::checks_bases)
  Label m_way_out;        ///< to_pins, then exit_with_pc: where records leave when registers are swapped
  Label m_retry_way_out;  ///< to_pins, then exit_retry: where direct-view slow paths leave when swapped
};

// ---- backend -------------------------------------------------------------------

Backend::Backend(const BackendConfig& config)
    : m_config(config),
      m_hart(config.hart_in_reach && !config.base_registers ? config.hart : nullptr),
      m_pins(pin_map(view_register(config), m_hart.needs_register())),
      // The TLB path's short form addresses the TLB from the HartState's register.
      m_memory(std::make_unique<TlbMemoryAccess>(config.tlb, config.hart,
                                                 config.force_absolute_tlb || !m_hart.needs_register())) {}

bool Backend::view_register(const BackendConfig& config) {
  return config.view.base != nullptr &&
         (config.base_registers || DirectMemoryAccess::low_view(config.view.base) == 0);
}

Backend::~Backend() = default;

Result<void> Backend::emit_runtime(CodeArena& arena) {
  CodeHolder code;
  code.init(Environment::host(), reinterpret_cast<std::uint64_t>(arena.next()));
  ErrorRecorder errors;
  code.setErrorHandler(&errors);
  x86::Assembler a(&code);
  const auto ctx = reinterpret_cast<std::uintptr_t>(m_config.ctx);
  const Mem remaining = qword_ptr(rcx, offsetof(JitContext, remaining));
  const Mem kind = dword_ptr(rcx, offsetof(JitContext, exit_kind));

  Label enter = a.newLabel(), epilogue = a.newLabel(), exit_link = a.newLabel(), exit_indirect = a.newLabel(),
        exit_budget = a.newLabel(), exit_ecall = a.newLabel(), exit_with_pc = a.newLabel(),
        exit_retry = a.newLabel(), thunk = a.newLabel(), view_words = a.newLabel(),
        access_slow = a.newLabel();

  // void enter(const void* code)
  a.bind(enter);
  for (const Gp& r : {rbx, rbp, r12, r13, r14, r15}) a.push(r);
  a.sub(rsp, 8);  // keeps rsp 16-byte aligned for helper calls
  // The empty return stack: an entry whose return address (odd) no guest
  // return matches. Translated code may leave entries behind; the epilogue
  // drops them.
  a.push(1);
  a.push(0);
  a.mov(rcx, ctx);
  a.mov(qword_ptr(rcx, offsetof(JitContext, ras_top)), rsp);
  a.lea(rdx, qword_ptr(rsp, -static_cast<std::int32_t>(kReturnStackBytes)));
  a.mov(qword_ptr(rcx, offsetof(JitContext, ras_floor)), rdx);
  a.mov(rax, rdi);
  if (m_hart.needs_register()) a.mov(kHart, reinterpret_cast<std::uintptr_t>(m_config.hart));
  a.mov(rcx, ctx);
  a.mov(kRemaining, remaining);
  load_pinned(a, m_hart, m_pins);
  if (view_register(m_config)) a.mov(kViewBase, reinterpret_cast<std::uintptr_t>(m_config.view.base));
  a.jmp(rax);

  auto exit_with_kind = [&](const Label& label, ExitKind k, bool pc_in_rax) {
    a.bind(label);
    if (pc_in_rax) a.mov(m_hart.pc(), rax);
    a.mov(rcx, ctx);
    a.mov(kind, static_cast<std::uint32_t>(k));
    a.jmp(epilogue);
  };
  a.bind(exit_link);
  a.mov(rcx, ctx);
  a.mov(qword_ptr(rcx, offsetof(JitContext, exit_link)), rax);
  a.mov(kind, static_cast<std::uint32_t>(ExitKind::kLink));
  a.jmp(epilogue);
  exit_with_kind(exit_indirect, ExitKind::kIndirect, true);
  exit_with_kind(exit_budget, ExitKind::kBudget, true);
  exit_with_kind(exit_ecall, ExitKind::kEcall, true);
  exit_with_kind(exit_retry, ExitKind::kRetry, true);
  a.bind(exit_with_pc);  // the helper set the kind
  a.mov(m_hart.pc(), rax);
  a.bind(epilogue);
  store_pinned(a, m_hart, m_pins);
  a.mov(rcx, ctx);
  a.mov(remaining, kRemaining);
  a.mov(rsp, qword_ptr(rcx, offsetof(JitContext, ras_top)));
  a.add(rsp, 16 + 8);  // the empty entry, the alignment slot
  for (const Gp& r : {r15, r14, r13, r12, rbp, rbx}) a.pop(r);
  a.ret();

  // Call thunk: rcx = helper, rdx = a, rax = b. Saves the pinned registers
  // a C function may clobber and publishes the instruction count.
  a.bind(thunk);
  for (std::uint32_t id : kCallerSavedPinned) a.push(gpq(id));
  a.sub(rsp, 8);
  a.mov(rdi, ctx);
  a.mov(qword_ptr(rdi, offsetof(JitContext, remaining)), kRemaining);
  a.mov(rsi, rdx);
  a.mov(rdx, rax);
  a.call(rcx);
  if (m_config.clobber_xmm_in_calls) {
    // As a helper may (the ABI saves no xmm register): tests catch
    // translated code that keeps a value in one across a call. A normal
    // number (just below 2, as a double and as a single), not a NaN, which
    // the fast paths would send to their slow paths, hiding the stale read.
    for (std::uint32_t id = 2; id < 16; ++id) {
      a.pcmpeqd(xmm(id), xmm(id));
      a.psrld(xmm(id), 2);  // 0x3fffffff in each half: a number as a single too
    }
  }
  a.add(rsp, 8);
  for (auto it = kCallerSavedPinned.rbegin(); it != kCallerSavedPinned.rend(); ++it) a.pop(gpq(*it));
  a.ret();

  // Shared slow path of loads and stores: rdx = guest address, rax = value,
  // rcx = AccessRecord. Called from a region's cold code (rsp = 8 mod 16, as
  // the thunk expects after the push).
  {
    Label fail = a.newLabel(), after = a.newLabel();
    a.bind(access_slow);
    a.push(rcx);
    a.mov(rcx, qword_ptr(rcx, offsetof(AccessRecord, helper)));
    a.call(thunk);
    a.pop(rcx);
    a.test(edx, edx);
    a.jnz(fail);
    a.ret();
    a.bind(fail);
    a.add(rsp, 8);  // the return address into the region's cold code
    a.cmp(edx, static_cast<std::int32_t>(kHelperStopBefore));
    a.jne(after);
    a.mov(eax, dword_ptr(rcx, offsetof(AccessRecord, refund_before)));
    a.add(kRemaining, rax);
    a.mov(rax, qword_ptr(rcx, offsetof(AccessRecord, pc)));
    a.jmp(qword_ptr(rcx, offsetof(AccessRecord, exit)));
    a.bind(after);
    a.mov(eax, dword_ptr(rcx, offsetof(AccessRecord, refund_after)));
    a.add(kRemaining, rax);
    a.mov(rax, qword_ptr(rcx, offsetof(AccessRecord, next_pc)));
    a.jmp(qword_ptr(rcx, offsetof(AccessRecord, exit)));
  }

  // The direct view's size and base, within rip-relative reach of all code.
  a.align(AlignMode::kData, 8);
  a.bind(view_words);
  a.embedUInt64(m_config.view.size);

  if (errors.failed()) return make_error(ErrorKind::kInvalidArgument, "jit: runtime: {}", errors.message());
  bool full = false;
  auto placed = place(code, arena, full);
  if (!placed) return placed.error();
  if (full) return make_error(ErrorKind::kNoMemory, "jit: code arena too small for the runtime");
  std::uint8_t* base = placed.value();
  auto at = [&](const Label& l) { return base + code.labelOffsetFromBase(l); };
  if (m_config.view.base != nullptr) {
    m_view_limit = reinterpret_cast<std::uint64_t*>(at(view_words));
    const std::int32_t low = view_register(m_config) ? 0 : DirectMemoryAccess::low_view(m_config.view.base);
    m_memory = std::make_unique<DirectMemoryAccess>(m_view_limit, kViewBase, low);
  }
  m_runtime = Runtime{at(enter),        at(exit_link),  at(exit_indirect), at(exit_budget), at(exit_ecall),
                      at(exit_with_pc), at(exit_retry), at(thunk),         at(access_slow)};
  return {};
}

Result<bool> Backend::emit_region(const IrRegion& region, Block& block, CodeArena& arena) {
  CodeHolder& code = m_holder;  // reused: its memory stays allocated between regions
  code.reset(ResetPolicy::kSoft);
  code.init(Environment::host(), reinterpret_cast<std::uint64_t>(arena.next()));
  ErrorRecorder errors;
  code.setErrorHandler(&errors);
  x86::Assembler a(&code);
  std::pmr::monotonic_buffer_resource scratch(m_scratch.get(), kScratchBytes);
  RegionEmitter emitter(*this, region, block, a, &scratch);
  emitter.emit();
  emitter.emit_data();
  if (errors.failed()) {
    return make_error(ErrorKind::kInvalidArgument, "jit: cannot emit the region at {:#x}: {}", region.entry,
                      errors.message());
  }
  bool full = false;
  auto placed = place(code, arena, full);
  if (!placed) return placed.error();
  if (full) return false;
  std::uint8_t* base = placed.value();
  for (std::size_t i = 0; i < emitter.m_links.size(); ++i) {
    Link& link = block.links[i];
    link.jump = base + emitter.m_links[i].jump;
    link.stub = base + emitter.m_links[i].stub;
    auto rel = static_cast<std::int32_t>(link.stub - (link.jump + 5));
    std::memcpy(link.jump + 1, &rel, sizeof(rel));  // SAFETY: the 5-byte jmp emitted by direct_exit
  }
  block.links.resize(emitter.m_links.size());
  for (const RegionEmitter::PendingFaultSite& site : emitter.m_fault_labels) {
    const std::uint8_t* slow =
        site.slow.isValid() ? base + code.labelOffsetFromBase(site.slow) : m_runtime.exit_retry;
    m_fault_sites.add(FaultSite{reinterpret_cast<std::uintptr_t>(base + site.access),
                                reinterpret_cast<std::uintptr_t>(slow), site.pc, site.refund, site.leaves});
  }
  block.entry = base;
  block.code_bytes = static_cast<std::uint32_t>(code.codeSize());
  block.guest_insns = region.guest_insns;
  block.pages = region.pages;
  return true;
}

}  // namespace vmm::jit::x86_64
