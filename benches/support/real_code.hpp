#pragma once
// A corpus of real RV64GC code for benchmarks: the executable segment of the
// default guest (static glibc), embedded into every bench executable.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vmm/elf/elf_file.hpp"

extern "C" const std::uint8_t vmm_default_guest_begin[];
extern "C" const std::uint8_t vmm_default_guest_end[];

namespace bench {

inline std::span<const std::uint8_t> real_code() {
  static std::span<const std::uint8_t> code = [] {
    std::span<const std::uint8_t> image(vmm_default_guest_begin, vmm_default_guest_end);
    auto elf = vmm::elf::ElfFile::parse(image, "default-guest");
    if (!elf) std::abort();
    for (const auto& s : elf->load_segments()) {
      if (s.flags & vmm::elf::kPfX) return image.subspan(s.file_offset, s.file_size);  // validated by parse
    }
    std::abort();
  }();
  return code;
}

}  // namespace bench
