// Fuzz target: ELF parsing and loading. Untrusted bytes go through the ELF
// parser, the bare-metal loader and the user-mode process loader; every
// input must end in a value or an error, never a crash or an out-of-bounds
// access (run under ASan/UBSan). Builds as a libFuzzer target with
// -DVMM_LIBFUZZER, and otherwise as a plain program that replays files.
#include <cstddef>
#include <cstdint>
#include <span>

#include "vmm/elf/elf_file.hpp"
#include "vmm/system/bare_machine.hpp"
#if defined(__linux__)
#include "vmm/linux/process.hpp"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> bytes(data, size);
  auto elf = vmm::elf::ElfFile::parse(bytes, "fuzz");
  if (elf) (void)elf->symbol("tohost");
  // A fresh machine per input (a loader must not depend on earlier inputs).
  vmm::system::BareConfig config;
  config.ram_size = 1u << 20;
  (void)vmm::system::BareMachine::create(bytes, "fuzz", config);
#if defined(__linux__)
  vmm::linux_user::ProcessConfig process_config;
  process_config.argv = {"fuzz"};
  process_config.exec_path = "/fuzz";
  (void)vmm::linux_user::Process::create(bytes, "fuzz", process_config);
#endif
  return 0;
}
