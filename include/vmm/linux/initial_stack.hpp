#pragma once
// The initial process stack exactly as Linux builds it for a static ELF
// (fs/binfmt_elf.c create_elf_tables): argc, argv[], NULL, envp[], NULL,
// auxv pairs ending in AT_NULL, then the strings and AT_RANDOM bytes above.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/core/types.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::linux_user {

namespace auxv {
inline constexpr std::uint64_t kNull = 0, kPhdr = 3, kPhent = 4, kPhnum = 5, kPagesz = 6, kBase = 7,
                               kFlags = 8, kEntry = 9, kUid = 11, kEuid = 12, kGid = 13, kEgid = 14,
                               kPlatform = 15, kHwcap = 16, kClktck = 17, kSecure = 23, kRandom = 25,
                               kHwcap2 = 26, kExecfn = 31;
}  // namespace auxv

struct StackImage {
  std::vector<std::string> argv;
  std::vector<std::string> envp;
  std::string execfn;
  GuestAddr phdr = 0;
  std::uint64_t phnum = 0;
  GuestAddr entry = 0;
  std::array<std::uint8_t, 16> random{};
  std::uint64_t uid = 0, euid = 0, gid = 0, egid = 0;
};

/// Writes the image below `stack_top` and returns the initial sp (16-byte
/// aligned, pointing at argc). Fails when it does not fit in `stack_size`.
Result<GuestAddr> build_initial_stack(memory::GuestMemory& memory, GuestAddr stack_top,
                                      std::uint64_t stack_size, const StackImage& image);

/// AT_HWCAP for RV64IMAFDC: one bit per single-letter extension.
inline constexpr std::uint64_t kHwcap = (1u << ('I' - 'A')) | (1u << ('M' - 'A')) | (1u << ('A' - 'A')) |
                                        (1u << ('F' - 'A')) | (1u << ('D' - 'A')) | (1u << ('C' - 'A'));

}  // namespace vmm::linux_user
