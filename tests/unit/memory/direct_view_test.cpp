// RAM backed as a direct view (RamBacking::kDirectView): one private mapping
// whose host protections follow the guest's permissions and code watches.
// The host side must still reach it: writes to watched code, loaders into
// read-only pages, lockstep and write-back reading pages the guest may not,
// and permissions x86 pages cannot express. Host access is probed with
// process_vm_readv/writev, which honour page protections without faulting.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::memory {
namespace {

constexpr std::uint64_t kSize = 1 << 20;

/// Whether the host may read (or write) the byte at p, per its page protection.
bool host_can(const std::uint8_t* p, bool write) {
  std::uint8_t byte = 0;
  iovec local{&byte, 1};
  iovec remote{const_cast<std::uint8_t*>(p), 1};
  if (process_vm_readv(::getpid(), &local, 1, &remote, 1, 0) != 1) return false;
  return !write || process_vm_writev(::getpid(), &local, 1, &remote, 1, 0) == 1;  // writes the same byte back
}

class DirectViewTest : public ::testing::Test {
 protected:
  DirectViewTest() {
    EXPECT_TRUE(space.add_ram(0, kSize, kPermNone, RamBacking::kDirectView).ok());
    EXPECT_NE(space.direct_view().base, nullptr);
    space.set_watch_callback([this](GuestAddr page, WatchKind kind) { calls.push_back({page, kind}); });
  }
  std::uint8_t* host(GuestAddr addr) const { return space.direct_view().base + addr; }
  template <class T>
  std::optional<T> load(GuestAddr addr) {
    T value{};
    if (!memory.load(addr, value)) return std::nullopt;
    return value;
  }

  struct Call {
    GuestAddr page;
    WatchKind kind;
  };
  AddressSpace space;
  GuestMemory memory{space};
  std::vector<Call> calls;
};

TEST_F(DirectViewTest, HostProtectionsFollowGuestPermissionsAndCodeWatches) {
  ASSERT_TRUE(space.map(0x1000, 0x3000, kPermRW).ok());
  ASSERT_TRUE(space.protect(0x2000, 0x1000, kPermRead).ok());
  space.watch_page(0x3000, kWatchCode);
  EXPECT_TRUE(host_can(host(0x1000), true));
  EXPECT_TRUE(host_can(host(0x2000), false));
  EXPECT_FALSE(host_can(host(0x2000), true));
  EXPECT_TRUE(host_can(host(0x3000), false));
  EXPECT_FALSE(host_can(host(0x3000), true));   // watched: writes must be seen
  EXPECT_FALSE(host_can(host(0x4000), false));  // a hole
  space.unmap(0x1000, 0x1000);
  EXPECT_FALSE(host_can(host(0x1000), false));
}

TEST_F(DirectViewTest, WatchesFollowPermissionChangesOfReadOnlyCode) {
  // Watching read-only code leaves its host protection alone (no mprotect
  // per decoded page); the watch must still hold once the guest makes the
  // page writable, and end with the watch.
  ASSERT_TRUE(space.map(0x1000, 0x2000, kPermRead | kPermExec).ok());
  space.watch_page(0x1000, kWatchCode);
  space.watch_page(0x2000, kWatchCode);
  EXPECT_TRUE(host_can(host(0x1000), false));
  EXPECT_FALSE(host_can(host(0x1000), true));
  ASSERT_TRUE(space.protect(0x1000, 0x2000, kPermRW | kPermExec).ok());
  EXPECT_FALSE(host_can(host(0x1000), true)) << "a watched page became writable";
  EXPECT_FALSE(host_can(host(0x2000), true)) << "a watched page became writable";
  space.unwatch_page(0x1000, kWatchCode);
  EXPECT_TRUE(host_can(host(0x1000), true));
  EXPECT_FALSE(host_can(host(0x2000), true));
  ASSERT_TRUE(space.protect(0x2000, 0x1000, kPermRead).ok());
  space.unwatch_page(0x2000, kWatchCode);
  EXPECT_TRUE(host_can(host(0x2000), false));
  EXPECT_FALSE(host_can(host(0x2000), true));
}

TEST_F(DirectViewTest, GuestWritesToWatchedCodeDropTheWatchBeforeWriting) {
  ASSERT_TRUE(space.map(0x1000, 0x3000, kPermRW).ok());
  const GuestAddr store_page = 0x1000, bulk_page = 0x2000, atomic_page = 0x3000;
  for (GuestAddr page : {store_page, bulk_page, atomic_page}) space.watch_page(page, kWatchCode);

  ASSERT_TRUE(memory.store<std::uint32_t>(store_page + 8, 0x11223344));
  const std::array<std::uint8_t, 3> bytes = {1, 2, 3};
  ASSERT_TRUE(memory.write_bytes(bulk_page + 0xffe, bytes.data(), bytes.size()));  // into the next page too
  std::uint8_t* word = memory.atomic_pointer(atomic_page + 16, 8);
  ASSERT_NE(word, nullptr);
  std::uint64_t value = 0x5555;
  std::memcpy(word, &value, sizeof(value));
  ASSERT_TRUE(memory.finish_atomic(atomic_page + 16, 8));

  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].page, store_page);
  EXPECT_EQ(calls[1].page, bulk_page);
  EXPECT_EQ(calls[2].page, atomic_page);
  for (GuestAddr page : {store_page, bulk_page, atomic_page}) {
    EXPECT_FALSE(space.is_watched(page));
    EXPECT_TRUE(host_can(host(page), true)) << "page " << page << " stayed write-protected";
  }
  EXPECT_EQ(*load<std::uint32_t>(store_page + 8), 0x11223344u);
  EXPECT_EQ(*load<std::uint8_t>(bulk_page + 0x1000), 3u);
  EXPECT_EQ(*load<std::uint64_t>(atomic_page + 16), 0x5555u);
}

TEST_F(DirectViewTest, LoaderWritesIntoReadOnlyPagesKeepTheirProtection) {
  ASSERT_TRUE(space.map(0x1000, 0x2000, kPermRead | kPermExec).ok());
  std::vector<std::uint8_t> text(0x1800, 0x13);
  ASSERT_TRUE(memory.poke_bytes(0x1400, text.data(), text.size()));
  EXPECT_EQ(*load<std::uint8_t>(0x1400), 0x13);
  EXPECT_EQ(*load<std::uint8_t>(0x2bff), 0x13);
  EXPECT_EQ(*load<std::uint8_t>(0x13ff), 0);
  EXPECT_FALSE(host_can(host(0x1000), true));
  EXPECT_FALSE(host_can(host(0x2000), true));
  EXPECT_FALSE(memory.store<std::uint8_t>(0x1400, 0));  // and the guest still may not write
  // Nothing is written unless all of it is mapped.
  EXPECT_FALSE(memory.poke_bytes(0x2f00, text.data(), 0x200));
  EXPECT_EQ(*load<std::uint8_t>(0x2f00), 0);
}

TEST_F(DirectViewTest, PagesTheGuestMayNotReadAreReadUncheckedAndStayClosed) {
  ASSERT_TRUE(space.map(0x1000, 0x2000, kPermRW).ok());
  ASSERT_TRUE(memory.store<std::uint64_t>(0x1ffc, 0x0123456789abcdef));  // across the two pages
  ASSERT_TRUE(space.protect(0x1000, 0x2000, kPermNone).ok());
  EXPECT_TRUE(space.host_range(0x1000, 0x2000, kPermRead).empty());
  EXPECT_TRUE(space.host_range(0x1000, 0x2000, kPermNone).empty());
  std::uint64_t seen = 0;
  ASSERT_TRUE(space.read_unchecked(0x1ffc, &seen, sizeof(seen)));
  EXPECT_EQ(seen, 0x0123456789abcdefu);
  EXPECT_FALSE(host_can(host(0x1000), false));
  EXPECT_FALSE(host_can(host(0x2000), false));
  EXPECT_FALSE(space.read_unchecked(0x2ffc, &seen, sizeof(seen)));  // runs into a hole
  std::uint64_t other = 7;
  ASSERT_TRUE(space.write_unchecked(0x1000, &other, sizeof(other)));
  ASSERT_TRUE(space.read_unchecked(0x1000, &seen, sizeof(seen)));
  EXPECT_EQ(seen, 7u);
  EXPECT_FALSE(host_can(host(0x1000), false));
}

TEST_F(DirectViewTest, UnmappedPagesReadAsZeroWhenMappedAgain) {
  ASSERT_TRUE(space.map(0x1000, 0x1000, kPermRW).ok());
  ASSERT_TRUE(memory.store<std::uint64_t>(0x1008, 42));
  space.unmap(0x1000, 0x1000);
  ASSERT_TRUE(space.map(0x1000, 0x1000, kPermRW).ok());
  EXPECT_EQ(*load<std::uint64_t>(0x1008), 0u);
}

TEST_F(DirectViewTest, TheViewIsAlignedToAHugePage) {
  // Guest addresses aligned to a huge page are then aligned on the host too;
  // also for a second view, which finds the low address it prefers taken.
  AddressSpace second;
  ASSERT_TRUE(second.add_ram(0, kSize, kPermNone, RamBacking::kDirectView).ok());
  for (const AddressSpace* s : {&space, &second})
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(s->direct_view().base) % kHugePageSize, 0u);
}

TEST_F(DirectViewTest, TheGuardsAroundTheViewAreReservedAndClosed) {
  // Translated code relies on them to fault: 8 KiB before the view, 32 GiB
  // and 16 KiB after it. No byte of them is accessible, and no other mapping
  // may take their place.
  const std::uint8_t* view = space.direct_view().base;
  for (const std::uint8_t* p :
       {view - kViewGuardBytes, view - 1, view + kSize, view + kSize + (std::uint64_t{1} << 32),
        view + kSize + kViewGuardAfterBytes - 1}) {
    EXPECT_FALSE(host_can(p, false)) << static_cast<const void*>(p);
    auto* page = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~(kPageSize - 1));
    void* taken =
        ::mmap(page, kPageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    EXPECT_EQ(taken, MAP_FAILED) << static_cast<const void*>(p);
    if (taken != MAP_FAILED) ::munmap(taken, kPageSize);
  }
}

TEST_F(DirectViewTest, PermissionsX86CannotExpressGiveTheViewUp) {
  std::uint64_t limit = kSize;
  space.add_view_limit_word(&limit);
  ASSERT_TRUE(space.map(0x1000, 0x1000, kPermRW).ok());
  ASSERT_TRUE(memory.store<std::uint32_t>(0x1000, 0x00000013));  // nop
  ASSERT_TRUE(space.protect(0x1000, 0x1000, kPermExec).ok());
  EXPECT_EQ(space.direct_view().base, nullptr);
  EXPECT_EQ(limit, 0u);  // translated code takes the checked path
  // The checked path keeps the guest's rules; the host reaches the page.
  const std::uint8_t* code = memory.fetch_page(0x1000);
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code[0], 0x13);
  EXPECT_FALSE(load<std::uint32_t>(0x1000).has_value());
  space.remove_view_limit_word(&limit);
}

TEST_F(DirectViewTest, ADeviceWatchGivesTheViewUpAndSeesEveryWrite) {
  ASSERT_TRUE(space.map(0x1000, 0x1000, kPermRW).ok());
  space.watch_page(0x1000, kWatchDevice);
  EXPECT_EQ(space.direct_view().base, nullptr);
  ASSERT_TRUE(memory.store<std::uint32_t>(0x1008, 5));
  ASSERT_TRUE(memory.store<std::uint32_t>(0x1008, 6));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].kind, kWatchDevice);
  EXPECT_EQ(*load<std::uint32_t>(0x1008), 6u);
}

}  // namespace
}  // namespace vmm::memory
