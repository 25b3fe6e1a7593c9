#include "vmm/memory/page_map.hpp"

#include <iterator>

namespace vmm::memory {

const std::pair<const GuestAddr, PageMap::Interval>* PageMap::containing(GuestAddr addr) const {
  auto it = m_intervals.upper_bound(addr);
  if (it == m_intervals.begin()) return nullptr;
  --it;
  return addr < it->second.end ? &*it : nullptr;
}

std::vector<std::pair<GuestAddr, PageMap::Interval>> PageMap::overlapping(GuestAddr start,
                                                                          GuestAddr end) const {
  std::vector<std::pair<GuestAddr, Interval>> found;
  auto it = m_intervals.upper_bound(start);
  if (it != m_intervals.begin() && std::prev(it)->second.end > start) --it;
  for (; it != m_intervals.end() && it->first < end; ++it) found.emplace_back(*it);
  return found;
}

void PageMap::split_at(GuestAddr addr) {
  auto it = m_intervals.upper_bound(addr);
  if (it == m_intervals.begin()) return;
  --it;
  if (it->first < addr && addr < it->second.end) {
    Interval tail{it->second.end, it->second.perm};
    it->second.end = addr;
    m_intervals.emplace(addr, tail);
  }
}

void PageMap::merge_around(GuestAddr addr) {
  // Merge the interval starting at addr with its predecessor, and its
  // successor with it, when they touch and have equal permissions.
  auto it = m_intervals.find(addr);
  if (it == m_intervals.end()) return;
  if (it != m_intervals.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end == it->first && prev->second.perm == it->second.perm) {
      prev->second.end = it->second.end;
      m_intervals.erase(it);
      it = prev;
    }
  }
  auto next = std::next(it);
  if (next != m_intervals.end() && it->second.end == next->first && it->second.perm == next->second.perm) {
    it->second.end = next->second.end;
    m_intervals.erase(next);
  }
}

void PageMap::clear(GuestAddr start, GuestAddr end) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  auto it = m_intervals.lower_bound(start);
  while (it != m_intervals.end() && it->first < end) it = m_intervals.erase(it);
}

void PageMap::set(GuestAddr start, GuestAddr end, std::uint8_t perm) {
  if (start >= end) return;
  clear(start, end);
  m_intervals.emplace(start, Interval{end, static_cast<std::uint8_t>(perm | kPermMapped)});
  merge_around(start);
  if (m_intervals.count(end) != 0) merge_around(end);
}

std::uint8_t PageMap::perm_at(GuestAddr addr) const {
  auto it = m_intervals.upper_bound(addr);
  if (it == m_intervals.begin()) return kPermNone;
  --it;
  return addr < it->second.end ? it->second.perm : static_cast<std::uint8_t>(kPermNone);
}

bool PageMap::fully_mapped(GuestAddr start, GuestAddr end) const {
  GuestAddr cursor = start;
  auto it = m_intervals.upper_bound(cursor);
  if (it != m_intervals.begin()) --it;
  for (; it != m_intervals.end() && cursor < end; ++it) {
    if (it->second.end <= cursor) continue;
    if (it->first > cursor) return false;
    cursor = it->second.end;
  }
  return cursor >= end;
}

bool PageMap::is_free(GuestAddr start, GuestAddr end) const {
  auto it = m_intervals.upper_bound(start);
  if (it != m_intervals.begin() && std::prev(it)->second.end > start) return false;
  return it == m_intervals.end() || it->first >= end;
}

std::optional<GuestAddr> PageMap::find_free(std::uint64_t size, GuestAddr low, GuestAddr high) const {
  GuestAddr candidate = page_ceil(low);
  auto it = m_intervals.upper_bound(candidate);
  if (it != m_intervals.begin()) --it;
  for (; it != m_intervals.end(); ++it) {
    if (it->second.end <= candidate) continue;
    if (it->first >= candidate && it->first - candidate >= size) break;
    candidate = it->second.end;
  }
  if (candidate > high || high - candidate < size) return std::nullopt;
  return candidate;
}

}  // namespace vmm::memory
