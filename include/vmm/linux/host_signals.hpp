#pragma once
// Signals sent to the vm process from outside while a user-mode guest runs
// (a terminal's Ctrl-C or Ctrl-Z, kill, a broken pipe, a window resize)
// belong to the guest, as they would reach the program run natively. While
// a HostSignals lives, handlers record them, without SA_RESTART, so a host
// call blocked for the guest returns EINTR; Syscalls then sends them to the
// guest, whose handler, default action or SIG_IGN decides.
#include <signal.h>

#include <vector>

#include "vmm/linux/signal_frame.hpp"

namespace vmm::linux_user {

class HostSignals {
 public:
  /// Installs the handlers; the destructor puts the previous dispositions
  /// back (one HostSignals at a time).
  HostSignals();
  ~HostSignals();
  HostSignals(const HostSignals&) = delete;
  HostSignals& operator=(const HostSignals&) = delete;

  /// The signals handed to the guest: job control, termination, SIGPIPE,
  /// SIGWINCH... not SIGALRM (the guest's interval timer), nor the faults
  /// vm takes for itself, nor glibc's own real-time signals.
  [[nodiscard]] static const sigset_t& forwarded();
  /// Whether a signal arrived since the last take().
  [[nodiscard]] static bool pending();
  /// The signals that arrived since the last call, the lowest first, each
  /// once (a standard signal sent twice before it is taken is one, as on
  /// Linux), with their sender.
  static std::vector<SignalInfo> take();
};

}  // namespace vmm::linux_user
