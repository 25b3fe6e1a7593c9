#include "vmm/linux/interval_timer.hpp"

#include "vmm/linux/host_signals.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace vmm::linux_user {

namespace {

std::atomic<bool> g_expired{false};

extern "C" void on_sigalrm(int /*sig*/) { g_expired.store(true, std::memory_order_relaxed); }

/// Installs the SIGALRM handler once. No SA_RESTART: a system call the guest
/// is blocked in returns, so the expiry is taken at once (the guest never
/// sees the EINTR when its SIGALRM ends the run).
bool install_handler() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_sigalrm;
    sigemptyset(&action.sa_mask);
    installed = ::sigaction(SIGALRM, &action, nullptr) == 0;
  });
  return installed;
}

}  // namespace

IntervalTimer::~IntervalTimer() {
  if (!m_armed_once) return;
  const itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  g_expired.store(false, std::memory_order_relaxed);
}

int IntervalTimer::set(const itimerval& next, itimerval& previous) {
  if (!install_handler()) return -ENOSYS;
  if (::setitimer(ITIMER_REAL, &next, &previous) != 0) return -errno;
  m_armed_once = true;
  return 0;
}

int IntervalTimer::get(itimerval& current) const {
  return ::getitimer(ITIMER_REAL, &current) == 0 ? 0 : -errno;
}

int IntervalTimer::wait(pollfd* fds, nfds_t count, const timespec* timeout,
                        const std::atomic<bool>* interrupt) {
  // SIGALRM, SIGINT and the signals forwarded to the guest are blocked
  // from the checks until ppoll unblocks them atomically: one arriving in
  // between would otherwise go unseen, and the wait might never end.
  sigset_t watched = HostSignals::forwarded();
  sigset_t before;
  sigaddset(&watched, SIGALRM);
  sigaddset(&watched, SIGINT);
  if (::pthread_sigmask(SIG_BLOCK, &watched, &before) != 0) return -EINVAL;
  int result = -EINTR;
  const bool expired = m_armed_once && g_expired.load(std::memory_order_relaxed);
  const bool interrupted = interrupt != nullptr && interrupt->load(std::memory_order_relaxed);
  if (!expired && !interrupted && !HostSignals::pending()) {
    sigset_t during = before;  // SIGINT as it was before
    sigdelset(&during, SIGALRM);
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sigismember(&HostSignals::forwarded(), sig) == 1) sigdelset(&during, sig);
    }
    result = ::ppoll(fds, count, timeout, &during);
    if (result < 0) result = -errno;
  }
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  return result;
}

bool IntervalTimer::take_expiry() {
  return m_armed_once && g_expired.exchange(false, std::memory_order_relaxed);
}

}  // namespace vmm::linux_user
