#pragma once
// HTIF, the Berkeley host-target interface used by riscv-tests and bare
// programs: the guest writes a command to the `tohost` word; the host answers
// in `fromhost`. Commands (device << 56 | command << 48 | payload):
//  - device 0, command 0: payload with bit 0 set ends the run with exit code
//    payload >> 1 (1 = pass); bit 0 clear: pointer to a syscall-proxy block
//    of eight u64 {number, args...}; write (64) and exit (93) are served;
//  - device 1, command 1: put the character in the payload's low byte.
#include <cstdint>
#include <optional>
#include <string>

#include "vmm/core/types.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::system {

class Htif {
 public:
  Htif(memory::GuestMemory& memory, GuestAddr tohost, std::optional<GuestAddr> fromhost);

  /// Watch callback: the page holding tohost was written.
  void on_write();

  [[nodiscard]] bool finished() const { return m_exit_code.has_value(); }
  [[nodiscard]] int exit_code() const { return m_exit_code.value_or(0); }

 private:
  void handle(std::uint64_t command);
  void syscall_proxy(GuestAddr block);
  void reply(std::uint64_t value);

  memory::GuestMemory& m_memory;
  GuestAddr m_tohost;
  std::optional<GuestAddr> m_fromhost;
  std::optional<int> m_exit_code;
};

}  // namespace vmm::system
