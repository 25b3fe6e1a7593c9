// The executable whose pages back the guest's segments may not be opened
// for writing or truncated (ETXTBSY, as Linux says for a running program):
// a shorter file would leave the host SIGBUS on mapped pages past its end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>

#include "support/syscall_harness.hpp"
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {
namespace {

constexpr std::uint64_t kSysOpenat = 56, kSysClose = 57;
constexpr GuestAddr kStrings = 0x20000;
constexpr auto kAtFdcwd = static_cast<std::uint64_t>(-100);

class ExecutableFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness.add_ram());
    ASSERT_TRUE(space.map(kStrings, kPageSize, memory::kPermRW).ok());
    m_dir = ::testing::TempDir() + "executable_file_XXXXXX";
    ASSERT_NE(::mkdtemp(m_dir.data()), nullptr);
    exe = m_dir + "/program";
    other = m_dir + "/other";
    for (const std::string& path : {exe, other}) {
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0755);
      ASSERT_GE(fd, 0);
      ASSERT_EQ(::write(fd, "0123456789", 10), 10);
      ::close(fd);
    }
    struct stat st {};
    ASSERT_EQ(::stat(exe.c_str(), &st), 0);
    syscalls.protect_executable(st.st_dev, st.st_ino);
  }
  void TearDown() override {
    for (const std::string& path : {exe, other, m_dir + "/link", m_dir + "/symlink"})
      std::remove(path.c_str());
    ::rmdir(m_dir.c_str());
  }

  /// openat(AT_FDCWD, path, flags) as the guest makes it; an opened fd is closed.
  std::int64_t open(const std::string& path, std::uint64_t flags) {
    EXPECT_TRUE(memory.write_bytes(kStrings, path.c_str(), path.size() + 1));
    const auto result = static_cast<std::int64_t>(call(kSysOpenat, kAtFdcwd, kStrings, flags, 0644));
    if (result >= 0) call(kSysClose, static_cast<std::uint64_t>(result));
    return result;
  }
  std::uint64_t call(std::uint64_t number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                     std::uint64_t a3 = 0) {
    return harness.call(number, {a0, a1, a2, a3, 0, 0});
  }
  static off_t size_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
  }

  test::SyscallHarness harness;
  memory::AddressSpace& space = harness.space;
  memory::GuestMemory& memory = harness.memory;
  Syscalls& syscalls = harness.syscalls;
  std::string exe;
  std::string other;

 private:
  std::string m_dir;
};

TEST_F(ExecutableFileTest, WritingOrTruncatingTheExecutableIsRefused) {
  EXPECT_EQ(open(exe, O_WRONLY), -ETXTBSY);
  EXPECT_EQ(open(exe, O_RDWR), -ETXTBSY);
  EXPECT_EQ(open(exe, O_RDONLY | O_TRUNC), -ETXTBSY);
  EXPECT_EQ(open(exe, O_WRONLY | O_TRUNC | O_CREAT), -ETXTBSY);
  EXPECT_EQ(size_of(exe), 10);
  // Reading it is fine; so is writing any other file.
  EXPECT_GE(open(exe, O_RDONLY), 0);
  EXPECT_GE(open(other, O_RDWR | O_TRUNC), 0);
  EXPECT_EQ(size_of(other), 0);
}

TEST_F(ExecutableFileTest, EveryNameOfTheExecutableIsRefused) {
  const std::string link = exe.substr(0, exe.rfind('/')) + "/link";
  const std::string symlink = exe.substr(0, exe.rfind('/')) + "/symlink";
  ASSERT_EQ(::link(exe.c_str(), link.c_str()), 0);
  ASSERT_EQ(::symlink(exe.c_str(), symlink.c_str()), 0);
  EXPECT_EQ(open(link, O_WRONLY | O_TRUNC), -ETXTBSY);
  EXPECT_EQ(open(symlink, O_WRONLY | O_TRUNC), -ETXTBSY);
  // Not followed, the symlink names itself, which cannot be opened anyway.
  EXPECT_EQ(open(symlink, O_WRONLY | O_NOFOLLOW), -ELOOP);
  EXPECT_EQ(size_of(exe), 10);
}

TEST_F(ExecutableFileTest, AWritableFdVmWasGivenCannotTruncateIt) {
  const int fd = ::open(exe.c_str(), O_RDWR);  // as if inherited: `vm run prog 5<>prog`
  ASSERT_GE(fd, 0);
  constexpr std::uint64_t kSysFtruncate = 46;
  EXPECT_EQ(static_cast<std::int64_t>(call(kSysFtruncate, static_cast<std::uint64_t>(fd), 0)), -ETXTBSY);
  EXPECT_EQ(size_of(exe), 10);
  const int other_fd = ::open(other.c_str(), O_RDWR);
  ASSERT_GE(other_fd, 0);
  EXPECT_EQ(call(kSysFtruncate, static_cast<std::uint64_t>(other_fd), 4), 0u);
  EXPECT_EQ(size_of(other), 4);
  ::close(fd);
  ::close(other_fd);
}

}  // namespace
}  // namespace vmm::linux_user
