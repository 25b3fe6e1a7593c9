#include "vmm/linux/file_mappings.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

#include "vmm/core/host_fds.hpp"

namespace vmm::linux_user {

namespace {

/// A descriptor of its own for the file open as `fd`, above the guest's
/// usual numbers: a new open file description (through /proc/self/fd), so
/// the guest's O_APPEND (which would make every pwrite append) and file
/// offset are not shared; a duplicate of `fd` when that fails (no /proc,
/// the file's permissions changed). -1 when the host refuses both.
int reopen_high(int fd, bool writable) {
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  int own = ::open(link.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (own < 0) own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) return -1;
  // Where the guest cannot close or replace it (host_fds.hpp).
  const int high = ::fcntl(own, F_DUPFD_CLOEXEC, host_fds::floor());
  ::close(own);
  return high;
}

}  // namespace

bool FileMappings::add(GuestAddr addr, std::uint64_t len, int fd, std::uint64_t offset, bool shared) {
  std::shared_ptr<const int> owned = descriptor_for(fd, shared);
  if (!owned) return false;
  m_mappings.push_back(Mapping{addr, len, std::move(owned), offset, shared});
  return true;
}

std::shared_ptr<const int> FileMappings::descriptor_for(int fd, bool writable) {
  // One descriptor per file (and mode), shared by all its mappings: vm's
  // descriptors are fewer than the mappings a guest may make.
  struct stat st {};
  if (::fstat(fd, &st) != 0) return nullptr;
  const FileKey key{st.st_dev, st.st_ino, writable};
  if (auto it = m_open.find(key); it != m_open.end()) {
    if (std::shared_ptr<const int> open = it->second.lock()) return open;
  }
  const int copy = reopen_high(fd, writable);
  if (copy < 0) return nullptr;
  auto owned = std::shared_ptr<const int>(new int(copy), [](const int* p) {
    ::close(*p);
    delete p;
  });
  std::erase_if(m_open, [](const auto& entry) { return entry.second.expired(); });
  m_open[key] = owned;
  return owned;
}

void FileMappings::write_back(GuestAddr addr, std::uint64_t len) {
  for (const Mapping& m : m_mappings) {
    const GuestAddr lo = std::max(addr, m.addr);
    const GuestAddr hi = std::min(addr + len, m.end());
    struct stat st {};
    if (!m.shared || lo >= hi || ::fstat(*m.fd, &st) != 0) continue;
    // Bytes past the end of the file stay in memory, as with Linux.
    const auto file_end = static_cast<std::uint64_t>(st.st_size);
    for (GuestAddr page = lo; page < hi; page += kPageSize) {
      const std::uint64_t file_offset = m.offset + (page - m.addr);
      if (file_offset >= file_end) break;
      std::uint8_t bytes[kPageSize];
      if (!m_space.read_unchecked(page, bytes, kPageSize)) continue;
      const std::uint64_t n = std::min<std::uint64_t>(kPageSize, file_end - file_offset);
      (void)!::pwrite(*m.fd, bytes, n, static_cast<off_t>(file_offset));
    }
  }
}

void FileMappings::write_back_all() {
  for (const Mapping& m : m_mappings) write_back(m.addr, m.len);
}

void FileMappings::split_at(GuestAddr at) {
  // Every mapping holding `at`: the executable's segments may share a page.
  const std::size_t count = m_mappings.size();
  for (std::size_t i = 0; i < count; ++i) {
    Mapping& m = m_mappings[i];
    if (at <= m.addr || at >= m.end()) continue;
    Mapping tail{at, m.end() - at, m.fd, m.offset + (at - m.addr), m.shared};
    m.len = at - m.addr;
    m_mappings.push_back(std::move(tail));
  }
}

void FileMappings::release(GuestAddr addr, std::uint64_t len) {
  if (len == 0) return;
  write_back(addr, len);
  split_at(addr);
  split_at(addr + len);
  std::erase_if(m_mappings, [&](const Mapping& m) { return m.addr >= addr && m.end() <= addr + len; });
}

void FileMappings::move(GuestAddr from, std::uint64_t old_len, GuestAddr to, std::uint64_t new_len) {
  split_at(from);
  split_at(from + old_len);
  for (Mapping& m : m_mappings) {
    if (m.addr < from || m.end() > from + old_len) continue;
    m.addr = to + (m.addr - from);
    if (m.end() == to + old_len && new_len > old_len) {
      m.len += new_len - old_len;
      read_file(m, to + old_len, to + new_len);
    }
  }
}

void FileMappings::reread(GuestAddr addr, std::uint64_t len) {
  for (const Mapping& m : m_mappings) {
    const GuestAddr lo = std::max(addr, m.addr);
    const GuestAddr hi = std::min(addr + len, m.end());
    if (lo >= hi) continue;
    // A private mapping's pages become the file's again, read when touched
    // (not the whole range now), as the program's segments are.
    if (!m.shared && m_space.map_file(lo, hi - lo, *m.fd, m.offset + (lo - m.addr))) continue;
    read_file(m, lo, hi);
  }
}

void FileMappings::read_file(const Mapping& m, GuestAddr lo, GuestAddr hi) {
  m_space.prepare_write(lo, hi - lo);
  (void)m_space.fill_unchecked(lo, hi - lo, [&](std::span<std::uint8_t> bytes) {
    std::uint64_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::pread(*m.fd, bytes.data() + done, bytes.size() - done,
                                static_cast<off_t>(m.offset + (lo - m.addr) + done));
      if (n <= 0) break;
      done += static_cast<std::uint64_t>(n);
    }
    std::memset(bytes.data() + done, 0, bytes.size() - done);
    return true;
  });
  m_space.notify_write(lo, hi - lo);
}

}  // namespace vmm::linux_user
