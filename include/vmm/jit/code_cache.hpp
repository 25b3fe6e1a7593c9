#pragma once
// The code cache: host code for translated regions, their metadata, the
// links between them, and invalidation by guest page (FEX's design).
//
// Code lives in one contiguous arena (so every jump between regions is a
// rel32), handed out by a bump pointer; dead code is reclaimed by flushing
// the whole cache when the arena is full. Block metadata comes from a memory
// pool. Every chained branch is recorded as a Link on both ends, so
// invalidating a block severs every jump into it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/core/types.hpp"
#include "vmm/memory/pool.hpp"

namespace vmm::jit {

struct Block;

/// A direct branch out of a block: a rel32 jump that leads either to the
/// block's own exit stub (unchained) or straight to the target's code.
struct Link {
  Block* owner = nullptr;
  GuestAddr target_pc = 0;
  std::uint8_t* jump = nullptr;        ///< address of the 5-byte `jmp rel32` to patch
  const std::uint8_t* stub = nullptr;  ///< where the jump goes while unchained
  Block* target = nullptr;             ///< chained target, or null
};

struct Block {
  GuestAddr pc = 0;
  const std::uint8_t* entry = nullptr;
  std::uint32_t code_bytes = 0;
  std::uint32_t guest_insns = 0;
  bool dead = false;
  std::vector<Link> links;       ///< outgoing direct branches (fixed once emitted)
  std::vector<Link*> incoming;   ///< links of other blocks chained to this one
  std::vector<GuestAddr> pages;  ///< guest pages the code was translated from
};

/// An executable arena of host memory handed out with a bump pointer.
class CodeArena {
 public:
  CodeArena() = default;
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  /// Maps `bytes` of executable memory, within rip-relative reach of
  /// [near, near + near_bytes) when the host leaves room there (see reaches()).
  Result<void> init(std::size_t bytes, const void* near = nullptr, std::size_t near_bytes = 0);
  /// Whether every byte of the arena can address all of [p, p + bytes) with a
  /// 32-bit displacement.
  [[nodiscard]] bool reaches(const void* p, std::size_t bytes) const;
  /// Space for `bytes` of code (16-byte aligned), or null when full.
  [[nodiscard]] std::uint8_t* allocate(std::size_t bytes);
  /// Where the next allocate() places code (code is assembled for its final address).
  [[nodiscard]] std::uint8_t* next() const { return m_base + ((m_used + 15) & ~std::size_t{15}); }
  /// Marks everything after `keep` bytes free again (the runtime stays).
  void reset_to(std::size_t keep) { m_used = keep; }
  [[nodiscard]] std::size_t used() const { return m_used; }
  [[nodiscard]] std::size_t capacity() const { return m_size; }
  [[nodiscard]] std::uint8_t* base() const { return m_base; }

 private:
  std::uint8_t* m_base = nullptr;
  std::size_t m_size = 0;
  std::size_t m_used = 0;
};

class CodeCache {
 public:
  CodeCache() = default;
  ~CodeCache();
  CodeCache(const CodeCache&) = delete;
  CodeCache& operator=(const CodeCache&) = delete;

  [[nodiscard]] Block* find(GuestAddr pc) const {
    auto it = m_blocks.find(pc);
    return it == m_blocks.end() ? nullptr : it->second;
  }
  /// Whether a published block starts at `pc`: find() behind a bit per pc
  /// (hashed), so most pcs, which start none, cost a bit test (the front
  /// end asks for each instruction of a trace).
  [[nodiscard]] bool starts_block(GuestAddr pc) const {
    const std::uint64_t bit = (pc >> 1) & (kStartBits - 1);
    return (m_starts[bit / 64] >> (bit % 64) & 1u) != 0 && find(pc) != nullptr;
  }
  /// A new block (not yet visible to find()) with `links` outgoing links.
  [[nodiscard]] Block* create(GuestAddr pc, std::size_t links);
  /// Makes a fully emitted block visible and indexes its pages.
  void publish(Block* block);
  /// Frees a block that was created but never published.
  void discard(Block* block);

  /// Points `link` at `target`'s code and records the link on both ends.
  void chain(Link& link, Block* target);

  /// Kills every block translated from guest page `page`: unchains jumps into
  /// them and removes them from lookups. Their memory is reclaimed later
  /// (collect()), because the code of one of them may be on the host stack.
  /// Returns the number of blocks killed.
  std::size_t invalidate_page(GuestAddr page);
  /// Kills every block on pages in [start, end).
  std::size_t invalidate_range(GuestAddr start, GuestAddr end);
  /// Frees the metadata of killed blocks; call only from the dispatcher.
  /// Inline: the dispatcher calls it on every pass, mostly with none.
  void collect() {
    if (!m_dead.empty()) collect_dead();
  }
  /// Drops every block (the arena is reset by the owner).
  void clear();

  [[nodiscard]] std::size_t block_count() const { return m_blocks.size(); }
  [[nodiscard]] std::uint64_t links_made() const { return m_links_made; }
  /// Called with each block that is killed (to clear lookup tables).
  void set_kill_observer(void (*observer)(void* user, Block* block), void* user) {
    m_observer = observer;
    m_observer_user = user;
  }

 private:
  void collect_dead();
  void kill(Block* block);
  static void patch_jump(std::uint8_t* jump, const std::uint8_t* destination);

  /// starts_block's bits: set when a block is published, cleared only with
  /// every block (a bit may outlive its block: find() decides).
  static constexpr std::size_t kStartBits = std::size_t{1} << 16;
  std::array<std::uint64_t, kStartBits / 64> m_starts{};
  std::unordered_map<GuestAddr, Block*> m_blocks;
  std::unordered_map<GuestAddr, std::vector<Block*>> m_pages;
  /// Every page m_pages ever held lies in [m_low_page, m_high_page]: an
  /// invalidation of data pages need not look at the map.
  GuestAddr m_low_page = ~GuestAddr{0};
  GuestAddr m_high_page = 0;
  std::vector<Block*> m_dead;
  memory::TypedPool<Block> m_pool{256};
  std::uint64_t m_links_made = 0;
  void (*m_observer)(void*, Block*) = nullptr;
  void* m_observer_user = nullptr;
};

}  // namespace vmm::jit
