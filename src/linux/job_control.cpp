#include "vmm/linux/job_control.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace vmm::linux_user {
namespace {

// The resuming SIGCONT's sender, recorded by its handler; the handler runs
// before the stopping kill() returns, on this thread (the VMM has one).
std::atomic<bool> g_continued{false};
std::atomic<pid_t> g_sender_pid{0};
std::atomic<uid_t> g_sender_uid{0};
std::atomic<int> g_sender_code{0};

extern "C" void on_sigcont(int /*sig*/, siginfo_t* info, void* /*context*/) {
  g_sender_pid.store(info->si_pid, std::memory_order_relaxed);
  g_sender_uid.store(info->si_uid, std::memory_order_relaxed);
  g_sender_code.store(info->si_code, std::memory_order_relaxed);
  g_continued.store(true, std::memory_order_relaxed);
}

}  // namespace

bool stops_by_default(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

std::optional<SignalInfo> stop_process(int sig) {
  // The host's default action for `sig` (vm's parent may have left it
  // ignored), unblocked, and a handler that sees the SIGCONT, for as long
  // as the stop lasts.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  struct sigaction cont_action {};
  cont_action.sa_sigaction = on_sigcont;
  cont_action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&cont_action.sa_mask);
  struct sigaction previous_stop {};
  struct sigaction previous_cont {};
  sigset_t unblock;
  sigset_t before;
  sigemptyset(&unblock);
  sigaddset(&unblock, sig);
  sigaddset(&unblock, SIGCONT);
  ::sigaction(sig, &default_action, &previous_stop);
  ::sigaction(SIGCONT, &cont_action, &previous_cont);
  g_continued.store(false, std::memory_order_relaxed);
  ::pthread_sigmask(SIG_UNBLOCK, &unblock, &before);
  ::kill(::getpid(), sig);  // stops before it returns, unless discarded
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  ::sigaction(SIGCONT, &previous_cont, nullptr);
  ::sigaction(sig, &previous_stop, nullptr);
  if (!g_continued.load(std::memory_order_relaxed)) return std::nullopt;
  SignalInfo info;
  info.signo = SIGCONT;
  info.code = g_sender_code.load(std::memory_order_relaxed);
  info.pid = g_sender_pid.load(std::memory_order_relaxed);
  info.uid = g_sender_uid.load(std::memory_order_relaxed);
  return info;
}

}  // namespace vmm::linux_user
