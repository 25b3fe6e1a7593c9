#include "vmm/cpu/decode_cache.hpp"

namespace vmm::cpu {

DecodeCache::DecodeCache() = default;

DecodeCache::~DecodeCache() { clear(); }

void DecodeCache::reset(Page& page) {
  // Only `op` changes: an instruction being executed keeps its length, which
  // the interpreter still needs to step past it.
  for (std::size_t i = 0; i < kSlots; ++i) page.insns[i].op = isa::Op::kNeedsDecode;
  page.insns[kSlots].op = isa::Op::kPageExit;
  page.insns[kSlots + 1].op = isa::Op::kPageExit;
}

DecodeCache::Page* DecodeCache::create(GuestAddr base, const std::uint8_t* host) {
  Page* page = m_pool.create();
  if (page == nullptr) return nullptr;
  page->base = base;
  page->host = host;
  for (auto& insn : page->insns) insn = isa::DecodedInsn{};
  reset(*page);
  m_pages.emplace(base, page);
  m_front[(base >> kPageShift) & (kFrontSize - 1)] = Slot{base, page};
  return page;
}

void DecodeCache::invalidate(GuestAddr base) {
  if (Page* page = find(base)) {
    reset(*page);
    ++m_invalidations;
  }
  // The last slot of the previous page may hold a 32-bit instruction whose
  // upper half lives on this page.
  if (Page* prev = find(base - kPageSize)) prev->insns[kSlots - 1].op = isa::Op::kNeedsDecode;
}

void DecodeCache::clear() {
  for (auto& [base, page] : m_pages) m_pool.destroy(page);
  m_pages.clear();
  m_front.fill(Slot{});
}

}  // namespace vmm::cpu
