#include "vmm/cpu/decode_cache.hpp"

namespace vmm::cpu {

DecodeCache::DecodeCache() = default;

// The pool unmaps the pages: clearing them for reuse would fault them all in.
DecodeCache::~DecodeCache() = default;

void DecodeCache::reset(Page& page) {
  // Only `op` changes: an instruction being executed keeps its length, which
  // the interpreter still needs to step past it.
  for (std::size_t i = 0; i < kSlots; ++i) page.insns[i].op = isa::Op::kNeedsDecode;
  page.insns[kSlots].op = isa::Op::kPageExit;
  page.insns[kSlots + 1].op = isa::Op::kPageExit;
}

DecodeCache::Page* DecodeCache::create(GuestAddr base, const std::uint8_t* host) {
  // Zero-filled storage is a page of kNeedsDecode slots (Page is an
  // implicit-lifetime aggregate): only the sentinels are written, and the
  // host faults in the parts of the page the guest executes.
  auto* page = static_cast<Page*>(m_pool.allocate());
  if (page == nullptr) return nullptr;
  page->base = base;
  page->host = host;
  page->insns[kSlots].op = isa::Op::kPageExit;
  page->insns[kSlots + 1].op = isa::Op::kPageExit;
  m_pages.emplace(base, page);
  m_front[(base >> kPageShift) & (kFrontSize - 1)] = Slot{base, page};
  return page;
}

void DecodeCache::invalidate(GuestAddr base) {
  if (Page* page = find(base)) {
    reset(*page);
    page->watched = false;  // AddressSpace::notify_write drops code watches
    ++m_invalidations;
  }
  // The last slot of the previous page may hold a 32-bit instruction whose
  // upper half lives on this page.
  if (Page* prev = find(base - kPageSize)) prev->insns[kSlots - 1].op = isa::Op::kNeedsDecode;
}

std::vector<GuestAddr> DecodeCache::drop_range(GuestAddr start, GuestAddr end) {
  std::vector<GuestAddr> dropped;
  auto drop = [&](GuestAddr base) {
    auto it = m_pages.find(base);
    if (it == m_pages.end()) return;
    m_pool.free(it->second);
    m_pages.erase(it);
    dropped.push_back(base);
  };
  start = page_floor(start);
  if ((end - start) / kPageSize <= m_pages.size()) {
    for (GuestAddr base = start; base < end && base >= start; base += kPageSize) drop(base);
  } else {
    std::vector<GuestAddr> inside;
    for (const auto& [base, page] : m_pages) {
      if (base >= start && base < end) inside.push_back(base);
    }
    for (GuestAddr base : inside) drop(base);
  }
  if (!dropped.empty()) m_front.fill(Slot{});
  // A page before the range may hold a 32-bit instruction straddling into it.
  if (Page* prev = find(start - kPageSize)) prev->insns[kSlots - 1].op = isa::Op::kNeedsDecode;
  return dropped;
}

void DecodeCache::clear() {
  for (auto& [base, page] : m_pages) m_pool.free(page);
  m_pages.clear();
  m_front.fill(Slot{});
}

}  // namespace vmm::cpu
