#pragma once
// Registration used by every suite: VMM_BENCHMARK(fn) is BENCHMARK(fn) plus
// the harness defaults. With VMM_BENCH_ITERATIONS=N in the environment every
// benchmark runs exactly N iterations: the callgrind pass of `vm bench run`
// uses it so instruction counts are identical on every run of a binary.
#include <benchmark/benchmark.h>

#include <cstdlib>

namespace vmm::bench_support {

inline void apply_defaults(benchmark::internal::Benchmark* b) {
  if (const char* text = std::getenv("VMM_BENCH_ITERATIONS")) {
    long n = std::strtol(text, nullptr, 10);
    if (n > 0) b->Iterations(n);
  }
}

}  // namespace vmm::bench_support

#define VMM_BENCHMARK(fn) BENCHMARK(fn)->Apply(::vmm::bench_support::apply_defaults)
