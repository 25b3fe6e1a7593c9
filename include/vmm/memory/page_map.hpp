#pragma once
// The guest's mappings as disjoint page-aligned intervals, each with one
// permission set: what /proc/self/maps is to a Linux process. Software TLB
// misses consult it; mmap, munmap and mprotect edit it.
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "vmm/core/types.hpp"

namespace vmm::memory {

/// Page permissions. kMapped marks a page that exists even with no access
/// (mprotect PROT_NONE), as opposed to a hole.
enum Perm : std::uint8_t {
  kPermNone = 0,
  kPermRead = 1,
  kPermWrite = 2,
  kPermExec = 4,
  kPermRW = kPermRead | kPermWrite,
  kPermRWX = kPermRead | kPermWrite | kPermExec,
  kPermMapped = 8,
};

class PageMap {
 public:
  struct Interval {
    GuestAddr end;  ///< exclusive
    std::uint8_t perm;
  };

  /// Maps [start, end) with perm (kPermMapped is added), replacing what was there.
  void set(GuestAddr start, GuestAddr end, std::uint8_t perm);
  /// Removes [start, end); holes inside it are fine.
  void clear(GuestAddr start, GuestAddr end);
  /// Permission of the page holding addr; kPermNone for a hole.
  [[nodiscard]] std::uint8_t perm_at(GuestAddr addr) const;
  /// True when every page of [start, end) is mapped.
  [[nodiscard]] bool fully_mapped(GuestAddr start, GuestAddr end) const;
  /// True when no page of [start, end) is mapped.
  [[nodiscard]] bool is_free(GuestAddr start, GuestAddr end) const;
  /// Lowest free gap of `size` bytes inside [low, high), page aligned.
  [[nodiscard]] std::optional<GuestAddr> find_free(std::uint64_t size, GuestAddr low, GuestAddr high) const;

  [[nodiscard]] const std::map<GuestAddr, Interval>& intervals() const { return m_intervals; }
  /// The interval holding `addr` (its start and Interval), or null for a hole.
  [[nodiscard]] const std::pair<const GuestAddr, Interval>* containing(GuestAddr addr) const;
  /// Copies of the intervals overlapping [start, end), lowest first (a
  /// caller may then change the map as it goes through them).
  [[nodiscard]] std::vector<std::pair<GuestAddr, Interval>> overlapping(GuestAddr start, GuestAddr end) const;

 private:
  void split_at(GuestAddr addr);
  void merge_around(GuestAddr addr);

  std::map<GuestAddr, Interval> m_intervals;  ///< keyed by start
};

}  // namespace vmm::memory
