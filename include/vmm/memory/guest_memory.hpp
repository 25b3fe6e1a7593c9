#pragma once
// The one checked path for guest memory accesses: a software TLB in front of
// the AddressSpace. Hits are inline (one compare, one add); misses, MMIO,
// misaligned accesses, watched pages and faults are out of line.
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>

#include "vmm/memory/address_space.hpp"
#include "vmm/memory/tlb.hpp"

namespace vmm::memory {

/// The last failed access, for the trap or signal it becomes.
struct MemFault {
  GuestAddr addr = 0;
  Access access = Access::kRead;
  bool misaligned = false;  ///< atomics only: regular accesses may be misaligned
};

class GuestMemory {
 public:
  explicit GuestMemory(AddressSpace& space) : m_space(space) { m_space.attach_tlb(&m_tlb); }
  ~GuestMemory() { m_space.detach_tlb(&m_tlb); }
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;

  // load/store do not count accesses (a memory increment on the hottest
  // path); callers that report a hit rate add their count to tlb().accesses.
  template <typename T>
  [[nodiscard]] inline bool load(GuestAddr addr, T& out) {
    const TlbEntry& entry = m_tlb.read[Tlb::index_of(addr)];
    if (entry.tag == (addr & (~kPageOffsetMask | (sizeof(T) - 1)))) [[likely]] {
      // SAFETY: a TLB hit means the whole aligned T lies in one readable RAM page.
      std::memcpy(&out, reinterpret_cast<const void*>(addr + entry.addend), sizeof(T));
      return true;
    }
    // A separate temporary keeps `out` from escaping, so callers' values
    // stay in registers on the fast path.
    T slow_value{};
    bool ok = load_slow(addr, &slow_value, sizeof(T));
    out = slow_value;
    return ok;
  }

  template <typename T>
  [[nodiscard]] inline bool store(GuestAddr addr, T value) {
    const TlbEntry& entry = m_tlb.write[Tlb::index_of(addr)];
    if (entry.tag == (addr & (~kPageOffsetMask | (sizeof(T) - 1)))) [[likely]] {
      // SAFETY: a TLB hit means the whole aligned T lies in one writable, unwatched RAM page.
      std::memcpy(reinterpret_cast<void*>(addr + entry.addend), &value, sizeof(T));
      return true;
    }
    return store_slow(addr, &value, sizeof(T));
  }

  /// Host pointer to the executable page holding addr, or null (fault recorded).
  [[nodiscard]] const std::uint8_t* fetch_page(GuestAddr addr);

  /// Host pointer for an atomic read-modify-write of `size` bytes at addr:
  /// naturally aligned, readable and writable RAM. Null on fault (recorded).
  [[nodiscard]] std::uint8_t* atomic_pointer(GuestAddr addr, unsigned size);
  /// Called after an atomic wrote through atomic_pointer(): tells watchers.
  /// False when a device asked to stop (see request_stop()).
  [[nodiscard]] bool finish_atomic(GuestAddr addr, unsigned size) {
    // A page in the write TLB is not watched.
    if (m_tlb.write[Tlb::index_of(addr)].tag == page_floor(addr) || !m_space.is_watched(addr)) return true;
    m_space.notify_write(addr, size);
    return !m_stop_request;
  }

  /// Copies between guest and host as the guest would (permissions checked,
  /// watchers notified). False on a fault anywhere in the range.
  [[nodiscard]] bool read_bytes(GuestAddr addr, void* out, std::uint64_t len);
  [[nodiscard]] bool write_bytes(GuestAddr addr, const void* in, std::uint64_t len);
  /// Loader writes: ignore permissions, still require mapped RAM (all of it,
  /// or nothing is written).
  [[nodiscard]] bool poke_bytes(GuestAddr addr, const void* in, std::uint64_t len);
  /// A loader write whose bytes `fill` puts into the range's host memory
  /// itself (read from a file straight into guest memory); false when the
  /// range is not all mapped RAM or fill failed.
  [[nodiscard]] bool poke_with(GuestAddr addr, std::uint64_t len,
                               const std::function<bool(std::span<std::uint8_t>)>& fill);

  [[nodiscard]] const MemFault& last_fault() const { return m_fault; }

  /// A device asks the running hart to stop after the current store (HTIF
  /// tohost). The store then reports failure and the interpreter sees the
  /// request with take_stop_request(), so the fast path carries no check.
  void request_stop() { m_stop_request = true; }
  [[nodiscard]] bool take_stop_request() {
    bool requested = m_stop_request;
    m_stop_request = false;
    return requested;
  }
  [[nodiscard]] Tlb& tlb() { return m_tlb; }
  [[nodiscard]] AddressSpace& space() { return m_space; }

 private:
  bool load_slow(GuestAddr addr, void* out, unsigned size);
  bool store_slow(GuestAddr addr, const void* in, unsigned size);
  bool fault(GuestAddr addr, Access access, bool misaligned = false) {
    m_fault = MemFault{addr, access, misaligned};
    return false;
  }
  bool copy(GuestAddr addr, void* host, std::uint64_t len, Access access);

  Tlb m_tlb;
  AddressSpace& m_space;
  MemFault m_fault;
  bool m_stop_request = false;
};

}  // namespace vmm::memory
