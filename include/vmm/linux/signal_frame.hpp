#pragma once
// The signal frame of riscv64 Linux (arch/riscv/kernel/signal.c): what the
// kernel pushes on the stack to run a handler, and reads back on
// rt_sigreturn. A handler gets a0 = the signal, a1 = &frame->info (siginfo),
// a2 = &frame->uc (ucontext: the interrupted registers, FP state and mask).
#include <array>
#include <cstdint>
#include <optional>

#include "vmm/core/types.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::linux_user {

// si_code values (include/uapi/asm-generic/siginfo.h).
inline constexpr int kSiUser = 0;       ///< kill()
inline constexpr int kSiKernel = 0x80;  ///< sent by the kernel (an interval timer)
inline constexpr int kSiTkill = -6;     ///< tkill(), tgkill(): raise()
inline constexpr int kSegvMaperr = 1;   ///< SIGSEGV: no mapping at the address
inline constexpr int kSegvAccerr = 2;   ///< SIGSEGV: the mapping forbids the access
inline constexpr int kBusAdraln = 1;    ///< SIGBUS: misaligned address
inline constexpr int kIllIllopc = 1;    ///< SIGILL: illegal opcode
inline constexpr int kTrapBrkpt = 1;    ///< SIGTRAP: breakpoint (ebreak)

/// What a handler's siginfo says (the fields of its one union member we use).
struct SignalInfo {
  int signo = 0;
  int code = 0;               ///< SI_USER, SI_TKILL, SI_KERNEL, SEGV_MAPERR...
  std::uint64_t address = 0;  ///< si_addr, for faults
  std::int32_t pid = 0;       ///< si_pid and si_uid, for signals a process sent
  std::uint32_t uid = 0;
  std::uint64_t value = 0;  ///< si_value, for sigqueue()
  bool fault = false;       ///< the union holds si_addr, not si_pid/si_uid
};

/// sigaltstack's stack_t: ss_sp, ss_flags, ss_size.
using AltStack = std::array<std::uint64_t, 3>;

/// sizeof(siginfo_t).
inline constexpr std::uint64_t kSignalInfoBytes = 128;

/// Writes `info` as a siginfo_t at `addr` (sigtimedwait's answer); false
/// when the guest may not write there.
bool write_signal_info(memory::GuestMemory& memory, GuestAddr addr, const SignalInfo& info);

/// sizeof(struct rt_sigframe): siginfo (128 bytes) and ucontext (960).
inline constexpr std::uint64_t kSignalFrameBytes = 1088;

/// Pushes a frame below `stack` that resumes `hart` as it is, then points
/// the hart at `handler` (bit 0 dropped) with `restorer` as its return address. `old_mask`
/// is the mask rt_sigreturn restores; `alt` is reported in uc_stack. False
/// when the frame does not fit in writable guest memory (hart unchanged).
bool push_signal_frame(memory::GuestMemory& memory, cpu::HartState& hart, GuestAddr stack,
                       const SignalInfo& info, std::uint64_t old_mask, const AltStack& alt, GuestAddr handler,
                       GuestAddr restorer);

/// What a frame restores besides the registers.
struct SavedContext {
  std::uint64_t mask = 0;  ///< uc_sigmask
  AltStack stack{};        ///< uc_stack
};

/// rt_sigreturn: restores the registers and FP state from the frame at the
/// hart's sp and returns the mask and alternate stack it holds; nullopt
/// when the frame cannot be read (hart unchanged). A pc's bit 0 is
/// dropped, as hardware drops it from sepc.
std::optional<SavedContext> pop_signal_frame(memory::GuestMemory& memory, cpu::HartState& hart);

}  // namespace vmm::linux_user
