// RAM backed by a file's pages (AddressSpace::map_file, how the Linux loader
// puts an executable's segments in place): the file's bytes until written,
// zeros once unmapped, and nothing changes when the host refuses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::memory {
namespace {

constexpr GuestAddr kAt = 0x10000;
constexpr std::uint64_t kPages = 3;

/// A temporary file of kPages + 1 pages, byte i holding (i * 7 + 1) & 0xff.
class TempFile {
 public:
  TempFile() {
    std::string name = ::testing::TempDir() + "file_pages_XXXXXX";
    m_fd = ::mkstemp(name.data());
    m_path = name;
    std::vector<std::uint8_t> bytes((kPages + 1) * kPageSize);
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = byte_at(i);
    EXPECT_EQ(::write(m_fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  ~TempFile() {
    ::close(m_fd);
    std::remove(m_path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] int fd() const { return m_fd; }
  static std::uint8_t byte_at(std::uint64_t offset) { return static_cast<std::uint8_t>(offset * 7 + 1); }

 private:
  int m_fd = -1;
  std::string m_path;
};

class FilePagesTest : public ::testing::TestWithParam<RamBacking> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(space.add_ram(0, std::uint64_t{1} << 32, kPermNone, GetParam()).ok());
    ASSERT_TRUE(space.map(kAt - kPageSize, (kPages + 2) * kPageSize, kPermRW).ok());
  }
  std::uint8_t byte(GuestAddr addr) {
    std::uint8_t value = 0xee;
    EXPECT_TRUE(space.read_unchecked(addr, &value, 1));
    return value;
  }

  AddressSpace space;
  TempFile file;
};

TEST_P(FilePagesTest, PagesReadAsTheFileUntilWrittenAndTheFileKeepsItsBytes) {
  ASSERT_TRUE(space.map_file(kAt, kPages * kPageSize, file.fd(), kPageSize));
  for (std::uint64_t offset : {std::uint64_t{0}, std::uint64_t{1}, kPageSize + 5, kPages * kPageSize - 1}) {
    EXPECT_EQ(byte(kAt + offset), TempFile::byte_at(kPageSize + offset)) << offset;
  }
  EXPECT_EQ(byte(kAt - 1), 0u);  // the pages around stay as they were
  EXPECT_EQ(byte(kAt + kPages * kPageSize), 0u);
  // The guest's view through checked accesses too.
  GuestMemory memory(space);
  std::uint8_t seen = 0;
  ASSERT_TRUE(memory.load(kAt + 9, seen));
  EXPECT_EQ(seen, TempFile::byte_at(kPageSize + 9));
  ASSERT_TRUE(memory.store<std::uint8_t>(kAt + 9, 0x5a));
  EXPECT_EQ(byte(kAt + 9), 0x5a);
  std::uint8_t in_file = 0;
  ASSERT_EQ(::pread(file.fd(), &in_file, 1, static_cast<off_t>(kPageSize + 9)), 1);
  EXPECT_EQ(in_file, TempFile::byte_at(kPageSize + 9));
}

TEST_P(FilePagesTest, UnmappedFilePagesReadAsZeroWhenMappedAgain) {
  ASSERT_TRUE(space.map_file(kAt, kPages * kPageSize, file.fd(), 0));
  space.unmap(kAt + kPageSize, kPageSize);  // the middle page only
  ASSERT_TRUE(space.map(kAt + kPageSize, kPageSize, kPermRW).ok());
  EXPECT_EQ(byte(kAt + kPageSize), 0u);
  EXPECT_EQ(byte(kAt + 2 * kPageSize - 1), 0u);
  EXPECT_EQ(byte(kAt + kPageSize - 1), TempFile::byte_at(kPageSize - 1));
  EXPECT_EQ(byte(kAt + 2 * kPageSize), TempFile::byte_at(2 * kPageSize));
  // Then all of it, across what is left of the file's pages.
  space.unmap(kAt, kPages * kPageSize);
  ASSERT_TRUE(space.map(kAt, kPages * kPageSize, kPermRW).ok());
  for (std::uint64_t offset = 0; offset < kPages * kPageSize; offset += kPageSize / 2)
    EXPECT_EQ(byte(kAt + offset), 0u) << offset;
}

TEST_P(FilePagesTest, WhatTheHostRefusesLeavesFreshPages) {
  const std::array<std::uint8_t, 2> written = {1, 2};
  ASSERT_TRUE(space.write_unchecked(kAt, written.data(), written.size()));
  // Refused before anything is done: the bytes stay.
  EXPECT_FALSE(space.map_file(kAt + 1, kPageSize, file.fd(), 0));              // not a page
  EXPECT_FALSE(space.map_file(kAt, kPageSize, file.fd(), 1));                  // nor the offset
  EXPECT_FALSE(space.map_file(kAt + 8 * kPageSize, kPageSize, file.fd(), 0));  // not mapped
  EXPECT_EQ(byte(kAt + 1), 2u);
  // Refused by the host: fresh pages, zero and writable, take the place of
  // whatever the failed mapping may have taken away.
  EXPECT_FALSE(space.map_file(kAt, kPageSize, -1, 0));
  EXPECT_EQ(byte(kAt), 0u);
  EXPECT_EQ(byte(kAt + 1), 0u);
  ASSERT_TRUE(space.write_unchecked(kAt, written.data(), written.size()));
  EXPECT_EQ(byte(kAt + 1), 2u);
  GuestMemory memory(space);
  ASSERT_TRUE(memory.store<std::uint8_t>(kAt + 3, 7));
  EXPECT_EQ(byte(kAt + 3), 7u);
}

TEST_P(FilePagesTest, AFileCutShortUnderItsPagesReadsAsZeroThere) {
  // Another process may shrink the file: touching a mapped page past its
  // new end is a host SIGBUS, which must not end vm.
  ASSERT_TRUE(space.map_file(kAt, kPages * kPageSize, file.fd(), 0));
  EXPECT_EQ(byte(kAt + 1), TempFile::byte_at(1));  // touched before
  ASSERT_EQ(::ftruncate(file.fd(), static_cast<off_t>(kPageSize)), 0);
  EXPECT_EQ(byte(kAt + kPageSize + 3), 0u);
  EXPECT_EQ(byte(kAt + 2 * kPageSize), 0u);
  GuestMemory memory(space);
  std::uint64_t value = 1;
  ASSERT_TRUE(memory.load(kAt + 2 * kPageSize + 8, value));
  EXPECT_EQ(value, 0u);
  // The fresh pages keep what is written; the direct view, whose host
  // protections must stand for the guest's, is given up.
  ASSERT_TRUE(memory.store<std::uint64_t>(kAt + 2 * kPageSize + 8, 42));
  ASSERT_TRUE(memory.load(kAt + 2 * kPageSize + 8, value));
  EXPECT_EQ(value, 42u);
  EXPECT_EQ(space.view_given_up(), GetParam() == RamBacking::kDirectView);
}

TEST_P(FilePagesTest, ASigbusSentByAnotherProcessStillEndsVm) {
  // Only a fault on a file page is taken care of: a signal sent, whose
  // address means nothing, does what it did before: the default action, or
  // the handler before ours (AddressSanitizer's reports it and exits 1).
  ASSERT_TRUE(space.map_file(kAt, kPages * kPageSize, file.fd(), 0));
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(::kill(::getpid(), SIGBUS), "");
}

INSTANTIATE_TEST_SUITE_P(Backings, FilePagesTest,
                         ::testing::Values(RamBacking::kPrivate, RamBacking::kDirectView));

}  // namespace
}  // namespace vmm::memory
