#include "vmm/linux/host_signals.hpp"

#include <array>
#include <atomic>
#include <cassert>

namespace vmm::linux_user {

namespace {

constexpr std::array kForwarded = {SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGTERM, SIGCONT,
                                   SIGTSTP, SIGTTIN, SIGTTOU, SIGURG,  SIGXCPU, SIGXFSZ, SIGWINCH};

// What the handler records (async-signal-safe: lock-free atomics only).
struct Sender {
  std::atomic<int> code{0};
  std::atomic<pid_t> pid{0};
  std::atomic<uid_t> uid{0};
};
std::atomic<std::uint64_t> g_pending{0};
std::array<Sender, 65> g_senders;
std::array<struct sigaction, 65> g_previous{};
std::atomic<bool> g_installed{false};

extern "C" void on_forwarded(int sig, siginfo_t* info, void* /*context*/) {
  Sender& sender = g_senders[static_cast<std::size_t>(sig)];
  sender.code.store(info->si_code, std::memory_order_relaxed);
  sender.pid.store(info->si_pid, std::memory_order_relaxed);
  sender.uid.store(info->si_uid, std::memory_order_relaxed);
  g_pending.fetch_or(std::uint64_t{1} << (sig - 1), std::memory_order_release);
}

sigset_t make_forwarded() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kForwarded) sigaddset(&set, sig);
  return set;
}

}  // namespace

HostSignals::HostSignals() {
  [[maybe_unused]] const bool was = g_installed.exchange(true);
  assert(!was && "one HostSignals at a time");
  g_pending.store(0, std::memory_order_relaxed);
  struct sigaction action {};
  action.sa_sigaction = on_forwarded;
  action.sa_flags = SA_SIGINFO;  // no SA_RESTART: a blocked host call returns EINTR
  sigemptyset(&action.sa_mask);
  for (int sig : kForwarded) ::sigaction(sig, &action, &g_previous[static_cast<std::size_t>(sig)]);
}

HostSignals::~HostSignals() {
  for (int sig : kForwarded) ::sigaction(sig, &g_previous[static_cast<std::size_t>(sig)], nullptr);
  g_installed.store(false);
}

const sigset_t& HostSignals::forwarded() {
  static const sigset_t set = make_forwarded();
  return set;
}

bool HostSignals::pending() { return g_pending.load(std::memory_order_acquire) != 0; }

std::vector<SignalInfo> HostSignals::take() {
  std::vector<SignalInfo> taken;
  std::uint64_t bits = g_pending.exchange(0, std::memory_order_acquire);
  for (int sig = 1; bits != 0; ++sig, bits >>= 1) {
    if ((bits & 1) == 0) continue;
    const Sender& sender = g_senders[static_cast<std::size_t>(sig)];
    SignalInfo info;
    info.signo = sig;
    info.code = sender.code.load(std::memory_order_relaxed);
    info.pid = sender.pid.load(std::memory_order_relaxed);
    info.uid = sender.uid.load(std::memory_order_relaxed);
    taken.push_back(info);
  }
  return taken;
}

}  // namespace vmm::linux_user
