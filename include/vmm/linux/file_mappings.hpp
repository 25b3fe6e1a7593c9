#pragma once
// The files a guest maps. Private mappings are the file's pages mapped into
// the guest window as the executable's are (AddressSpace::map_file: read
// when touched; a file shortened meanwhile reads as zeros, vm unharmed);
// shared ones are copies read at map time. What Linux keeps of a file
// mapping is kept here: MAP_SHARED mappings that were writable go back to
// their file (msync, munmap, a mapping put over them, the end of the run
// however it ends), and MADV_DONTNEED reads any file mapping from its file
// again, as Linux reads it from the page cache.
#include <sys/types.h>

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "vmm/core/types.hpp"
#include "vmm/memory/address_space.hpp"

namespace vmm::linux_user {

class FileMappings {
 public:
  explicit FileMappings(memory::AddressSpace& space) : m_space(space) {}

  /// [addr, addr+len) now holds file `fd` from `offset` (page aligned);
  /// `shared`: written back. The file gets a descriptor of its own (the
  /// guest may close or change its own); false, with nothing recorded, when
  /// the host refuses one.
  bool add(GuestAddr addr, std::uint64_t len, int fd, std::uint64_t offset, bool shared);
  /// Writes the shared mappings' pages in [addr, addr+len) to their files.
  void write_back(GuestAddr addr, std::uint64_t len);
  /// Everywhere: the end of the run.
  void write_back_all();
  /// [addr, addr+len) stops holding files (munmap, a mapping put over it, a
  /// shrinking mremap): shared pages are written back first.
  void release(GuestAddr addr, std::uint64_t len);
  /// mremap moved [from, from+old_len) to `to` (possibly `from`) and grew it
  /// to `new_len`: the mappings there move along, and the one that ended at
  /// the old end maps on into the grown part, whose file bytes are read.
  void move(GuestAddr from, std::uint64_t old_len, GuestAddr to, std::uint64_t new_len);
  /// MADV_DONTNEED dropped the pages of [addr, addr+len): file pages read
  /// from their file again (shared ones written back before the drop).
  void reread(GuestAddr addr, std::uint64_t len);

  [[nodiscard]] std::size_t size() const { return m_mappings.size(); }

 private:
  struct Mapping {
    GuestAddr addr;
    std::uint64_t len;
    std::shared_ptr<const int> fd;  ///< shared by the pieces of a split mapping, closed with the last
    std::uint64_t offset;
    bool shared;
    [[nodiscard]] GuestAddr end() const { return addr + len; }
  };
  /// Cuts each mapping holding `at` (not at its start) in two.
  void split_at(GuestAddr at);
  /// Reads [lo, hi) of `m` from its file; bytes past the file's end read as zero.
  void read_file(const Mapping& m, GuestAddr lo, GuestAddr hi);
  /// vm's own descriptor for the file open as `fd` (read-write when
  /// `writable`), shared with the file's other mappings; null when the
  /// host refuses one.
  std::shared_ptr<const int> descriptor_for(int fd, bool writable);

  struct FileKey {
    dev_t device;
    ino_t inode;
    bool writable;
    auto operator<=>(const FileKey&) const = default;
  };

  memory::AddressSpace& m_space;
  std::vector<Mapping> m_mappings;
  std::map<FileKey, std::weak_ptr<const int>> m_open;
};

}  // namespace vmm::linux_user
