#pragma once
// Shared by vm's fault handlers (the JIT's SIGSEGV redirect, the memory
// subsystem's SIGBUS on shortened files): a signal that is not theirs goes
// where it would have gone without them.
#include <signal.h>

namespace vmm {

/// Hands `sig` to `previous` (the disposition before the caller's handler
/// was installed): its handler, or the default action. A fault runs its
/// instruction again on return, which then ends the process; a sent signal
/// (kill, sigqueue) is raised again, or dropped when it was ignored.
void pass_on_signal(int sig, siginfo_t* info, void* context, const struct sigaction& previous);

}  // namespace vmm
