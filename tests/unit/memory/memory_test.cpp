// Memory subsystem: pools, PageMap, AddressSpace (RAM, MMIO, mappings,
// watches) and GuestMemory (TLB, faults, watched writes, host ranges).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "support/host_mappings.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"
#include "vmm/memory/page_map.hpp"
#include "vmm/memory/pool.hpp"

namespace vmm::memory {
namespace {

constexpr std::uint8_t kMappedRW = kPermRW | kPermMapped;

// ---- ObjectPool / TypedPool / ZeroedPool / PagePool ------------------------------------------------

TEST(ObjectPool, AllocatesDistinctAlignedNonOverlappingObjects) {
  ObjectPool pool(24, 64, 4);  // 10 objects need three chunks of four
  EXPECT_GE(pool.object_size(), 24u);
  EXPECT_EQ(pool.object_size() % 64, 0u);
  std::vector<void*> objects;
  for (int i = 0; i < 10; ++i) {
    void* p = pool.allocate();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
    std::memset(p, i, 24);
    objects.push_back(p);
  }
  EXPECT_EQ(std::set<void*>(objects.begin(), objects.end()).size(), 10u);
  for (int i = 0; i < 10; ++i) {
    const auto* bytes = static_cast<const unsigned char*>(objects[i]);
    for (int b = 0; b < 24; ++b) ASSERT_EQ(bytes[b], i) << "object " << i << " overwritten";
  }
  EXPECT_EQ(pool.live_objects(), 10u);
  EXPECT_GE(pool.reserved_bytes(), 10 * pool.object_size());
  for (void* p : objects) pool.free(p);
  EXPECT_EQ(pool.live_objects(), 0u);
}

TEST(ObjectPool, FreedObjectIsReusedBeforeGrowing) {
  ObjectPool pool(32, 8, 2);
  void* a = pool.allocate();
  void* b = pool.allocate();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const std::size_t reserved = pool.reserved_bytes();
  pool.free(a);
  EXPECT_EQ(pool.live_objects(), 1u);
  EXPECT_EQ(pool.allocate(), a);
  for (int i = 0; i < 100; ++i) {
    void* p = pool.allocate();
    pool.free(p);
  }
  EXPECT_EQ(pool.reserved_bytes(), reserved + 2 * pool.object_size());  // grew once, for the loop's object
  EXPECT_EQ(pool.live_objects(), 2u);
}

TEST(ObjectPool, TinyObjectsStillHoldTheFreeListLink) {
  ObjectPool pool(1, 1);
  EXPECT_GE(pool.object_size(), sizeof(void*));
  void* a = pool.allocate();
  void* b = pool.allocate();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % alignof(void*), 0u);
  EXPECT_GE(static_cast<std::size_t>(std::abs(static_cast<char*>(b) - static_cast<char*>(a))), sizeof(void*));
}

struct alignas(32) Tracked {
  static inline int live = 0;
  explicit Tracked(int v) : value(v) { ++live; }
  ~Tracked() { --live; }
  int value;
};

TEST(TypedPool, ConstructsWithArgumentsAndDestroys) {
  TypedPool<Tracked> pool(2);
  Tracked* a = pool.create(7);
  Tracked* b = pool.create(8);
  Tracked* c = pool.create(9);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(a->value, 7);
  EXPECT_EQ(b->value, 8);
  EXPECT_EQ(c->value, 9);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(c) % 32, 0u);
  EXPECT_EQ(Tracked::live, 3);
  EXPECT_EQ(pool.live_objects(), 3u);
  pool.destroy(b);
  EXPECT_EQ(Tracked::live, 2);
  EXPECT_EQ(pool.live_objects(), 2u);
  Tracked* d = pool.create(10);
  EXPECT_EQ(d, b);  // storage reused
  EXPECT_EQ(d->value, 10);
  pool.destroy(a);
  pool.destroy(c);
  pool.destroy(d);
  EXPECT_EQ(Tracked::live, 0);
}

TEST(PagePool, BlocksArePageAlignedDistinctAndReused) {
  PagePool pool(4);
  std::vector<void*> blocks;
  for (int i = 0; i < 9; ++i) {
    void* p = pool.allocate();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 4096, 0u);
    std::memset(p, i, PagePool::kBlockSize);  // the whole block is writable
    blocks.push_back(p);
  }
  EXPECT_EQ(std::set<void*>(blocks.begin(), blocks.end()).size(), 9u);
  for (int i = 0; i < 9; ++i) {
    const auto* bytes = static_cast<const unsigned char*>(blocks[i]);
    EXPECT_EQ(bytes[0], i);
    EXPECT_EQ(bytes[PagePool::kBlockSize - 1], i);
  }
  EXPECT_EQ(pool.live_blocks(), 9u);
  pool.free(blocks[3]);
  EXPECT_EQ(pool.live_blocks(), 8u);
  EXPECT_EQ(pool.allocate(), blocks[3]);
  for (void* p : blocks) pool.free(p);
  EXPECT_EQ(pool.live_blocks(), 0u);
}

TEST(ZeroedPool, ObjectsAreZeroFilledWhenFreshAndWhenReused) {
  ZeroedPool pool(100, 3);  // 7 objects need three chunks of three
  EXPECT_EQ(pool.object_size() % 64, 0u);
  EXPECT_GE(pool.object_size(), 100u);
  auto all_zero = [&](const void* p) {
    const auto* bytes = static_cast<const unsigned char*>(p);
    return std::all_of(bytes, bytes + pool.object_size(), [](unsigned char b) { return b == 0; });
  };
  std::vector<void*> objects;
  for (int i = 0; i < 7; ++i) {
    void* p = pool.allocate();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
    EXPECT_TRUE(all_zero(p)) << "fresh object " << i;
    std::memset(p, 0xA5, pool.object_size());
    objects.push_back(p);
  }
  EXPECT_EQ(std::set<void*>(objects.begin(), objects.end()).size(), 7u);
  EXPECT_EQ(pool.live_objects(), 7u);
  // Reused storage comes back cleared, the free list's link included.
  pool.free(objects[2]);
  pool.free(objects[5]);
  EXPECT_EQ(pool.live_objects(), 5u);
  void* again = pool.allocate();
  EXPECT_EQ(again, objects[5]);
  EXPECT_TRUE(all_zero(again));
  again = pool.allocate();
  EXPECT_EQ(again, objects[2]);
  EXPECT_TRUE(all_zero(again));
  // The others were not touched by the frees.
  EXPECT_EQ(static_cast<unsigned char*>(objects[1])[0], 0xA5);
  for (void* p : objects) pool.free(p);
  EXPECT_EQ(pool.live_objects(), 0u);
}

// ---- PageMap --------------------------------------------------------------------------

TEST(PageMap, SetMapsPagesWithPermissionAndMappedBit) {
  PageMap map;
  map.set(0x1000, 0x3000, kPermRW);
  EXPECT_EQ(map.perm_at(0x1000), kMappedRW);
  EXPECT_EQ(map.perm_at(0x2fff), kMappedRW);
  EXPECT_EQ(map.perm_at(0x3000), kPermNone);
  EXPECT_EQ(map.perm_at(0x0fff), kPermNone);
  ASSERT_EQ(map.intervals().size(), 1u);
}

TEST(PageMap, SetInsideAnIntervalSplitsItInThree) {
  PageMap map;
  map.set(0x1000, 0x5000, kPermRW);
  map.set(0x2000, 0x3000, kPermRead);
  ASSERT_EQ(map.intervals().size(), 3u);
  auto it = map.intervals().begin();
  EXPECT_EQ(it->first, 0x1000u);
  EXPECT_EQ(it->second.end, 0x2000u);
  EXPECT_EQ(it->second.perm, kMappedRW);
  ++it;
  EXPECT_EQ(it->first, 0x2000u);
  EXPECT_EQ(it->second.end, 0x3000u);
  EXPECT_EQ(it->second.perm, kPermRead | kPermMapped);
  ++it;
  EXPECT_EQ(it->first, 0x3000u);
  EXPECT_EQ(it->second.end, 0x5000u);
  EXPECT_EQ(it->second.perm, kMappedRW);
}

TEST(PageMap, RestoringThePermissionMergesBack) {
  PageMap map;
  map.set(0x1000, 0x5000, kPermRW);
  map.set(0x2000, 0x3000, kPermRead);
  map.set(0x2000, 0x3000, kPermRW);
  ASSERT_EQ(map.intervals().size(), 1u);
  EXPECT_EQ(map.intervals().begin()->first, 0x1000u);
  EXPECT_EQ(map.intervals().begin()->second.end, 0x5000u);
}

TEST(PageMap, AdjacentIntervalsMergeOnlyWithEqualPermissions) {
  PageMap map;
  map.set(0x0000, 0x1000, kPermRead | kPermExec);
  map.set(0x1000, 0x2000, kPermRead | kPermExec);
  EXPECT_EQ(map.intervals().size(), 1u);
  map.set(0x2000, 0x3000, kPermRW);
  EXPECT_EQ(map.intervals().size(), 2u);
  map.set(0x4000, 0x5000, kPermRW);  // not adjacent: a hole in between
  EXPECT_EQ(map.intervals().size(), 3u);
  map.set(0x3000, 0x4000, kPermRW);  // fills the hole: three RW pieces become one
  EXPECT_EQ(map.intervals().size(), 2u);
  EXPECT_EQ(std::prev(map.intervals().end())->second.end, 0x5000u);
}

TEST(PageMap, ClearLeavesAHole) {
  PageMap map;
  map.set(0x1000, 0x5000, kPermRW);
  map.clear(0x2000, 0x3000);
  EXPECT_EQ(map.intervals().size(), 2u);
  EXPECT_EQ(map.perm_at(0x2000), kPermNone);
  EXPECT_EQ(map.perm_at(0x1fff), kMappedRW);
  EXPECT_EQ(map.perm_at(0x3000), kMappedRW);
  EXPECT_FALSE(map.fully_mapped(0x1000, 0x5000));
  EXPECT_TRUE(map.fully_mapped(0x3000, 0x5000));
  EXPECT_TRUE(map.fully_mapped(0x1000, 0x2000));
  EXPECT_TRUE(map.is_free(0x2000, 0x3000));
  EXPECT_FALSE(map.is_free(0x1000, 0x3000));
  EXPECT_FALSE(map.is_free(0x2000, 0x3001));
  EXPECT_FALSE(map.is_free(0x1fff, 0x3000));
}

TEST(PageMap, ClearAcrossHolesRemovesEverythingInside) {
  PageMap map;
  map.set(0x1000, 0x2000, kPermRead);
  map.set(0x3000, 0x4000, kPermRW);
  map.set(0x8000, 0x9000, kPermRW);
  map.clear(0x0000, 0x5000);
  ASSERT_EQ(map.intervals().size(), 1u);
  EXPECT_EQ(map.intervals().begin()->first, 0x8000u);
  map.clear(0x0000, 0x10000);
  EXPECT_TRUE(map.intervals().empty());
  EXPECT_TRUE(map.is_free(0, 0x10000));
}

TEST(PageMap, ProtNoneIsMappedButGrantsNothing) {
  PageMap map;
  map.set(0x1000, 0x2000, kPermNone);
  EXPECT_EQ(map.perm_at(0x1000), kPermMapped);
  EXPECT_EQ(map.perm_at(0x1000) & kPermRWX, 0);
  EXPECT_TRUE(map.fully_mapped(0x1000, 0x2000));
  EXPECT_FALSE(map.is_free(0x1000, 0x2000));
}

TEST(PageMap, FullyMappedSpansIntervalsWithDifferentPermissions) {
  PageMap map;
  map.set(0x1000, 0x2000, kPermRead);
  map.set(0x2000, 0x3000, kPermRW);
  EXPECT_TRUE(map.fully_mapped(0x1000, 0x3000));
  EXPECT_TRUE(map.fully_mapped(0x1800, 0x2800));
  EXPECT_FALSE(map.fully_mapped(0x0800, 0x2000));
  EXPECT_FALSE(map.fully_mapped(0x2000, 0x3001));
  EXPECT_TRUE(map.fully_mapped(0x5000, 0x5000));  // empty range
}

TEST(PageMap, FindFreeReturnsTheLowestFittingGap) {
  PageMap map;
  map.set(0x10000, 0x20000, kPermRW);
  map.set(0x22000, 0x30000, kPermRW);
  EXPECT_EQ(map.find_free(0x1000, 0x0, 0x100000), 0x0u);
  EXPECT_EQ(map.find_free(0x1000, 0x10000, 0x100000), 0x20000u);
  EXPECT_EQ(map.find_free(0x2000, 0x10000, 0x100000), 0x20000u);  // exact fit
  EXPECT_EQ(map.find_free(0x3000, 0x10000, 0x100000), 0x30000u);  // gap too small, next one
  EXPECT_EQ(map.find_free(0x1000, 0x10001, 0x100000), 0x20000u);  // low rounded up to a page
  EXPECT_EQ(map.find_free(0x1000, 0x20001, 0x100000), 0x21000u);
  EXPECT_EQ(map.find_free(0x1000, 0x20000, 0x21000), 0x20000u);  // fits exactly below high
  EXPECT_FALSE(map.find_free(0x2000, 0x20000, 0x21000).has_value());
  EXPECT_FALSE(map.find_free(0x1000, 0x10000, 0x20000).has_value());  // all of [low, high) mapped
}

// ---- AddressSpace ----------------------------------------------------------------------

constexpr GuestAddr kRam = 0x80000000;
constexpr std::uint64_t kRamSize = 0x100000;  // 1 MiB

TEST(AddressSpace, AddRamRejectsOverlapsAndBadRanges) {
  AddressSpace space;
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermRW).ok());
  struct Case {
    GuestAddr base;
    std::uint64_t size;
    ErrorKind kind;
    const char* what;
  };
  const Case bad[] = {
      {kRam + kRamSize - 0x1000, 0x2000, ErrorKind::kOutOfRange, "overlaps the end"},
      {kRam - 0x1000, 0x2000, ErrorKind::kOutOfRange, "overlaps the start"},
      {kRam, 0x1000, ErrorKind::kOutOfRange, "same base"},
      {kRam + 0x4000, 0x1000, ErrorKind::kOutOfRange, "inside"},
      {kRam - 0x1000000, 0x4000000, ErrorKind::kOutOfRange, "contains it"},
      {0x90000800, 0x1000, ErrorKind::kInvalidArgument, "unaligned base"},
      {0x90000000, 0x800, ErrorKind::kInvalidArgument, "unaligned size"},
  };
  for (const Case& c : bad) {
    Result<void> r = space.add_ram(c.base, c.size, kPermRW);
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().kind, c.kind) << c.what;
  }
  EXPECT_FALSE(space.add_ram(0x90000000, 0, kPermRW).ok()) << "empty";
  EXPECT_TRUE(space.add_ram(kRam + kRamSize, 0x1000, kPermRW).ok()) << "adjacent above";
  EXPECT_TRUE(space.add_ram(kRam - 0x1000, 0x1000, kPermRW).ok()) << "adjacent below";
}

class FakeDevice : public MmioDevice {
 public:
  struct Op {
    std::uint64_t offset;
    unsigned size;
    std::uint64_t value;
  };
  std::uint64_t read(std::uint64_t offset, unsigned size) override {
    reads.push_back({offset, size, 0});
    return 0x1122334455667788ull + offset;
  }
  void write(std::uint64_t offset, unsigned size, std::uint64_t value) override {
    writes.push_back({offset, size, value});
  }
  std::vector<Op> reads;
  std::vector<Op> writes;
};

TEST(AddressSpace, AddMmioRejectsOverlapWithRam) {
  AddressSpace space;
  FakeDevice device;
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermRW).ok());
  EXPECT_FALSE(space.add_mmio(kRam + 0x100, 0x100, &device).ok());
  EXPECT_TRUE(space.add_mmio(0x10000000, 0x100, &device).ok());
  EXPECT_FALSE(space.add_ram(0x10000000, 0x1000, kPermRW).ok());
}

TEST(AddressSpace, RamAddedWithoutPermissionStartsUnmapped) {
  AddressSpace space;
  GuestMemory memory(space);
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermNone).ok());
  EXPECT_EQ(space.page_map().perm_at(kRam), kPermNone);
  std::uint64_t value = 1;
  EXPECT_FALSE(memory.load(kRam, value));
  EXPECT_EQ(memory.last_fault().addr, kRam);
  EXPECT_EQ(memory.last_fault().access, Access::kRead);

  ASSERT_TRUE(space.map(kRam, 0x1000, kPermRW).ok());
  EXPECT_TRUE(memory.load(kRam, value));
  EXPECT_EQ(value, 0u);
  EXPECT_FALSE(memory.load(kRam + 0x1000, value));
}

TEST(AddressSpace, MapMustBeAlignedAndInsideRam) {
  AddressSpace space;
  FakeDevice device;
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermNone).ok());
  ASSERT_TRUE(space.add_mmio(0x10000000, 0x1000, &device).ok());
  EXPECT_FALSE(space.map(kRam + 0x800, 0x1000, kPermRW).ok());
  EXPECT_FALSE(space.map(kRam, 0x800, kPermRW).ok());
  EXPECT_FALSE(space.map(kRam + kRamSize - 0x1000, 0x2000, kPermRW).ok());  // runs past the end
  EXPECT_FALSE(space.map(0x90000000, 0x1000, kPermRW).ok());                // no region
  EXPECT_FALSE(space.map(0x10000000, 0x1000, kPermRW).ok());                // MMIO, not RAM
  EXPECT_TRUE(space.map(kRam + kRamSize - 0x1000, 0x1000, kPermRW).ok());
}

TEST(AddressSpace, ProtectRequiresAFullyMappedRange) {
  AddressSpace space;
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermNone).ok());
  ASSERT_TRUE(space.map(kRam, 0x2000, kPermRW).ok());
  EXPECT_FALSE(space.protect(kRam, 0x3000, kPermRead).ok());
  EXPECT_EQ(space.page_map().perm_at(kRam), kMappedRW);  // unchanged on failure
  EXPECT_TRUE(space.protect(kRam + 0x1000, 0x1000, kPermRead).ok());
  EXPECT_EQ(space.page_map().perm_at(kRam + 0x1000), kPermRead | kPermMapped);
}

TEST(AddressSpace, UnmappedPagesReadBackZeroAfterRemap) {
  AddressSpace space;
  GuestMemory memory(space);
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermRW).ok());
  const std::uint64_t pattern = 0x0123456789abcdef;
  ASSERT_TRUE(memory.store(kRam + 0x1000, pattern));
  ASSERT_TRUE(memory.store(kRam + 0x2000, pattern));
  std::uint64_t value = 0;
  ASSERT_TRUE(memory.load(kRam + 0x1000, value));  // warm the TLB

  space.unmap(kRam + 0x1000, 0x1000);
  EXPECT_FALSE(memory.load(kRam + 0x1000, value));  // the TLB entry is gone too
  EXPECT_EQ(space.page_map().perm_at(kRam + 0x1000), kPermNone);

  ASSERT_TRUE(space.map(kRam + 0x1000, 0x1000, kPermRW).ok());
  ASSERT_TRUE(memory.load(kRam + 0x1000, value));
  EXPECT_EQ(value, 0u);
  ASSERT_TRUE(memory.load(kRam + 0x2000, value));
  EXPECT_EQ(value, pattern);  // the neighbour keeps its contents
}

TEST(AddressSpace, HugePageAlignedGuestAddressesAreAlignedOnTheHost) {
  // Whatever the region's own alignment: transparent huge pages back only
  // host ranges aligned to them.
  for (GuestAddr base : {GuestAddr{0x80000000}, GuestAddr{0x80201000}, GuestAddr{0x803ff000}}) {
    AddressSpace space;
    ASSERT_TRUE(space.add_ram(base, 4 * kHugePageSize, kPermRW).ok());
    const GuestAddr aligned = (base + kHugePageSize - 1) & ~(kHugePageSize - 1);
    auto host = space.host_range(aligned, 1, kPermRead);
    ASSERT_FALSE(host.empty());
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(host.data()) % kHugePageSize, 0u) << std::hex << base;
    auto first = space.host_range(base, 1, kPermRead);
    EXPECT_EQ(host.data() - first.data(), static_cast<std::ptrdiff_t>(aligned - base));
  }
}

TEST(AddressSpace, HugePageAdviceReachesTheHostMappingOfTheRangeOnly) {
  if (!test::host_has_transparent_huge_pages())
    GTEST_SKIP() << "the host kernel has no transparent huge pages";
  AddressSpace space;
  ASSERT_TRUE(space.add_ram(0, 8 * kHugePageSize, kPermRW).ok());
  ASSERT_TRUE(space.advise_huge_pages(2 * kHugePageSize, 4 * kHugePageSize));
  auto at = [&](GuestAddr addr) { return space.host_range(addr, 1, kPermRead).data(); };
  EXPECT_TRUE(test::host_advised_huge(at(2 * kHugePageSize)));
  EXPECT_TRUE(test::host_advised_huge(at(6 * kHugePageSize - 1)));
  EXPECT_FALSE(test::host_advised_huge(at(2 * kHugePageSize - 1)));
  EXPECT_FALSE(test::host_advised_huge(at(6 * kHugePageSize)));
  // Outside RAM, or across its end: refused.
  EXPECT_FALSE(space.advise_huge_pages(8 * kHugePageSize, kHugePageSize));
  EXPECT_FALSE(space.advise_huge_pages(7 * kHugePageSize, 2 * kHugePageSize));
  EXPECT_FALSE(space.advise_huge_pages(0, 0));
}

TEST(AddressSpace, MmioDispatchesWithOffsetAndSize) {
  AddressSpace space;
  GuestMemory memory(space);
  FakeDevice device;
  ASSERT_TRUE(space.add_mmio(0x10000000, 0x100, &device).ok());

  ASSERT_TRUE(memory.store<std::uint32_t>(0x10000010, 0xdeadbeef));
  ASSERT_TRUE(memory.store<std::uint8_t>(0x10000003, 0x5a));
  ASSERT_TRUE(memory.store<std::uint64_t>(0x10000018, 0x0102030405060708));
  ASSERT_EQ(device.writes.size(), 3u);
  EXPECT_EQ(device.writes[0].offset, 0x10u);
  EXPECT_EQ(device.writes[0].size, 4u);
  EXPECT_EQ(device.writes[0].value, 0xdeadbeefu);
  EXPECT_EQ(device.writes[1].offset, 0x3u);
  EXPECT_EQ(device.writes[1].size, 1u);
  EXPECT_EQ(device.writes[1].value, 0x5au);
  EXPECT_EQ(device.writes[2].offset, 0x18u);
  EXPECT_EQ(device.writes[2].size, 8u);
  EXPECT_EQ(device.writes[2].value, 0x0102030405060708u);

  std::uint16_t half = 0;
  ASSERT_TRUE(memory.load(0x10000008, half));
  EXPECT_EQ(half, static_cast<std::uint16_t>(0x1122334455667788ull + 8));
  ASSERT_TRUE(memory.load(0x10000008, half));  // MMIO is never cached: the device sees both
  ASSERT_EQ(device.reads.size(), 2u);
  EXPECT_EQ(device.reads[0].offset, 8u);
  EXPECT_EQ(device.reads[0].size, 2u);
  std::uint64_t dword = 0;
  ASSERT_TRUE(memory.load(0x10000020, dword));
  EXPECT_EQ(dword, 0x1122334455667788ull + 0x20);
  EXPECT_EQ(device.reads.back().size, 8u);
}

TEST(AddressSpace, AccessPastTheMmioRegionInItsPageFaults) {
  AddressSpace space;
  GuestMemory memory(space);
  FakeDevice device;
  ASSERT_TRUE(space.add_mmio(0x10000000, 0x100, &device).ok());
  std::uint32_t value = 0;
  EXPECT_FALSE(memory.load(0x10000200, value));
  EXPECT_FALSE(memory.store<std::uint32_t>(0x10000200, 1));
  EXPECT_TRUE(device.reads.empty());
  EXPECT_TRUE(device.writes.empty());
}

TEST(AddressSpace, TranslateChecksPermissions) {
  AddressSpace space;
  ASSERT_TRUE(space.add_ram(kRam, kRamSize, kPermRead).ok());
  EXPECT_NE(space.translate(kRam, Access::kRead).host, nullptr);
  EXPECT_EQ(space.translate(kRam, Access::kWrite).host, nullptr);
  EXPECT_EQ(space.translate(kRam, Access::kFetch).host, nullptr);
  const std::uint32_t word = 7;
  EXPECT_TRUE(space.write_unchecked(kRam + 4, &word, sizeof(word)));  // the loader's way in
  std::uint32_t seen = 0;
  EXPECT_TRUE(space.read_unchecked(kRam + 4, &seen, sizeof(seen)));
  EXPECT_EQ(seen, word);
  EXPECT_EQ(space.translate(kRam + 0x10, Access::kRead).host,
            space.translate(kRam, Access::kRead).host + 0x10);
}

// ---- GuestMemory -------------------------------------------------------------------------

class GuestMemoryTest : public ::testing::Test {
 protected:
  GuestMemoryTest() {
    EXPECT_TRUE(space.add_ram(kRam, kRamSize, kPermRW).ok());
    space.set_watch_callback([this](GuestAddr page, WatchKind kind) {
      std::uint32_t seen = 0;
      EXPECT_TRUE(space.read_unchecked(page + 8, &seen, sizeof(seen)));
      calls.push_back({page, kind, seen});
    });
  }
  struct Call {
    GuestAddr page;
    WatchKind kind;
    std::uint32_t word_at_8;  ///< bytes at page + 8 when the callback ran
  };
  AddressSpace space;
  GuestMemory memory{space};
  std::vector<Call> calls;
};

TEST_F(GuestMemoryTest, TlbHitsAfterTheFirstAccessToAPage) {
  std::uint64_t value = 0;
  ASSERT_TRUE(memory.load(kRam + 0x100, value));
  const std::uint64_t misses = memory.tlb().misses;
  EXPECT_GE(misses, 1u);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(memory.load(kRam + 8 * i, value));
  EXPECT_EQ(memory.tlb().misses, misses);

  ASSERT_TRUE(memory.store<std::uint32_t>(kRam + 0x200, 1));
  const std::uint64_t after_store = memory.tlb().misses;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(memory.store<std::uint32_t>(kRam + 4 * i, i));
  EXPECT_EQ(memory.tlb().misses, after_store);
}

TEST_F(GuestMemoryTest, MisalignedAccessesWorkThroughTheSlowPath) {
  ASSERT_TRUE(memory.store<std::uint64_t>(kRam, 0x8877665544332211));
  std::uint32_t value = 0;
  ASSERT_TRUE(memory.load(kRam + 2, value));
  EXPECT_EQ(value, 0x66554433u);
  ASSERT_TRUE(memory.store<std::uint16_t>(kRam + 0xfff, 0xbbaa));  // straddles two pages
  std::uint8_t byte = 0;
  ASSERT_TRUE(memory.load(kRam + 0x1000, byte));
  EXPECT_EQ(byte, 0xbbu);
}

TEST_F(GuestMemoryTest, ProtectRemovingWriteMakesStoresFail) {
  const GuestAddr addr = kRam + 0x3008;
  ASSERT_TRUE(memory.store<std::uint64_t>(addr, 1));  // the write TLB now holds the page
  ASSERT_TRUE(space.protect(kRam + 0x3000, 0x1000, kPermRead).ok());
  EXPECT_FALSE(memory.store<std::uint64_t>(addr, 2));
  EXPECT_EQ(memory.last_fault().addr, addr);
  EXPECT_EQ(memory.last_fault().access, Access::kWrite);
  EXPECT_FALSE(memory.last_fault().misaligned);
  std::uint64_t value = 0;
  ASSERT_TRUE(memory.load(addr, value));
  EXPECT_EQ(value, 1u);
}

TEST_F(GuestMemoryTest, FetchNeedsExecutePermission) {
  EXPECT_EQ(memory.fetch_page(kRam), nullptr);  // RW only
  EXPECT_EQ(memory.last_fault().access, Access::kFetch);
  EXPECT_EQ(memory.last_fault().addr, kRam);
  ASSERT_TRUE(space.protect(kRam, 0x1000, kPermRWX).ok());
  EXPECT_EQ(memory.fetch_page(kRam + 0x10), space.translate(kRam, Access::kRead).host);
}

TEST_F(GuestMemoryTest, DeviceWatchedPageWritesCallTheCallbackAfterTheWrite) {
  const GuestAddr page = kRam + 0x5000;
  space.watch_page(page + 0x123, kWatchDevice);
  EXPECT_TRUE(space.is_watched(page));
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 0x11223344));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].page, page);
  EXPECT_EQ(calls[0].kind, kWatchDevice);
  EXPECT_EQ(calls[0].word_at_8, 0x11223344u);                      // the bytes had changed already
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 0x55667788));  // device watches persist
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].word_at_8, 0x55667788u);
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 0x1000, 1));  // another page: no call
  EXPECT_EQ(calls.size(), 2u);
  space.unwatch_page(page, kWatchDevice);
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 0));
  EXPECT_EQ(calls.size(), 2u);
}

TEST_F(GuestMemoryTest, CodeWatchIsDroppedAfterTheFirstWrite) {
  const GuestAddr page = kRam + 0x6000;
  space.watch_page(page, kWatchCode);
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 1));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].kind, kWatchCode);
  EXPECT_FALSE(space.is_watched(page));
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 2));
  EXPECT_EQ(calls.size(), 1u);
}

TEST_F(GuestMemoryTest, WatchingAPageDefeatsAWarmWriteTlbEntry) {
  const GuestAddr page = kRam + 0x7000;
  ASSERT_TRUE(memory.store<std::uint32_t>(page, 1));
  ASSERT_TRUE(memory.store<std::uint32_t>(page, 2));  // TLB hit
  space.watch_page(page, kWatchDevice);
  ASSERT_TRUE(memory.store<std::uint32_t>(page + 8, 3));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].word_at_8, 3u);
}

TEST_F(GuestMemoryTest, BulkWritesNotifyEveryWatchedPageTheyTouch) {
  // Code watchers hear before the bytes change (decoded code is dropped, and
  // a direct view opens the page to the write), devices after.
  const GuestAddr first = kRam + 0x8000;
  space.watch_page(first, kWatchDevice);
  space.watch_page(first + 0x1000, kWatchCode);
  std::vector<std::uint8_t> bytes(0x1010, 0xab);
  ASSERT_TRUE(memory.write_bytes(first + 0x8, bytes.data(), bytes.size()));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].page, first + 0x1000);
  EXPECT_EQ(calls[0].kind, kWatchCode);
  EXPECT_EQ(calls[0].word_at_8, 0u);
  EXPECT_EQ(calls[1].page, first);
  EXPECT_EQ(calls[1].kind, kWatchDevice);
  EXPECT_EQ(calls[1].word_at_8, 0xababababu);
  EXPECT_FALSE(space.is_watched(first + 0x1000));
  EXPECT_TRUE(space.is_watched(first));
}

// Bulk copies (system-call buffers) take the TLB's entries: what changes a
// page after they were filled must still be seen.
TEST_F(GuestMemoryTest, BulkWritesThroughAWarmTlbStillNotifyAPageWatchedSince) {
  const GuestAddr first = kRam + 0xa000;
  std::vector<std::uint8_t> bytes(0x1010, 0xcd);
  ASSERT_TRUE(memory.write_bytes(first + 0x8, bytes.data(), bytes.size()));  // fills both entries
  ASSERT_TRUE(memory.write_bytes(first + 0x8, bytes.data(), bytes.size()));  // through them
  EXPECT_TRUE(calls.empty());
  space.watch_page(first + 0x1000, kWatchDevice);
  ASSERT_TRUE(memory.write_bytes(first + 0x8, bytes.data(), bytes.size()));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].page, first + 0x1000);
  EXPECT_EQ(calls[0].word_at_8, 0xcdcdcdcdu);
  // The watched page stays out of the TLB: every write is heard.
  ASSERT_TRUE(memory.write_bytes(first + 0x8, bytes.data(), bytes.size()));
  EXPECT_EQ(calls.size(), 2u);
}

TEST_F(GuestMemoryTest, BulkCopiesThroughAWarmTlbSeeProtectionChanges) {
  const GuestAddr page = kRam + 0xc000;
  std::uint64_t value = 7;
  ASSERT_TRUE(memory.write_bytes(page, &value, sizeof(value)));
  ASSERT_TRUE(memory.read_bytes(page, &value, sizeof(value)));
  ASSERT_TRUE(space.protect(page, kPageSize, kPermRead).ok());
  EXPECT_FALSE(memory.write_bytes(page, &value, sizeof(value)));
  EXPECT_EQ(memory.last_fault().addr, page);
  ASSERT_TRUE(memory.read_bytes(page, &value, sizeof(value)));
  EXPECT_EQ(value, 7u);
  ASSERT_TRUE(space.protect(page, kPageSize, kPermNone).ok());
  EXPECT_FALSE(memory.read_bytes(page, &value, sizeof(value)));
}

TEST_F(GuestMemoryTest, LoaderPokeIgnoresPermissionsButNotifies) {
  const GuestAddr page = kRam + 0x9000;
  ASSERT_TRUE(space.protect(page, 0x1000, kPermRead).ok());
  space.watch_page(page, kWatchCode);
  const std::uint32_t word = 0x0badf00d;
  EXPECT_FALSE(memory.write_bytes(page + 8, &word, sizeof(word)));
  EXPECT_TRUE(calls.empty());
  EXPECT_TRUE(memory.poke_bytes(page + 8, &word, sizeof(word)));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].kind, kWatchCode);
  EXPECT_EQ(calls[0].word_at_8, 0u);  // told before the write
  std::uint32_t seen = 0;
  ASSERT_TRUE(memory.read_bytes(page + 8, &seen, sizeof(seen)));
  EXPECT_EQ(seen, word);
  EXPECT_FALSE(memory.poke_bytes(kRam + kRamSize, &word, sizeof(word)));  // past RAM: nothing to poke
}

TEST_F(GuestMemoryTest, ReadWriteBytesRoundTripAcrossPages) {
  std::vector<std::uint8_t> out(0x2345);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i * 7);
  ASSERT_TRUE(memory.write_bytes(kRam + 0xa123, out.data(), out.size()));
  std::vector<std::uint8_t> in(out.size());
  ASSERT_TRUE(memory.read_bytes(kRam + 0xa123, in.data(), in.size()));
  EXPECT_EQ(in, out);
  EXPECT_FALSE(memory.read_bytes(kRam + kRamSize - 4, in.data(), 8));
  EXPECT_EQ(memory.last_fault().addr, kRam + kRamSize);
}

TEST_F(GuestMemoryTest, FaultingWriteNeverChangesAWatchedPageSilently) {
  // The last RAM page is watched; the write runs past the end of RAM. Either
  // nothing is written, or the watcher hears about the bytes that changed:
  // otherwise decoded code (or a device mailbox) goes stale.
  const GuestAddr last_page = kRam + kRamSize - 0x1000;
  space.watch_page(last_page, kWatchCode);
  const std::uint64_t bytes = 0xffffffffffffffff;
  EXPECT_FALSE(memory.write_bytes(kRam + kRamSize - 4, &bytes, sizeof(bytes)));
  std::uint32_t tail = 0;
  ASSERT_TRUE(memory.read_bytes(kRam + kRamSize - 4, &tail, sizeof(tail)));
  EXPECT_TRUE(tail == 0 || !calls.empty()) << "page changed to " << std::hex << tail << " without a callback";
}

TEST_F(GuestMemoryTest, AtomicPointerRequiresAlignmentAndWritePermission) {
  EXPECT_EQ(memory.atomic_pointer(kRam + 4, 8), nullptr);
  EXPECT_TRUE(memory.last_fault().misaligned);
  EXPECT_EQ(memory.last_fault().addr, kRam + 4);
  EXPECT_NE(memory.atomic_pointer(kRam + 8, 8), nullptr);
  ASSERT_TRUE(space.protect(kRam, 0x1000, kPermRead).ok());
  EXPECT_EQ(memory.atomic_pointer(kRam + 8, 8), nullptr);
  EXPECT_FALSE(memory.last_fault().misaligned);
}

TEST_F(GuestMemoryTest, HostRangeCoversMappedRamOnly) {
  auto span = space.host_range(kRam + 0x10, 0x100, kPermRW);
  ASSERT_EQ(span.size(), 0x100u);
  span[0] = 0x42;
  std::uint8_t byte = 0;
  ASSERT_TRUE(memory.load(kRam + 0x10, byte));
  EXPECT_EQ(byte, 0x42u);

  // Spanning pages with different permissions is fine when each grants `perm`.
  ASSERT_TRUE(space.protect(kRam + 0x2000, 0x1000, kPermRead).ok());
  EXPECT_EQ(space.host_range(kRam + 0x1ff0, 0x20, kPermRead).size(), 0x20u);
  EXPECT_TRUE(space.host_range(kRam + 0x1ff0, 0x20, kPermRW).empty());

  // A range running into an unmapped page, or past the end of RAM, is rejected.
  space.unmap(kRam + 0x4000, 0x1000);
  EXPECT_TRUE(space.host_range(kRam + 0x3ff8, 0x10, kPermRead).empty());
  EXPECT_TRUE(space.host_range(kRam + 0x4ff8, 0x10, kPermRead).empty());
  EXPECT_EQ(space.host_range(kRam + 0x5000, 0x10, kPermRead).size(), 0x10u);
  EXPECT_TRUE(space.host_range(kRam + kRamSize - 8, 0x10, kPermRead).empty());
  EXPECT_TRUE(space.host_range(kRam, 0, kPermRead).empty());
}

}  // namespace
}  // namespace vmm::memory
