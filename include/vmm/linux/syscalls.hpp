#pragma once
// The Linux system-call layer for riscv64 guests (asm-generic numbering).
// Arguments come from a0..a5 and the number from a7; results go to a0 as
// Linux returns them (negative errno on failure). Files, pipes and the
// terminal go through to the host, as qemu-user does.
#include <poll.h>
#include <sys/types.h>
#include <time.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vmm/cpu/engine.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/linux/file_mappings.hpp"
#include "vmm/linux/interval_timer.hpp"
#include "vmm/linux/process.hpp"
#include "vmm/linux/signal_frame.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::linux_user {

/// Name of a riscv64 system call number, or nullptr when unknown.
const char* syscall_name(std::uint64_t number);

class Syscalls {
 public:
  Syscalls(memory::GuestMemory& memory, cpu::ExecutionEngine& engine, const Layout& layout,
           std::string exec_path);

  struct Outcome {
    bool exited = false;
    int exit_code = 0;
    int signal = 0;          ///< non-zero: a signal for the guest, to deliver() or to end it
    SignalInfo info;         ///< the signal's siginfo
    bool timer = false;      ///< the signal is its interval timer's
    bool from_host = false;  ///< the signal was sent to the vm process (HostSignals)
    bool restored = false;   ///< rt_sigreturn set every register, pc included
    bool bad_frame = false;  ///< a handler's frame did not fit: the guest dies of SIGSEGV
    /// The call was cut short by a signal (EINTR) and is one Linux restarts
    /// after a handler with SA_RESTART (its -ERESTARTSYS): with its a0.
    std::optional<std::uint64_t> restart_a0;
  };
  /// Runs the system call described by the hart's registers.
  Outcome handle(cpu::HartState& hart);
  /// The file whose pages back the executable's segments (Process maps them):
  /// the guest may not open it for writing or truncation (ETXTBSY, as Linux
  /// refuses for a running executable), since a shorter file would leave the
  /// host SIGBUS on the mapped pages past its end.
  void protect_executable(dev_t device, ino_t inode) { m_executable = FileId{device, inode}; }
  /// [addr, addr+len) holds file `fd` from `offset`, mapped privately (the
  /// executable's segments): MADV_DONTNEED reads it from the file again.
  void note_file_mapping(GuestAddr addr, std::uint64_t len, int fd, std::uint64_t offset) {
    (void)m_files.add(addr, len, fd, offset, false);
  }
  /// The run ended, however it did: shared file mappings go back to their files.
  void end_run() { m_files.write_back_all(); }
  /// Between chunks of guest instructions (and after each system call):
  /// sends the guest the SIGALRM of an expired interval timer and the
  /// signals sent to the vm process (HostSignals), in `outcome` as a system
  /// call would.
  void poll_timer(Outcome& outcome);
  /// Runs the handler of `outcome.signal`, if the guest installed one: the
  /// hart, as it is (past the ecall), is saved in a frame on the guest's
  /// stack and resumed when the handler returns (rt_sigreturn), at the
  /// ecall again for a restartable call and SA_RESTART; the signal is then
  /// cleared from `outcome`. A signal without a handler stays: it ends the guest.
  void deliver(cpu::HartState& hart, Outcome& outcome);
  /// A fault at the hart's pc: a handler will run (the hart now points at
  /// it), or the signal's default action ends the guest, as it does for a
  /// blocked or ignored fault signal (Linux forces it), or SIGSEGV does
  /// when no frame fits.
  /// (The outcome: signal 0, or the signal that ends the guest.)
  Outcome deliver_fault(cpu::HartState& hart, const SignalInfo& info);
  /// Ctrl-C's flag: waits for signals end when it is set.
  void set_interrupt(const std::atomic<bool>* interrupt) { m_interrupt = interrupt; }

 private:
  using Args = std::array<std::uint64_t, 6>;
  std::int64_t dispatch(std::uint64_t number, const Args& a, Outcome& outcome);

  // Guest memory helpers: the only places syscalls touch guest memory.
  std::uint8_t* guest_range(GuestAddr addr, std::uint64_t len, bool writable);
  /// How much of [addr, addr+len), from its start, the guest may read (or
  /// write): a buffer running into a hole is used up to it, as Linux does.
  std::uint64_t usable_length(GuestAddr addr, std::uint64_t len, bool writable);
  /// How much of a buffer that runs into a hole after `usable` bytes a
  /// write to `fd` moves (0: EFAULT).
  [[nodiscard]] static std::uint64_t partial_write_length(int fd, std::uint64_t usable);
  bool read_string(GuestAddr addr, std::string& out);
  template <typename T>
  bool put(GuestAddr addr, const T& value) {
    return m_memory.write_bytes(addr, &value, sizeof(T));
  }
  template <typename T>
  bool get(GuestAddr addr, T& value) {
    return m_memory.read_bytes(addr, &value, sizeof(T));
  }

  // Families, one function each.
  std::int64_t sys_read(const Args& a);
  std::int64_t sys_write(const Args& a);
  std::int64_t sys_pread(const Args& a);
  std::int64_t sys_pwrite(const Args& a);
  std::int64_t sys_iov(const Args& a, bool write);
  std::int64_t sys_openat(const Args& a);
  /// Whether openat(dirfd, path, flags) would open the protected executable
  /// for writing or truncate it.
  [[nodiscard]] bool writes_executable(int dirfd, const std::string& path, int flags) const;
  std::int64_t sys_fstat(const Args& a);
  std::int64_t sys_newfstatat(const Args& a);
  std::int64_t sys_statx(const Args& a);
  std::int64_t sys_readlinkat(const Args& a);
  std::int64_t sys_getcwd(const Args& a);
  std::int64_t sys_getdents64(const Args& a);
  std::int64_t sys_ioctl(const Args& a);
  std::int64_t sys_fcntl(const Args& a);
  std::int64_t sys_pipe2(const Args& a);
  std::int64_t sys_close_range(const Args& a);
  /// futex.cpp.
  std::int64_t sys_futex(const Args& a, Outcome& outcome);
  [[nodiscard]] static bool futex_waits(const Args& a);
  /// A futex wait's timeout as a deadline on CLOCK_MONOTONIC; 0 or a negative errno.
  std::int64_t futex_deadline(const Args& a, std::optional<timespec>& deadline);
  std::int64_t sys_path_op(std::uint64_t number, const Args& a);
  std::int64_t sys_brk(const Args& a);
  std::int64_t sys_mmap(const Args& a);
  std::int64_t sys_munmap(const Args& a);
  /// Whether changing [addr, addr+len) (and adding `added` new mappings)
  /// would take the guest past Linux's limit on mappings (kMaxMapCount).
  [[nodiscard]] bool past_map_limit(GuestAddr addr, std::uint64_t len, std::size_t added) const;
  std::int64_t sys_mprotect(const Args& a);
  std::int64_t sys_mremap(const Args& a);
  std::int64_t sys_madvise(const Args& a);
  std::int64_t sys_clock(std::uint64_t number, const Args& a, Outcome& outcome);
  std::int64_t sys_uname(const Args& a);
  std::int64_t sys_kill(std::uint64_t number, const Args& a, Outcome& outcome);
  std::int64_t sys_itimer(std::uint64_t number, const Args& a);
  std::int64_t sys_rt_sigaction(const Args& a);
  std::int64_t sys_rt_sigprocmask(const Args& a, Outcome& outcome);
  /// A signal the guest sent itself: ignored (SIG_IGN), left pending while
  /// blocked, or raised in `outcome` for deliver().
  /// False when a real-time signal's queue is full (it is dropped).
  bool send_self(const SignalInfo& info, Outcome& outcome);
  /// Signals left pending while blocked arrive once unblocked, the lowest first.
  void take_unblocked(Outcome& outcome);
  /// Drops pending standard `signals` (a bit per signal) without delivering them.
  void discard_pending(std::uint64_t signals);
  /// Takes one pending `sig` off the pending set (or its queue) and returns its siginfo.
  SignalInfo take_pending(int sig);
  /// After a host call returned EINTR: true when the guest's interval timer
  /// or a signal sent to the vm process cut it short and the guest takes
  /// none of them now (ignored, blocked and left pending, a stop it has
  /// been resumed from), so the call goes on.
  bool resume_after_timer(Outcome& outcome);
  /// The signals sent to the vm process since the last call, to the guest.
  void take_host_signals(Outcome& outcome);
  /// Leaves `info` pending, to arrive when it is unblocked or after the
  /// signal being delivered (false: a real-time queue is full).
  bool make_pending(const SignalInfo& info);
  /// Pushes the frame for `info`'s handler and applies its sigaction
  /// (mask, SA_RESETHAND); false when the frame does not fit.
  bool enter_handler(cpu::HartState& hart, const SignalInfo& info);
  /// A fault's signal (Linux's force_sig): one that is blocked or ignored
  /// gets its default action back and is unblocked, so it ends the guest.
  void force(int sig);
  /// sigaltstack's rules (Linux's do_sigaltstack) with the guest at `sp`:
  /// 0 or a negative errno.
  std::int64_t change_altstack(const AltStack& next, GuestAddr sp);
  /// Whether `sp` lies on the alternate stack (and it is not SS_AUTODISARM).
  [[nodiscard]] bool on_altstack(GuestAddr sp) const;
  /// The guest's sp at the system call being handled (sigaltstack's EPERM).
  GuestAddr m_call_sp = 0;
  const std::atomic<bool>* m_interrupt = nullptr;
  /// rt_sigreturn.
  void return_from_handler(cpu::HartState& hart, Outcome& outcome);
  /// The guest's SIGALRM for an expiry of its interval timer.
  void timer_expired(Outcome& outcome);
  /// rt_sigsuspend and ppoll: the guest's mask is `mask` while they wait,
  /// its own again after (in the frame of a handler that interrupts them).
  void set_temporary_mask(std::uint64_t mask);
  /// Waits for `fds` (ppoll) until `deadline` or a signal the guest takes
  /// arrives (raised in `outcome`: -EINTR), or one of `wake` is left
  /// pending (sigtimedwait). Expiries of the interval timer whose signal is
  /// ignored or blocked otherwise do not end the wait.
  std::int64_t wait_for_signal(pollfd* fds, nfds_t count, const std::optional<timespec>& deadline,
                               Outcome& outcome, std::uint64_t wake = 0);
  std::int64_t sys_rt_sigsuspend(const Args& a, Outcome& outcome);
  std::int64_t sys_rt_sigqueueinfo(const Args& a, Outcome& outcome);
  std::int64_t sys_rt_sigtimedwait(const Args& a, Outcome& outcome);
  /// sigtimedwait's wait, with the signals of `set` blocked.
  std::int64_t take_waited(GuestAddr info_addr, std::uint64_t set, const std::optional<timespec>& deadline,
                           Outcome& outcome);
  [[nodiscard]] bool interrupted() const {
    return m_interrupt != nullptr && m_interrupt->load(std::memory_order_relaxed);
  }
  /// ppoll's and sigtimedwait's timeout at `addr` (0: none) as a deadline
  /// on CLOCK_MONOTONIC; 0 or a negative errno.
  std::int64_t read_deadline(GuestAddr addr, std::optional<timespec>& deadline);
  std::int64_t sys_ppoll(const Args& a, Outcome& outcome);
  std::int64_t sys_sigaltstack(const Args& a);
  std::int64_t sys_prlimit64(const Args& a);
  std::int64_t sys_host_struct(std::uint64_t number, const Args& a);

  /// Writable memory the guest maps or grows by a huge page or more gets
  /// transparent huge pages, as QEMU gives guest RAM: a program filling
  /// megabytes takes one host fault per 2 MiB instead of 512.
  void advise_huge_pages(GuestAddr addr, std::uint64_t len, std::uint8_t perm);

  /// The mapping of [addr, addr+len) changed: decoded code there is stale.
  void mappings_changed(GuestAddr addr, std::uint64_t len) { m_engine.flush_code_range(addr, addr + len); }

  memory::GuestMemory& m_memory;
  cpu::ExecutionEngine& m_engine;
  Layout m_layout;
  std::string m_exec_path;
  GuestAddr m_brk = 0;
  GuestAddr m_brk_mapped_end = 0;  ///< end of pages mapped for the heap
  std::uint64_t m_signal_mask = 0;
  std::uint64_t m_pending = 0;                ///< signals sent while blocked, bit sig - 1
  std::optional<std::uint64_t> m_saved_mask;  ///< the mask set_temporary_mask() replaced
  std::array<SignalInfo, 65> m_pending_info{};
  /// struct sigaction of riscv64 Linux: handler, flags, mask.
  std::array<std::array<std::uint64_t, 4>, 65> m_sigactions{};
  AltStack m_sigaltstack{0, 2, 0};  ///< ss_sp, ss_flags (as given; SS_DISABLE at first), ss_size (0: none)
  /// Real-time signals (32 and up) sent while blocked queue, each with its
  /// siginfo; the first of each is in m_pending_info.
  std::vector<SignalInfo> m_queued;
  std::set<std::uint64_t> m_logged_unknown;
  FileMappings m_files{m_memory.space()};
  IntervalTimer m_timer;
  struct FileId {
    dev_t device;
    ino_t inode;
  };
  std::optional<FileId> m_executable;  ///< protect_executable

  friend class Process;
};

}  // namespace vmm::linux_user
