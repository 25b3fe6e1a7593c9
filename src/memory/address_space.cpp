#include "vmm/memory/address_space.hpp"

#include <sys/mman.h>

#include <algorithm>

namespace vmm::memory {

AddressSpace::~AddressSpace() {
  for (auto& [base, region] : m_regions) {
    if (region.host != nullptr) ::munmap(region.host, region.host_bytes);
  }
}

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

Result<void> AddressSpace::add_ram(GuestAddr base, std::uint64_t size, std::uint8_t perm) {
  if ((base | size) & kPageOffsetMask) {
    return make_error(ErrorKind::kInvalidArgument, "RAM region {:#x}+{:#x} is not page aligned", base, size);
  }
  VMM_TRY(check_overlap(base, size));
  // NORESERVE: a user-mode guest window is large and sparse; pages are
  // committed only when the guest touches them.
  void* host =
      ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (host == MAP_FAILED) {
    return make_error(ErrorKind::kNoMemory, "cannot reserve {} MiB of host memory for guest RAM", size >> 20);
  }
  m_regions.emplace(base, Region{base, size, static_cast<std::uint8_t*>(host), size, nullptr});
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
  flush_tlbs();
  return {};
}

Result<void> AddressSpace::protect(GuestAddr addr, std::uint64_t len, std::uint8_t perm) {
  if (!m_page_map.fully_mapped(addr, addr + len)) {
    return make_error(ErrorKind::kOutOfRange, "range {:#x}+{:#x} is not fully mapped", addr, len);
  }
  m_page_map.set(addr, addr + len, perm);
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
  for (GuestAddr page = page_floor(addr); page < addr + len; page += kPageSize) {
    if (!m_watched.empty()) m_watched.erase(page);
  }
  flush_tlbs();
}

AddressSpace::Translation AddressSpace::translate(GuestAddr addr, Access access, bool check_perm) const {
  const Region* region = find_region(addr);
  if (region == nullptr) return {};
  if (check_perm) {
    std::uint8_t need = access == Access::kRead    ? kPermRead
                        : access == Access::kWrite ? kPermWrite
                                                   : kPermExec;
    if ((m_page_map.perm_at(addr) & need) == 0) return {};
  } else if (m_page_map.perm_at(addr) == kPermNone) {
    return {};
  }
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
  if (len == 0) return {};
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

void AddressSpace::watch_page(GuestAddr addr, WatchKind kind) {
  GuestAddr page = page_floor(addr);
  m_watched[page] |= kind;
  for (Tlb* tlb : m_tlbs) {
    auto& entry = tlb->write[Tlb::index_of(page)];
    if (entry.tag == page) entry = TlbEntry{Tlb::kInvalidTag, 0};
  }
}

void AddressSpace::unwatch_page(GuestAddr addr, WatchKind kind) {
  auto it = m_watched.find(page_floor(addr));
  if (it == m_watched.end()) return;
  it->second = static_cast<std::uint8_t>(it->second & ~kind);
  if (it->second == 0) m_watched.erase(it);
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

void AddressSpace::flush_tlbs() {
  for (Tlb* tlb : m_tlbs) tlb->flush();
}

}  // namespace vmm::memory
