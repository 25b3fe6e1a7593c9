#include "vmm/memory/pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace vmm::memory {

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

ZeroedPool::~ZeroedPool() {
  for (auto [base, bytes] : m_chunks) ::munmap(base, bytes);
}

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

bool ZeroedPool::grow() {
  std::size_t bytes = m_object_size * m_objects_per_chunk;
  void* chunk = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (chunk == MAP_FAILED) return false;
  m_chunks.emplace_back(chunk, bytes);
  m_free.add_slots(static_cast<std::byte*>(chunk), m_objects_per_chunk, m_object_size);
  return true;
}

PagePool::PagePool(std::size_t blocks_per_slab)
    : m_blocks_per_slab(std::max<std::size_t>(blocks_per_slab, 1)) {}

PagePool::~PagePool() {
  for (auto [base, bytes] : m_slabs) ::munmap(base, bytes);
}

bool PagePool::grow() {
  std::size_t bytes = m_blocks_per_slab * kBlockSize;
  void* slab = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (slab == MAP_FAILED) return false;
  m_slabs.emplace_back(slab, bytes);
  m_free.add_slots(static_cast<std::byte*>(slab), m_blocks_per_slab, kBlockSize);
  return true;
}

}  // namespace vmm::memory
