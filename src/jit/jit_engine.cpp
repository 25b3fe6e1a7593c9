#include "vmm/jit/jit_engine.hpp"
#include "vmm/core/host_fds.hpp"
#include "vmm/core/log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <span>

#include <sys/syscall.h>
#include <unistd.h>

#include "backend/x86_64/emitter.hpp"
#include "backend/x86_64/host_cpu.hpp"
#include "vmm/jit/optimizer.hpp"

namespace vmm::jit {

namespace {

using EnterFn = void (*)(const void* code);

/// Whether the kernel enforces a CET shadow stack on this thread: host
/// returns must then match host calls, which the return stack's dropped
/// frames do not.
bool shadow_stack_enabled() {
#if defined(__linux__) && defined(__x86_64__)
  constexpr long kArchShstkStatus = 0x5005;  // ARCH_SHSTK_STATUS (Linux 6.6); older kernels: EINVAL
  unsigned long features = 0;
  if (::syscall(SYS_arch_prctl, kArchShstkStatus, &features) != 0) return false;
  return (features & 1u) != 0;  // ARCH_SHSTK_SHSTK
#else
  return false;
#endif
}

std::size_t count_links(const IrRegion& region) {
  std::size_t links = region.ends_with_fallthrough ? 1 : 0;
  for (const IrInsn& insn : region.insns) {
    // A call's landing pad (where the host returns to) links to the return address.
    if (insn.kind == IrKind::kBranch || insn.kind == IrKind::kJump || insn.kind == IrKind::kCall) ++links;
  }
  return links;
}

}  // namespace

JitEngine::JitEngine(cpu::HartState& hart, memory::GuestMemory& memory, const JitOptions& options)
    : m_hart(hart), m_memory(memory), m_options(options), m_interp(hart, memory) {
  if (m_options.hot_threshold > 0) m_heat.resize(kHeatEntries);
}

JitEngine::~JitEngine() {
  release_view_limit_word();
  if (m_perf_map != nullptr) std::fclose(m_perf_map);
}

void JitEngine::release_view_limit_word() {
  if (m_backend != nullptr && m_backend->view_limit_word() != nullptr) {
    m_memory.space().remove_view_limit_word(m_backend->view_limit_word());
  }
}

Result<std::unique_ptr<JitEngine>> JitEngine::create(cpu::HartState& hart, memory::GuestMemory& memory,
                                                     const JitOptions& options) {
  if constexpr (!kAvailable) {
    return make_error(ErrorKind::kUnsupported, "the JIT translates to x86-64 only; use --engine interp");
  }
  std::unique_ptr<JitEngine> engine(new JitEngine(hart, memory, options));
  VMM_TRY(engine->init());
  return engine;
}

Result<void> JitEngine::init() {
  m_ctx.engine = this;
  if (const char* want = std::getenv("VMM_PERF_MAP"); want != nullptr && *want == '1') {
    // perf's JIT symbol convention: `perf report` names translated regions by guest pc.
    m_perf_map = host_fds::open_for_writing(fmt::format("/tmp/perf-{}.map", ::getpid()).c_str());
  }
  // Near the engine: translated code then reaches its JitContext (and the
  // HartState, when it is allocated nearby) rip-relative.
  VMM_TRY(m_arena.init(m_options.code_cache_bytes, this, sizeof(*this)));
  if (m_options.direct_memory && x86_64::install_fault_handler()) m_view = m_memory.space().direct_view();
  VMM_TRY(start_backend());
  m_cache.set_kill_observer(&JitEngine::on_block_killed, this);
  return {};
}

Result<void> JitEngine::start_backend() {
  x86_64::BackendConfig config;
  config.hart = &m_hart;
  config.ctx = &m_ctx;
  config.tlb = &m_memory.tlb();
  config.count_stats = m_count_stats;
  config.chaining = !m_options.single_region;
  config.force_absolute_tlb = m_options.force_absolute_tlb;
  config.base_registers = m_options.force_base_registers;
  config.bmi2 = m_options.bmi2 && x86_64::host_has_bmi2();
  config.host_fp = m_options.host_fp;
  config.fma = m_options.fma && x86_64::host_has_fma();
  config.clobber_xmm_in_calls = m_options.clobber_xmm_in_calls;
  config.hart_in_reach = m_arena.reaches(&m_hart, sizeof(cpu::HartState));
  config.return_stack = uses_return_stack();
  if (m_view.base != nullptr) m_view = m_memory.space().direct_view();  // null once given up
  config.view = m_view;
  release_view_limit_word();
  m_arena.reset_to(0);
  m_backend = std::make_unique<x86_64::Backend>(config);
  VMM_TRY(m_backend->emit_runtime(m_arena));
  m_runtime_bytes = m_arena.used();
  // Should the address space give the view up, it zeroes this word.
  if (std::uint64_t* word = m_backend->view_limit_word()) m_memory.space().add_view_limit_word(word);
  return {};
}

bool JitEngine::uses_return_stack() const {
  static const bool shadow_stack = shadow_stack_enabled();
  return !m_options.single_region && !shadow_stack && m_arena.reaches(&m_ctx, sizeof(JitContext));
}

bool JitEngine::hart_rip_relative() const { return !m_backend->hart_needs_register(); }

void JitEngine::set_count_memory_ops(bool enabled) {
  m_interp.set_count_memory_ops(enabled);
  if (enabled == m_count_stats) return;
  // Counting is compiled into translated code: start over with a new back end.
  m_count_stats = enabled;
  flush_all();
  if (!start_backend()) log::error("jit: cannot emit the runtime");
}

void JitEngine::on_block_killed(void* self, Block* block) {
  auto& engine = *static_cast<JitEngine*>(self);
  LookupEntry& entry = engine.m_ctx.lookup[JitContext::lookup_index(block->pc)];
  if (entry.code == block->entry) entry = LookupEntry{};
  ++engine.m_counters.blocks_invalidated;
}

void JitEngine::invalidate_code_page(GuestAddr page) {
  m_interp.invalidate_code_page(page);
  m_cache.invalidate_page(page);
  forget_heat(page, page + kPageSize);
  m_code_changed = true;
}

void JitEngine::flush_code_range(GuestAddr start, GuestAddr end) {
  m_interp.flush_code_range(start, end);
  m_cache.invalidate_range(start, end);
  forget_heat(start, end);
}

void JitEngine::forget_heat(GuestAddr start, GuestAddr end) {
  if (end <= m_heat_low || start > m_heat_high) return;
  // Basic-block lengths there may have changed with the code.
  for (Heat& heat : m_heat) {
    if (heat.pc >= start && heat.pc < end) heat = Heat{};
  }
}

void JitEngine::flush_all() {
  m_cache.clear();
  m_arena.reset_to(m_runtime_bytes);
  m_backend->forget_code();
  m_ctx.lookup.fill(LookupEntry{});
  ++m_counters.cache_flushes;
}

Block* JitEngine::translate(GuestAddr pc, std::optional<cpu::Stop>& fault) {
  auto start = std::chrono::steady_clock::now();
  FrontendOptions options;
  options.max_insns = m_options.max_region_insns;
  // In U-mode mstatus.FS cannot change, so FP loads and stores need no check.
  options.inline_fp_memory =
      m_hart.priv == cpu::Privilege::kUser && (m_hart.mstatus & cpu::mstatus::kFs) != 0;
  options.is_entry = [this](GuestAddr at) { return m_cache.starts_block(at); };
  std::optional<IrRegion> region =
      build_region([this](GuestAddr at) { return m_interp.peek(at); }, pc, options);
  if (!region) {
    fault = cpu::Stop{cpu::StopReason::kException, cpu::Cause::kInsnAccessFault, m_memory.last_fault().addr};
    return nullptr;
  }
  if (m_options.optimize) optimize(*region, uses_direct_memory());
  for (int attempt = 0; attempt < 2; ++attempt) {
    Block* block = m_cache.create(pc, count_links(*region));
    if (block == nullptr) return nullptr;
    Result<bool> emitted = m_backend->emit_region(*region, *block, m_arena);
    if (!emitted) {
      log::error("{}", emitted.error().message);
      m_cache.discard(block);
      return nullptr;
    }
    if (!emitted.value()) {  // the arena is full: start over
      m_cache.discard(block);
      flush_all();
      continue;
    }
    m_cache.publish(block);
    if (m_perf_map != nullptr) {
      fmt::print(m_perf_map, "{:x} {:x} guest_{:x}\n", reinterpret_cast<std::uintptr_t>(block->entry),
                 block->code_bytes, pc);
    }
    if (log::enabled(log::Level::kTrace)) {
      std::string hex;
      for (std::uint32_t i = 0; i < block->code_bytes; ++i) hex += fmt::format("{:02x}", block->entry[i]);
      log::trace("jit: region {:#x}: {} guest instructions, {} bytes at {}: {}", pc, region->guest_insns,
                 block->code_bytes, fmt::ptr(block->entry), hex);
    }
    ++m_counters.regions_translated;
    m_counters.guest_insns_translated += region->guest_insns;
    m_counters.translate_ns += static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
            .count());
    return block;
  }
  return nullptr;
}

bool JitEngine::translate_only(GuestAddr pc) {
  std::optional<cpu::Stop> fault;
  return m_cache.find(pc) != nullptr || translate(pc, fault) != nullptr;
}

cpu::Stop JitEngine::finish(cpu::Stop stop) {
  m_hart.instret = m_instret_base + (m_budget - m_ctx.remaining);
  return stop;
}

cpu::Stop JitEngine::interpret_tail() {
  m_hart.instret = m_instret_base + (m_budget - m_ctx.remaining);
  ++m_counters.budget_tails;
  return m_interp.run(m_ctx.remaining);
}

std::uint32_t JitEngine::basic_block_length(GuestAddr pc) {
  std::uint32_t length = 0;
  while (length < m_options.max_region_insns) {
    std::optional<isa::DecodedInsn> insn = m_interp.peek(pc);
    ++length;  // an instruction that cannot be fetched faults when the interpreter reaches it
    if (!insn || ends_basic_block(insn->op)) break;
    pc += insn->length;
  }
  return length;
}

bool JitEngine::heat_up(GuestAddr pc, std::uint32_t& block_length) {
  if (m_heat.empty()) return true;
  std::span<Heat> set(&m_heat[heat_set(pc)], kHeatWays);
  auto heat = std::find_if(set.begin(), set.end(), [&](const Heat& h) { return h.pc == pc; });
  if (heat == set.end()) {
    // A miss takes the coldest entry of the set and hands its count on:
    // more pcs than ways that alias then still get hot (one perhaps early)
    // instead of evicting each other forever.
    heat = std::min_element(set.begin(), set.end(),
                            [](const Heat& a, const Heat& b) { return a.count < b.count; });
    *heat = Heat{pc, heat->count, basic_block_length(pc)};
    m_heat_low = std::min(m_heat_low, pc);
    m_heat_high = std::max(m_heat_high, pc);
  }
  block_length = heat->block_length;
  return ++heat->count > m_options.hot_threshold;
}

std::optional<cpu::Stop> JitEngine::interpret_block(std::uint32_t length) {
  const std::uint64_t count = std::min<std::uint64_t>(length, m_ctx.remaining);
  const std::uint64_t retired = m_budget - m_ctx.remaining;
  const std::uint64_t instret_before = m_instret_base + retired;
  m_hart.instret = instret_before;
  cpu::Stop stop = m_interp.run(count);
  ++m_counters.cold_blocks;
  if (stop.reason == cpu::StopReason::kBudget) {
    // Blocks end at CSR instructions, so only the last one can have written
    // minstret: count on from what it left.
    rebase_instret(m_hart.instret, retired + count);
    m_ctx.remaining -= count;
    m_counters.cold_insns += count;
    return std::nullopt;
  }
  // Only instructions before the one that stopped the run retired (or, for a
  // halt, that one too); none of them wrote minstret.
  const std::uint64_t executed = std::min<std::uint64_t>(m_hart.instret - instret_before, count);
  m_ctx.remaining -= executed;
  m_counters.cold_insns += executed;
  return stop;
}

std::optional<cpu::Stop> JitEngine::offer_ecall(const cpu::Stop& ecall) {
  if (!m_ecall_handler || m_ctx.remaining == 0) return ecall;
  m_hart.instret = m_instret_base + (m_budget - m_ctx.remaining);
  const cpu::EcallAction action = m_ecall_handler(m_hart);
  if (action == cpu::EcallAction::kNotHandled) return ecall;
  --m_ctx.remaining;  // the ecall retired
  ++m_counters.ecalls_handled;
  if (action == cpu::EcallAction::kStop) return ecall;
  return std::nullopt;
}

cpu::Stop JitEngine::run(std::uint64_t budget) {
  const x86_64::DefaultFpMode fp_mode;  // what translated F/D code computes in
  m_budget = budget;
  m_ctx.remaining = budget;
  m_instret_base = m_hart.instret;
  auto enter = reinterpret_cast<EnterFn>(m_backend->runtime().enter);
  for (;;) {
    if (m_view.base != nullptr && m_memory.space().view_given_up()) {
      // The address space gave the view up and opened all of guest RAM:
      // translated code checks a base register once per run of accesses, so
      // none of it may stay.
      flush_all();
      if (!start_backend()) log::error("jit: cannot emit the runtime");
      enter = reinterpret_cast<EnterFn>(m_backend->runtime().enter);
    }
    m_cache.collect();
    if (m_ctx.remaining == 0) return finish(cpu::Stop{});
    // A region entered before is in the lookup table (killed blocks leave
    // it): no hash lookup then, as after most system calls.
    const LookupEntry& known = m_ctx.lookup[JitContext::lookup_index(m_hart.pc)];
    const void* code = known.pc == m_hart.pc ? known.code : nullptr;
    if (code == nullptr) {
      std::optional<cpu::Stop> fault;
      Block* block = m_cache.find(m_hart.pc);
      std::uint32_t block_length = 0;
      if (block == nullptr && !heat_up(m_hart.pc, block_length)) {
        if (std::optional<cpu::Stop> stop = interpret_block(block_length)) {
          if (stop->reason != cpu::StopReason::kEcall) return finish(*stop);
          if (std::optional<cpu::Stop> end = offer_ecall(*stop)) return finish(*end);
        }
        if (m_options.single_region) return finish(cpu::Stop{});
        continue;
      }
      if (block == nullptr) block = translate(m_hart.pc, fault);
      if (block == nullptr) {
        if (fault) return finish(*fault);
        // The back end could not translate this region: interpret it instead.
        return interpret_tail();
      }
      if (!m_options.single_region) {
        m_ctx.lookup[JitContext::lookup_index(block->pc)] = LookupEntry{block->pc, block->entry};
      }
      code = block->entry;
    }
    ++m_counters.dispatches;
    m_code_changed = false;
    if (m_view.base != nullptr) {
      x86_64::FaultRedirect redirect(m_backend->fault_sites());
      enter(code);
    } else {
      enter(code);
    }
    switch (m_ctx.exit_kind) {
      case ExitKind::kLink: {
        Link* link = m_ctx.exit_link;
        m_hart.pc = link->target_pc;
        ++m_counters.link_exits;
        if (m_options.single_region || link->owner->dead) break;
        // Chain to the target once it is translated (the loop translates it when hot).
        if (Block* target = m_cache.find(link->target_pc)) m_cache.chain(*link, target);
        break;
      }
      case ExitKind::kIndirect:
        ++m_counters.indirect_misses;
        break;
      case ExitKind::kBudget:
        // The next region is longer than what is left: the interpreter
        // finishes the budget exactly (never with 0, which it cannot take).
        if (m_ctx.remaining == 0) return finish(cpu::Stop{});
        return interpret_tail();
      case ExitKind::kEcall:
        if (std::optional<cpu::Stop> end = offer_ecall(cpu::Stop{
                cpu::StopReason::kEcall,
                m_hart.priv == cpu::Privilege::kUser ? cpu::Cause::kEcallFromU : cpu::Cause::kEcallFromM,
                0})) {
          return finish(*end);
        }
        break;
      case ExitKind::kStop:
        return finish(m_ctx.stop);
      case ExitKind::kResume:
        break;
      case ExitKind::kRetry:
        // The interpreter runs the access through GuestMemory: it faults
        // there precisely, or ends the code watch it ran into and goes on.
        ++m_counters.retried_accesses;
        if (std::optional<cpu::Stop> stop = interpret_block(1)) return finish(*stop);
        break;
    }
    if (m_options.single_region) return finish(cpu::Stop{});
  }
}

cpu::EngineStats JitEngine::stats() const {
  const Counters& c = m_counters;
  auto ratio = [](double part, double whole) { return whole > 0 ? part / whole : 0.0; };
  cpu::EngineStats stats = m_interp.stats();
  stats.emplace_back("regions_translated", static_cast<double>(c.regions_translated));
  stats.emplace_back("guest_insns_translated", static_cast<double>(c.guest_insns_translated));
  stats.emplace_back("translate_time_s", static_cast<double>(c.translate_ns) * 1e-9);
  stats.emplace_back("translate_ns_per_insn", ratio(static_cast<double>(c.translate_ns),
                                                    static_cast<double>(c.guest_insns_translated)));
  stats.emplace_back("code_cache_bytes", static_cast<double>(m_arena.used()));
  stats.emplace_back("links_chained", static_cast<double>(m_cache.links_made()));
  stats.emplace_back("dispatches", static_cast<double>(c.dispatches));
  stats.emplace_back("unchained_exits", static_cast<double>(c.link_exits));
  stats.emplace_back("indirect_misses", static_cast<double>(c.indirect_misses));
  stats.emplace_back("blocks_invalidated", static_cast<double>(c.blocks_invalidated));
  stats.emplace_back("cache_flushes", static_cast<double>(c.cache_flushes));
  stats.emplace_back("budget_tails", static_cast<double>(c.budget_tails));
  stats.emplace_back("cold_blocks", static_cast<double>(c.cold_blocks));
  stats.emplace_back("cold_insns", static_cast<double>(c.cold_insns));
  stats.emplace_back("retried_accesses", static_cast<double>(c.retried_accesses));
  stats.emplace_back("ecalls_in_run", static_cast<double>(c.ecalls_handled));
  if (m_count_stats) {
    // Every region entry not made by the dispatcher came through a chained branch
    // or the indirect-branch table.
    auto entries = static_cast<double>(m_ctx.region_entries);
    auto lookups = static_cast<double>(m_ctx.indirect_lookups);
    auto direct_in_code =
        entries - static_cast<double>(c.dispatches) - (lookups - static_cast<double>(c.indirect_misses));
    stats.emplace_back("region_entries", entries);
    stats.emplace_back("chained_hit_rate",
                       ratio(direct_in_code, direct_in_code + static_cast<double>(c.link_exits)));
    stats.emplace_back("indirect_lookups", lookups);
    stats.emplace_back("indirect_hit_rate", ratio(lookups - static_cast<double>(c.indirect_misses), lookups));
  }
  return stats;
}

}  // namespace vmm::jit
