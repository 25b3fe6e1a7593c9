#include "vmm/linux/signal_frame.hpp"

#include <cstring>

namespace vmm::linux_user {
namespace {

// Offsets in struct rt_sigframe (Linux 6.1 uapi, riscv64; glibc's
// ucontext_t has the same layout).
constexpr std::uint64_t kInfoCode = 8;                    // siginfo.si_code
constexpr std::uint64_t kInfoUnion = 16;                  // si_pid, si_uid / si_addr
constexpr std::uint64_t kContext = 128;                   // struct ucontext
constexpr std::uint64_t kStack = kContext + 16;           // uc_stack
constexpr std::uint64_t kMask = kContext + 40;            // uc_sigmask
constexpr std::uint64_t kRegisters = kContext + 176;      // uc_mcontext.sc_regs: pc, then x1..x31
constexpr std::uint64_t kFpRegisters = kRegisters + 256;  // sc_fpregs.d.f[32]
constexpr std::uint64_t kFcsr = kFpRegisters + 256;       // sc_fpregs.d.fcsr
static_assert(kRegisters + 256 + 528 == kSignalFrameBytes);

using Frame = std::array<std::uint8_t, kSignalFrameBytes>;

template <typename T>
void put(Frame& frame, std::uint64_t at, T value) {
  std::memcpy(frame.data() + at, &value, sizeof value);
}

template <typename T>
T take(const Frame& frame, std::uint64_t at) {
  T value{};
  std::memcpy(&value, frame.data() + at, sizeof value);
  return value;
}

/// The siginfo_t of `info` at the start of `frame`.
void put_info(Frame& frame, const SignalInfo& info) {
  put<std::int32_t>(frame, 0, info.signo);
  put<std::int32_t>(frame, kInfoCode, info.code);
  if (info.fault) {
    put<std::uint64_t>(frame, kInfoUnion, info.address);
  } else {
    put<std::int32_t>(frame, kInfoUnion, info.pid);
    put<std::uint32_t>(frame, kInfoUnion + 4, info.uid);
    put<std::uint64_t>(frame, kInfoUnion + 8, info.value);
  }
}

}  // namespace

bool write_signal_info(memory::GuestMemory& memory, GuestAddr addr, const SignalInfo& info) {
  Frame frame{};
  put_info(frame, info);
  return memory.write_bytes(addr, frame.data(), kSignalInfoBytes);
}

bool push_signal_frame(memory::GuestMemory& memory, cpu::HartState& hart, GuestAddr stack,
                       const SignalInfo& info, std::uint64_t old_mask, const AltStack& alt, GuestAddr handler,
                       GuestAddr restorer) {
  if (stack < kSignalFrameBytes) return false;
  const GuestAddr at = (stack - kSignalFrameBytes) & ~GuestAddr{15};
  Frame frame{};  // unused fields and the Q extension's reserved words read as 0
  put_info(frame, info);
  put<std::uint64_t>(frame, kStack, alt[0]);
  put<std::uint32_t>(frame, kStack + 8, static_cast<std::uint32_t>(alt[1]));
  put<std::uint64_t>(frame, kStack + 16, alt[2]);
  put<std::uint64_t>(frame, kMask, old_mask);
  put<std::uint64_t>(frame, kRegisters, hart.pc);
  for (unsigned i = 1; i < 32; ++i) put<std::uint64_t>(frame, kRegisters + 8 * i, hart.x[i]);
  for (unsigned i = 0; i < 32; ++i) put<std::uint64_t>(frame, kFpRegisters + 8 * i, hart.f[i]);
  put<std::uint32_t>(frame, kFcsr, (hart.frm << 5) | hart.fflags);
  if (!memory.write_bytes(at, frame.data(), frame.size())) return false;

  hart.x[2] = at;
  hart.x[1] = restorer;
  hart.x[10] = static_cast<std::uint64_t>(info.signo);
  hart.x[11] = at;
  hart.x[12] = at + kContext;
  hart.pc = handler & ~GuestAddr{1};
  hart.reservation_valid = false;  // as every trap return on Linux
  return true;
}

std::optional<SavedContext> pop_signal_frame(memory::GuestMemory& memory, cpu::HartState& hart) {
  Frame frame{};
  if (!memory.read_bytes(hart.x[2], frame.data(), frame.size())) return std::nullopt;
  hart.pc = take<std::uint64_t>(frame, kRegisters) & ~GuestAddr{1};
  for (unsigned i = 1; i < 32; ++i) hart.x[i] = take<std::uint64_t>(frame, kRegisters + 8 * i);
  for (unsigned i = 0; i < 32; ++i) hart.f[i] = take<std::uint64_t>(frame, kFpRegisters + 8 * i);
  const auto fcsr = take<std::uint32_t>(frame, kFcsr);
  hart.frm = (fcsr >> 5) & 7;
  hart.fflags = fcsr & 0x1f;
  hart.reservation_valid = false;
  SavedContext saved;
  saved.mask = take<std::uint64_t>(frame, kMask);
  saved.stack = {take<std::uint64_t>(frame, kStack), take<std::uint32_t>(frame, kStack + 8),
                 take<std::uint64_t>(frame, kStack + 16)};
  return saved;
}

}  // namespace vmm::linux_user
