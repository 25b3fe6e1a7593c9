#pragma once
// What the host kernel says of this process's own mappings (/proc/self/smaps),
// for tests of advice the address space gives it.
#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace vmm::test {

/// Whether the host kernel has transparent huge pages at all.
inline bool host_has_transparent_huge_pages() {
  struct stat st {};
  return ::stat("/sys/kernel/mm/transparent_hugepage/enabled", &st) == 0;
}

/// The VmFlags line of the host mapping holding `p` ("rd wr mr mw me ac hg"
/// and so on), or nullopt when no mapping holds it.
inline std::optional<std::string> host_vm_flags(const void* p) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0;
    std::uintptr_t hi = 0;
    char dash = 0;
    std::istringstream header(line);
    // A mapping's header starts with "lo-hi" in hex; its fields follow it.
    if (header >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= at && at < hi;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line.substr(8);
  }
  return std::nullopt;
}

/// Whether the mapping holding `p` was advised MADV_HUGEPAGE ("hg").
inline bool host_advised_huge(const void* p) {
  auto flags = host_vm_flags(p);
  return flags && (" " + *flags + " ").find(" hg ") != std::string::npos;
}

}  // namespace vmm::test
