// Which guest memory the system-call layer backs with transparent huge pages:
// writable mappings, heap growth and mremap growth of 2 MiB or more; never
// reservations (MAP_NORESERVE), stacks, read-only or small mappings.
#include <gtest/gtest.h>

#include <cstdint>

#include "support/host_mappings.hpp"
#include "support/syscall_harness.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/linux/syscalls.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::linux_user {
namespace {

constexpr std::uint64_t kWindow = test::SyscallHarness::kWindow;
constexpr std::uint64_t kHuge = memory::kHugePageSize;
constexpr std::uint64_t kSysBrk = 214, kSysMunmap = 215, kSysMremap = 216, kSysMmap = 222;
constexpr std::uint64_t kProtRead = 1, kProtWrite = 2;
constexpr std::uint64_t kMapPrivate = 0x02, kMapAnonymous = 0x20, kMapGrowsdown = 0x100,
                        kMapNoreserve = 0x4000, kMapStack = 0x20000;
constexpr std::uint64_t kMremapMaymove = 1;

class HugePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::host_has_transparent_huge_pages())
      GTEST_SKIP() << "the host kernel has no transparent huge pages";
    ASSERT_TRUE(harness.add_ram());
  }

  std::uint64_t call(std::uint64_t number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                     std::uint64_t a3 = 0, std::uint64_t a4 = 0, std::uint64_t a5 = 0) {
    return harness.call(number, {a0, a1, a2, a3, a4, a5});
  }
  std::uint64_t mmap(std::uint64_t len, std::uint64_t prot, std::uint64_t flags) {
    return call(kSysMmap, 0, len, prot, flags, static_cast<std::uint64_t>(-1), 0);
  }
  /// Whether [addr, addr+len) lies in host memory advised MADV_HUGEPAGE: its
  /// first, middle and last bytes (the host splits mappings at page bounds).
  bool advised(GuestAddr addr, std::uint64_t len) {
    for (GuestAddr at : {addr, addr + len / 2, addr + len - 1}) {
      if (!test::host_advised_huge(space.direct_view().base + at)) return false;
    }
    return true;
  }

  test::SyscallHarness harness;
  memory::AddressSpace& space = harness.space;
  memory::GuestMemory& memory = harness.memory;
};

TEST_F(HugePagesTest, LargeWritableAnonymousMappingsAreAdvised) {
  const std::uint64_t addr = mmap(4 * kHuge, kProtRead | kProtWrite, kMapPrivate | kMapAnonymous);
  ASSERT_LT(addr, kWindow);
  EXPECT_TRUE(advised(addr, 4 * kHuge));
  // Still memory that reads as zero and keeps what is written.
  std::uint64_t value = 1;
  ASSERT_TRUE(memory.load(addr + kHuge + 8, value));
  EXPECT_EQ(value, 0u);
  ASSERT_TRUE(memory.store<std::uint64_t>(addr + kHuge + 8, 42));
  ASSERT_TRUE(memory.load(addr + kHuge + 8, value));
  EXPECT_EQ(value, 42u);
}

TEST_F(HugePagesTest, SparseSmallAndReadOnlyMappingsAreNot) {
  const std::uint64_t rw = kProtRead | kProtWrite;
  const std::uint64_t anon = kMapPrivate | kMapAnonymous;
  for (std::uint64_t flags : {anon | kMapNoreserve, anon | kMapStack, anon | kMapGrowsdown}) {
    const std::uint64_t addr = mmap(4 * kHuge, rw, flags);
    ASSERT_LT(addr, kWindow);
    EXPECT_FALSE(test::host_advised_huge(space.direct_view().base + addr)) << std::hex << flags;
  }
  const std::uint64_t small = mmap(kHuge - kPageSize, rw, anon);
  ASSERT_LT(small, kWindow);
  EXPECT_FALSE(test::host_advised_huge(space.direct_view().base + small));
  const std::uint64_t read_only = mmap(4 * kHuge, kProtRead, anon);
  ASSERT_LT(read_only, kWindow);
  EXPECT_FALSE(test::host_advised_huge(space.direct_view().base + read_only));
}

TEST_F(HugePagesTest, HeapGrowthByAHugePageOrMoreIsAdvised) {
  const std::uint64_t start = call(kSysBrk, 0);
  ASSERT_EQ(call(kSysBrk, start + 64 * kPageSize), start + 64 * kPageSize);
  EXPECT_FALSE(test::host_advised_huge(space.direct_view().base + start));
  const std::uint64_t grown = start + 64 * kPageSize;
  ASSERT_EQ(call(kSysBrk, grown + 3 * kHuge), grown + 3 * kHuge);
  EXPECT_TRUE(advised(grown, 3 * kHuge));
}

TEST_F(HugePagesTest, MremapGrowthIsAdvisedInPlaceAndWhenMoved) {
  const std::uint64_t rw = kProtRead | kProtWrite;
  const std::uint64_t anon = kMapPrivate | kMapAnonymous;
  // In place: the tail is advised, the reservation before it stays as it was.
  const std::uint64_t sparse = mmap(kHuge, rw, anon | kMapNoreserve);
  ASSERT_LT(sparse, kWindow);
  ASSERT_EQ(call(kSysMremap, sparse, kHuge, 4 * kHuge, kMremapMaymove), sparse);
  EXPECT_FALSE(test::host_advised_huge(space.direct_view().base + sparse));
  EXPECT_TRUE(advised(sparse + kHuge, 3 * kHuge));
  // Moved (a mapping right after it blocks growth in place): advised, contents kept.
  const std::uint64_t small = mmap(16 * kPageSize, rw, anon);
  ASSERT_LT(small, kWindow);
  ASSERT_EQ(
      call(kSysMmap, small + 16 * kPageSize, kPageSize, rw, anon | 0x10, static_cast<std::uint64_t>(-1)),
      small + 16 * kPageSize);
  ASSERT_TRUE(memory.store<std::uint64_t>(small + 8, 0x5a5a));
  const std::uint64_t moved = call(kSysMremap, small, 16 * kPageSize, 3 * kHuge, kMremapMaymove);
  ASSERT_LT(moved, kWindow);
  ASSERT_NE(moved, small);
  EXPECT_TRUE(advised(moved, 3 * kHuge));
  std::uint64_t value = 0;
  ASSERT_TRUE(memory.load(moved + 8, value));
  EXPECT_EQ(value, 0x5a5au);
  EXPECT_EQ(call(kSysMunmap, moved, 3 * kHuge), 0u);
}

}  // namespace
}  // namespace vmm::linux_user
