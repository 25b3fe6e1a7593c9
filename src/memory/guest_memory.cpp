#include "vmm/memory/guest_memory.hpp"

#include <algorithm>

namespace vmm::memory {

namespace {

std::uint64_t read_le(const std::uint8_t* p, unsigned size) {
  std::uint64_t value = 0;
  std::memcpy(&value, p, size);  // little-endian host and guest
  return value;
}

}  // namespace

bool GuestMemory::load_slow(GuestAddr addr, void* out, unsigned size) {
  ++m_tlb.misses;
  if (page_floor(addr) != page_floor(addr + size - 1)) {
    // Straddles two pages: both must be readable; the guest sees one access.
    return copy(addr, out, size, Access::kRead) || fault(m_fault.addr, Access::kRead);
  }
  auto t = m_space.translate(addr, Access::kRead);
  if (t.host != nullptr) {
    if (t.cacheable) {
      m_tlb.read[Tlb::index_of(addr)] =
          TlbEntry{page_floor(addr), reinterpret_cast<std::uintptr_t>(t.host) - addr};
    }
    std::memcpy(out, t.host, size);
    return true;
  }
  if (t.device != nullptr) {
    std::uint64_t value = t.device->read(t.device_offset, size);
    std::memcpy(out, &value, size);
    return true;
  }
  return fault(addr, Access::kRead);
}

bool GuestMemory::store_slow(GuestAddr addr, const void* in, unsigned size) {
  ++m_tlb.misses;
  if (page_floor(addr) != page_floor(addr + size - 1)) {
    std::uint8_t bytes[8];
    std::memcpy(bytes, in, size);
    return write_bytes(addr, bytes, size) && !m_stop_request;
  }
  auto t = m_space.translate(addr, Access::kWrite);
  if (t.host != nullptr) {
    if (!t.cacheable) m_space.prepare_write(addr, size);
    std::memcpy(t.host, in, size);
    if (!t.cacheable) {
      m_space.notify_write(addr, size);
      // The code watch may be gone now; the device watch stays, so re-check.
      t = m_space.translate(addr, Access::kWrite);
    }
    if (t.cacheable) {
      m_tlb.write[Tlb::index_of(addr)] =
          TlbEntry{page_floor(addr), reinterpret_cast<std::uintptr_t>(t.host) - addr};
    }
    return !m_stop_request;
  }
  if (t.device != nullptr) {
    t.device->write(t.device_offset, size, read_le(static_cast<const std::uint8_t*>(in), size));
    return !m_stop_request;
  }
  return fault(addr, Access::kWrite);
}

const std::uint8_t* GuestMemory::fetch_page(GuestAddr addr) {
  GuestAddr page = page_floor(addr);
  TlbEntry& entry = m_tlb.fetch[Tlb::index_of(addr)];
  if (entry.tag == page) return reinterpret_cast<const std::uint8_t*>(page + entry.addend);
  auto t = m_space.translate(page, Access::kFetch);
  if (t.host == nullptr) {
    fault(addr, Access::kFetch);
    return nullptr;
  }
  entry = TlbEntry{page, reinterpret_cast<std::uintptr_t>(t.host) - page};
  return t.host;
}

std::uint8_t* GuestMemory::atomic_pointer(GuestAddr addr, unsigned size) {
  if (addr & (size - 1)) {
    fault(addr, Access::kWrite, true);
    return nullptr;
  }
  // Both TLBs hit: readable and writable RAM, not watched (finish_atomic has
  // nothing to tell). Looking both up in the AddressSpace cost an atomic about
  // twenty loads.
  const std::size_t i = Tlb::index_of(addr);
  const GuestAddr page = page_floor(addr);
  if (m_tlb.read[i].tag == page && m_tlb.write[i].tag == page)
    return reinterpret_cast<std::uint8_t*>(addr + m_tlb.write[i].addend);
  auto r = m_space.translate(addr, Access::kRead);
  auto w = m_space.translate(addr, Access::kWrite);
  if (r.host == nullptr || w.host == nullptr) {
    fault(addr, r.host == nullptr && w.host == nullptr ? Access::kRead : Access::kWrite);
    return nullptr;
  }
  if (r.cacheable) m_tlb.read[i] = TlbEntry{page, reinterpret_cast<std::uintptr_t>(r.host) - addr};
  if (w.cacheable) {
    m_tlb.write[i] = TlbEntry{page, reinterpret_cast<std::uintptr_t>(w.host) - addr};
  } else {
    m_space.prepare_write(addr, size);
  }
  return w.host;
}

bool GuestMemory::copy(GuestAddr addr, void* host, std::uint64_t len, Access access) {
  auto* bytes = static_cast<std::uint8_t*>(host);
  std::uint64_t done = 0;
  // Pages the TLB holds are RAM the access may reach, and not watched: most
  // system calls' buffers, whose lookups in the AddressSpace (and the
  // watch set, for writes) were a tenth of a cheap system call. Watchers
  // hear of the write when any page was not such RAM.
  bool watched = false;
  while (done < len) {
    GuestAddr cursor = addr + done;
    std::uint64_t chunk = std::min<std::uint64_t>(len - done, kPageSize - (cursor & kPageOffsetMask));
    TlbEntry& entry = (access == Access::kWrite ? m_tlb.write : m_tlb.read)[Tlb::index_of(cursor)];
    if (entry.tag == page_floor(cursor)) {
      auto* at = reinterpret_cast<std::uint8_t*>(cursor + entry.addend);
      if (access == Access::kWrite) {
        std::memcpy(at, bytes + done, chunk);
      } else {
        std::memcpy(bytes + done, at, chunk);
      }
      done += chunk;
      continue;
    }
    auto t = m_space.translate(cursor, access);
    if (t.host != nullptr && t.cacheable && access != Access::kFetch) {
      entry = TlbEntry{page_floor(cursor), reinterpret_cast<std::uintptr_t>(t.host) - cursor};
    }
    watched = watched || !t.cacheable;
    if (t.host == nullptr) {
      if (t.device == nullptr || chunk > 8) {
        // Pages before the fault already changed: their watchers must know.
        if (access == Access::kWrite && done > 0) m_space.notify_write(addr, done);
        return fault(cursor, access);
      }
      // Small device access through a bulk copy (e.g. a straddling load).
      if (access == Access::kRead) {
        std::uint64_t v = t.device->read(t.device_offset, static_cast<unsigned>(chunk));
        std::memcpy(bytes + done, &v, chunk);
      } else {
        t.device->write(t.device_offset, static_cast<unsigned>(chunk),
                        read_le(bytes + done, static_cast<unsigned>(chunk)));
      }
    } else if (access == Access::kRead) {
      std::memcpy(bytes + done, t.host, chunk);
    } else {
      if (!t.cacheable) m_space.prepare_write(cursor, chunk);
      std::memcpy(t.host, bytes + done, chunk);
    }
    done += chunk;
  }
  if (access == Access::kWrite && watched) m_space.notify_write(addr, len);
  return true;
}

bool GuestMemory::read_bytes(GuestAddr addr, void* out, std::uint64_t len) {
  if (addr + len < addr) return fault(addr, Access::kRead);
  return copy(addr, out, len, Access::kRead);
}

bool GuestMemory::write_bytes(GuestAddr addr, const void* in, std::uint64_t len) {
  if (addr + len < addr) return fault(addr, Access::kWrite);
  // A write that faults part-way has still changed the pages before the fault;
  // Linux behaves the same for a partially mapped buffer.
  return copy(addr, const_cast<void*>(in), len, Access::kWrite);  // copy() only reads `in` for writes
}

bool GuestMemory::poke_bytes(GuestAddr addr, const void* in, std::uint64_t len) {
  if (addr + len < addr) return fault(addr, Access::kWrite);
  m_space.prepare_write(addr, len);
  if (!m_space.write_unchecked(addr, in, len)) return fault(addr, Access::kWrite);
  m_space.notify_write(addr, len);
  return true;
}

bool GuestMemory::poke_with(GuestAddr addr, std::uint64_t len,
                            const std::function<bool(std::span<std::uint8_t>)>& fill) {
  if (addr + len < addr) return fault(addr, Access::kWrite);
  m_space.prepare_write(addr, len);
  const bool filled = m_space.fill_unchecked(addr, len, fill);
  m_space.notify_write(addr, len);
  return filled || fault(addr, Access::kWrite);
}

}  // namespace vmm::memory
