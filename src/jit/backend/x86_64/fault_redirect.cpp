#include "fault_redirect.hpp"

#include <signal.h>
#include <ucontext.h>

#include <algorithm>
#include <mutex>

#include "vmm/core/signals.hpp"

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
      if (site->leaves) {
        uc->uc_mcontext.gregs[REG_R15] += static_cast<greg_t>(site->refund);  // kRemaining
        uc->uc_mcontext.gregs[REG_RAX] = static_cast<greg_t>(site->pc);
      }
      uc->uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(site->slow);
      return;
    }
  }
  pass_on_signal(sig, info, context, g_previous);  // not ours
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
