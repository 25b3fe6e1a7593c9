#pragma once
// Job control for the guest: a stop signal whose action is the default
// stops the vm process itself, as the guest would be stopped on Linux, and
// the SIGCONT that resumes it is handed back to the guest.
#include <optional>

#include "vmm/linux/signal_frame.hpp"

namespace vmm::linux_user {

/// SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the signals whose default action stops.
[[nodiscard]] bool stops_by_default(int sig);

/// Raises `sig` (a stop signal) on the vm process with the host's default
/// action and returns once it runs again. The host kernel applies Linux's
/// own rules: SIGTSTP, SIGTTIN and SIGTTOU are discarded in an orphaned
/// process group. The SIGCONT that resumed it (sender included), if it
/// stopped; nothing if it did not.
std::optional<SignalInfo> stop_process(int sig);

}  // namespace vmm::linux_user
