#pragma once
// Registration used by every suite: VMM_BENCHMARK(fn) is BENCHMARK(fn) plus
// the harness defaults. With VMM_BENCH_ITERATIONS=N in the environment every
// benchmark runs exactly N iterations: the callgrind pass of `vm bench run`
// uses it so instruction counts are identical on every run of a binary.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>

namespace vmm::bench_support {

inline void apply_defaults(benchmark::internal::Benchmark* b) {
  if (const char* text = std::getenv("VMM_BENCH_ITERATIONS")) {
    long n = std::strtol(text, nullptr, 10);
    if (n > 0) b->Iterations(n);
  }
}

/// Guest kernels: items/s and the guest_MIPS counter for `per_iteration`
/// guest instructions retired in every iteration.
inline void report_guest_instructions(benchmark::State& state, std::uint64_t per_iteration) {
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(per_iteration));
  state.counters["guest_MIPS"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(per_iteration) / 1e6,
                         benchmark::Counter::kIsRate);
}

}  // namespace vmm::bench_support

#define VMM_BENCHMARK(fn) BENCHMARK(fn)->Apply(::vmm::bench_support::apply_defaults)
