#include "vmm/memory/address_space.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "vmm/core/log.hpp"
#include "vmm/core/signals.hpp"

namespace vmm::memory {

AddressSpace::~AddressSpace() {
  stop_watching_bus_errors();
  for (auto& [base, region] : m_regions) {
    if (region.view) {
      ::munmap(region.host - kViewGuardBytes, region.view_bytes);  // with its guards
    } else if (region.host != nullptr) {
      ::munmap(region.host, region.host_bytes);
    }
  }
}

namespace {

bool strict_overcommit() {
  std::FILE* f = std::fopen("/proc/sys/vm/overcommit_memory", "r");
  if (f == nullptr) return false;
  int mode = 0;
  bool strict = std::fscanf(f, "%d", &mode) == 1 && mode == 2;
  std::fclose(f);
  return strict;
}

/// Reserves `bytes` of private anonymous memory at an address congruent to
/// `residue` modulo kHugePageSize: placed so that guest addresses aligned to
/// a huge page are aligned on the host too, where transparent huge pages can
/// back them.
std::optional<std::uint8_t*> reserve_aligned(std::uint64_t bytes, std::uint64_t residue, std::uintptr_t hint,
                                             int prot) {
  const std::uint64_t padded = bytes + kHugePageSize;
  void* at =
      ::mmap(reinterpret_cast<void*>(hint), padded, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (at == MAP_FAILED) return std::nullopt;
  const auto start = reinterpret_cast<std::uintptr_t>(at);
  const std::uintptr_t placed = start + ((residue - start) & (kHugePageSize - 1));
  // Give back the padding on either side.
  if (placed > start) ::munmap(at, placed - start);
  if (const std::uintptr_t tail = start + padded - (placed + bytes); tail != 0)
    ::munmap(reinterpret_cast<void*>(placed + bytes), tail);
  return reinterpret_cast<std::uint8_t*>(placed);
}

/// The host bytes a direct view of `size` bytes reserves, with its guards.
std::uint64_t view_reservation(std::uint64_t size) { return kViewGuardBytes + size + kViewGuardAfterBytes; }

/// The direct view: inaccessible private memory (opened page by page) between
/// two guards that are never opened. Returns the view's base.
Result<std::uint8_t*> reserve_view(std::uint64_t size) {
  if (strict_overcommit()) {
    // Every page opened for writing would then be charged at once, and the
    // host's protections could no longer follow the guest's.
    return make_error(ErrorKind::kUnsupported,
                      "no direct view under strict overcommit (vm.overcommit_memory=2)");
  }
  // Low in the host's address space if it is free there: translated code
  // then reaches guest address a as [a + view] with a 32-bit displacement
  // and needs no register for the view.
  constexpr std::uintptr_t kLowHint = 0x10000000;
  auto reserved = reserve_aligned(view_reservation(size), kHugePageSize - kViewGuardBytes,
                                  kLowHint - kViewGuardBytes, PROT_NONE);
  if (!reserved) {
    return make_error(ErrorKind::kNoMemory, "cannot reserve {} MiB of host memory for guest RAM", size >> 20);
  }
  // SAFETY: the reservation holds the view and a guard on either side (view_reservation).
  return *reserved + kViewGuardBytes;
}

/// Host protection of a page in the direct view: reads where the guest may
/// read, writes where it may also write (x86 cannot write without reading).
int view_protection(std::uint8_t perm) {
  if ((perm & kPermRead) == 0) return PROT_NONE;
  return (perm & kPermWrite) != 0 ? PROT_READ | PROT_WRITE : PROT_READ;
}

}  // namespace

Result<void> AddressSpace::check_overlap(GuestAddr base, std::uint64_t size) const {
  if (size == 0 || base + size < base) {
    return make_error(ErrorKind::kOutOfRange, "region [{:#x}, +{:#x}) is empty or wraps", base, size);
  }
  auto it = m_regions.upper_bound(base + size - 1);
  if (it != m_regions.begin()) {
    --it;
    if (it->first + it->second.size > base) {
      return make_error(ErrorKind::kOutOfRange, "region at {:#x} overlaps region at {:#x}", base, it->first);
    }
  }
  return {};
}

Result<void> AddressSpace::add_ram(GuestAddr base, std::uint64_t size, std::uint8_t perm,
                                   RamBacking backing) {
  if ((base | size) & kPageOffsetMask) {
    return make_error(ErrorKind::kInvalidArgument, "RAM region {:#x}+{:#x} is not page aligned", base, size);
  }
  VMM_TRY(check_overlap(base, size));
  if (backing == RamBacking::kDirectView) {
    if (base != 0)
      return make_error(ErrorKind::kInvalidArgument, "a direct view needs RAM at guest address 0");
    auto view = reserve_view(size);
    if (!view) return view.error();
    m_regions.emplace(base, Region{base, size, view.value(), size, nullptr, true, view_reservation(size)});
    if (perm != kPermNone) m_page_map.set(base, base + size, perm);
    sync_view(base, base + size);
    flush_tlbs();
    return {};
  }
  // NORESERVE: a user-mode guest window is large and sparse; pages are
  // committed only when the guest touches them.
  auto host = reserve_aligned(size, base, 0, PROT_READ | PROT_WRITE);
  if (!host) {
    return make_error(ErrorKind::kNoMemory, "cannot reserve {} MiB of host memory for guest RAM", size >> 20);
  }
  m_regions.emplace(base, Region{base, size, *host, size, nullptr});
  if (perm != kPermNone) m_page_map.set(base, base + size, perm);
  flush_tlbs();
  return {};
}

Result<void> AddressSpace::add_mmio(GuestAddr base, std::uint64_t size, MmioDevice* device) {
  VMM_TRY(check_overlap(base, size));
  m_regions.emplace(base, Region{base, size, nullptr, 0, device});
  m_page_map.set(page_floor(base), page_ceil(base + size), kPermRW);
  flush_tlbs();
  return {};
}

const AddressSpace::Region* AddressSpace::find_region(GuestAddr addr) const {
  auto it = m_regions.upper_bound(addr);
  if (it == m_regions.begin()) return nullptr;
  --it;
  return addr - it->first < it->second.size ? &it->second : nullptr;
}

Result<void> AddressSpace::map(GuestAddr addr, std::uint64_t len, std::uint8_t perm) {
  if ((addr | len) & kPageOffsetMask || addr + len < addr) {
    return make_error(ErrorKind::kInvalidArgument, "mapping {:#x}+{:#x} is not page aligned", addr, len);
  }
  if (len == 0) return {};
  const Region* region = find_region(addr);
  if (region == nullptr || region->host == nullptr || addr + len - region->base > region->size) {
    return make_error(ErrorKind::kOutOfRange, "mapping {:#x}+{:#x} is outside guest RAM", addr, len);
  }
  m_page_map.set(addr, addr + len, perm);
  sync_view(addr, addr + len);
  flush_tlbs();
  return {};
}

Result<void> AddressSpace::protect(GuestAddr addr, std::uint64_t len, std::uint8_t perm) {
  if (!m_page_map.fully_mapped(addr, addr + len)) {
    return make_error(ErrorKind::kOutOfRange, "range {:#x}+{:#x} is not fully mapped", addr, len);
  }
  m_page_map.set(addr, addr + len, perm);
  sync_view(addr, addr + len);
  flush_tlbs();
  return {};
}

void AddressSpace::unmap(GuestAddr addr, std::uint64_t len) {
  m_page_map.clear(addr, addr + len);
  // Give the memory back and make a later mapping read as zeros, as Linux does.
  for (GuestAddr cursor = addr; cursor < addr + len;) {
    const Region* region = find_region(cursor);
    if (region == nullptr) {
      auto next = m_regions.upper_bound(cursor);
      if (next == m_regions.end()) break;
      cursor = next->first;
      continue;
    }
    GuestAddr end = std::min(addr + len, region->base + region->size);
    if (region->host != nullptr) {
      // SAFETY: [cursor, end) lies inside the region, so the host range is inside its mapping.
      ::madvise(region->host + (cursor - region->base), end - cursor, MADV_DONTNEED);
    }
    cursor = end;
  }
  if (!m_file_pages.empty()) drop_file_pages(addr, addr + len);
  for (GuestAddr page = page_floor(addr); page < addr + len; page += kPageSize) {
    if (!m_watched.empty()) m_watched.erase(page);
  }
  sync_view(addr, addr + len);
  flush_tlbs();
}

namespace {

// Address spaces with file-backed pages, for the SIGBUS handler.
constexpr std::size_t kMaxFileBackedSpaces = 16;
std::array<std::atomic<AddressSpace*>, kMaxFileBackedSpaces> g_file_backed{};
struct sigaction g_previous_bus {};

void on_sigbus(int sig, siginfo_t* info, void* context) {
  // Only an access past the end of a mapped file (not a machine check, nor
  // a SIGBUS another process sent, whose si_addr means nothing).
  if (info->si_code == BUS_ADRERR) {
    for (std::atomic<AddressSpace*>& slot : g_file_backed) {
      AddressSpace* space = slot.load(std::memory_order_relaxed);
      if (space != nullptr && space->absorb_bus_error(info->si_addr)) return;
    }
  }
  pass_on_signal(sig, info, context, g_previous_bus);  // not ours
}

bool install_bus_handler() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    return ::sigaction(SIGBUS, &action, &g_previous_bus) == 0;
  }();
  return installed;
}

}  // namespace

bool AddressSpace::watch_bus_errors() {
  if (m_watching_bus_errors) return true;
  if (!install_bus_handler()) return false;
  for (std::atomic<AddressSpace*>& slot : g_file_backed) {
    AddressSpace* empty = nullptr;
    if (slot.compare_exchange_strong(empty, this)) return m_watching_bus_errors = true;
  }
  return false;
}

void AddressSpace::stop_watching_bus_errors() {
  if (!m_watching_bus_errors) return;
  for (std::atomic<AddressSpace*>& slot : g_file_backed) {
    AddressSpace* self = this;
    slot.compare_exchange_strong(self, nullptr);
  }
  m_watching_bus_errors = false;
}

bool AddressSpace::absorb_bus_error(const void* at) {
  const auto host = reinterpret_cast<std::uintptr_t>(at);
  for (const auto& [lo, hi] : m_file_pages) {
    const Region* region = find_region(lo);
    if (region == nullptr) continue;
    const auto first = reinterpret_cast<std::uintptr_t>(region->host + (lo - region->base));
    if (host < first || host - first >= hi - lo) continue;
    // The file shrank under its pages. Fresh zero pages take the place of
    // those past its end, readable and writable by the host: in the direct
    // view, where protections stand for the guest's, the view is given up
    // (translated code checks every access from its next check on, and the
    // engine drops it at its next dispatch). Until then a loop whose bases
    // were checked on the way in may still store to pages the guest could
    // not, watched code among them: the guest's own semantics suffer, not
    // the host, as every such access stays inside the view or its guards.
    // No logging: this runs in a signal handler (vm's one thread touching
    // guest memory: nothing here is being changed meanwhile).
    if (region == view_region()) open_view_to_host();
    auto* page = reinterpret_cast<void*>(host & ~std::uintptr_t{kPageOffsetMask});
    return ::mmap(page, kPageSize, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == page;
  }
  return false;
}

bool AddressSpace::map_file(GuestAddr addr, std::uint64_t len, int fd, std::uint64_t offset) {
  if (((addr | len | offset) & kPageOffsetMask) != 0 || len == 0 || addr + len < addr) return false;
  // Each range is a host mapping or more: a guest mapping many files must
  // not take vm to the host's limit (vm.max_map_count), where restoring
  // RAM after a failed mapping would fail too. Callers copy instead.
  constexpr std::size_t kMaxFileRanges = 4096;
  if (m_file_pages.size() >= kMaxFileRanges) return false;
  const Region* region = find_region(addr);
  if (region == nullptr || region->host == nullptr || addr + len - region->base > region->size ||
      !m_page_map.fully_mapped(addr, addr + len))
    return false;
  // A file that shrinks under its pages would be a host SIGBUS on them.
  if (!watch_bus_errors()) return false;
  prepare_write(addr, len);
  // SAFETY: [addr, addr + len) lies inside the region, so the host range is inside its mapping.
  std::uint8_t* host = region->host + (addr - region->base);
  void* at = ::mmap(host, len, reserved_protection(*region), MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE, fd,
                    static_cast<off_t>(offset));
  const bool mapped = at != MAP_FAILED;
  // A failed MAP_FIXED may have unmapped the range: put fresh pages back, or
  // the host could map something else inside the guest's RAM.
  if (!mapped && !replace_with_anonymous(*region, addr, addr + len)) {
    std::fprintf(stderr, "vm: cannot restore guest RAM after a failed file mapping: %s\n",
                 std::strerror(errno));
    std::abort();
  }
  if (mapped) m_file_pages.emplace_back(addr, addr + len);
  sync_view(addr, addr + len);
  notify_write(addr, len);
  return mapped;
}

bool AddressSpace::replace_with_anonymous(const Region& region, GuestAddr start, GuestAddr end) {
  // SAFETY: the caller's [start, end) lies inside the region's mapping.
  void* host = region.host + (start - region.base);
  return ::mmap(host, end - start, reserved_protection(region),
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == host;
}

int AddressSpace::reserved_protection(const Region& region) const {
  // The view's pages get theirs from sync_view, as any others.
  return &region == view_region() ? PROT_NONE : PROT_READ | PROT_WRITE;
}

void AddressSpace::drop_file_pages(GuestAddr start, GuestAddr end) {
  std::vector<std::pair<GuestAddr, GuestAddr>> kept;
  for (const auto& [lo, hi] : m_file_pages) {
    const GuestAddr from = std::max(lo, page_floor(start));
    const GuestAddr to = std::min(hi, page_ceil(end));
    if (from >= to) {
      kept.emplace_back(lo, hi);
      continue;
    }
    const Region* region = find_region(from);
    if (region == nullptr || !replace_with_anonymous(*region, from, to)) {
      std::fprintf(stderr, "vm: cannot give back file pages of guest RAM: %s\n", std::strerror(errno));
      std::abort();
    }
    if (lo < from) kept.emplace_back(lo, from);
    if (to < hi) kept.emplace_back(to, hi);
  }
  m_file_pages = std::move(kept);
}

bool AddressSpace::advise_huge_pages(GuestAddr addr, std::uint64_t len) {
  if (len == 0 || addr + len < addr) return false;
  const Region* region = find_region(addr);
  if (region == nullptr || region->host == nullptr || addr + len - region->base > region->size) return false;
  // SAFETY: [addr, addr+len) lies inside the region, so the host range is inside its mapping.
  std::uint8_t* host = region->host + (page_floor(addr) - region->base);
  return ::madvise(host, page_ceil(addr + len) - page_floor(addr), MADV_HUGEPAGE) == 0;
}

AddressSpace::Translation AddressSpace::translate(GuestAddr addr, Access access) const {
  const Region* region = find_region(addr);
  if (region == nullptr) return {};
  const std::uint8_t need = access == Access::kRead    ? kPermRead
                            : access == Access::kWrite ? kPermWrite
                                                       : kPermExec;
  if ((m_page_map.perm_at(addr) & need) == 0) return {};
  Translation t;
  if (region->host == nullptr) {
    t.device = region->device;
    t.device_offset = addr - region->base;
    return t;
  }
  // SAFETY: addr lies inside the region, so the offset stays inside its host mapping.
  t.host = region->host + (addr - region->base);
  t.cacheable = access != Access::kWrite || !is_watched(addr);
  return t;
}

std::span<std::uint8_t> AddressSpace::host_range(GuestAddr addr, std::uint64_t len, std::uint8_t perm) {
  if (len == 0 || perm == kPermNone) return {};
  if (addr + len < addr) return {};
  const Region* region = find_region(addr);
  if (region == nullptr || region->host == nullptr || addr + len - region->base > region->size) return {};
  GuestAddr first = page_floor(addr);
  GuestAddr last = page_floor(addr + len - 1);
  for (GuestAddr page = first;;) {
    auto it = m_page_map.intervals().upper_bound(page);
    if (it == m_page_map.intervals().begin()) return {};
    --it;
    if (page >= it->second.end || (it->second.perm & perm) != perm) return {};
    page = it->second.end;  // skip the whole interval
    if (page > last) break;
  }
  // SAFETY: the whole range was checked to lie inside one RAM region.
  return {region->host + (addr - region->base), static_cast<std::size_t>(len)};
}

bool AddressSpace::expressible(GuestAddr start, GuestAddr end) const {
  const auto& intervals = m_page_map.intervals();
  auto it = intervals.upper_bound(start);
  if (it != intervals.begin()) --it;
  for (; it != intervals.end() && it->first < end; ++it) {
    const std::uint8_t perm = it->second.perm;
    if (it->second.end > start && (perm & kPermRead) == 0 && (perm & (kPermWrite | kPermExec)) != 0)
      return false;
  }
  return true;
}

bool AddressSpace::host_may(const Region& region, GuestAddr start, GuestAddr end, int prot) const {
  if (!region.view || &region != view_region()) return true;  // not a view, or given up: all open
  if ((prot & PROT_WRITE) != 0) {
    for (GuestAddr page = page_floor(start); page < end; page += kPageSize) {
      if (is_watched(page)) return false;
    }
  }
  for (GuestAddr page = page_floor(start); page < end;) {
    auto it = m_page_map.intervals().upper_bound(page);
    if (it == m_page_map.intervals().begin()) return false;
    --it;
    if (page >= it->second.end || (view_protection(it->second.perm) & prot) != prot) return false;
    page = it->second.end;
  }
  return true;
}

template <class Access>
bool AddressSpace::access_unchecked(GuestAddr addr, std::uint64_t len, bool write, Access&& access) {
  if (len == 0) return true;
  if (addr + len < addr || !m_page_map.fully_mapped(page_floor(addr), page_ceil(addr + len))) return false;
  const Region* region = find_region(addr);
  if (region == nullptr || region->host == nullptr || addr + len - region->base > region->size) return false;
  // SAFETY: the whole range lies inside the region's mapping.
  std::uint8_t* host = region->host + (addr - region->base);
  const int prot = write ? PROT_READ | PROT_WRITE : PROT_READ;
  bool open = host_may(*region, addr, addr + len, prot);
  std::uint8_t* first = region->host + (page_floor(addr) - region->base);
  const std::size_t span = page_ceil(addr + len) - page_floor(addr);
  // Rare (loaders, lockstep, write-back): open the pages for the copy, then
  // give them the guest's protections back. Should the host refuse, the
  // view cannot be kept in step: it is given up, which opens everything.
  if (!open && ::mprotect(first, span, prot) != 0) {
    give_up_view("mprotect failed");
    if (view_region() != nullptr || m_view_given_up_failed) return false;
    open = true;
  }
  const bool done = access(std::span<std::uint8_t>(host, len));
  if (!open) sync_view(page_floor(addr), page_ceil(addr + len));
  return done;
}

bool AddressSpace::read_unchecked(GuestAddr addr, void* out, std::uint64_t len) {
  return access_unchecked(addr, len, false, [&](std::span<std::uint8_t> host) {
    std::memcpy(out, host.data(), host.size());
    return true;
  });
}

bool AddressSpace::write_unchecked(GuestAddr addr, const void* in, std::uint64_t len) {
  return access_unchecked(addr, len, true, [&](std::span<std::uint8_t> host) {
    std::memcpy(host.data(), in, host.size());
    return true;
  });
}

bool AddressSpace::fill_unchecked(GuestAddr addr, std::uint64_t len,
                                  const std::function<bool(std::span<std::uint8_t>)>& fill) {
  return access_unchecked(addr, len, true, fill);
}

void AddressSpace::watch_page(GuestAddr addr, WatchKind kind) {
  GuestAddr page = page_floor(addr);
  // A device must see every write, and the host writes the view's pages
  // directly: translated code takes the checked path from now on.
  if (kind == kWatchDevice && view_region() != nullptr && find_region(page) == view_region())
    give_up_view("a device watches a page");
  std::uint8_t& kinds = m_watched[page];
  bool was_watched = kinds != 0;
  kinds |= kind;
  for (Tlb* tlb : m_tlbs) {
    auto& entry = tlb->write[Tlb::index_of(page)];
    if (entry.tag == page) entry = TlbEntry{Tlb::kInvalidTag, 0};
  }
  if (!was_watched && watch_changes_view(page)) sync_view(page, page + kPageSize);
}

bool AddressSpace::watch_changes_view(GuestAddr page) const {
  return (m_page_map.perm_at(page) & kPermRW) == kPermRW;
}

void AddressSpace::unwatch_page(GuestAddr addr, WatchKind kind) {
  auto it = m_watched.find(page_floor(addr));
  if (it == m_watched.end()) return;
  it->second = static_cast<std::uint8_t>(it->second & ~kind);
  if (it->second == 0) {
    m_watched.erase(it);
    if (watch_changes_view(page_floor(addr))) sync_view(page_floor(addr), page_floor(addr) + kPageSize);
  }
}

void AddressSpace::prepare_write(GuestAddr addr, std::uint64_t len) {
  if (m_watched.empty() || len == 0) return;
  for (GuestAddr page = page_floor(addr); page <= page_floor(addr + len - 1); page += kPageSize) {
    auto it = m_watched.find(page);
    if (it == m_watched.end() || (it->second & kWatchCode) == 0) continue;
    unwatch_page(page, kWatchCode);
    if (m_watch_callback) m_watch_callback(page, kWatchCode);
  }
}

void AddressSpace::notify_write(GuestAddr addr, std::uint64_t len) {
  if (m_watched.empty() || len == 0) return;
  for (GuestAddr page = page_floor(addr); page <= page_floor(addr + len - 1); page += kPageSize) {
    auto it = m_watched.find(page);
    if (it == m_watched.end()) continue;
    std::uint8_t kinds = it->second;
    if (kinds & kWatchCode) unwatch_page(page, kWatchCode);
    if (m_watch_callback) {
      if (kinds & kWatchCode) m_watch_callback(page, kWatchCode);
      if (kinds & kWatchDevice) m_watch_callback(page, kWatchDevice);
    }
  }
}

void AddressSpace::detach_tlb(Tlb* tlb) {
  m_tlbs.erase(std::remove(m_tlbs.begin(), m_tlbs.end(), tlb), m_tlbs.end());
}

DirectView AddressSpace::direct_view() const {
  const Region* region = view_region();
  return region == nullptr ? DirectView{} : DirectView{region->host, region->size};
}

const AddressSpace::Region* AddressSpace::view_region() const {
  if (m_view_given_up) return nullptr;
  auto it = m_regions.find(0);
  return it != m_regions.end() && it->second.view ? &it->second : nullptr;
}

void AddressSpace::remove_view_limit_word(std::uint64_t* word) {
  m_view_limit_words.erase(std::remove(m_view_limit_words.begin(), m_view_limit_words.end(), word),
                           m_view_limit_words.end());
}

void AddressSpace::give_up_view(const char* why) {
  if (view_region() == nullptr) return;
  log::debug("memory: direct view given up ({}); translated code takes the checked path", why);
  open_view_to_host();
  if (m_view_given_up_failed) log::error("memory: cannot open guest RAM after giving up the direct view");
}

void AddressSpace::open_view_to_host() {
  const Region* region = view_region();
  if (region == nullptr) return;
  for (std::uint64_t* word : m_view_limit_words) *word = 0;
  m_view_given_up = true;
  // The host reaches every page now (holes too: only checked paths look at
  // them). One protection for the whole region merges its pieces back into
  // one mapping; should the host refuse even that, the mapped intervals one
  // by one.
  if (::mprotect(region->host, region->size, PROT_READ | PROT_WRITE) == 0) return;
  for (const auto& [start, interval] : m_page_map.intervals()) {
    if (start >= region->size) break;
    const GuestAddr end = std::min(interval.end, region->size);
    // SAFETY: [start, end) lies inside the region.
    if (::mprotect(region->host + start, end - start, PROT_READ | PROT_WRITE) != 0)
      m_view_given_up_failed = true;
  }
}

void AddressSpace::sync_view(GuestAddr start, GuestAddr end) {
  const Region* region = view_region();
  if (region == nullptr) return;
  // Each interval and watched page may split the view's host mapping: stay far
  // below the host's limit on mappings (vm.max_map_count, 65530 by default).
  constexpr std::size_t kMaxPieces = 16384;
  if (m_page_map.intervals().size() + m_watched.size() > kMaxPieces) return give_up_view("too many pieces");
  start = page_floor(start);
  end = std::min(page_ceil(end), region->size);
  if (start >= end) return;
  if (!expressible(start, end)) return give_up_view("write or execute without read");
  bool failed = false;
  auto protect = [&](GuestAddr lo, GuestAddr hi, int prot) {
    // SAFETY: [lo, hi) lies inside [0, region->size), which the view maps.
    if (lo < hi && ::mprotect(region->host + lo, hi - lo, prot) != 0) failed = true;
  };
  const auto& intervals = m_page_map.intervals();
  auto it = intervals.upper_bound(start);
  if (it != intervals.begin()) --it;
  GuestAddr cursor = start;
  for (; it != intervals.end() && it->first < end; ++it) {
    GuestAddr lo = std::max(it->first, start);
    GuestAddr hi = std::min(it->second.end, end);
    if (lo >= hi) continue;
    protect(cursor, lo, PROT_NONE);  // a hole
    protect(lo, hi, view_protection(it->second.perm));
    cursor = hi;
  }
  protect(cursor, end, PROT_NONE);
  // Writes to watched pages go through the checked path, which tells the watchers.
  auto read_only_if_watched = [&](GuestAddr page) {
    if ((m_page_map.perm_at(page) & kPermRW) == kPermRW) protect(page, page + kPageSize, PROT_READ);
  };
  if ((end - start) / kPageSize <= m_watched.size()) {
    for (GuestAddr page = start; page < end; page += kPageSize) {
      if (m_watched.count(page) != 0) read_only_if_watched(page);
    }
  } else {
    for (const auto& [page, kinds] : m_watched) {
      if (page >= start && page < end) read_only_if_watched(page);
    }
  }
  if (failed) give_up_view("mprotect failed");
}

void AddressSpace::flush_tlbs() {
  for (Tlb* tlb : m_tlbs) tlb->flush();
}

}  // namespace vmm::memory
