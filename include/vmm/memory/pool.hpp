#pragma once
// Memory pools for objects allocated and freed at high rates: decode-cache
// pages and (later) JIT code, block metadata and device requests. Both pools
// keep an intrusive free list, so allocate/free are a few instructions and
// never return memory to the host until the pool is destroyed.
#include <cstddef>
#include <new>
#include <utility>
#include <vector>

namespace vmm::memory {

namespace detail {

/// Intrusive LIFO of free slots: each free slot stores the link to the next.
class FreeList {
 public:
  [[nodiscard]] bool empty() const { return m_head == nullptr; }
  [[nodiscard]] void* pop() {
    Node* node = m_head;
    m_head = node->next;
    ++m_live;
    return node;
  }
  void push(void* slot) {
    auto* node = static_cast<Node*>(slot);
    node->next = m_head;
    m_head = node;
    --m_live;
  }
  /// Adds `count` fresh slots of `stride` bytes starting at `base`, in address order.
  void add_slots(std::byte* base, std::size_t count, std::size_t stride) {
    for (std::size_t i = count; i-- > 0;) {
      auto* node =
          reinterpret_cast<Node*>(base + i * stride);  // SAFETY: slot i lies inside the caller's block
      node->next = m_head;
      m_head = node;
    }
  }
  [[nodiscard]] std::size_t live() const { return m_live; }
  static constexpr std::size_t kMinSlot = sizeof(void*);

 private:
  struct Node {
    Node* next;
  };
  Node* m_head = nullptr;
  std::size_t m_live = 0;
};

}  // namespace detail

/// Fixed-size objects carved from chunks obtained with operator new.
class ObjectPool {
 public:
  ObjectPool(std::size_t object_size, std::size_t alignment, std::size_t objects_per_chunk = 64);
  ~ObjectPool();
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;

  /// Returns uninitialised storage, or nullptr when the host is out of memory.
  [[nodiscard]] void* allocate() {
    if (m_free.empty() && !grow()) return nullptr;
    return m_free.pop();
  }
  /// Returns storage obtained from allocate() of this pool.
  void free(void* p) { m_free.push(p); }

  [[nodiscard]] std::size_t live_objects() const { return m_free.live(); }
  [[nodiscard]] std::size_t object_size() const { return m_object_size; }
  [[nodiscard]] std::size_t reserved_bytes() const { return m_chunks.size() * m_chunk_bytes; }

 private:
  bool grow();

  std::size_t m_object_size;
  std::size_t m_alignment;
  std::size_t m_objects_per_chunk;
  std::size_t m_chunk_bytes;
  detail::FreeList m_free;
  std::vector<void*> m_chunks;
};

/// Typed front end of ObjectPool: constructs and destroys T in pooled storage.
template <typename T>
class TypedPool {
 public:
  explicit TypedPool(std::size_t objects_per_chunk = 64) : m_pool(sizeof(T), alignof(T), objects_per_chunk) {}

  template <typename... Args>
  [[nodiscard]] T* create(Args&&... args) {
    void* p = m_pool.allocate();
    if (p == nullptr) return nullptr;
    return new (p) T(std::forward<Args>(args)...);
  }
  void destroy(T* object) {
    object->~T();
    m_pool.free(object);
  }
  [[nodiscard]] std::size_t live_objects() const { return m_pool.live_objects(); }

 private:
  ObjectPool m_pool;
};

/// Fixed-size objects whose storage is handed out zero-filled: chunks come
/// fresh from the host (mmap), so an object costs no writes and no page
/// faults until it is used, and a freed object is cleared before it is reused.
/// For large, sparsely touched objects such as decode-cache pages.
class ZeroedPool {
 public:
  ZeroedPool(std::size_t object_size, std::size_t objects_per_chunk);
  ~ZeroedPool();
  ZeroedPool(const ZeroedPool&) = delete;
  ZeroedPool& operator=(const ZeroedPool&) = delete;

  /// Returns object_size() zero bytes (aligned to 64), or nullptr when the host is out of memory.
  [[nodiscard]] void* allocate();
  /// Returns storage obtained from allocate() of this pool; its bytes are cleared.
  void free(void* p);

  [[nodiscard]] std::size_t live_objects() const { return m_free.live(); }
  [[nodiscard]] std::size_t object_size() const { return m_object_size; }

 private:
  bool grow();

  std::size_t m_object_size;
  std::size_t m_objects_per_chunk;
  detail::FreeList m_free;
  std::vector<std::pair<void*, std::size_t>> m_chunks;
};

/// Page-sized (4 KiB), page-aligned blocks carved from host mappings (mmap), so
/// a later JIT can change their protection.
class PagePool {
 public:
  static constexpr std::size_t kBlockSize = 4096;

  explicit PagePool(std::size_t blocks_per_slab = 64);
  ~PagePool();
  PagePool(const PagePool&) = delete;
  PagePool& operator=(const PagePool&) = delete;

  [[nodiscard]] void* allocate() {
    if (m_free.empty() && !grow()) return nullptr;
    return m_free.pop();
  }
  void free(void* p) { m_free.push(p); }
  [[nodiscard]] std::size_t live_blocks() const { return m_free.live(); }

 private:
  bool grow();

  std::size_t m_blocks_per_slab;
  detail::FreeList m_free;
  std::vector<std::pair<void*, std::size_t>> m_slabs;
};

}  // namespace vmm::memory
