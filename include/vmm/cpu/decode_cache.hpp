#pragma once
// Decode once per instruction address: one page of decoded instructions per
// executed guest page, one slot per 2-byte parcel, filled lazily. Two
// sentinel slots past the end send the interpreter to the next page.
//
// Coherence: a page that has been decoded is watched in the AddressSpace, so
// any write to it (guest store, system call, loader) resets its slots in
// place. Resetting in place (never freeing) keeps the interpreter's pointer
// into a page valid while it executes a store to that same page.
#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "vmm/core/types.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/memory/pool.hpp"

namespace vmm::cpu {

class DecodeCache {
 public:
  static constexpr std::size_t kSlots = kPageSize / 2;

  /// Created zero-filled (see create): every member's zero is its initial value.
  struct Page {
    GuestAddr base = 0;
    const std::uint8_t* host = nullptr;  ///< host bytes of the guest page (fetch-checked)
    bool watched = false;                ///< writes to the page are reported (see invalidate)
    std::array<isa::DecodedInsn, kSlots + 2> insns;
  };

  DecodeCache();
  ~DecodeCache();
  DecodeCache(const DecodeCache&) = delete;
  DecodeCache& operator=(const DecodeCache&) = delete;

  /// The page holding `base`, or null. A small direct-mapped table sits in
  /// front of the full map, so page switches in hot loops stay cheap.
  [[nodiscard]] Page* find(GuestAddr base) {
    Slot& slot = m_front[(base >> kPageShift) & (kFrontSize - 1)];
    if (slot.base == base) return slot.page;
    auto it = m_pages.find(base);
    if (it == m_pages.end()) return nullptr;
    slot = Slot{base, it->second};
    return it->second;
  }
  /// Creates the (empty) page for `base`, whose host bytes are `host`.
  [[nodiscard]] Page* create(GuestAddr base, const std::uint8_t* host);
  /// Resets every slot of the page holding `base` (and the straddling last
  /// slot of the page before it) so they are decoded again.
  void invalidate(GuestAddr base);
  /// Drops every page. Only safe when no interpreter is running.
  void clear();
  /// Drops the pages in [start, end) and returns their bases (so their code
  /// watches can be removed). Only safe when no interpreter is running.
  std::vector<GuestAddr> drop_range(GuestAddr start, GuestAddr end);

  [[nodiscard]] std::size_t page_count() const { return m_pages.size(); }
  [[nodiscard]] std::uint64_t invalidations() const { return m_invalidations; }

 private:
  static constexpr std::size_t kFrontSize = 64;
  struct Slot {
    GuestAddr base = ~GuestAddr{0};
    Page* page = nullptr;
  };
  static void reset(Page& page);

  std::array<Slot, kFrontSize> m_front{};
  std::unordered_map<GuestAddr, Page*> m_pages;
  memory::ZeroedPool m_pool{sizeof(Page), 8};
  std::uint64_t m_invalidations = 0;
};

}  // namespace vmm::cpu
