#include "vmm/system/htif.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <vector>

namespace vmm::system {

Htif::Htif(memory::GuestMemory& memory, GuestAddr tohost, std::optional<GuestAddr> fromhost)
    : m_memory(memory), m_tohost(tohost), m_fromhost(fromhost) {
  m_memory.space().watch_page(tohost, memory::kWatchDevice);
}

void Htif::on_write() {
  std::uint64_t command = 0;
  if (!m_memory.read_bytes(m_tohost, &command, sizeof(command)) || command == 0) return;
  // Consume the command first, as a real host does, so the guest can poll.
  std::uint64_t zero = 0;
  (void)m_memory.write_bytes(m_tohost, &zero, sizeof(zero));
  handle(command);
}

void Htif::reply(std::uint64_t value) {
  if (m_fromhost) (void)m_memory.write_bytes(*m_fromhost, &value, sizeof(value));
}

void Htif::handle(std::uint64_t command) {
  std::uint64_t device = command >> 56;
  std::uint64_t cmd = (command >> 48) & 0xff;
  std::uint64_t payload = command & ((std::uint64_t{1} << 48) - 1);
  if (device == 0 && cmd == 0) {
    if (payload & 1) {
      m_exit_code = static_cast<int>(payload >> 1);
      m_memory.request_stop();
      return;
    }
    syscall_proxy(payload);
    return;
  }
  if (device == 1 && cmd == 1) {
    char ch = static_cast<char>(payload & 0xff);
    (void)!::write(STDOUT_FILENO, &ch, 1);
    reply((std::uint64_t{1} << 56) | (std::uint64_t{1} << 48));
    return;
  }
  // Unknown device or command (e.g. console input): acknowledge with nothing.
  reply(command & ~((std::uint64_t{1} << 48) - 1));
}

void Htif::syscall_proxy(GuestAddr block) {
  std::array<std::uint64_t, 8> args{};
  if (!m_memory.read_bytes(block, args.data(), sizeof(args))) {
    m_exit_code = 1;
    m_memory.request_stop();
    return;
  }
  constexpr std::uint64_t kSysWrite = 64, kSysExit = 93;
  std::int64_t ret = -38;  // -ENOSYS
  if (args[0] == kSysWrite && (args[1] == 1 || args[1] == 2)) {
    std::vector<std::uint8_t> bytes(std::min<std::uint64_t>(args[3], 1u << 20));
    if (m_memory.read_bytes(args[2], bytes.data(), bytes.size())) {
      ret = ::write(static_cast<int>(args[1]), bytes.data(), bytes.size());
    } else {
      ret = -14;  // -EFAULT
    }
  } else if (args[0] == kSysExit) {
    m_exit_code = static_cast<int>(args[1] & 0xff);
    m_memory.request_stop();
    return;
  }
  args[0] = static_cast<std::uint64_t>(ret);
  (void)m_memory.write_bytes(block, args.data(), 8);
  reply(1);
}

}  // namespace vmm::system
