#pragma once
// The JIT engine: translates guest regions to x86-64 on first execution,
// chains them, and runs them; the interpreter serves what translated code
// leaves to it (the exact tail of a budget, rare instructions) so semantics
// live in one place. Same contract as the interpreter (cpu::ExecutionEngine):
// exact instruction counts, precise faults, no trap entry.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/cpu/engine.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/jit/code_cache.hpp"
#include "vmm/jit/context.hpp"
#include "vmm/jit/frontend.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::jit {

namespace x86_64 {
class Backend;
}

struct JitOptions {
  std::uint32_t max_region_insns = 64;
  std::size_t code_cache_bytes = std::size_t{64} << 20;
  /// Return to the caller after every region, never chain or use the
  /// indirect-branch table: what lockstep comparison needs.
  bool single_region = false;
  /// Address the TLB absolutely even when it is near the hart (tests the far path).
  bool force_absolute_tlb = false;
  /// Keep the HartState and the direct view in base registers (rbx, r14)
  /// even where 32-bit displacements reach them, which frees both registers
  /// for guest registers (tests the other path).
  bool force_base_registers = false;
  /// Shifts by a register use BMI2 (shlx/shrx/sarx) when the host has it;
  /// false keeps the cl form (tests the other path).
  bool bmi2 = true;
  /// A region is translated when the dispatcher reaches its entry this many
  /// times; until then the interpreter runs it one basic block at a time, so
  /// code that runs once (start-up, glibc initialisation) costs no translation.
  /// 0 translates everything on first execution (lockstep, tests of the back end).
  std::uint32_t hot_threshold = 64;
  /// Reach guest memory through the address space's direct view when it has
  /// one (user mode); false keeps the inline TLB lookup.
  bool direct_memory = true;
  /// Run the IR optimizer (rotates fused, dead writes removed) on every
  /// region; false translates the front end's IR as it is (tests, A/B runs).
  bool optimize = true;
  /// Common D instructions run on the host's SSE2 and FMA3 where that is
  /// provably exact, the shared soft-float helper otherwise; false calls the
  /// helper always (tests, A/B runs).
  bool host_fp = true;
  /// Fused multiply-adds join those fast paths when the host has FMA3;
  /// false keeps them on the helper (tests the other path).
  bool fma = true;
  /// Translated code's calls to helpers leave a number in xmm2..xmm15, as
  /// the ABI allows a helper to: catches code relying on them across a call (tests).
  bool clobber_xmm_in_calls = false;
};

class JitEngine final : public cpu::ExecutionEngine {
 public:
  /// True when this build can translate to the host (x86-64).
  static constexpr bool kAvailable = kHostX86_64;

  static Result<std::unique_ptr<JitEngine>> create(cpu::HartState& hart, memory::GuestMemory& memory,
                                                   const JitOptions& options = {});
  ~JitEngine() override;
  JitEngine(const JitEngine&) = delete;
  JitEngine& operator=(const JitEngine&) = delete;

  cpu::Stop run(std::uint64_t budget) override;
  void invalidate_code_page(GuestAddr page) override;
  void flush_code_range(GuestAddr start, GuestAddr end) override;
  std::optional<isa::DecodedInsn> peek(GuestAddr pc) override { return m_interp.peek(pc); }
  void set_count_memory_ops(bool enabled) override;
  void set_ecall_handler(cpu::EcallHandler handler) override { m_ecall_handler = std::move(handler); }
  [[nodiscard]] cpu::EngineStats stats() const override;
  [[nodiscard]] const char* name() const override { return "jit"; }
  [[nodiscard]] cpu::HartState& hart() override { return m_hart; }

  /// Translated-region statistics.
  struct Counters {
    std::uint64_t regions_translated = 0;
    std::uint64_t guest_insns_translated = 0;
    std::uint64_t translate_ns = 0;
    std::uint64_t dispatches = 0;        ///< regions entered from the dispatcher
    std::uint64_t link_exits = 0;        ///< direct branches that came back unchained
    std::uint64_t indirect_misses = 0;   ///< indirect jumps that missed the table
    std::uint64_t budget_tails = 0;      ///< budget ends finished by the interpreter
    std::uint64_t cold_blocks = 0;       ///< basic blocks run by the interpreter before being hot
    std::uint64_t cold_insns = 0;        ///< instructions retired in those blocks
    std::uint64_t retried_accesses = 0;  ///< direct-view accesses left to the interpreter (ExitKind::kRetry)
    std::uint64_t blocks_invalidated = 0;
    std::uint64_t cache_flushes = 0;
    std::uint64_t ecalls_handled = 0;  ///< ecalls the ecall handler ran without leaving run()
  };
  [[nodiscard]] const Counters& counters() const { return m_counters; }
  [[nodiscard]] const JitContext& context() const { return m_ctx; }
  [[nodiscard]] std::size_t code_bytes() const { return m_arena.used(); }
  /// True when translated code accesses guest memory through the direct view.
  [[nodiscard]] bool uses_direct_memory() const { return m_view.base != nullptr; }
  /// Whether guest calls and returns go through the return stack (host
  /// call/ret): chained runs, the JitContext within rip-relative reach, and
  /// no CET shadow stack (which would refuse the frames the runtime drops).
  [[nodiscard]] bool uses_return_stack() const;
  /// Whether translated code addresses the HartState rip-relative (rbx then
  /// holds a guest register).
  [[nodiscard]] bool hart_rip_relative() const;

  /// Translates the region at `pc` without running it (for benchmarks); false
  /// when it cannot be fetched.
  bool translate_only(GuestAddr pc);
  /// Drops every translation (benchmarks measure translation again).
  void flush_all();

  // ---- for helpers called by translated code (helpers.cpp) ----------------------
  [[nodiscard]] memory::GuestMemory& memory() { return m_memory; }
  [[nodiscard]] cpu::Interpreter& interpreter() { return m_interp; }
  /// Instructions retired in this run when `rest` instructions of the
  /// current region are still ahead (ctx.remaining as published by the thunk).
  [[nodiscard]] std::uint64_t retired(std::uint64_t rest) const {
    return m_budget - (m_ctx.remaining + rest);
  }
  [[nodiscard]] std::uint64_t instret_base() const { return m_instret_base; }
  /// A guest instruction wrote minstret: keep counting from its value.
  void rebase_instret(std::uint64_t instret_now, std::uint64_t retired_now) {
    m_instret_base = instret_now - retired_now;
  }
  /// Set when a write invalidated code; translated code must leave then.
  bool take_code_changed() {
    bool changed = m_code_changed;
    m_code_changed = false;
    return changed;
  }

 private:
  JitEngine(cpu::HartState& hart, memory::GuestMemory& memory, const JitOptions& options);
  Result<void> init();
  /// A back end for the current options, its runtime at the start of the arena.
  Result<void> start_backend();
  /// Unregisters the current back end's view-limit word from the address space.
  void release_view_limit_word();
  /// Translates the region at `pc`; null when the pc cannot be fetched
  /// (`fault` set) or translation failed (`fault` unset).
  Block* translate(GuestAddr pc, std::optional<cpu::Stop>& fault);
  cpu::Stop finish(cpu::Stop stop);
  cpu::Stop interpret_tail();
  /// Counts an entry at `pc`; true once the region there is hot enough to translate.
  bool heat_up(GuestAddr pc, std::uint32_t& block_length);
  /// Instructions from `pc` to the first control transfer, inclusive (at most
  /// max_region_insns): what the interpreter runs for a cold entry.
  std::uint32_t basic_block_length(GuestAddr pc);
  /// Interprets `length` instructions (fewer when the budget ends); the stop
  /// when the run ended early (ecall, fault, halt).
  std::optional<cpu::Stop> interpret_block(std::uint32_t length);
  /// The ecall stop `ecall` (hart.pc at the ecall, not retired) offered to
  /// the ecall handler: nullopt when it ran the ecall and run() goes on,
  /// else what run() returns.
  std::optional<cpu::Stop> offer_ecall(const cpu::Stop& ecall);
  /// Drops the entry counts (and block lengths) of pcs in [start, end).
  void forget_heat(GuestAddr start, GuestAddr end);

  /// Entry counts of cold regions, in sets of kHeatWays entries chosen by pc.
  struct Heat {
    GuestAddr pc = ~GuestAddr{0};
    std::uint32_t count = 0;
    std::uint32_t block_length = 0;
  };
  static constexpr std::size_t kHeatEntries = 4096;
  static constexpr std::size_t kHeatWays = 2;
  /// The first entry of pc's set.
  static std::size_t heat_set(GuestAddr pc) { return ((pc >> 1) * kHeatWays) & (kHeatEntries - 1); }
  static void on_block_killed(void* self, Block* block);

  cpu::HartState& m_hart;
  memory::GuestMemory& m_memory;
  JitOptions m_options;
  cpu::Interpreter m_interp;
  JitContext m_ctx;
  CodeArena m_arena;
  CodeCache m_cache;
  std::unique_ptr<x86_64::Backend> m_backend;
  std::size_t m_runtime_bytes = 0;
  std::uint64_t m_budget = 0;
  std::uint64_t m_instret_base = 0;
  bool m_code_changed = false;
  bool m_count_stats = false;
  cpu::EcallHandler m_ecall_handler;
  Counters m_counters;
  std::vector<Heat> m_heat;
  /// Every pc m_heat ever held lies in [m_heat_low, m_heat_high]: a flush of
  /// data pages (mprotect of a heap) need not look at the table.
  GuestAddr m_heat_low = ~GuestAddr{0};
  GuestAddr m_heat_high = 0;
  memory::DirectView m_view{};
  std::FILE* m_perf_map = nullptr;  ///< VMM_PERF_MAP=1: /tmp/perf-PID.map for perf report
};

}  // namespace vmm::jit
