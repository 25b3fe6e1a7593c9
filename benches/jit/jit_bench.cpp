// The JIT: translation cost (ns per guest instruction, items/s = guest
// instructions translated per second) over real RV64GC code, hot-path
// execution of guest kernels with chained dispatch against dispatch through
// the C++ loop after every region, memory through the TLB against the direct
// view, and the code-cache lookup.
#include "support/bench_main.hpp"
#include "support/real_code.hpp"

#include <cstring>
#include <memory>
#include <span>

#include "../cross_arch/guest_kernels.hpp"
#include "vmm/jit/jit_engine.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace {

using namespace vmm;

constexpr GuestAddr kBase = 0x80000000;

using bench::real_code;

struct JitMachine {
  memory::AddressSpace space;
  std::unique_ptr<memory::GuestMemory> memory;
  cpu::HartState hart;
  std::unique_ptr<jit::JitEngine> engine;

  /// `direct`: RAM in a 4 GiB window at guest 0 with a direct view (the JIT's
  /// user-mode memory path) instead of private RAM at kBase (its TLB path).
  JitMachine(const void* code, std::size_t bytes, const jit::JitOptions& options = {}, bool direct = false) {
    bool added = direct ? space.add_ram(0, std::uint64_t{1} << 32, memory::kPermNone,
                                        memory::RamBacking::kDirectView) &&
                              space.map(kBase, 4u << 20, memory::kPermRWX)
                        : static_cast<bool>(space.add_ram(kBase, 4u << 20, memory::kPermRWX));
    if (!added) std::abort();
    memory = std::make_unique<memory::GuestMemory>(space);
    if (!memory->poke_bytes(kBase, code, bytes)) std::abort();
    auto made = jit::JitEngine::create(hart, *memory, options);
    if (!made) std::abort();
    engine = std::move(made).value();
    if (engine->uses_direct_memory() != direct) std::abort();
    space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
      if (kind == memory::kWatchCode) engine->invalidate_code_page(page);
    });
    hart.pc = kBase;
    hart.mstatus = cpu::mstatus::kFs;
    hart.x[bench::kA2] = 3;
    hart.x[bench::kA5] = kBase + (2u << 20);
  }
};

// Translation of regions starting every 64 bytes through 64 KiB of glibc code,
// for the TLB memory path (system mode) or the direct view (user mode).
void translate_real_code(benchmark::State& state, bool direct) {
  auto code = real_code();
  std::size_t bytes = std::min<std::size_t>(code.size(), 64u << 10);
  JitMachine m(code.data(), bytes, {}, direct);
  std::uint64_t guest_insns = 0;
  for (auto _ : state) {
    m.engine->flush_all();
    std::uint64_t before = m.engine->counters().guest_insns_translated;
    for (std::size_t offset = 0; offset + 64 <= bytes; offset += 64) m.engine->translate_only(kBase + offset);
    guest_insns += m.engine->counters().guest_insns_translated - before;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(guest_insns));
  state.counters["ns_per_guest_insn"] = benchmark::Counter(
      static_cast<double>(guest_insns), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  // The arena holds the last iteration's code only (flush_all resets it).
  auto per_iteration = static_cast<double>(guest_insns) / static_cast<double>(state.iterations());
  state.counters["host_bytes_per_guest_insn"] = static_cast<double>(m.engine->code_bytes()) / per_iteration;
}
void BM_JitTranslateRealCode(benchmark::State& state) { translate_real_code(state, false); }
VMM_BENCHMARK(BM_JitTranslateRealCode);
void BM_JitTranslateRealCodeDirect(benchmark::State& state) { translate_real_code(state, true); }
VMM_BENCHMARK(BM_JitTranslateRealCodeDirect);

void run_kernel(benchmark::State& state, const std::vector<std::uint32_t>& code, bool chained,
                bool direct = false, std::uint32_t max_region_insns = 64) {
  jit::JitOptions options;
  options.single_region = !chained;
  options.max_region_insns = max_region_insns;
  JitMachine m(code.data(), code.size() * 4, options, direct);
  const auto budget = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    cpu::Stop stop{};
    // Unchained, the engine returns after each region: run() again until the budget is used.
    for (std::uint64_t done = 0; done < budget && stop.reason == cpu::StopReason::kBudget;) {
      std::uint64_t before = m.hart.instret;
      stop = m.engine->run(budget - done);
      done += m.hart.instret - before;
    }
    if (stop.reason != cpu::StopReason::kBudget) {
      state.SkipWithError("guest kernel stopped unexpectedly");
      break;
    }
  }
  bench_support::report_guest_instructions(state, budget);
}

// Regions of at most four instructions, so the kernel's loop crosses regions
// (a loop inside one region never leaves it): chained region to region, or
// back through the dispatcher each time.
void BM_JitBranchHeavyChained(benchmark::State& state) {
  run_kernel(state, bench::branch_heavy_kernel(), true, false, 4);
}
void BM_JitBranchHeavyUnchained(benchmark::State& state) {
  run_kernel(state, bench::branch_heavy_kernel(), false, false, 4);
}
// The same kernel in regions as long as the JIT makes them (64 instructions).
void BM_JitBranchHeavyLongRegions(benchmark::State& state) {
  run_kernel(state, bench::branch_heavy_kernel(), true);
}
void BM_JitStraightLineChained(benchmark::State& state) {
  run_kernel(state, bench::straight_line_kernel(), true);
}
void BM_JitMemoryHeavyChained(benchmark::State& state) {
  run_kernel(state, bench::memory_heavy_kernel(), true);
}
// The same kernel through the direct view (user mode's memory path).
void BM_JitMemoryHeavyDirect(benchmark::State& state) {
  run_kernel(state, bench::memory_heavy_kernel(), true, true);
}
VMM_BENCHMARK(BM_JitBranchHeavyChained)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitBranchHeavyUnchained)->Arg(1 << 20);
VMM_BENCHMARK(BM_JitBranchHeavyLongRegions)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitStraightLineChained)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitMemoryHeavyChained)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitMemoryHeavyDirect)->Arg(1 << 22);
// Atomics: inline on the direct view, through the interpreter on the TLB path.
void BM_JitAtomicsDirect(benchmark::State& state) {
  run_kernel(state, bench::atomic_heavy_kernel(), true, true);
}
void BM_JitAtomicsChained(benchmark::State& state) { run_kernel(state, bench::atomic_heavy_kernel(), true); }
VMM_BENCHMARK(BM_JitAtomicsDirect)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitAtomicsChained)->Arg(1 << 20);

// Code-cache lookup: finding an already translated region by guest pc.
void BM_JitCodeCacheLookup(benchmark::State& state) {
  auto code = real_code();
  std::size_t bytes = std::min<std::size_t>(code.size(), 64u << 10);
  JitMachine m(code.data(), bytes);
  for (std::size_t offset = 0; offset + 64 <= bytes; offset += 64) m.engine->translate_only(kBase + offset);
  std::size_t offset = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.engine->translate_only(kBase + offset));
    offset = (offset + 64 * 7) % (bytes - 64) & ~std::size_t{63};
  }
  state.SetItemsProcessed(state.iterations());
}
VMM_BENCHMARK(BM_JitCodeCacheLookup);

}  // namespace

BENCHMARK_MAIN();
