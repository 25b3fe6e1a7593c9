// The code cache's index of blocks: what find() and starts_block() see as
// blocks are published, invalidated and cleared.
#include <gtest/gtest.h>

#include <cstdint>

#include "vmm/jit/code_cache.hpp"

namespace vmm::jit {
namespace {

constexpr GuestAddr kPc = 0x10'0400;
constexpr GuestAddr kPage = kPc & ~GuestAddr{0xfff};

Block* publish(CodeCache& cache, GuestAddr pc) {
  Block* block = cache.create(pc, 0);
  EXPECT_NE(block, nullptr);
  block->pages = {pc & ~GuestAddr{0xfff}};
  cache.publish(block);
  return block;
}

TEST(CodeCache, StartsBlockSeesPublishedBlocksOnly) {
  CodeCache cache;
  Block* unpublished = cache.create(kPc, 0);
  ASSERT_NE(unpublished, nullptr);
  EXPECT_FALSE(cache.starts_block(kPc));
  cache.discard(unpublished);

  publish(cache, kPc);
  EXPECT_TRUE(cache.starts_block(kPc));
  EXPECT_FALSE(cache.starts_block(kPc + 2));
  EXPECT_FALSE(cache.starts_block(kPc - 2));
  // Pcs that share its bit: the bit alone does not make a block.
  EXPECT_FALSE(cache.starts_block(kPc + (GuestAddr{1} << 17)));
  EXPECT_FALSE(cache.starts_block(kPc + (GuestAddr{1} << 40)));
}

TEST(CodeCache, StartsBlockForgetsInvalidatedAndClearedBlocks) {
  CodeCache cache;
  publish(cache, kPc);
  EXPECT_EQ(cache.invalidate_page(kPage), 1u);
  EXPECT_FALSE(cache.starts_block(kPc));  // its bit stays set: find() decides
  cache.collect();

  publish(cache, kPc);
  EXPECT_TRUE(cache.starts_block(kPc));
  cache.clear();
  EXPECT_FALSE(cache.starts_block(kPc));
  publish(cache, kPc + 4);
  EXPECT_TRUE(cache.starts_block(kPc + 4));
  EXPECT_FALSE(cache.starts_block(kPc));
}

}  // namespace
}  // namespace vmm::jit
