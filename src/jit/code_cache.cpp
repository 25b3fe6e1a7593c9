#include "vmm/jit/code_cache.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace vmm::jit {

// ---- arena -------------------------------------------------------------------

CodeArena::~CodeArena() {
  if (m_base != nullptr) ::munmap(m_base, m_size);
}

Result<void> CodeArena::init(std::size_t bytes, const void* near, std::size_t near_bytes) {
  constexpr int kProt = PROT_READ | PROT_WRITE | PROT_EXEC;
  constexpr int kFlags = MAP_PRIVATE | MAP_ANONYMOUS;
  m_size = bytes;
  m_used = 0;
  if (near != nullptr) {
    // A gigabyte below, then above: clear of the heap's growth, inside reach.
    constexpr std::intptr_t kGap = std::intptr_t{1} << 30;
    const auto at = reinterpret_cast<std::intptr_t>(near) & ~std::intptr_t{0xfff};
    for (std::intptr_t hint : {at - kGap - static_cast<std::intptr_t>(bytes), at + kGap}) {
      void* p = ::mmap(reinterpret_cast<void*>(hint), bytes, kProt, kFlags, -1, 0);
      if (p == MAP_FAILED) continue;
      m_base = static_cast<std::uint8_t*>(p);
      if (reaches(near, near_bytes)) return {};
      ::munmap(p, bytes);  // the host put it elsewhere
      m_base = nullptr;
    }
  }
  void* p = ::mmap(nullptr, bytes, kProt, kFlags, -1, 0);
  if (p == MAP_FAILED) {
    m_size = 0;
    return make_error(ErrorKind::kNoMemory, "cannot map {} bytes of executable memory for the JIT: {}", bytes,
                      std::strerror(errno));
  }
  m_base = static_cast<std::uint8_t*>(p);
  return {};
}

bool CodeArena::reaches(const void* p, std::size_t bytes) const {
  if (m_base == nullptr || p == nullptr) return false;
  // Integers on purpose: the arena and p are unrelated objects.
  const auto lo = static_cast<std::int64_t>(
      std::min(reinterpret_cast<std::uintptr_t>(m_base), reinterpret_cast<std::uintptr_t>(p)));
  const auto hi = static_cast<std::int64_t>(std::max(reinterpret_cast<std::uintptr_t>(m_base) + m_size,
                                                     reinterpret_cast<std::uintptr_t>(p) + bytes));
  constexpr std::int64_t kReach = (std::int64_t{1} << 31) - (std::int64_t{1} << 16);  // margin for offsets
  return hi - lo < kReach;
}

std::uint8_t* CodeArena::allocate(std::size_t bytes) {
  std::uint8_t* at = next();
  auto start = static_cast<std::size_t>(at - m_base);
  if (start > m_size || bytes > m_size - start) return nullptr;
  m_used = start + bytes;
  return at;  // SAFETY: start + bytes <= m_size, inside the mapping
}

// ---- cache ---------------------------------------------------------------------

CodeCache::~CodeCache() { clear(); }

Block* CodeCache::create(GuestAddr pc, std::size_t links) {
  Block* block = m_pool.create();
  if (block == nullptr) return nullptr;
  block->pc = pc;
  block->links.resize(links);
  for (Link& link : block->links) link.owner = block;
  return block;
}

void CodeCache::publish(Block* block) {
  m_blocks[block->pc] = block;
  const std::uint64_t bit = (block->pc >> 1) & (kStartBits - 1);
  m_starts[bit / 64] |= std::uint64_t{1} << (bit % 64);
  for (GuestAddr page : block->pages) {
    m_pages[page].push_back(block);
    m_low_page = std::min(m_low_page, page);
    m_high_page = std::max(m_high_page, page);
  }
}

void CodeCache::discard(Block* block) { m_pool.destroy(block); }

void CodeCache::patch_jump(std::uint8_t* jump, const std::uint8_t* destination) {
  // jmp rel32: E9 followed by the displacement from the end of the instruction.
  auto rel = static_cast<std::int32_t>(destination - (jump + 5));
  std::memcpy(jump + 1, &rel, sizeof(rel));  // SAFETY: `jump` is a 5-byte jmp emitted by the back end
}

void CodeCache::chain(Link& link, Block* target) {
  patch_jump(link.jump, target->entry);
  link.target = target;
  target->incoming.push_back(&link);
  ++m_links_made;
}

void CodeCache::kill(Block* block) {
  if (block->dead) return;
  block->dead = true;
  // Jumps into this block go back to their stubs.
  for (Link* link : block->incoming) {
    patch_jump(link->jump, link->stub);
    link->target = nullptr;
  }
  block->incoming.clear();
  // Its own chained links leave their targets' incoming lists.
  for (Link& link : block->links) {
    if (link.target == nullptr) continue;
    auto& in = link.target->incoming;
    in.erase(std::remove(in.begin(), in.end(), &link), in.end());
    link.target = nullptr;
  }
  auto it = m_blocks.find(block->pc);
  if (it != m_blocks.end() && it->second == block) m_blocks.erase(it);
  if (m_observer != nullptr) m_observer(m_observer_user, block);
  m_dead.push_back(block);
}

std::size_t CodeCache::invalidate_page(GuestAddr page) {
  auto it = m_pages.find(page);
  if (it == m_pages.end()) return 0;
  std::vector<Block*> blocks = std::move(it->second);
  m_pages.erase(it);
  std::size_t killed = 0;
  for (Block* block : blocks) {
    if (block->dead) continue;
    kill(block);
    ++killed;
  }
  return killed;
}

std::size_t CodeCache::invalidate_range(GuestAddr start, GuestAddr end) {
  if (end <= m_low_page || start >= m_high_page + kPageSize) return 0;
  std::vector<GuestAddr> pages;
  for (const auto& [page, blocks] : m_pages) {
    if (page + kPageSize > start && page < end) pages.push_back(page);
  }
  std::size_t killed = 0;
  for (GuestAddr page : pages) killed += invalidate_page(page);
  return killed;
}

void CodeCache::collect_dead() {
  // A dead block may still be listed under its other pages: drop those entries.
  for (auto it = m_pages.begin(); it != m_pages.end();) {
    auto& blocks = it->second;
    blocks.erase(std::remove_if(blocks.begin(), blocks.end(), [](Block* b) { return b->dead; }),
                 blocks.end());
    it = blocks.empty() ? m_pages.erase(it) : std::next(it);
  }
  for (Block* block : m_dead) m_pool.destroy(block);
  m_dead.clear();
}

void CodeCache::clear() {
  for (auto& [pc, block] : m_blocks) {
    if (m_observer != nullptr) m_observer(m_observer_user, block);
    m_pool.destroy(block);
  }
  m_blocks.clear();
  m_starts.fill(0);
  m_pages.clear();
  for (Block* block : m_dead) m_pool.destroy(block);
  m_dead.clear();
}

}  // namespace vmm::jit
