// The cross-architecture path: RV64GC decoding throughput over real code, the
// decode-cache hit path, and execution of guest kernels under both engines,
// the interpreter (BM_Interp*) and the JIT (BM_Jit*), so the JIT's speed-up
// is a tracked figure (guest instructions per second, reported as items/s).
#include "support/bench_main.hpp"
#include "support/real_code.hpp"

#include <cstring>
#include <memory>
#include <span>

#include "guest_kernels.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"
#include "vmm/system/engine_choice.hpp"

namespace {

using namespace vmm;

using bench::real_code;

void BM_DecodeRealCode(benchmark::State& state) {
  auto code = real_code();
  std::int64_t decoded = 0;
  for (auto _ : state) {
    std::size_t offset = 0;
    while (offset + 4 <= code.size()) {
      std::uint32_t raw;
      std::memcpy(&raw, code.data() + offset, 4);
      isa::DecodedInsn d = isa::decode(raw);
      benchmark::DoNotOptimize(d);
      offset += d.length;
      ++decoded;
    }
  }
  state.SetItemsProcessed(decoded);
  state.counters["code_bytes"] = static_cast<double>(code.size());
}
VMM_BENCHMARK(BM_DecodeRealCode);

struct Machine {
  static constexpr GuestAddr kBase = 0x80000000;
  memory::AddressSpace space;
  std::unique_ptr<memory::GuestMemory> memory;
  cpu::HartState hart;
  std::unique_ptr<cpu::ExecutionEngine> engine;

  explicit Machine(const std::vector<std::uint32_t>& code,
                   system::EngineKind engine_kind = system::EngineKind::kInterp) {
    if (!space.add_ram(kBase, 1u << 20, memory::kPermRWX)) std::abort();
    memory = std::make_unique<memory::GuestMemory>(space);
    if (!memory->poke_bytes(kBase, code.data(), code.size() * 4)) std::abort();
    auto made = system::make_engine(engine_kind, hart, *memory);
    if (!made) std::abort();
    engine = std::move(made).value();
    space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
      if (kind == memory::kWatchCode) engine->invalidate_code_page(page);
    });
    hart.pc = kBase;
    hart.x[bench::kA2] = 3;
    hart.x[bench::kA5] = kBase + (512u << 10);
    // F/D enabled (Initial, as Linux starts a process) for fp_heavy_kernel:
    // a point of norm 1, a rotation by a thousandth of a radian, a divisor.
    constexpr std::uint64_t kFsInitial = std::uint64_t{1} << 13;
    hart.mstatus = kFsInitial;
    hart.f[bench::kFa0] = std::bit_cast<std::uint64_t>(0.6);
    hart.f[bench::kFa1] = std::bit_cast<std::uint64_t>(0.8);
    hart.f[bench::kFa2] = std::bit_cast<std::uint64_t>(std::cos(0.001));
    hart.f[bench::kFa3] = std::bit_cast<std::uint64_t>(std::sin(0.001));
    hart.f[bench::kFa4] = std::bit_cast<std::uint64_t>(3.0);
  }
};

void run_kernel(benchmark::State& state, const std::vector<std::uint32_t>& code,
                system::EngineKind kind = system::EngineKind::kInterp) {
  Machine m(code, kind);
  const auto budget = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    cpu::Stop stop = m.engine->run(budget);
    if (stop.reason != cpu::StopReason::kBudget) {
      state.SkipWithError("guest kernel stopped unexpectedly");
      break;
    }
  }
  bench_support::report_guest_instructions(state, budget);
}

void BM_InterpStraightLine(benchmark::State& state) { run_kernel(state, bench::straight_line_kernel()); }
void BM_InterpBranchHeavy(benchmark::State& state) { run_kernel(state, bench::branch_heavy_kernel()); }
void BM_InterpMemoryHeavy(benchmark::State& state) { run_kernel(state, bench::memory_heavy_kernel()); }
VMM_BENCHMARK(BM_InterpStraightLine)->Arg(1 << 20);
VMM_BENCHMARK(BM_InterpBranchHeavy)->Arg(1 << 20);
VMM_BENCHMARK(BM_InterpMemoryHeavy)->Arg(1 << 20);
void BM_InterpFpHeavy(benchmark::State& state) { run_kernel(state, bench::fp_heavy_kernel()); }
VMM_BENCHMARK(BM_InterpFpHeavy)->Arg(1 << 18);
void BM_InterpAtomics(benchmark::State& state) { run_kernel(state, bench::atomic_heavy_kernel()); }
VMM_BENCHMARK(BM_InterpAtomics)->Arg(1 << 20);

// The same kernels translated: translation happens in the first iteration only.
constexpr auto kJit = system::EngineKind::kJit;
void BM_JitStraightLine(benchmark::State& state) { run_kernel(state, bench::straight_line_kernel(), kJit); }
void BM_JitBranchHeavy(benchmark::State& state) { run_kernel(state, bench::branch_heavy_kernel(), kJit); }
void BM_JitMemoryHeavy(benchmark::State& state) { run_kernel(state, bench::memory_heavy_kernel(), kJit); }
VMM_BENCHMARK(BM_JitStraightLine)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitBranchHeavy)->Arg(1 << 22);
VMM_BENCHMARK(BM_JitMemoryHeavy)->Arg(1 << 22);
void BM_JitFpHeavy(benchmark::State& state) { run_kernel(state, bench::fp_heavy_kernel(), kJit); }
VMM_BENCHMARK(BM_JitFpHeavy)->Arg(1 << 22);

// Decode-cache hit path: re-entering a page that is already decoded, one
// instruction per run() call.
void BM_DecodeCacheHit(benchmark::State& state) {
  Machine m(bench::straight_line_kernel());
  for (auto _ : state) {
    m.hart.pc = Machine::kBase;
    benchmark::DoNotOptimize(m.engine->run(1));
  }
  state.SetItemsProcessed(state.iterations());
}
VMM_BENCHMARK(BM_DecodeCacheHit);

}  // namespace

BENCHMARK_MAIN();
