// Signals the guest sends: it is one process with one thread, so it may
// signal itself only; a host process, even vm's own child or parent, is
// never signalled (Linux's answer for a process of another user, EPERM, or
// ESRCH when there is none). Self-directed ones are ignored, left pending
// while blocked, delivered to a handler, or end the run. Delivery itself is
// also diffed against qemu (tests/guest/linux/signal_handlers.c); what qemu
// gets wrong (sa_mask) is checked here.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>

#include "support/syscall_harness.hpp"
#include "vmm/linux/host_signals.hpp"
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {
namespace {

constexpr std::uint64_t kSysKill = 129, kSysTkill = 130, kSysTgkill = 131, kSysRtSigaction = 134,
                        kSysRtSigprocmask = 135, kSysRtSigpending = 136, kSysRead = 63;
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
  // SIGCHLD's default action is to ignore it: SIGXCPU, unblocked with it
  // and taken after it (the lowest first), must still end the run.
  change_mask(kSigBlock, bit(SIGCHLD) | bit(SIGXCPU));
  EXPECT_EQ(kill_self(SIGCHLD).signal, 0);
  EXPECT_EQ(kill_self(SIGXCPU).signal, 0);
  EXPECT_EQ(unblock(bit(SIGCHLD) | bit(SIGXCPU)).signal, SIGXCPU);
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(kill_self(SIGCHLD).signal, 0);  // discarded: ignored by default
  EXPECT_EQ(pending(), 0u);
}

TEST_F(SignalsTest, AFaultsKindIsTakenBeforeLowerSignals) {
  // Linux takes SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE and SIGSYS first.
  change_mask(kSigBlock, bit(SIGHUP) | bit(SIGSYS));
  EXPECT_EQ(kill_self(SIGHUP).signal, 0);
  EXPECT_EQ(kill_self(SIGSYS).signal, 0);
  EXPECT_EQ(unblock(bit(SIGHUP) | bit(SIGSYS)).signal, SIGSYS);
  EXPECT_EQ(pending(), bit(SIGHUP));
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
  // A handler for SIGALRM runs now: the timer is set as for any guest.
  const std::uint64_t handler[3] = {0x10000, 0, 0};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 128, handler, sizeof handler));
  ASSERT_EQ(harness.call(kSysRtSigaction, {SIGALRM, kScratch + 128, 0, 8}), 0u);
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerReal, kScratch, 0}), 0u);
  const std::int64_t off[4] = {};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch, off, sizeof off));
  EXPECT_EQ(harness.call(kSysSetitimer, {kItimerReal, kScratch, 0}), 0u);
}

class SignalDeliveryTest : public SignalsTest {
 protected:
  static constexpr GuestAddr kHandler = 0x40000;
  static constexpr GuestAddr kStackTop = kScratch + 0x2000;
  static constexpr std::uint64_t kSaNoDefer = 0x40000000, kSaResetHand = 0x80000000;
  static constexpr std::uint64_t kSysRtSigreturn = 139;

  void SetUp() override {
    SignalsTest::SetUp();
    ASSERT_TRUE(harness.space.map(kScratch + kPageSize, kPageSize, memory::kPermRW).ok());
  }
  void set_handler(int sig, std::uint64_t flags, std::uint64_t mask) {
    const std::uint64_t action[3] = {kHandler, flags, mask};
    ASSERT_TRUE(harness.memory.write_bytes(kScratch + 64, action, sizeof action));
    ASSERT_EQ(harness.call(kSysRtSigaction, {static_cast<std::uint64_t>(sig), kScratch + 64, 0, 8}), 0u);
  }
  std::uint64_t mask() {
    EXPECT_EQ(harness.call(kSysRtSigprocmask, {kSigBlock, 0, kScratch + 32, 8}), 0u);
    std::uint64_t set = 0;
    EXPECT_TRUE(harness.memory.load(kScratch + 32, set));
    return set;
  }
  /// A recognisable state: every register, the FP state and pc.
  void fill_hart() {
    for (unsigned i = 1; i < 32; ++i)
      harness.hart.x[i] = std::uint64_t{0x1111111111111111} * (i % 15 + 1) + i;
    for (unsigned i = 0; i < 32; ++i) harness.hart.f[i] = 0xffffffff00000000 | (i * 0x01010101);
    harness.hart.x[2] = kStackTop - 8;
    harness.hart.frm = 3;
    harness.hart.fflags = 0x11;
    harness.hart.pc = 0x10abc;
  }
};

TEST_F(SignalDeliveryTest, AHandlerRunsOnAFrameAndRtSigreturnRestoresEverything) {
  set_handler(SIGUSR1, 0, bit(SIGUSR2) | bit(SIGKILL));
  change_mask(kSigBlock, bit(SIGTERM));
  fill_hart();
  Syscalls::Outcome outcome = kill_self(SIGUSR1);
  ASSERT_EQ(outcome.signal, SIGUSR1);
  const cpu::HartState before = harness.hart;  // after the ecall: a0 holds kill's result
  harness.syscalls.deliver(harness.hart, outcome);
  EXPECT_EQ(outcome.signal, 0);
  const cpu::HartState& in = harness.hart;
  EXPECT_EQ(in.pc, kHandler);
  EXPECT_EQ(in.x[1], test::SyscallHarness::kLayout.sigreturn);
  EXPECT_EQ(in.x[2] % 16, 0u);
  EXPECT_LE(in.x[2], before.x[2] - kSignalFrameBytes);
  EXPECT_EQ(in.x[10], static_cast<std::uint64_t>(SIGUSR1));
  EXPECT_EQ(in.x[11], in.x[2]);        // siginfo
  EXPECT_EQ(in.x[12], in.x[2] + 128);  // ucontext
  std::int32_t signo = 0, code = 0;
  ASSERT_TRUE(harness.memory.load(in.x[11], signo));
  ASSERT_TRUE(harness.memory.load(in.x[11] + 8, code));
  EXPECT_EQ(signo, SIGUSR1);
  EXPECT_EQ(code, kSiUser);
  // The signal itself and sa_mask are blocked in the handler; SIGKILL never.
  EXPECT_EQ(mask(), bit(SIGTERM) | bit(SIGUSR1) | bit(SIGUSR2));

  // The handler clobbers everything, then returns through rt_sigreturn.
  const GuestAddr frame = in.x[2];
  for (unsigned i = 1; i < 32; ++i) harness.hart.x[i] = 0xdead;
  for (unsigned i = 0; i < 32; ++i) harness.hart.f[i] = 0xbeef;
  harness.hart.x[2] = frame;
  harness.hart.frm = 0;
  harness.hart.fflags = 0;
  harness.hart.x[17] = kSysRtSigreturn;
  const Syscalls::Outcome back = harness.syscalls.handle(harness.hart);
  EXPECT_TRUE(back.restored);
  EXPECT_EQ(back.signal, 0);
  for (unsigned i = 1; i < 32; ++i) EXPECT_EQ(harness.hart.x[i], before.x[i]) << "x" << i;
  for (unsigned i = 0; i < 32; ++i) EXPECT_EQ(harness.hart.f[i], before.f[i]) << "f" << i;
  EXPECT_EQ(harness.hart.pc, before.pc);
  EXPECT_EQ(harness.hart.frm, before.frm);
  EXPECT_EQ(harness.hart.fflags, before.fflags);
  EXPECT_EQ(mask(), bit(SIGTERM));
}

TEST_F(SignalDeliveryTest, NoDeferResetHandAndASignalLeftPendingInTheHandler) {
  set_handler(SIGUSR1, kSaNoDefer | kSaResetHand, 0);
  fill_hart();
  Syscalls::Outcome outcome = kill_self(SIGUSR1);
  harness.syscalls.deliver(harness.hart, outcome);
  EXPECT_EQ(outcome.signal, 0);
  EXPECT_EQ(mask(), 0u);  // SA_NODEFER: not blocked in its handler
  std::uint64_t action[3] = {1, 1, 1};
  ASSERT_EQ(harness.call(kSysRtSigaction, {SIGUSR1, 0, kScratch + 64, 8}), 0u);
  ASSERT_TRUE(harness.memory.read_bytes(kScratch + 64, action, sizeof action));
  EXPECT_EQ(action[0], 0u);  // SA_RESETHAND: SIG_DFL again

  // A signal blocked by the handler's mask waits for rt_sigreturn.
  set_handler(SIGUSR2, 0, bit(SIGTERM));
  fill_hart();
  outcome = kill_self(SIGUSR2);
  harness.syscalls.deliver(harness.hart, outcome);
  EXPECT_EQ(kill_self(SIGTERM).signal, 0);
  EXPECT_EQ(pending(), bit(SIGTERM));
  harness.hart.x[17] = kSysRtSigreturn;
  const Syscalls::Outcome back = harness.syscalls.handle(harness.hart);
  EXPECT_TRUE(back.restored);
  EXPECT_EQ(back.signal, SIGTERM);  // unblocked by the return, and it ends the guest
  EXPECT_EQ(back.info.code, kSiUser);
}

TEST_F(SignalDeliveryTest, ARestartableCallRunsAgainAfterAHandlerWithSaRestart) {
  constexpr std::uint64_t kSaRestart = 0x10000000;
  for (const bool restart : {true, false}) {
    set_handler(SIGALRM, restart ? kSaRestart : 0, 0);
    fill_hart();
    const GuestAddr ecall = harness.hart.pc;
    harness.hart.pc = ecall + 4;  // as after the ecall
    harness.hart.x[10] = static_cast<std::uint64_t>(-EINTR);
    Syscalls::Outcome outcome;
    outcome.signal = SIGALRM;
    outcome.info.signo = SIGALRM;
    outcome.restart_a0 = 7;  // the read's fd
    harness.syscalls.deliver(harness.hart, outcome);
    ASSERT_EQ(outcome.signal, 0);
    std::uint64_t saved_pc = 0, saved_a0 = 0;
    ASSERT_TRUE(harness.memory.load(harness.hart.x[12] + 176, saved_pc));       // uc_mcontext pc
    ASSERT_TRUE(harness.memory.load(harness.hart.x[12] + 176 + 80, saved_a0));  // a0 = x10
    EXPECT_EQ(saved_pc, restart ? ecall : ecall + 4);
    EXPECT_EQ(saved_a0, restart ? 7u : static_cast<std::uint64_t>(-EINTR));
    change_mask(kSigUnblock, bit(SIGALRM));
  }
}

TEST_F(SignalDeliveryTest, PpollAndSigsuspendCheckTheirArgumentsAndTakePendingSignals) {
  constexpr std::uint64_t kSysPpoll = 73, kSysRtSigsuspend = 133;
  const std::int64_t bad_timeout[2] = {0, 1000000000};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 256, bad_timeout, sizeof bad_timeout));
  EXPECT_EQ(harness.call(kSysPpoll, {0, 0, kScratch + 256, 0, 8}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysPpoll, {kScratch, (1 << 20) + 1, 0, 0, 8}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysPpoll, {0x7000, 1, kScratch + 272, 0, 8}), errno_of(EFAULT));
  const std::int64_t now[2] = {0, 0};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 272, now, sizeof now));
  EXPECT_EQ(harness.call(kSysPpoll, {0, 0, kScratch + 272, 0, 8}), 0u);  // times out at once
  EXPECT_EQ(harness.call(kSysPpoll, {0, 0, kScratch + 272, kScratch + 288, 4}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysRtSigsuspend, {kScratch + 288, 4}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysRtSigsuspend, {0x7000, 8}), errno_of(EFAULT));

  // A signal pending and unblocked by sigsuspend's mask ends it at once;
  // the handler's frame restores the mask sigsuspend replaced.
  set_handler(SIGUSR1, 0, 0);
  change_mask(kSigBlock, bit(SIGUSR1) | bit(SIGUSR2));
  EXPECT_EQ(kill_self(SIGUSR1).signal, 0);
  fill_hart();
  ASSERT_TRUE(harness.memory.store(kScratch + 288, bit(SIGTERM)));
  harness.hart.x[17] = kSysRtSigsuspend;
  harness.hart.x[10] = kScratch + 288;
  harness.hart.x[11] = 8;
  Syscalls::Outcome outcome = harness.syscalls.handle(harness.hart);
  EXPECT_EQ(harness.hart.x[10], errno_of(EINTR));
  ASSERT_EQ(outcome.signal, SIGUSR1);
  harness.hart.pc += 4;
  harness.syscalls.deliver(harness.hart, outcome);
  std::uint64_t saved = 0;
  ASSERT_TRUE(harness.memory.load(harness.hart.x[12] + 40, saved));  // uc_sigmask
  EXPECT_EQ(saved, bit(SIGUSR1) | bit(SIGUSR2));                     // the guest's own, for rt_sigreturn
  EXPECT_EQ(mask(), bit(SIGTERM) | bit(SIGUSR1));                    // sigsuspend's, and the handler's signal
}

TEST_F(SignalDeliveryTest, SigtimedwaitTakesABlockedSignalWithoutItsHandler) {
  constexpr std::uint64_t kSysRtSigtimedwait = 137;
  set_handler(SIGUSR1, 0, 0);
  ASSERT_TRUE(harness.memory.store(kScratch + 288, bit(SIGUSR1)));
  const std::int64_t now[2] = {0, 0};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 272, now, sizeof now));
  EXPECT_EQ(harness.call(kSysRtSigtimedwait, {kScratch + 288, 0, kScratch + 272, 4}), errno_of(EINVAL));
  EXPECT_EQ(harness.call(kSysRtSigtimedwait, {kScratch + 288, 0, kScratch + 272, 8}), errno_of(EAGAIN));
  EXPECT_EQ(mask(), 0u);  // its temporary mask ends with it
  change_mask(kSigBlock, bit(SIGUSR1));
  EXPECT_EQ(kill_self(SIGUSR1).signal, 0);
  harness.hart.pc = 0x1234;
  EXPECT_EQ(harness.call(kSysRtSigtimedwait, {kScratch + 288, kScratch + 512, kScratch + 272, 8}),
            static_cast<std::uint64_t>(SIGUSR1));
  EXPECT_EQ(harness.hart.pc, 0x1234u);  // no handler ran
  EXPECT_EQ(pending(), 0u);
  std::int32_t signo = 0, code = -1, pid = 0;
  ASSERT_TRUE(harness.memory.load(kScratch + 512, signo));
  ASSERT_TRUE(harness.memory.load(kScratch + 512 + 8, code));
  ASSERT_TRUE(harness.memory.load(kScratch + 512 + 16, pid));
  EXPECT_EQ(signo, SIGUSR1);
  EXPECT_EQ(code, kSiUser);
  EXPECT_EQ(pid, ::getpid());
  EXPECT_EQ(mask(), bit(SIGUSR1));
}

TEST_F(SignalDeliveryTest, EdgesOfMasksStacksAndReservations) {
  constexpr std::uint64_t kSysSigaltstack = 132;
  // A signal unblocked by a sigprocmask whose old set cannot be written
  // still arrives.
  set_handler(SIGUSR1, 0, 0);
  change_mask(kSigBlock, bit(SIGUSR1));
  EXPECT_EQ(kill_self(SIGUSR1).signal, 0);
  ASSERT_TRUE(harness.memory.store(kScratch, bit(SIGUSR1)));
  const Syscalls::Outcome unblocked = outcome_of(kSysRtSigprocmask, {kSigUnblock, kScratch, 0x7000, 8});
  EXPECT_EQ(harness.hart.x[10], errno_of(EFAULT));
  EXPECT_EQ(unblocked.signal, SIGUSR1);
  // An alternate stack that wraps past 2^64 is refused.
  const std::uint64_t wrapping[3] = {kScratch + (std::uint64_t{1} << 63), 0, std::uint64_t{1} << 63};
  ASSERT_TRUE(harness.memory.write_bytes(kScratch + 64, wrapping, sizeof wrapping));
  EXPECT_EQ(harness.call(kSysSigaltstack, {kScratch + 64, 0}), errno_of(ENOMEM));
  // Entering and leaving a handler drops an LR reservation, as any trap return.
  fill_hart();
  harness.hart.reservation = kScratch;
  harness.hart.reservation_valid = true;
  Syscalls::Outcome outcome = kill_self(SIGUSR1);
  harness.syscalls.deliver(harness.hart, outcome);
  EXPECT_FALSE(harness.hart.reservation_valid);
  harness.hart.reservation_valid = true;
  harness.hart.x[17] = kSysRtSigreturn;
  EXPECT_TRUE(harness.syscalls.handle(harness.hart).restored);
  EXPECT_FALSE(harness.hart.reservation_valid);
  // A fault whose handler's frame does not fit ends the guest with SIGSEGV.
  set_handler(SIGILL, 0, 0);
  fill_hart();
  harness.hart.x[2] = 0x7000;
  SignalInfo illegal;
  illegal.signo = SIGILL;
  illegal.code = kIllIllopc;
  illegal.fault = true;
  const Syscalls::Outcome fatal = harness.syscalls.deliver_fault(harness.hart, illegal);
  EXPECT_EQ(fatal.signal, SIGSEGV);
  EXPECT_TRUE(fatal.bad_frame);
}

TEST_F(SignalDeliveryTest, AFrameThatDoesNotFitEndsTheGuestWithSigsegv) {
  set_handler(SIGUSR1, 0, 0);
  fill_hart();
  harness.hart.x[2] = 0x7000;  // nothing mapped below
  const cpu::HartState before = harness.hart;
  Syscalls::Outcome outcome = kill_self(SIGUSR1);
  harness.syscalls.deliver(harness.hart, outcome);
  EXPECT_EQ(outcome.signal, SIGSEGV);
  EXPECT_TRUE(outcome.bad_frame);
  EXPECT_EQ(harness.hart.pc, before.pc);
  EXPECT_EQ(harness.hart.x[2], before.x[2]);
  // rt_sigreturn with no frame at sp: SIGSEGV too, registers untouched.
  harness.hart.x[17] = kSysRtSigreturn;
  const Syscalls::Outcome back = harness.syscalls.handle(harness.hart);
  EXPECT_EQ(back.signal, SIGSEGV);
  EXPECT_FALSE(back.restored);
  EXPECT_EQ(harness.hart.pc, before.pc);
}

TEST_F(SignalDeliveryTest, ABlockedOrIgnoredFaultTakesTheDefaultAction) {
  SignalInfo fault;
  fault.signo = SIGSEGV;
  fault.code = kSegvMaperr;
  fault.fault = true;
  fault.address = 0x10;
  set_handler(SIGSEGV, 0, 0);
  fill_hart();
  EXPECT_EQ(harness.syscalls.deliver_fault(harness.hart, fault).signal, 0);
  EXPECT_EQ(harness.hart.pc, kHandler);
  std::uint64_t address = 0;
  ASSERT_TRUE(harness.memory.load(harness.hart.x[11] + 16, address));
  EXPECT_EQ(address, 0x10u);
  // In its own handler SIGSEGV is blocked: a second fault cannot be handled.
  EXPECT_EQ(harness.syscalls.deliver_fault(harness.hart, fault).signal, SIGSEGV);
  std::uint64_t action[3] = {1, 1, 1};
  ASSERT_EQ(harness.call(kSysRtSigaction, {SIGSEGV, 0, kScratch + 64, 8}), 0u);
  ASSERT_TRUE(harness.memory.read_bytes(kScratch + 64, action, sizeof action));
  EXPECT_EQ(action[0], 0u);  // reset to SIG_DFL, as Linux forces it
  set_ignored(SIGILL);
  fault.signo = SIGILL;
  EXPECT_EQ(harness.syscalls.deliver_fault(harness.hart, fault).signal, SIGILL);
}

// A signal sent to vm (HostSignals) is taken before the guest's next call;
// one the call then raises itself waits its turn instead of replacing it,
// and a read that would wait returns EINTR at once.
TEST_F(SignalDeliveryTest, ASignalSentToVmComesFirstAndTheCallsOwnWaits) {
  set_handler(SIGUSR1, 0, 0);
  set_handler(SIGUSR2, 0, 0);
  {
    const HostSignals forwarding;
    ASSERT_EQ(::raise(SIGUSR2), 0);  // recorded, as if another process sent it
    const Syscalls::Outcome outcome = kill_self(SIGUSR1);
    EXPECT_EQ(outcome.signal, SIGUSR2);
    EXPECT_TRUE(outcome.from_host);
    EXPECT_EQ(outcome.info.pid, ::getpid());
    EXPECT_EQ(pending(), bit(SIGUSR1));

    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);  // empty, its writer open: a read would wait for ever
    ASSERT_EQ(::raise(SIGUSR2), 0);
    const Syscalls::Outcome read = outcome_of(kSysRead, {static_cast<std::uint64_t>(fds[0]), kScratch, 1});
    EXPECT_EQ(read.signal, SIGUSR2);
    EXPECT_EQ(harness.hart.x[10], errno_of(EINTR));
    ::close(fds[0]);
    ::close(fds[1]);
  }
}

}  // namespace
}  // namespace vmm::linux_user
