// Guest memory: pool allocation against new/delete, TLB hit and miss paths,
// guest RAM read/write through the checked accessors.
#include "support/bench_main.hpp"

#include <memory>
#include <vector>

#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"
#include "vmm/memory/pool.hpp"

namespace {

using namespace vmm;
using namespace vmm::memory;

struct Object64 {
  std::uint64_t words[8];
};

void BM_ObjectPoolAllocFree(benchmark::State& state) {
  TypedPool<Object64> pool;
  std::vector<Object64*> live(64);
  for (auto _ : state) {
    for (auto& p : live) p = pool.create();
    for (auto* p : live) pool.destroy(p);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(live.size()));
}
VMM_BENCHMARK(BM_ObjectPoolAllocFree);

void BM_NewDeleteReference(benchmark::State& state) {
  std::vector<Object64*> live(64);
  for (auto _ : state) {
    for (auto& p : live) p = new Object64;
    for (auto* p : live) delete p;
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(live.size()));
}
VMM_BENCHMARK(BM_NewDeleteReference);

void BM_PagePoolAllocFree(benchmark::State& state) {
  PagePool pool;
  std::vector<void*> live(64);
  for (auto _ : state) {
    for (auto& p : live) p = pool.allocate();
    for (auto* p : live) pool.free(p);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(live.size()));
}
VMM_BENCHMARK(BM_PagePoolAllocFree);

void BM_AlignedNewPageReference(benchmark::State& state) {
  std::vector<void*> live(64);
  for (auto _ : state) {
    for (auto& p : live) p = ::operator new (4096, std::align_val_t{4096});
    for (auto* p : live) ::operator delete (p, std::align_val_t{4096});
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(live.size()));
}
VMM_BENCHMARK(BM_AlignedNewPageReference);

struct Ram {
  static constexpr GuestAddr kBase = 0x80000000;
  static constexpr std::uint64_t kSize = 16u << 20;
  AddressSpace space;
  std::unique_ptr<GuestMemory> memory;
  Ram() {
    if (!space.add_ram(kBase, kSize, kPermRW)) std::abort();
    memory = std::make_unique<GuestMemory>(space);
  }
};

// Loads that always hit: 8 KiB working set, two pages.
void BM_TlbHitLoad(benchmark::State& state) {
  Ram ram;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    for (GuestAddr a = Ram::kBase; a < Ram::kBase + 8192; a += 8) {
      std::uint64_t v;
      if (!ram.memory->load(a, v)) std::abort();
      sum += v;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * 1024);
  state.SetBytesProcessed(state.iterations() * 8192);
}
VMM_BENCHMARK(BM_TlbHitLoad);

// Loads that always miss: a stride equal to the TLB reach, so every access
// maps to the same TLB slot with a different tag (slow path + refill).
void BM_TlbMissLoad(benchmark::State& state) {
  Ram ram;
  std::uint64_t sum = 0;
  constexpr std::uint64_t kStride = Tlb::kEntries * kPageSize;
  for (auto _ : state) {
    for (GuestAddr a = Ram::kBase; a < Ram::kBase + Ram::kSize; a += kStride) {
      std::uint64_t v;
      if (!ram.memory->load(a, v)) std::abort();
      sum += v;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(Ram::kSize / kStride));
}
VMM_BENCHMARK(BM_TlbMissLoad);

void BM_GuestRamWriteRead(benchmark::State& state) {
  Ram ram;
  const auto bytes = static_cast<std::uint64_t>(state.range(0));
  std::vector<std::uint8_t> buffer(bytes, 0x5a);
  for (auto _ : state) {
    if (!ram.memory->write_bytes(Ram::kBase + 64, buffer.data(), bytes)) std::abort();
    if (!ram.memory->read_bytes(Ram::kBase + 64, buffer.data(), bytes)) std::abort();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(2 * bytes));
}
VMM_BENCHMARK(BM_GuestRamWriteRead)->Arg(64)->Arg(4096)->Arg(1 << 20);

void BM_GuestStoreStream(benchmark::State& state) {
  Ram ram;
  for (auto _ : state) {
    for (GuestAddr a = Ram::kBase; a < Ram::kBase + 65536; a += 8) {
      if (!ram.memory->store(a, a)) std::abort();
    }
  }
  state.SetBytesProcessed(state.iterations() * 65536);
}
VMM_BENCHMARK(BM_GuestStoreStream);

}  // namespace

BENCHMARK_MAIN();
