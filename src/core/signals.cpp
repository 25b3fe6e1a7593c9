#include "vmm/core/signals.hpp"

namespace vmm {

void pass_on_signal(int sig, siginfo_t* info, void* context, const struct sigaction& previous) {
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  const bool sent = info->si_code <= 0;  // by kill or sigqueue, not by a fault
  if (sent && previous.sa_handler == SIG_IGN) return;
  ::signal(sig, SIG_DFL);
  if (sent) ::raise(sig);
}

}  // namespace vmm
