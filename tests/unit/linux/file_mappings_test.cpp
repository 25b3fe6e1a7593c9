// FileMappings: what a guest's file mappings (copies in guest memory) keep
// of their files, as Linux keeps it through the page cache: writes of shared
// ones go back, parts leave as they are unmapped or moved, and dropped
// pages are read from the file again.
#include "vmm/linux/file_mappings.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace vmm::linux_user {
namespace {

constexpr GuestAddr kAt = 0x100000;
constexpr std::uint64_t kPages = 4;

int open_fds() {
  int n = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  while (::readdir(dir) != nullptr) ++n;
  ::closedir(dir);
  return n;
}

class FileMappingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(space.add_ram(0, std::uint64_t{1} << 24, memory::kPermNone).ok());
    ASSERT_TRUE(space.map(kAt, 8 * kPageSize, memory::kPermRW).ok());
    path = ::testing::TempDir() + "file_mappings_XXXXXX";
    fd = ::mkstemp(path.data());
    ASSERT_GE(fd, 0);
    for (std::uint64_t page = 0; page < kPages; ++page) put_file(page, 'a' + static_cast<char>(page));
  }
  void TearDown() override {
    ::close(fd);
    ::unlink(path.c_str());
  }
  void put_file(std::uint64_t page, char c) {
    const std::string bytes(kPageSize, c);
    ASSERT_EQ(::pwrite(fd, bytes.data(), kPageSize, static_cast<off_t>(page * kPageSize)),
              static_cast<ssize_t>(kPageSize));
  }
  char file_at(std::uint64_t page) {
    char c = 0;
    EXPECT_EQ(::pread(fd, &c, 1, static_cast<off_t>(page * kPageSize)), 1);
    return c;
  }
  void put_memory(GuestAddr addr, char c) {
    const std::string bytes(kPageSize, c);
    ASSERT_TRUE(space.write_unchecked(addr, bytes.data(), kPageSize));
  }
  char memory_at(GuestAddr addr) {
    char c = 0;
    EXPECT_TRUE(space.read_unchecked(addr, &c, 1));
    return c;
  }

  memory::AddressSpace space;
  FileMappings files{space};
  std::string path;
  int fd = -1;
};

TEST_F(FileMappingsTest, AReleasedMiddleGoesBackOnceAndTheRestStaysShared) {
  ASSERT_TRUE(files.add(kAt, 3 * kPageSize, fd, 0, true));
  for (std::uint64_t page = 0; page < 3; ++page)
    put_memory(kAt + page * kPageSize, 'A' + static_cast<char>(page));
  files.release(kAt + kPageSize, kPageSize);
  EXPECT_EQ(file_at(1), 'B');  // written back as it left
  EXPECT_EQ(files.size(), 2u);
  put_memory(kAt + kPageSize, 'x');  // no longer the file's
  put_memory(kAt + 2 * kPageSize, 'Z');
  files.write_back_all();
  EXPECT_EQ(file_at(0), 'A');
  EXPECT_EQ(file_at(1), 'B');
  EXPECT_EQ(file_at(2), 'Z');
  EXPECT_EQ(file_at(3), 'd');  // never mapped
}

TEST_F(FileMappingsTest, PrivateMappingsAreNeverWrittenBackButReadAgain) {
  ASSERT_TRUE(files.add(kAt, 2 * kPageSize, fd, kPageSize, false));
  put_memory(kAt, 'P');
  files.write_back_all();
  EXPECT_EQ(file_at(1), 'b');
  files.reread(kAt, kPageSize);
  EXPECT_EQ(memory_at(kAt), 'b');
}

TEST_F(FileMappingsTest, AMoveTakesTheMappingAlongAndTheGrownPartReadsTheFile) {
  ASSERT_TRUE(files.add(kAt, kPageSize, fd, 0, true));
  const GuestAddr to = kAt + 4 * kPageSize;
  files.move(kAt, kPageSize, to, 2 * kPageSize);
  EXPECT_EQ(memory_at(to + kPageSize), 'b');  // the file's next page
  put_memory(kAt, 'j');                       // the old place is not the file's now
  put_memory(to, 'M');
  put_memory(to + kPageSize, 'N');
  files.write_back_all();
  EXPECT_EQ(file_at(0), 'M');
  EXPECT_EQ(file_at(1), 'N');
}

TEST_F(FileMappingsTest, TheLastPieceReleasedClosesTheFile) {
  const int before = open_fds();
  ASSERT_TRUE(files.add(kAt, 3 * kPageSize, fd, 0, true));
  EXPECT_EQ(open_fds(), before + 1);
  files.release(kAt + kPageSize, kPageSize);
  EXPECT_EQ(open_fds(), before + 1);  // two pieces, one file
  files.release(kAt, 3 * kPageSize);
  EXPECT_EQ(files.size(), 0u);
  EXPECT_EQ(open_fds(), before);
}

}  // namespace
}  // namespace vmm::linux_user
