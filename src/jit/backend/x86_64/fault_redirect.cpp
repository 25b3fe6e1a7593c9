#include "fault_redirect.hpp"

#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <mutex>

namespace vmm::jit::x86_64 {

namespace {

struct Active {
  const FaultSite* begin = nullptr;
  const FaultSite* end = nullptr;
};

thread_local Active t_active;
struct sigaction g_previous {};

void on_segv(int sig, siginfo_t* info, void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
  const Active active = t_active;
  if (active.begin != active.end) {
    auto rip = static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
    const FaultSite* site = std::lower_bound(
        active.begin, active.end, rip, [](const FaultSite& s, std::uintptr_t at) { return s.access < at; });
    if (site != active.end && site->access == rip) {
      uc->uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(site->slow);
      return;
    }
  }
  // Not ours: what would have happened without this handler.
  if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
    g_previous.sa_sigaction(sig, info, context);
    return;
  }
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  const bool sent = info->si_code <= 0;  // by kill or sigqueue, not by a fault
  if (sent && g_previous.sa_handler == SIG_IGN) return;
  ::signal(sig, SIG_DFL);
  // A fault runs its instruction again on return, which now ends the
  // process; a sent signal would not come back.
  if (sent) ::raise(sig);
}

}  // namespace

bool install_fault_handler() {
  static std::once_flag once;
  static bool installed = false;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_segv;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    installed = ::sigaction(SIGSEGV, &action, &g_previous) == 0;
  });
  return installed;
}

FaultRedirect::FaultRedirect(const FaultSites& sites) {
  const std::vector<FaultSite>& all = sites.sites();
  t_active = Active{all.data(), all.data() + all.size()};
}

FaultRedirect::~FaultRedirect() { t_active = Active{}; }

}  // namespace vmm::jit::x86_64
