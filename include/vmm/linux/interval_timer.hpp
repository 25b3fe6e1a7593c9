#pragma once
// The guest's ITIMER_REAL (setitimer, getitimer; glibc's alarm() is built on
// it): the host's own real-time timer of the vm process, whose SIGALRM only
// marks an expiry. The run loop takes expiries between chunks of guest
// instructions and after each system call (a blocking one returns early,
// interrupted), and Syscalls sends the guest its SIGALRM.
#include <poll.h>
#include <sys/time.h>

#include <atomic>

namespace vmm::linux_user {

class IntervalTimer {
 public:
  IntervalTimer() = default;
  ~IntervalTimer();  ///< disarms the host timer if this one armed it
  IntervalTimer(const IntervalTimer&) = delete;
  IntervalTimer& operator=(const IntervalTimer&) = delete;

  /// setitimer(ITIMER_REAL): 0, or a negative errno.
  int set(const itimerval& next, itimerval& previous);
  /// getitimer(ITIMER_REAL).
  int get(itimerval& current) const;
  /// Whether the timer expired since the last call (each expiry once).
  [[nodiscard]] bool take_expiry();
  /// Waits in the host's ppoll for `fds` (none: for nothing) until one is
  /// ready, `timeout` passes, or a signal (an expiry, Ctrl-C, one for the
  /// guest: HostSignals) arrives; an expiry or a signal for the guest not
  /// yet taken, or `interrupt` set, returns -EINTR at once.
  /// ppoll's result or a negative errno.
  int wait(pollfd* fds, nfds_t count, const timespec* timeout, const std::atomic<bool>* interrupt);

 private:
  bool m_armed_once = false;
};

}  // namespace vmm::linux_user
