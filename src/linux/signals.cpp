// The guest's signals: sigaction, masks, pending signals, and delivery to
// handlers through a frame on the guest's stack (signal_frame.cpp), as
// Linux does for one thread.
#include <time.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <limits>
#include <utility>
#include <vector>

#include "vmm/core/host_fds.hpp"
#include "vmm/linux/host_signals.hpp"
#include "vmm/linux/job_control.hpp"
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {
namespace {

constexpr std::uint64_t kSigDfl = 0;
constexpr std::uint64_t kSigIgn = 1;
constexpr std::uint64_t kSaOnStack = 0x08000000;
constexpr std::uint64_t kSaRestart = 0x10000000;
constexpr std::uint64_t kSaResetHand = 0x80000000;
constexpr std::uint64_t kSaNoDefer = 0x40000000;
constexpr std::uint64_t kSsDisable = 2;
constexpr std::uint64_t kSsAutoDisarm = std::uint64_t{1} << 31;
constexpr int kFirstRealTime = 32;
constexpr std::size_t kMaxQueued = 4096;  // queued real-time signals (Linux: RLIMIT_SIGPENDING)
constexpr std::uint64_t kUnblockable =
    (std::uint64_t{1} << (SIGKILL - 1)) | (std::uint64_t{1} << (SIGSTOP - 1));

constexpr std::uint64_t bit_of(int sig) { return std::uint64_t{1} << (sig - 1); }

/// Which of the `ready` signals Linux takes first: a fault's kind before
/// the others, then the lowest number.
int next_signal(std::uint64_t ready) {
  constexpr std::uint64_t kSynchronous =
      bit_of(SIGSEGV) | bit_of(SIGBUS) | bit_of(SIGILL) | bit_of(SIGTRAP) | bit_of(SIGFPE) | bit_of(SIGSYS);
  const std::uint64_t first = (ready & kSynchronous) != 0 ? ready & kSynchronous : ready;
  return std::countr_zero(first) + 1;
}

bool ignored_by_default(int sig) {
  return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

}  // namespace

void Syscalls::poll_timer(Outcome& outcome) {
  if (m_timer.take_expiry()) timer_expired(outcome);
  if (HostSignals::pending()) take_host_signals(outcome);
}

void Syscalls::take_host_signals(Outcome& outcome) {
  for (const SignalInfo& info : HostSignals::take()) {
    const bool first = outcome.signal == 0;
    (void)send_self(info, outcome);  // (the others wait their turn, delivered after it)
    if (first) outcome.from_host = outcome.signal != 0;
  }
}

void Syscalls::timer_expired(Outcome& outcome) {
  SignalInfo info;
  info.signo = SIGALRM;
  info.code = kSiKernel;
  send_self(info, outcome);
  outcome.timer = outcome.signal == SIGALRM;
}

void Syscalls::set_temporary_mask(std::uint64_t mask) {
  if (!m_saved_mask) m_saved_mask = m_signal_mask;
  m_signal_mask = mask & ~kUnblockable;
}

std::int64_t Syscalls::wait_for_signal(pollfd* fds, nfds_t count, const std::optional<timespec>& deadline,
                                       Outcome& outcome, std::uint64_t wake) {
  for (;;) {
    take_unblocked(outcome);
    if (outcome.signal != 0) return -EINTR;
    std::optional<timespec> left;
    if (deadline) {
      timespec now{};
      ::clock_gettime(CLOCK_MONOTONIC, &now);
      left = timespec{deadline->tv_sec - now.tv_sec, deadline->tv_nsec - now.tv_nsec};
      if (left->tv_nsec < 0) {
        left->tv_sec -= 1;
        left->tv_nsec += 1000000000;
      }
      if (left->tv_sec < 0) left = timespec{0, 0};  // past: the fds are still looked at once
    }
    const int r = m_timer.wait(fds, count, left ? &*left : nullptr, m_interrupt);
    if (r != -EINTR) return r;
    // Not the timer: Ctrl-C, which the run loop takes after the call.
    if (!resume_after_timer(outcome) || (m_pending & wake) != 0) return -EINTR;
  }
}

bool Syscalls::resume_after_timer(Outcome& outcome) {
  if (interrupted()) return false;
  bool arrived = false;
  if (m_timer.take_expiry()) {
    timer_expired(outcome);
    arrived = true;
  }
  if (HostSignals::pending()) {
    take_host_signals(outcome);
    arrived = true;
  }
  return arrived && outcome.signal == 0;
}

std::int64_t Syscalls::sys_rt_sigsuspend(const Args& a, Outcome& outcome) {
  if (a[1] != 8) return -EINVAL;
  std::uint64_t mask = 0;
  if (!get(a[0], mask)) return -EFAULT;
  set_temporary_mask(mask);
  // Only a signal ends it (with EINTR, once its handler returns).
  return wait_for_signal(nullptr, 0, std::nullopt, outcome);
}

std::int64_t Syscalls::read_deadline(GuestAddr addr, std::optional<timespec>& deadline) {
  if (addr == 0) return 0;
  timespec timeout{};
  if (!get(addr, timeout)) return -EFAULT;
  if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000) return -EINVAL;
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const time_t max_seconds = std::numeric_limits<time_t>::max() / 2;
  deadline = timespec{now.tv_sec + std::min(timeout.tv_sec, max_seconds), now.tv_nsec + timeout.tv_nsec};
  if (deadline->tv_nsec >= 1000000000) {
    deadline->tv_sec += 1;
    deadline->tv_nsec -= 1000000000;
  }
  return 0;
}

std::int64_t Syscalls::sys_rt_sigtimedwait(const Args& a, Outcome& outcome) {
  if (a[3] != 8) return -EINVAL;
  std::uint64_t set = 0;
  if (!get(a[0], set)) return -EFAULT;
  set &= ~kUnblockable;
  std::optional<timespec> deadline;
  if (const std::int64_t r = read_deadline(a[2], deadline); r != 0) return r;
  // The signals waited for collect in m_pending while it waits instead of
  // going to a handler; any other signal's handler runs with the guest's
  // own mask, as Linux restores it before delivering.
  const std::uint64_t own = m_signal_mask;
  m_signal_mask |= set;
  const std::int64_t result = take_waited(a[1], set, deadline, outcome);
  m_signal_mask = own;
  return result;
}

std::int64_t Syscalls::take_waited(GuestAddr info_addr, std::uint64_t set,
                                   const std::optional<timespec>& deadline, Outcome& outcome) {
  for (;;) {
    if (const std::uint64_t ready = m_pending & set; ready != 0) {
      const int sig = next_signal(ready);
      const SignalInfo info = take_pending(sig);
      if (info_addr != 0 && !write_signal_info(m_memory, info_addr, info)) return -EFAULT;
      return sig;
    }
    // Any other signal the guest takes interrupts the wait.
    const std::int64_t r = wait_for_signal(nullptr, 0, deadline, outcome, set);
    if (r == 0) return -EAGAIN;  // timed out
    if (r != -EINTR || outcome.signal != 0) return r;
    if ((m_pending & set) == 0) return -EINTR;  // Ctrl-C
  }
}

namespace {

/// When `fds` names descriptors of vm's (host_fds.hpp), which are not open
/// for the guest: they get POLLNVAL, which makes poll return at once, and
/// the rest are looked at without waiting. The number of ready entries (or
/// a negative errno); nothing when every descriptor is the guest's.
std::optional<std::int64_t> poll_past_guest_fds(pollfd* fds, nfds_t count) {
  std::vector<std::pair<nfds_t, int>> hidden;
  for (nfds_t i = 0; i < count; ++i) {
    if (host_fds::guest_may_use(fds[i].fd)) continue;
    hidden.emplace_back(i, fds[i].fd);
    fds[i].fd = -1;  // ignored by the host's poll
  }
  if (hidden.empty()) return std::nullopt;
  const int ready = ::poll(fds, count, 0);
  for (const auto& [i, fd] : hidden) {
    fds[i].fd = fd;
    fds[i].revents = POLLNVAL;
  }
  return ready < 0 ? -errno : ready + static_cast<std::int64_t>(hidden.size());
}

}  // namespace

std::int64_t Syscalls::sys_ppoll(const Args& a, Outcome& outcome) {
  // struct pollfd and struct timespec have the same layout on both sides;
  // the host's ppoll reads and writes the guest's array where it lies.
  constexpr std::uint64_t kMaxFds = 1 << 20;
  if (a[1] > kMaxFds) return -EINVAL;
  pollfd* fds = nullptr;
  if (a[1] != 0) {
    std::uint8_t* array = guest_range(a[0], a[1] * sizeof(pollfd), true);
    if (array == nullptr) return -EFAULT;
    fds = reinterpret_cast<pollfd*>(array);  // SAFETY: checked range; only the host kernel reads it
  }
  std::optional<timespec> deadline;
  if (const std::int64_t r = read_deadline(a[2], deadline); r != 0) return r;
  std::uint64_t mask = 0;
  if (a[3] != 0 && a[4] != 8) return -EINVAL;
  if (a[3] != 0 && !get(a[3], mask)) return -EFAULT;
  if (const auto invalid = poll_past_guest_fds(fds, static_cast<nfds_t>(a[1]))) return *invalid;
  if (a[3] != 0) set_temporary_mask(mask);
  return wait_for_signal(fds, static_cast<nfds_t>(a[1]), deadline, outcome);
}

bool Syscalls::send_self(const SignalInfo& info, Outcome& outcome) {
  const int sig = info.signo;
  const bool unstoppable = sig == SIGKILL || sig == SIGSTOP;
  // As Linux when a signal is generated: a stop discards a pending SIGCONT,
  // SIGCONT discards pending stops.
  if (stops_by_default(sig)) discard_pending(bit_of(SIGCONT));
  if (sig == SIGCONT) discard_pending(bit_of(SIGTSTP) | bit_of(SIGTTIN) | bit_of(SIGTTOU));
  if (!unstoppable && (m_signal_mask & bit_of(sig)) != 0) return make_pending(info);
  const std::uint64_t handler = m_sigactions[static_cast<std::size_t>(sig)][0];
  if (!unstoppable && (handler == kSigIgn || (handler == kSigDfl && ignored_by_default(sig)))) return true;
  if (handler == kSigDfl && stops_by_default(sig)) {
    // The guest stops with the vm process; the SIGCONT that resumes it is the guest's.
    if (const std::optional<SignalInfo> resumed = stop_process(sig)) return send_self(*resumed, outcome);
    return true;
  }
  // One signal at a time in `outcome` (one sent to vm may be there already,
  // taken before the call): another waits its turn, as pending ones do.
  if (outcome.signal != 0) return make_pending(info);
  outcome.signal = sig;
  outcome.info = info;
  return true;
}

bool Syscalls::make_pending(const SignalInfo& info) {
  const int sig = info.signo;
  // A standard signal waits once, with its first siginfo; real-time ones queue.
  if ((m_pending & bit_of(sig)) == 0) {
    m_pending_info[static_cast<std::size_t>(sig)] = info;
  } else if (sig >= kFirstRealTime) {
    if (m_queued.size() >= kMaxQueued) return false;
    m_queued.push_back(info);
  }
  m_pending |= bit_of(sig);
  return true;
}

void Syscalls::discard_pending(std::uint64_t signals) {
  m_pending &= ~signals;  // standard signals only: none of them queues
}

SignalInfo Syscalls::take_pending(int sig) {
  const SignalInfo info = m_pending_info[static_cast<std::size_t>(sig)];
  const auto next =
      std::find_if(m_queued.begin(), m_queued.end(), [sig](const SignalInfo& q) { return q.signo == sig; });
  if (next == m_queued.end()) {
    m_pending &= ~bit_of(sig);
  } else {
    m_pending_info[static_cast<std::size_t>(sig)] = *next;
    m_queued.erase(next);
  }
  return info;
}

void Syscalls::take_unblocked(Outcome& outcome) {
  for (std::uint64_t ready = m_pending & ~m_signal_mask; ready != 0 && outcome.signal == 0;
       ready = m_pending & ~m_signal_mask) {
    send_self(take_pending(next_signal(ready)), outcome);
  }
}

bool Syscalls::on_altstack(GuestAddr sp) const {
  const auto [base, flags, size] = m_sigaltstack;
  return (flags & kSsAutoDisarm) == 0 && sp > base && sp - base <= size;
}

bool Syscalls::enter_handler(cpu::HartState& hart, const SignalInfo& info) {
  auto& action = m_sigactions[static_cast<std::size_t>(info.signo)];
  const std::uint64_t handler = action[0];
  const std::uint64_t flags = action[1];
  const std::uint64_t sp = hart.x[2];
  // A frame would overflow the alternate stack the guest is on: Linux
  // gives up (SIGSEGV) rather than write below it.
  if (on_altstack(sp) && (sp < kSignalFrameBytes || !on_altstack(sp - kSignalFrameBytes))) return false;
  const bool switch_stack = (flags & kSaOnStack) != 0 && m_sigaltstack[2] != 0 && !on_altstack(sp);
  const GuestAddr stack = switch_stack ? m_sigaltstack[0] + m_sigaltstack[2] : sp;
  // After ppoll or sigsuspend the frame restores the mask they replaced.
  const std::uint64_t restore = m_saved_mask.value_or(m_signal_mask);
  if (!push_signal_frame(m_memory, hart, stack, info, restore, m_sigaltstack, handler, m_layout.sigreturn)) {
    return false;
  }
  if ((m_sigaltstack[1] & kSsAutoDisarm) != 0) m_sigaltstack = {0, kSsDisable, 0};
  m_saved_mask.reset();
  if ((flags & kSaNoDefer) == 0) m_signal_mask |= bit_of(info.signo);
  m_signal_mask = (m_signal_mask | action[2]) & ~kUnblockable;
  if ((flags & kSaResetHand) != 0) action[0] = kSigDfl;
  return true;
}

void Syscalls::force(int sig) {
  auto& action = m_sigactions[static_cast<std::size_t>(sig)];
  if ((m_signal_mask & bit_of(sig)) != 0 || action[0] == kSigIgn) {
    action[0] = kSigDfl;
    m_signal_mask &= ~bit_of(sig);
  }
}

void Syscalls::deliver(cpu::HartState& hart, Outcome& outcome) {
  // Every signal the handlers' masks leave unblocked is delivered before
  // the guest runs on, each frame on the last (the last runs first), as
  // Linux does on its way back to user mode.
  while (!outcome.exited && outcome.signal != 0) {
    const auto& action = m_sigactions[static_cast<std::size_t>(outcome.signal)];
    if (action[0] <= kSigIgn) return;  // the default action: it ends the guest
    if (outcome.restart_a0 && (action[1] & kSaRestart) != 0) {
      // The handler returns to the ecall, which runs again.
      hart.x[10] = *outcome.restart_a0;
      hart.pc -= 4;
    }
    outcome.restart_a0.reset();
    const cpu::HartState before = hart;
    if (!enter_handler(hart, outcome.info)) {
      // No room for the frame: SIGSEGV (Linux's force_sigsegv), which ends
      // the guest if its own frame is what did not fit.
      hart = before;
      const bool fatal = outcome.signal == SIGSEGV;
      force(SIGSEGV);
      if (fatal) m_sigactions[SIGSEGV][0] = kSigDfl;
      outcome.signal = SIGSEGV;
      outcome.info = SignalInfo{};
      outcome.info.signo = SIGSEGV;
      outcome.info.code = kSiKernel;
      outcome.bad_frame = true;
      continue;
    }
    outcome.signal = 0;
    outcome.timer = false;
    outcome.from_host = false;
    outcome.bad_frame = false;
    take_unblocked(outcome);
  }
}

Syscalls::Outcome Syscalls::deliver_fault(cpu::HartState& hart, const SignalInfo& info) {
  // A fault that is blocked or ignored cannot be retried forever: Linux
  // resets it to the default action, which ends the process.
  force(info.signo);
  Outcome outcome;
  outcome.signal = info.signo;
  outcome.info = info;
  deliver(hart, outcome);
  return outcome;
}

void Syscalls::return_from_handler(cpu::HartState& hart, Outcome& outcome) {
  std::optional<SavedContext> saved = pop_signal_frame(m_memory, hart);
  if (!saved) {
    // Linux's force_sig(SIGSEGV); the handler, if any, resumes after the ecall.
    force(SIGSEGV);
    outcome.signal = SIGSEGV;
    outcome.info.signo = SIGSEGV;
    outcome.info.code = kSiKernel;
    outcome.bad_frame = true;
    return;
  }
  outcome.restored = true;
  m_signal_mask = saved->mask & ~kUnblockable;
  (void)change_altstack(saved->stack, hart.x[2]);  // as Linux, errors are ignored
  take_unblocked(outcome);
}

std::int64_t Syscalls::sys_rt_sigqueueinfo(const Args& a, Outcome& outcome) {
  // sigqueue(): to itself only, with the guest's own siginfo (its si_value).
  const auto pid = static_cast<pid_t>(a[0]);
  const auto sig = static_cast<std::int64_t>(a[1]);
  if (sig < 0 || sig > 64) return -EINVAL;
  std::int32_t code = 0;
  SignalInfo info;
  if (!get(a[2] + 8, code) || !get(a[2] + 16, info.pid) || !get(a[2] + 20, info.uid) ||
      !get(a[2] + 24, info.value)) {
    return -EFAULT;
  }
  if (pid != ::getpid()) return ::kill(pid, 0) == 0 ? -EPERM : -ESRCH;
  if (sig == 0) return 0;  // only asks whether it may
  info.signo = static_cast<int>(sig);
  info.code = code;
  return send_self(info, outcome) ? 0 : -EAGAIN;  // queue full, as RLIMIT_SIGPENDING
}

std::int64_t Syscalls::sys_rt_sigaction(const Args& a) {
  std::uint64_t sig = a[0];
  if (sig == 0 || sig > 64) return -EINVAL;
  if ((sig == SIGKILL || sig == SIGSTOP) && a[1] != 0) return -EINVAL;  // may be read, not changed
  if (a[3] != 8) return -EINVAL;                                        // sigsetsize
  std::array<std::uint64_t, 4> next{};
  if (a[1] != 0 && !m_memory.read_bytes(a[1], next.data(), 24)) return -EFAULT;
  if (a[2] != 0 && !m_memory.write_bytes(a[2], m_sigactions[sig].data(), 24)) return -EFAULT;
  if (a[1] != 0) m_sigactions[sig] = next;
  // SIG_IGN, or SIG_DFL of a signal ignored by default, discards it.
  const bool discards =
      next[0] == kSigIgn || (next[0] == kSigDfl && ignored_by_default(static_cast<int>(sig)));
  if (a[1] != 0 && discards) {
    m_pending &= ~bit_of(static_cast<int>(sig));
    std::erase_if(m_queued, [sig](const SignalInfo& q) { return q.signo == static_cast<int>(sig); });
  }
  return 0;
}

std::int64_t Syscalls::sys_rt_sigprocmask(const Args& a, Outcome& outcome) {
  if (a[3] != 8) return -EINVAL;
  std::uint64_t old = m_signal_mask;
  if (a[1] != 0) {
    std::uint64_t set = 0;
    if (!get(a[1], set)) return -EFAULT;
    switch (a[0]) {
      case SIG_BLOCK:
        m_signal_mask |= set;
        break;
      case SIG_UNBLOCK:
        m_signal_mask &= ~set;
        break;
      case SIG_SETMASK:
        m_signal_mask = set;
        break;
      default:
        return -EINVAL;
    }
    m_signal_mask &= ~kUnblockable;
  }
  const bool written = a[2] == 0 || put(a[2], old);
  take_unblocked(outcome);  // whatever the answer: the mask changed
  return written ? 0 : -EFAULT;
}

std::int64_t Syscalls::change_altstack(const AltStack& next, GuestAddr sp) {
  constexpr std::uint64_t kMinSignalStack = 2048;  // MINSIGSTKSZ
  if (on_altstack(sp)) return -EPERM;
  const std::uint64_t flags = next[1] & 0xffffffff;  // an int, then padding
  const std::uint64_t mode = flags & ~kSsAutoDisarm;
  if (mode != kSsDisable && mode != SS_ONSTACK && mode != 0) return -EINVAL;
  if (mode == kSsDisable) {
    m_sigaltstack = {0, flags, 0};
    return 0;
  }
  if (next[2] < kMinSignalStack) return -ENOMEM;
  // A stack that wraps past 2^64 would put every frame at its top again:
  // faults in a handler could then repeat forever without retiring anything.
  if (next[0] + next[2] < next[0]) return -ENOMEM;
  m_sigaltstack = {next[0], flags, next[2]};
  return 0;
}

std::int64_t Syscalls::sys_sigaltstack(const Args& a) {
  // stack_t: void* ss_sp; int ss_flags; size_t ss_size (24 bytes with padding).
  AltStack old = m_sigaltstack;
  old[1] = (m_sigaltstack[2] == 0    ? kSsDisable
            : on_altstack(m_call_sp) ? SS_ONSTACK
                                     : 0) |
           (m_sigaltstack[1] & kSsAutoDisarm);
  if (a[0] != 0) {
    AltStack next{};
    if (!m_memory.read_bytes(a[0], next.data(), 24)) return -EFAULT;
    if (const std::int64_t r = change_altstack(next, m_call_sp); r != 0) return r;
  }
  if (a[1] != 0 && !m_memory.write_bytes(a[1], old.data(), 24)) return -EFAULT;
  return 0;
}

}  // namespace vmm::linux_user
