#pragma once
// Software TLB (TinyEMU's design): direct mapped, separate arrays for read,
// write and fetch, each entry holding `host_pointer - guest_address`, so a hit
// is one compare and one add. The layout is standard so that a JIT can inline
// the same lookup with offsets taken from offsetof, never typed by hand.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "vmm/core/types.hpp"

namespace vmm::memory {

enum class Access : std::uint8_t { kRead = 0, kWrite = 1, kFetch = 2 };

struct TlbEntry {
  /// Guest page address of the mapping, or kInvalidTag. Accesses compare it with
  /// `addr & (~kPageOffsetMask | (size - 1))`, so misaligned accesses miss.
  GuestAddr tag;
  /// host_pointer - guest_address for the page (wraps modulo 2^64 by design).
  std::uintptr_t addend;
};

struct Tlb {
  static constexpr unsigned kIndexBits = 8;
  static constexpr std::size_t kEntries = std::size_t{1} << kIndexBits;
  static constexpr GuestAddr kInvalidTag = ~GuestAddr{0};

  std::array<TlbEntry, kEntries> read;
  std::array<TlbEntry, kEntries> write;
  std::array<TlbEntry, kEntries> fetch;
  std::uint64_t accesses = 0;  ///< loads and stores that looked up the TLB (added by the caller)
  std::uint64_t misses = 0;

  Tlb() { flush(); }

  static constexpr std::size_t index_of(GuestAddr addr) { return (addr >> kPageShift) & (kEntries - 1); }

  std::array<TlbEntry, kEntries>& array(Access access) {
    switch (access) {
      case Access::kRead:
        return read;
      case Access::kWrite:
        return write;
      case Access::kFetch:
        break;
    }
    return fetch;
  }

  void flush() {
    for (auto* table : {&read, &write, &fetch}) {
      for (auto& entry : *table) entry = TlbEntry{kInvalidTag, 0};
    }
  }
  void flush_page(GuestAddr addr) {
    std::size_t i = index_of(addr);
    GuestAddr page = page_floor(addr);
    for (auto* table : {&read, &write, &fetch}) {
      if ((*table)[i].tag == page) (*table)[i] = TlbEntry{kInvalidTag, 0};
    }
  }
};

static_assert(std::is_standard_layout_v<Tlb>, "the JIT inlines TLB lookups by offset");
static_assert(sizeof(TlbEntry) == 16, "the JIT scales the index by 16");

}  // namespace vmm::memory
