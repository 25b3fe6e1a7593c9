#include "vmm/memory/pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace vmm::memory {

namespace {

using Mappings = std::vector<std::pair<void*, std::size_t>>;

/// Maps `count` zero-filled slots of `size` bytes into `free`, recording the
/// mapping for unmap_all.
bool map_slots(Mappings& mappings, detail::FreeList& free, std::size_t count, std::size_t size) {
  std::size_t bytes = count * size;
  void* chunk = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (chunk == MAP_FAILED) return false;
  mappings.emplace_back(chunk, bytes);
  free.add_slots(static_cast<std::byte*>(chunk), count, size);
  return true;
}

void unmap_all(const Mappings& mappings) {
  for (auto [base, bytes] : mappings) ::munmap(base, bytes);
}

}  // namespace

ObjectPool::ObjectPool(std::size_t object_size, std::size_t alignment, std::size_t objects_per_chunk)
    : m_alignment(std::max(alignment, alignof(void*))),
      m_objects_per_chunk(std::max<std::size_t>(objects_per_chunk, 1)) {
  // Every slot must hold a free-list link and keep the next slot aligned.
  std::size_t size = std::max(object_size, detail::FreeList::kMinSlot);
  m_object_size = (size + m_alignment - 1) / m_alignment * m_alignment;
  m_chunk_bytes = m_object_size * m_objects_per_chunk;
}

ObjectPool::~ObjectPool() {
  for (void* chunk : m_chunks) ::operator delete (chunk, std::align_val_t{m_alignment});
}

bool ObjectPool::grow() {
  void* chunk = ::operator new (m_chunk_bytes, std::align_val_t{m_alignment}, std::nothrow);
  if (chunk == nullptr) return false;
  m_chunks.push_back(chunk);
  m_free.add_slots(static_cast<std::byte*>(chunk), m_objects_per_chunk, m_object_size);
  return true;
}

ZeroedPool::ZeroedPool(std::size_t object_size, std::size_t objects_per_chunk)
    : m_object_size((std::max(object_size, detail::FreeList::kMinSlot) + 63) / 64 * 64),
      m_objects_per_chunk(std::max<std::size_t>(objects_per_chunk, 1)) {}

ZeroedPool::~ZeroedPool() { unmap_all(m_chunks); }

void* ZeroedPool::allocate() {
  if (m_free.empty() && !grow()) return nullptr;
  void* p = m_free.pop();
  // A free slot is all zero but for the free list's link in its first word.
  std::memset(p, 0, detail::FreeList::kMinSlot);
  return p;
}

void ZeroedPool::free(void* p) {
  std::memset(p, 0, m_object_size);
  m_free.push(p);
}

bool ZeroedPool::grow() { return map_slots(m_chunks, m_free, m_objects_per_chunk, m_object_size); }

PagePool::PagePool(std::size_t blocks_per_slab)
    : m_blocks_per_slab(std::max<std::size_t>(blocks_per_slab, 1)) {}

PagePool::~PagePool() { unmap_all(m_slabs); }

bool PagePool::grow() { return map_slots(m_slabs, m_free, m_blocks_per_slab, kBlockSize); }

}  // namespace vmm::memory
