#pragma once
// The Linux system-call layer on its own, for tests: guest RAM in a 4 GiB
// window at guest address 0 (a direct view, holes until mapped), a hart
// and an interpreter for the layer to talk to, and system calls made as
// the guest makes them (number in a7, arguments in a0..a5, result in a0).
#include <array>
#include <cstdint>

#include "vmm/cpu/hart_state.hpp"
#include "vmm/cpu/interpreter.hpp"
#include "vmm/linux/syscalls.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::test {

struct SyscallHarness {
  static constexpr std::uint64_t kWindow = std::uint64_t{1} << 32;
  static constexpr linux_user::Layout kLayout{kWindow,  kWindow - kPageSize, 8u << 20, kWindow / 2,
                                              0x100000, kWindow - kPageSize};

  /// Adds the window's RAM; false if the host refuses.
  bool add_ram() {
    return space.add_ram(0, kWindow, memory::kPermNone, memory::RamBacking::kDirectView).ok();
  }

  /// Makes system call `number` with `args`; returns a0 (negative errno on failure, as Linux).
  std::uint64_t call(std::uint64_t number, const std::array<std::uint64_t, 6>& args = {}) {
    hart.x[17] = number;
    for (unsigned i = 0; i < args.size(); ++i) hart.x[10 + i] = args[i];
    syscalls.handle(hart);
    return hart.x[10];
  }

  memory::AddressSpace space;
  memory::GuestMemory memory{space};
  cpu::HartState hart;
  cpu::Interpreter engine{hart, memory};
  linux_user::Syscalls syscalls{memory, engine, kLayout, "/bin/test"};
};

}  // namespace vmm::test
