// Signals the guest sends: it is one process with one thread, so it may
// signal itself only; a host process, even vm's own child or parent, is
// never signalled (Linux's answer for a process of another user, EPERM, or
// ESRCH when there is none). Self-directed ones are ignored, left pending
// while blocked, or end the run (handlers are not delivered yet).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>

#include "support/syscall_harness.hpp"
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {
namespace {

constexpr std::uint64_t kSysKill = 129, kSysTkill = 130, kSysTgkill = 131, kSysRtSigaction = 134,
                        kSysRtSigprocmask = 135, kSysRtSigpending = 136;
constexpr GuestAddr kScratch = 0x20000;
constexpr std::uint64_t kSigBlock = 0, kSigUnblock = 1;

std::uint64_t errno_of(int e) { return static_cast<std::uint64_t>(-e); }
std::uint64_t bit(int sig) { return std::uint64_t{1} << (sig - 1); }

class SignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness.add_ram());
    ASSERT_TRUE(harness.space.map(kScratch, kPageSize, memory::kPermRW).ok());
  }
  /// Makes system call `number` and returns its outcome (what ends the run).
  Syscalls::Outcome outcome_of(std::uint64_t number, const std::array<std::uint64_t, 6>& args) {
    harness.hart.x[17] = number;
    for (unsigned i = 0; i < args.size(); ++i) harness.hart.x[10 + i] = args[i];
    return harness.syscalls.handle(harness.hart);
  }
  /// Sends `sig` to the guest itself with kill.
  Syscalls::Outcome kill_self(int sig) {
    return outcome_of(kSysKill, {static_cast<std::uint64_t>(::getpid()), static_cast<std::uint64_t>(sig)});
  }
  /// Unblocks `set` with rt_sigprocmask.
  Syscalls::Outcome unblock(std::uint64_t set) {
    EXPECT_TRUE(harness.memory.store(kScratch, set));
    return outcome_of(kSysRtSigprocmask, {kSigUnblock, kScratch, 0, 8});
  }
  void change_mask(std::uint64_t how, std::uint64_t set) {
    ASSERT_TRUE(harness.memory.store(kScratch, set));
    ASSERT_EQ(harness.call(kSysRtSigprocmask, {how, kScratch, 0, 8}), 0u);
  }
  std::uint64_t pending() {
    EXPECT_EQ(harness.call(kSysRtSigpending, {kScratch + 8, 8}), 0u);
    std::uint64_t set = 0;
    EXPECT_TRUE(harness.memory.load(kScratch + 8, set));
    return set;
  }
  void set_ignored(int sig) {
    const std::uint64_t sig_ign[3] = {1, 0, 0};  // handler, flags, mask
    ASSERT_TRUE(harness.memory.write_bytes(kScratch + 64, sig_ign, sizeof sig_ign));
    ASSERT_EQ(harness.call(kSysRtSigaction, {static_cast<std::uint64_t>(sig), kScratch + 64, 0, 8}), 0u);
  }

  test::SyscallHarness harness;
};

TEST_F(SignalsTest, AHostProcessIsNeverSignalled) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  const auto target = static_cast<std::uint64_t>(child);
  EXPECT_EQ(harness.call(kSysKill, {target, SIGTERM}), errno_of(EPERM));
  EXPECT_EQ(harness.call(kSysKill, {target, 0}), 0u);  // it exists; nothing is sent
  EXPECT_EQ(harness.call(kSysKill, {static_cast<std::uint64_t>(-1), SIGTERM}), errno_of(EPERM));
  EXPECT_EQ(harness.call(kSysTkill, {target, SIGTERM}), errno_of(ESRCH));
  EXPECT_EQ(harness.call(kSysTgkill, {target, target, SIGTERM}), errno_of(ESRCH));
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, WNOHANG), 0) << "the child was killed";
  ::kill(child, SIGKILL);
  ::waitpid(child, &status, 0);
  // No such process at all.
  EXPECT_EQ(harness.call(kSysKill, {static_cast<std::uint64_t>(child), SIGTERM}), errno_of(ESRCH));
}

TEST_F(SignalsTest, ASignalToItselfEndsTheRunUnlessIgnoredOrBlocked) {
  EXPECT_EQ(kill_self(SIGTERM).signal, SIGTERM);
  set_ignored(SIGUSR1);
  EXPECT_EQ(kill_self(SIGUSR1).signal, 0);
  EXPECT_EQ(pending(), 0u);
  change_mask(kSigBlock, bit(SIGUSR2) | bit(SIGKILL));
  EXPECT_EQ(kill_self(SIGUSR2).signal, 0);
  EXPECT_EQ(pending(), bit(SIGUSR2));
  EXPECT_EQ(kill_self(SIGKILL).signal, SIGKILL);  // never blocked
  EXPECT_EQ(outcome_of(kSysTkill, {static_cast<std::uint64_t>(::gettid()), SIGTERM}).signal, SIGTERM);
}

TEST_F(SignalsTest, APendingSignalArrivesWhenUnblockedAndIgnoringItDiscardsIt) {
  change_mask(kSigBlock, bit(SIGUSR2) | bit(SIGTERM));
  EXPECT_EQ(kill_self(SIGUSR2).signal, 0);
  EXPECT_EQ(kill_self(SIGTERM).signal, 0);
  EXPECT_EQ(pending(), bit(SIGUSR2) | bit(SIGTERM));
  set_ignored(SIGUSR2);
  EXPECT_EQ(pending(), bit(SIGTERM));
  EXPECT_EQ(unblock(bit(SIGUSR2) | bit(SIGTERM)).signal, SIGTERM);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(SignalsTest, UnblockedSignalsArriveUntilOneTakesEffect) {
  // SIGCHLD's default action is to ignore it: SIGSYS, unblocked with it,
  // must still end the run (Linux: status 159).
  change_mask(kSigBlock, bit(SIGCHLD) | bit(SIGSYS));
  EXPECT_EQ(kill_self(SIGCHLD).signal, 0);
  EXPECT_EQ(kill_self(SIGSYS).signal, 0);
  EXPECT_EQ(unblock(bit(SIGCHLD) | bit(SIGSYS)).signal, SIGSYS);
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(kill_self(SIGCHLD).signal, 0);  // discarded: ignored by default
  EXPECT_EQ(pending(), 0u);
}

TEST_F(SignalsTest, TheIntervalTimerChecksItsArgumentsAndReportsWhatIsLeft) {
  constexpr std::uint64_t kSysGetitimer = 102, kSysSetitimer = 103, kItimerReal = 0, kItimerVirtual = 1;
  const std::int64_t bad_usec[4] = {0, 0, 0, 1000000};  // interval, then value: sec, usec
  ASSERT_TRUE(harness.memory.write_bytes(kScratch, bad_usec, sizeof bad_usec));
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerReal, kScratch, 0}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerVirtual, kScratch, 0}), errno_of(ENOSYS));
  EXPECT_EQ(harness.call(kSysSetitimer, {7, kScratch, 0}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerReal, 0x7fff0000, 0}), errno_of(EFAULT));
  const std::int64_t in_an_hour[4] = {0, 0, 3600, 0};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch, in_an_hour, sizeof in_an_hour));
  ASSERT_EQ(harness.call(kSysSetitimer, {kItimerReal, kScratch, 0}), 0u);
  ASSERT_EQ(harness.call(kSysGetitimer, {kItimerReal, kScratch + 64}), 0u);
  std::int64_t left[4] = {};
  ASSERT_TRUE(harness.memory.read_bytes(kScratch + 64, left, sizeof left));
  EXPECT_GT(left[2], 3500);
  EXPECT_LE(left[2], 3600);
  Syscalls::Outcome outcome;
  harness.syscalls.poll_timer(outcome);
  EXPECT_EQ(outcome.signal, 0);  // not expired; the harness's Syscalls disarms the host timer
  // A handler for SIGALRM would not run (handlers are not delivered): no timer then.
  const std::uint64_t handler[3] = {0x10000, 0, 0};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 128, handler, sizeof handler));
  ASSERT_EQ(harness.call(kSysRtSigaction, {SIGALRM, kScratch + 128, 0, 8}), 0u);
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerReal, kScratch, 0}), errno_of(ENOSYS));
}

}  // namespace
}  // namespace vmm::linux_user
