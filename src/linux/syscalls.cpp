// System calls of static riscv64 glibc programs, emulated on a Linux host.
// Every guest buffer is checked whole through guest_range() or the
// GuestMemory copy functions before the host touches it.
#include "vmm/linux/syscalls.hpp"
#include "vmm/core/host_fds.hpp"
#include "vmm/core/log.hpp"
#include "vmm/linux/host_signals.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>
#include <vector>

namespace vmm::linux_user {
namespace {

// riscv64 numbers (asm-generic).
enum Nr : std::uint64_t {
  kGetcwd = 17,
  kDup = 23,
  kDup3 = 24,
  kFcntl = 25,
  kIoctl = 29,
  kMkdirat = 34,
  kUnlinkat = 35,
  kSymlinkat = 36,
  kLinkat = 37,
  kFtruncate = 46,
  kFaccessat = 48,
  kChdir = 49,
  kFchdir = 50,
  kFchmod = 52,
  kOpenat = 56,
  kClose = 57,
  kPipe2 = 59,
  kGetdents64 = 61,
  kLseek = 62,
  kRead = 63,
  kWrite = 64,
  kReadv = 65,
  kWritev = 66,
  kPread64 = 67,
  kPwrite64 = 68,
  kPpoll = 73,
  kReadlinkat = 78,
  kNewfstatat = 79,
  kFstat = 80,
  kFsync = 82,
  kFdatasync = 83,
  kExit = 93,
  kExitGroup = 94,
  kSetTidAddress = 96,
  kFutex = 98,
  kSetRobustList = 99,
  kNanosleep = 101,
  kGetitimer = 102,
  kSetitimer = 103,
  kClockGettime = 113,
  kClockGetres = 114,
  kClockNanosleep = 115,
  kSchedGetaffinity = 123,
  kSchedYield = 124,
  kKill = 129,
  kTkill = 130,
  kTgkill = 131,
  kSigaltstack = 132,
  kRtSigaction = 134,
  kRtSigprocmask = 135,
  kRtSigsuspend = 133,
  kRtSigpending = 136,
  kRtSigtimedwait = 137,
  kRtSigqueueinfo = 138,
  kRtSigreturn = 139,
  kTimes = 153,
  kUname = 160,
  kGetrusage = 165,
  kUmask = 166,
  kPrctl = 167,
  kGettimeofday = 169,
  kGetpid = 172,
  kGetppid = 173,
  kGetuid = 174,
  kGeteuid = 175,
  kGetgid = 176,
  kGetegid = 177,
  kGettid = 178,
  kSysinfo = 179,
  kBrk = 214,
  kMunmap = 215,
  kMremap = 216,
  kMmap = 222,
  kMprotect = 226,
  kMsync = 227,
  kMadvise = 233,
  kRiscvHwprobe = 258,
  kRiscvFlushIcache = 259,
  kPrlimit64 = 261,
  kRenameat2 = 276,
  kGetrandom = 278,
  kStatx = 291,
  kRseq = 293,
  kCloseRange = 436,
  kFaccessat2 = 439,
};

// Open flags (O_*) and fcntl commands have the same values on riscv64
// (asm-generic) and x86-64, so they pass through unchanged.

std::int64_t result(std::int64_t value) { return value < 0 ? -errno : value; }

/// True when `fd` is vm's own memory: /proc/<pid>/mem or /proc/<pid>/task/<tid>/mem.
bool exposes_host_memory(int fd) {
  char target[256] = {};
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(link.c_str(), target, sizeof(target) - 1);
  if (n <= 0) return false;
  std::string_view name(target, static_cast<std::size_t>(n));
  if (name.substr(0, 6) != "/proc/") return false;
  return name.size() >= 4 && name.substr(name.size() - 4) == "/mem";
}

/// struct stat of asm-generic 64-bit ABIs (riscv64), 128 bytes.
struct GuestStat {
  std::uint64_t dev, ino;
  std::uint32_t mode, nlink, uid, gid;
  std::uint64_t rdev, pad1;
  std::int64_t size;
  std::int32_t blksize, pad2;
  std::int64_t blocks;
  std::int64_t atime;
  std::uint64_t atime_nsec;
  std::int64_t mtime;
  std::uint64_t mtime_nsec;
  std::int64_t ctime;
  std::uint64_t ctime_nsec;
  std::uint32_t unused4, unused5;
};
static_assert(sizeof(GuestStat) == 128);

GuestStat to_guest(const struct stat& s) {
  GuestStat g{};
  g.dev = s.st_dev;
  g.ino = s.st_ino;
  g.mode = s.st_mode;
  g.nlink = static_cast<std::uint32_t>(s.st_nlink);
  g.uid = s.st_uid;
  g.gid = s.st_gid;
  g.rdev = s.st_rdev;
  g.size = s.st_size;
  g.blksize = static_cast<std::int32_t>(s.st_blksize);
  g.blocks = s.st_blocks;
  g.atime = s.st_atim.tv_sec;
  g.atime_nsec = static_cast<std::uint64_t>(s.st_atim.tv_nsec);
  g.mtime = s.st_mtim.tv_sec;
  g.mtime_nsec = static_cast<std::uint64_t>(s.st_mtim.tv_nsec);
  g.ctime = s.st_ctim.tv_sec;
  g.ctime_nsec = static_cast<std::uint64_t>(s.st_ctim.tv_nsec);
  return g;
}

constexpr std::int64_t kMapFailedErrno = -ENOMEM;
constexpr std::uint64_t kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20,
                        kMapGrowsdown = 0x100, kMapNoreserve = 0x4000, kMapStack = 0x20000,
                        kMapFixedNoreplace = 0x100000;
constexpr std::uint64_t kMremapMaymove = 1, kMremapFixed = 2;

/// The page permissions of PROT_* bits: riscv64 Linux has no write-only
/// pages (the page-table encoding is reserved), so PROT_WRITE reads too.
std::uint8_t guest_protection(std::uint64_t prot) {
  auto perm = static_cast<std::uint8_t>(prot & memory::kPermRWX);
  if ((perm & memory::kPermWrite) != 0) perm |= memory::kPermRead;
  return perm;
}

/// Linux's default vm.max_map_count: a guest's mappings (its intervals of
/// one protection, which Linux would count at least as often) stay below
/// it, each costing vm memory and its map operations time.
constexpr std::size_t kMaxMapCount = 65530;

enum class FileKind { kRegular, kZero, kNotMappable };

/// What mmap can make of `fd`: Linux maps regular files and /dev/zero, and
/// refuses (ENODEV) directories, pipes, sockets, most devices and procfs'
/// generated files.
FileKind mappable_file(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return FileKind::kNotMappable;
  if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 5)) return FileKind::kZero;
  if (!S_ISREG(st.st_mode)) return FileKind::kNotMappable;
  constexpr long kProcSuperMagic = 0x9fa0;
  struct statfs fs {};
  if (::fstatfs(fd, &fs) == 0 && fs.f_type == kProcSuperMagic) return FileKind::kNotMappable;
  return FileKind::kRegular;
}

/// Whether every descriptor the call names is the guest's (host_fds.hpp):
/// one of vm's is not open as far as the guest can tell (EBADF). A
/// directory descriptor counts only with a relative path (`absolute(i)`:
/// argument i is a path starting with '/'), as Linux ignores it otherwise.
/// mmap's and dup3's are checked with their other arguments (sys_mmap,
/// sys_dup3), for Linux's order of errors.
template <typename Absolute>
bool names_guest_fds_only(std::uint64_t number, const std::array<std::uint64_t, 6>& a, Absolute absolute) {
  const auto ok = [&](std::size_t i) { return host_fds::guest_may_use(static_cast<int>(a[i])); };
  const auto dir_ok = [&](std::size_t dirfd, std::size_t path) { return ok(dirfd) || absolute(path); };
  switch (number) {
    case kRead:
    case kWrite:
    case kReadv:
    case kWritev:
    case kPread64:
    case kPwrite64:
    case kClose:
    case kLseek:
    case kFstat:
    case kGetdents64:
    case kIoctl:
    case kFcntl:
    case kDup:
    case kFtruncate:
    case kFchmod:
    case kFchdir:
    case kFsync:
    case kFdatasync:
      return ok(0);
    // A directory descriptor and its path (AT_FDCWD is negative).
    case kOpenat:
    case kNewfstatat:
    case kStatx:
    case kReadlinkat:
    case kFaccessat:
    case kFaccessat2:
    case kUnlinkat:
    case kMkdirat:
      return dir_ok(0, 1);
    case kSymlinkat:
      return dir_ok(1, 2);
    case kLinkat:
    case kRenameat2:
      return dir_ok(0, 1) && dir_ok(2, 3);
    default:
      return true;
  }
}

/// A call's new descriptor `fd` (or error): one past the guest's range is
/// closed again, as the guest is out of descriptors (EMFILE).
std::int64_t new_guest_fd(std::int64_t fd) {
  if (fd < 0 || host_fds::guest_may_use(static_cast<int>(fd))) return fd;
  ::close(static_cast<int>(fd));
  return -EMFILE;
}

}  // namespace

Syscalls::Syscalls(memory::GuestMemory& memory, cpu::ExecutionEngine& engine, const Layout& layout,
                   std::string exec_path)
    : m_memory(memory), m_engine(engine), m_layout(layout), m_exec_path(std::move(exec_path)) {
  m_brk = m_brk_mapped_end = layout.brk_start;
  // Signals vm was started with ignored stay ignored for the guest, as exec
  // keeps SIG_IGN (a background job's SIGINT, nohup's SIGHUP).
  for (int sig = 1; sig < static_cast<int>(m_sigactions.size()); ++sig) {
    struct sigaction host {};
    if (sig != SIGKILL && sig != SIGSTOP && ::sigaction(sig, nullptr, &host) == 0 &&
        host.sa_handler == SIG_IGN)
      m_sigactions[static_cast<std::size_t>(sig)][0] = 1;  // SIG_IGN
  }
}

std::uint8_t* Syscalls::guest_range(GuestAddr addr, std::uint64_t len, bool writable) {
  if (len == 0) return reinterpret_cast<std::uint8_t*>(&m_brk);  // any valid pointer: nothing is accessed
  auto span = m_memory.space().host_range(addr, len, writable ? memory::kPermWrite : memory::kPermRead);
  if (span.empty()) return nullptr;
  if (writable) m_memory.space().prepare_write(addr, len);  // decoded code there is about to change
  return span.data();
}

bool Syscalls::read_string(GuestAddr addr, std::string& out) {
  out.clear();
  constexpr std::size_t kMaxPath = 4096;
  while (out.size() < kMaxPath) {
    std::uint64_t chunk = kPageSize - (addr & kPageOffsetMask);
    auto span = m_memory.space().host_range(addr, chunk, memory::kPermRead);
    if (span.empty()) return false;
    auto* end = static_cast<const std::uint8_t*>(std::memchr(span.data(), 0, span.size()));
    if (end != nullptr) {
      out.append(reinterpret_cast<const char*>(span.data()), static_cast<std::size_t>(end - span.data()));
      return true;
    }
    out.append(reinterpret_cast<const char*>(span.data()), span.size());
    addr += chunk;
  }
  return false;
}

Syscalls::Outcome Syscalls::handle(cpu::HartState& hart) {
  Args a{hart.x[10], hart.x[11], hart.x[12], hart.x[13], hart.x[14], hart.x[15]};
  std::uint64_t number = hart.x[17];
  Outcome outcome;
  m_call_sp = hart.x[2];
  if (number == kRtSigreturn) {
    // Every register comes back from the frame, a0 and pc included.
    return_from_handler(hart, outcome);
    if (!outcome.exited && outcome.signal == 0) poll_timer(outcome);
    return outcome;
  }
  // What Linux restarts after a handler with SA_RESTART: calls that wait
  // for a file or terminal. Sleeps and polls return EINTR whatever the flag.
  // So is a futex wait without a timeout (one with a timeout returns EINTR).
  const bool restartable = number == kRead || number == kWrite || number == kReadv || number == kWritev ||
                           number == kPread64 || number == kPwrite64 || number == kOpenat ||
                           number == kIoctl || (number == kFutex && futex_waits(a) && a[3] == 0);
  // A signal sent to vm while the guest computed is taken before the call,
  // so that a call that would wait does not (Linux delivers it at once):
  // restartable ones return EINTR (restarted after a SA_RESTART handler),
  // waits for signals, futexes and sleeps see it raised and return EINTR.
  if (HostSignals::pending()) take_host_signals(outcome);
  std::int64_t ret = outcome.signal != 0 && restartable ? -EINTR : dispatch(number, a, outcome);
  // The host's timer cut the call short, but the guest does not take its
  // SIGALRM now (ignored, or blocked and left pending): on Linux the call
  // would not have noticed.
  while (ret == -EINTR && restartable && outcome.signal == 0 && resume_after_timer(outcome)) {
    ret = dispatch(number, a, outcome);
  }
  // A call that raised a signal returns too (kill of an ignored signal: 0).
  if (!outcome.exited) hart.x[10] = static_cast<std::uint64_t>(ret);
  if (ret == -EINTR && restartable) outcome.restart_a0 = a[0];
  // A timer that expired meanwhile (perhaps what cut a blocking call short).
  if (!outcome.exited && outcome.signal == 0) poll_timer(outcome);
  // ppoll's or sigsuspend's mask ends with the call unless a handler runs
  // (deliver() then puts the guest's own in its frame); what it kept
  // blocked may arrive now.
  if (outcome.signal == 0 && m_saved_mask) {
    m_signal_mask = *std::exchange(m_saved_mask, std::nullopt);
    take_unblocked(outcome);
  }
  return outcome;
}

std::int64_t Syscalls::dispatch(std::uint64_t number, const Args& a, Outcome& outcome) {
  const auto absolute = [this, &a](std::size_t i) {
    char first = 0;
    return get(a[i], first) && first == '/';
  };
  if (!names_guest_fds_only(number, a, absolute)) return -EBADF;
  auto fd = static_cast<int>(a[0]);
  switch (number) {
    case kRead:
      return sys_read(a);
    case kWrite:
      return sys_write(a);
    case kReadv:
      return sys_iov(a, false);
    case kWritev:
      return sys_iov(a, true);
    case kPread64:
      return sys_pread(a);
    case kPwrite64:
      return sys_pwrite(a);
    case kOpenat:
      return sys_openat(a);
    case kClose:
      // The guest shares vm's standard streams; closing them is the guest's business.
      return result(::close(fd));
    case kLseek:
      return result(::lseek(fd, static_cast<off_t>(a[1]), static_cast<int>(a[2])));
    case kFstat:
      return sys_fstat(a);
    case kNewfstatat:
      return sys_newfstatat(a);
    case kStatx:
      return sys_statx(a);
    case kReadlinkat:
      return sys_readlinkat(a);
    case kGetcwd:
      return sys_getcwd(a);
    case kGetdents64:
      return sys_getdents64(a);
    case kIoctl:
      return sys_ioctl(a);
    case kFcntl:
      return sys_fcntl(a);
    case kDup:
      return new_guest_fd(result(::dup(fd)));
    case kDup3:
      // Linux checks the flags and the two numbers before the descriptors.
      if ((a[2] & ~std::uint64_t{O_CLOEXEC}) != 0 || a[0] == a[1]) return -EINVAL;
      if (!host_fds::guest_may_use(fd) || !host_fds::guest_may_use(static_cast<int>(a[1]))) return -EBADF;
      return result(::dup3(fd, static_cast<int>(a[1]), static_cast<int>(a[2])));
    case kCloseRange:
      return sys_close_range(a);
    case kPipe2:
      return sys_pipe2(a);
    case kFaccessat:
    case kFaccessat2:
    case kUnlinkat:
    case kMkdirat:
    case kChdir:
    case kSymlinkat:
    case kLinkat:
    case kRenameat2:
      return sys_path_op(number, a);
    case kFchdir:
      return result(::fchdir(fd));
    case kFtruncate: {
      struct stat st {};
      if (m_executable && ::fstat(fd, &st) == 0 && st.st_dev == m_executable->device &&
          st.st_ino == m_executable->inode)
        return -ETXTBSY;  // an fd vm was given, open for writing (openat refuses the guest its own)
      return result(::ftruncate(fd, static_cast<off_t>(a[1])));
    }
    case kFsync:
      return result(::fsync(fd));
    case kFdatasync:
      return result(::fdatasync(fd));
    case kFchmod:
      return result(::fchmod(fd, static_cast<mode_t>(a[1])));
    case kUmask:
      return ::umask(static_cast<mode_t>(a[0]));
    case kBrk:
      return sys_brk(a);
    case kMmap:
      return sys_mmap(a);
    case kMunmap:
      return sys_munmap(a);
    case kMprotect:
      return sys_mprotect(a);
    case kMremap:
      return sys_mremap(a);
    case kMadvise:
      return sys_madvise(a);
    case kMsync: {
      constexpr std::uint64_t kMsAsync = 1, kMsInvalidate = 2, kMsSync = 4;
      const std::uint64_t len = page_ceil(a[1]);
      if ((a[0] & kPageOffsetMask) != 0 || (a[2] & ~(kMsAsync | kMsInvalidate | kMsSync)) != 0 ||
          (a[2] & (kMsAsync | kMsSync)) == (kMsAsync | kMsSync) || a[0] + len < a[0])
        return -EINVAL;
      if (len != 0 && !m_memory.space().page_map().fully_mapped(a[0], a[0] + len)) return -ENOMEM;
      m_files.write_back(a[0], len);
      return 0;
    }
    case kExit:
    case kExitGroup:
      outcome.exited = true;
      outcome.exit_code = static_cast<int>(a[0] & 0xff);
      return 0;
    case kClockGettime:
    case kClockGetres:
    case kGettimeofday:
    case kNanosleep:
    case kClockNanosleep:
      return sys_clock(number, a, outcome);
    case kGetrandom: {
      const std::uint64_t len = usable_length(a[0], a[1], true);
      if (len == 0 && a[1] != 0) return -EFAULT;
      return result(::getrandom(guest_range(a[0], len, true), len, static_cast<unsigned>(a[2])));
    }
    case kUname:
      return sys_uname(a);
    case kGetpid:
      return ::getpid();
    case kGetppid:
      return ::getppid();
    case kGettid:
    case kSetTidAddress:
      return ::gettid();
    case kGetuid:
      return ::getuid();
    case kGeteuid:
      return ::geteuid();
    case kGetgid:
      return ::getgid();
    case kGetegid:
      return ::getegid();
    case kSetRobustList:
      return 0;
    case kRseq:
      return -ENOSYS;
    case kPrlimit64:
      return sys_prlimit64(a);
    case kRtSigaction:
      return sys_rt_sigaction(a);
    case kRtSigprocmask:
      return sys_rt_sigprocmask(a, outcome);
    case kRtSigpending:  // a shorter set gets its first bytes
      if (a[1] > 8) return -EINVAL;
      return m_memory.write_bytes(a[0], &m_pending, a[1]) ? 0 : -EFAULT;
    case kSigaltstack:
      return sys_sigaltstack(a);
    case kFutex:
      return sys_futex(a, outcome);
    case kSchedGetaffinity: {
      std::uint64_t size = std::min<std::uint64_t>(a[1], 128);
      std::uint8_t* mask = guest_range(a[2], size, true);
      if (mask == nullptr) return -EFAULT;
      long r = ::syscall(SYS_sched_getaffinity, static_cast<pid_t>(0), size, mask);
      return result(r);
    }
    case kSchedYield:
      return 0;
    case kSysinfo:
    case kTimes:
    case kGetrusage:
      return sys_host_struct(number, a);
    case kKill:
    case kTkill:
    case kTgkill:
      return sys_kill(number, a, outcome);
    case kGetitimer:
    case kSetitimer:
      return sys_itimer(number, a);
    case kPrctl:
      return -EINVAL;
    case kPpoll:
      return sys_ppoll(a, outcome);
    case kRtSigsuspend:
      return sys_rt_sigsuspend(a, outcome);
    case kRtSigtimedwait:
      return sys_rt_sigtimedwait(a, outcome);
    case kRtSigqueueinfo:
      return sys_rt_sigqueueinfo(a, outcome);
    case kRiscvFlushIcache:
      // Decoded code is kept coherent with every write, so there is nothing to flush.
      return 0;
    case kRiscvHwprobe:
      return -ENOSYS;
    default:
      break;
  }
  if (m_logged_unknown.insert(number).second) {
    const char* name = syscall_name(number);
    log::debug("unimplemented system call {} ({}): returning -ENOSYS", number, name ? name : "unknown");
  }
  return -ENOSYS;
}

std::uint64_t Syscalls::partial_write_length(int fd, std::uint64_t usable) {
  // Linux writes a regular file up to the fault; a pipe copies whole pages
  // of the buffer, and one that faults ends the write (EFAULT if first).
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return usable;
  return usable - usable % kPageSize;
}

std::uint64_t Syscalls::usable_length(GuestAddr addr, std::uint64_t len, bool writable) {
  if (guest_range(addr, len, writable) != nullptr) return len;
  // Linux's access_ok: a range past the user address space fails whole.
  if (addr + len < addr || addr + len > m_layout.window_size) return 0;
  // Up to the first page the guest may not use: Linux copies up to the
  // fault and reports what it moved (EFAULT only for nothing).
  const std::uint8_t need = writable ? memory::kPermWrite : memory::kPermRead;
  GuestAddr end = addr;
  for (const auto& [start, interval] : m_memory.space().page_map().overlapping(addr, addr + len)) {
    if (start > end || (interval.perm & need) != need) break;
    end = interval.end;
  }
  std::uint64_t usable = std::min(end - addr, len);
  // The run may still cross what the host cannot hand over in one piece.
  while (usable != 0 && guest_range(addr, usable, writable) == nullptr) {
    const GuestAddr last_page = page_floor(addr + usable - 1);
    usable = last_page > addr ? last_page - addr : 0;
  }
  return usable;
}

std::int64_t Syscalls::sys_read(const Args& a) {
  const std::uint64_t len = usable_length(a[1], a[2], true);
  if (len == 0 && a[2] != 0) return -EFAULT;
  return result(::read(static_cast<int>(a[0]), guest_range(a[1], len, true), len));
}

std::int64_t Syscalls::sys_write(const Args& a) {
  std::uint64_t len = usable_length(a[1], a[2], false);
  if (len != a[2]) len = partial_write_length(static_cast<int>(a[0]), len);
  if (len == 0 && a[2] != 0) return -EFAULT;
  return result(::write(static_cast<int>(a[0]), guest_range(a[1], len, false), len));
}

std::int64_t Syscalls::sys_pread(const Args& a) {
  const std::uint64_t len = usable_length(a[1], a[2], true);
  if (len == 0 && a[2] != 0) return -EFAULT;
  return result(::pread(static_cast<int>(a[0]), guest_range(a[1], len, true), len, static_cast<off_t>(a[3])));
}

std::int64_t Syscalls::sys_pwrite(const Args& a) {
  std::uint64_t len = usable_length(a[1], a[2], false);
  if (len != a[2]) len = partial_write_length(static_cast<int>(a[0]), len);
  if (len == 0 && a[2] != 0) return -EFAULT;
  return result(
      ::pwrite(static_cast<int>(a[0]), guest_range(a[1], len, false), len, static_cast<off_t>(a[3])));
}

std::int64_t Syscalls::sys_iov(const Args& a, bool write) {
  std::uint64_t count = a[2];
  if (count > 1024) return -EINVAL;  // IOV_MAX
  // As Linux: the whole array is read and checked first.
  std::vector<std::pair<GuestAddr, std::uint64_t>> vectors(count);
  std::uint64_t total = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    auto& [base, len] = vectors[i];
    if (!get(a[1] + i * 16, base) || !get(a[1] + i * 16 + 8, len)) return -EFAULT;
    if (len > static_cast<std::uint64_t>(INT64_MAX) - total) return -EINVAL;
    total += len;
  }
  // Then the vectors up to the first byte the guest may not use (Linux stops there).
  std::vector<iovec> iov;
  std::uint64_t before = 0;  // usable bytes in the vectors before
  for (const auto& [base, len] : vectors) {
    const std::uint64_t usable = usable_length(base, len, !write);
    iov.push_back(iovec{guest_range(base, usable, !write), usable});
    if (usable < len) {
      const std::uint64_t moved =
          write ? partial_write_length(static_cast<int>(a[0]), before + usable) : before + usable;
      // (A pipe's last whole page ending in an earlier vector is not modelled: EFAULT.)
      if (moved == 0 || moved < before) return -EFAULT;
      iov.back().iov_len = moved - before;
      break;
    }
    before += usable;
  }
  int fd = static_cast<int>(a[0]);
  return result(write ? ::writev(fd, iov.data(), static_cast<int>(iov.size()))
                      : ::readv(fd, iov.data(), static_cast<int>(iov.size())));
}

bool Syscalls::writes_executable(int dirfd, const std::string& path, int flags) const {
  if (!m_executable || ((flags & O_ACCMODE) == O_RDONLY && (flags & O_TRUNC) == 0)) return false;
  // Before opening: O_TRUNC would already have cut the file. The guest has
  // one thread, so nothing it does can change the path in between.
  struct stat st {};
  if (::fstatat(dirfd, path.c_str(), &st, (flags & O_NOFOLLOW) != 0 ? AT_SYMLINK_NOFOLLOW : 0) != 0)
    return false;
  return st.st_dev == m_executable->device && st.st_ino == m_executable->inode;
}

std::int64_t Syscalls::sys_openat(const Args& a) {
  std::string path;
  if (!read_string(a[1], path)) return -EFAULT;
  if (writes_executable(static_cast<int>(a[0]), path, static_cast<int>(a[2]))) return -ETXTBSY;
  // No descriptor left for the guest: refused before the file is created,
  // truncated or waited for (a FIFO), as Linux takes the number first.
  if (!host_fds::guest_may_use(host_fds::lowest_free())) return -EMFILE;
  int fd = ::openat(static_cast<int>(a[0]), path.c_str(), static_cast<int>(a[2]), static_cast<mode_t>(a[3]));
  if (fd < 0) return -errno;
  if (exposes_host_memory(fd)) {
    // The guest shares vm's /proc/self: its mem file is vm's memory, outside
    // guest RAM. Whatever path led there (symlinks, /proc/<pid>, dirfds), the
    // opened file is checked, not the name.
    ::close(fd);
    return -EACCES;
  }
  return new_guest_fd(fd);
}

std::int64_t Syscalls::sys_fstat(const Args& a) {
  struct stat s {};
  if (::fstat(static_cast<int>(a[0]), &s) != 0) return -errno;
  return put(a[1], to_guest(s)) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sys_newfstatat(const Args& a) {
  std::string path;
  if (!read_string(a[1], path)) return -EFAULT;
  struct stat s {};
  if (::fstatat(static_cast<int>(a[0]), path.c_str(), &s, static_cast<int>(a[3])) != 0) return -errno;
  return put(a[2], to_guest(s)) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sys_statx(const Args& a) {
  // struct statx has one layout on every architecture.
  std::string path;
  if (!read_string(a[1], path)) return -EFAULT;
  std::uint8_t* buffer = guest_range(a[4], 256, true);
  if (buffer == nullptr) return -EFAULT;
  return result(::syscall(SYS_statx, static_cast<int>(a[0]), path.c_str(), static_cast<int>(a[2]),
                          static_cast<unsigned>(a[3]), buffer));
}

std::int64_t Syscalls::sys_readlinkat(const Args& a) {
  std::string path;
  if (!read_string(a[1], path)) return -EFAULT;
  const int size = static_cast<int>(a[3]);  // an int in Linux
  if (size <= 0) return -EINVAL;
  const std::uint64_t len = usable_length(a[2], static_cast<std::uint64_t>(size), true);
  std::uint8_t* buffer = guest_range(a[2], len, true);
  if (len == 0) return -EFAULT;
  if (path == "/proc/self/exe") {
    // The guest's own program, not vm.
    std::size_t n = std::min<std::size_t>(m_exec_path.size(), len);
    std::memcpy(buffer, m_exec_path.data(), n);
    return static_cast<std::int64_t>(n);
  }
  return result(::readlinkat(static_cast<int>(a[0]), path.c_str(), reinterpret_cast<char*>(buffer), len));
}

std::int64_t Syscalls::sys_getcwd(const Args& a) {
  std::vector<char> cwd(4096);
  if (::getcwd(cwd.data(), cwd.size()) == nullptr) return -errno;
  std::size_t len = std::strlen(cwd.data()) + 1;
  if (len > a[1]) return -ERANGE;
  return m_memory.write_bytes(a[0], cwd.data(), len) ? static_cast<std::int64_t>(len) : -EFAULT;
}

std::int64_t Syscalls::sys_getdents64(const Args& a) {
  // struct linux_dirent64 has one layout on every architecture.
  const auto count = static_cast<unsigned>(a[2]);  // an unsigned int in Linux
  const std::uint64_t len = usable_length(a[1], count, true);
  if (len == 0 && count != 0) return -EFAULT;
  return result(::syscall(SYS_getdents64, static_cast<int>(a[0]), guest_range(a[1], len, true),
                          static_cast<unsigned>(len)));
}

std::int64_t Syscalls::sys_ioctl(const Args& a) {
  // Ask the host first, into a local buffer: a file that is not a terminal
  // answers ENOTTY whatever the guest pointer is, as on Linux.
  int fd = static_cast<int>(a[0]);
  if (::fcntl(fd, F_GETFD) < 0) return -EBADF;
  switch (a[1]) {
    case FIONREAD: {
      int available = 0;
      if (::ioctl(fd, FIONREAD, &available) != 0) return -errno;
      return put(a[2], available) ? 0 : -EFAULT;
    }
    case FIONBIO: {
      int on = 0;
      if (!get(a[2], on)) return -EFAULT;
      return result(::ioctl(fd, FIONBIO, &on));
    }
    case TCGETS: {
      // The kernel's struct termios (not glibc's) is the same on x86-64 and riscv64: 36 bytes.
      std::array<std::uint8_t, 64> buffer{};
      if (::ioctl(fd, TCGETS, buffer.data()) != 0) return -errno;
      return m_memory.write_bytes(a[2], buffer.data(), 36) ? 0 : -EFAULT;
    }
    case TIOCGWINSZ: {
      winsize size{};
      if (::ioctl(fd, TIOCGWINSZ, &size) != 0) return -errno;
      return put(a[2], size) ? 0 : -EFAULT;
    }
    default:
      return -ENOTTY;
  }
}

std::int64_t Syscalls::sys_fcntl(const Args& a) {
  int fd = static_cast<int>(a[0]);
  int cmd = static_cast<int>(a[1]);
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      // Linux refuses a lowest number at or past RLIMIT_NOFILE.
      if (static_cast<int>(a[2]) >= host_fds::floor()) return -EINVAL;
      return new_guest_fd(result(::fcntl(fd, cmd, static_cast<int>(a[2]))));
    case F_GETFD:
    case F_SETFD:
      return result(::fcntl(fd, cmd, static_cast<int>(a[2])));
    case F_GETFL:
      return result(::fcntl(fd, F_GETFL));
    case F_SETFL:
      return result(::fcntl(fd, F_SETFL, static_cast<int>(a[2])));
    default:
      return -EINVAL;
  }
}

std::int64_t Syscalls::sys_pipe2(const Args& a) {
  int fds[2];
  if (::pipe2(fds, static_cast<int>(a[1])) != 0) return -errno;
  if (!host_fds::guest_may_use(fds[0]) || !host_fds::guest_may_use(fds[1])) {
    ::close(fds[0]);
    ::close(fds[1]);
    return -EMFILE;
  }
  if (!m_memory.write_bytes(a[0], fds, sizeof(fds))) {
    ::close(fds[0]);
    ::close(fds[1]);
    return -EFAULT;
  }
  return 0;
}

std::int64_t Syscalls::sys_close_range(const Args& a) {
  // Linux ignores descriptors past its table: here, vm's own are past the guest's.
  constexpr std::uint64_t kCloseRangeUnshare = 2, kCloseRangeCloexec = 4;
  if ((a[2] & ~(kCloseRangeUnshare | kCloseRangeCloexec)) != 0) return -EINVAL;
  const auto first = static_cast<unsigned>(a[0]);
  const auto last = static_cast<unsigned>(a[1]);
  if (first > last) return -EINVAL;
  const auto floor = static_cast<unsigned>(host_fds::floor());
  if (first >= floor) return 0;
  return result(::syscall(SYS_close_range, first, std::min(last, floor - 1), static_cast<unsigned>(a[2])));
}

std::int64_t Syscalls::sys_path_op(std::uint64_t number, const Args& a) {
  std::string path;
  GuestAddr path_arg = number == kChdir ? a[0] : a[1];
  if (number == kSymlinkat) path_arg = a[0];
  if (!read_string(path_arg, path)) return -EFAULT;
  auto dirfd = static_cast<int>(a[0]);
  switch (number) {
    case kChdir:
      return result(::chdir(path.c_str()));
    case kFaccessat:
      return result(::faccessat(dirfd, path.c_str(), static_cast<int>(a[2]), 0));
    case kFaccessat2:
      return result(::faccessat(dirfd, path.c_str(), static_cast<int>(a[2]), static_cast<int>(a[3])));
    case kUnlinkat:
      return result(::unlinkat(dirfd, path.c_str(), static_cast<int>(a[2])));
    case kMkdirat:
      return result(::mkdirat(dirfd, path.c_str(), static_cast<mode_t>(a[2])));
    case kSymlinkat: {
      std::string link;
      if (!read_string(a[2], link)) return -EFAULT;
      return result(::symlinkat(path.c_str(), static_cast<int>(a[1]), link.c_str()));
    }
    case kLinkat:
    case kRenameat2: {
      std::string target;
      if (!read_string(a[3], target)) return -EFAULT;
      if (number == kLinkat) {
        return result(
            ::linkat(dirfd, path.c_str(), static_cast<int>(a[2]), target.c_str(), static_cast<int>(a[4])));
      }
      return result(::syscall(SYS_renameat2, dirfd, path.c_str(), static_cast<int>(a[2]), target.c_str(),
                              static_cast<unsigned>(a[4])));
    }
    default:
      return -ENOSYS;
  }
}

std::int64_t Syscalls::sys_brk(const Args& a) {
  GuestAddr requested = a[0];
  if (requested < m_layout.brk_start || requested >= m_layout.mmap_base)
    return static_cast<std::int64_t>(m_brk);
  GuestAddr new_end = page_ceil(requested);
  auto& space = m_memory.space();
  if (new_end > m_brk_mapped_end) {
    if (!space.page_map().is_free(m_brk_mapped_end, new_end)) return static_cast<std::int64_t>(m_brk);
    if (!space.map(m_brk_mapped_end, new_end - m_brk_mapped_end, memory::kPermRW)) {
      return static_cast<std::int64_t>(m_brk);
    }
    advise_huge_pages(m_brk_mapped_end, new_end - m_brk_mapped_end, memory::kPermRW);
  } else if (new_end < m_brk_mapped_end) {
    m_files.release(new_end, m_brk_mapped_end - new_end);  // files mapped over the heap
    space.unmap(new_end, m_brk_mapped_end - new_end);
    mappings_changed(new_end, m_brk_mapped_end - new_end);
  }
  m_brk_mapped_end = new_end;
  m_brk = requested;
  return static_cast<std::int64_t>(m_brk);
}

std::int64_t Syscalls::sys_mmap(const Args& a) {
  GuestAddr hint = a[0];
  std::uint64_t len = a[1];
  const std::uint8_t perm = guest_protection(a[2]);
  std::uint64_t flags = a[3];
  auto fd = static_cast<int>(a[4]);
  std::uint64_t offset = a[5];
  if (len == 0 || (offset & kPageOffsetMask) || ((flags & (kMapShared | kMapPrivate)) == 0)) return -EINVAL;
  // MAP_SHARED_VALIDATE (both type bits): a file's flags it does not know
  // are refused; Linux has no such type for anonymous memory.
  constexpr std::uint64_t kKnownFlags = 0x3 | 0x10 | 0x20 | 0x100 | 0x800 | 0x1000 | 0x2000 | 0x4000 |
                                        0x8000 | 0x10000 | 0x20000 | 0x40000 | 0x100000 | 0x4000000;
  if ((flags & (kMapShared | kMapPrivate)) == (kMapShared | kMapPrivate)) {
    if ((flags & kMapAnonymous) != 0) return -EINVAL;
    if ((flags & ~kKnownFlags) != 0) return -EOPNOTSUPP;
  }
  len = page_ceil(len);
  if (len == 0 || len >= m_layout.window_size) return -ENOMEM;
  // The file's pages must be numbers the host can map (before anything is unmapped).
  if ((flags & kMapAnonymous) == 0 && offset > static_cast<std::uint64_t>(INT64_MAX) - len) return -EOVERFLOW;
  auto& space = m_memory.space();
  GuestAddr addr;
  if (flags & (kMapFixed | kMapFixedNoreplace)) {
    if (hint & kPageOffsetMask) return -EINVAL;
    if (hint + len < hint || hint + len > m_layout.window_size) return -ENOMEM;
    if ((flags & kMapFixedNoreplace) && !space.page_map().is_free(hint, hint + len)) return -EEXIST;
    addr = hint;
  } else {
    GuestAddr low = hint != 0 && hint < m_layout.stack_top ? page_floor(hint) : m_layout.mmap_base;
    auto found = space.page_map().find_free(len, std::max(low, m_layout.brk_start),
                                            m_layout.stack_top - m_layout.stack_size);
    if (!found && low != m_layout.mmap_base)
      found = space.page_map().find_free(len, m_layout.mmap_base, m_layout.stack_top - m_layout.stack_size);
    if (!found) return kMapFailedErrno;
    addr = *found;
  }
  if (past_map_limit(addr, len, 1)) return -ENOMEM;
  if (!(flags & kMapAnonymous)) {
    // As Linux: the file must be open for reading, and for writing too when
    // a shared mapping may write it.
    if (!host_fds::guest_may_use(fd)) return -EBADF;
    const int status = ::fcntl(fd, F_GETFL);
    if (status < 0) return -EBADF;
    const int mode = status & O_ACCMODE;
    if (mode == O_WRONLY || ((flags & kMapShared) && (perm & memory::kPermWrite) && mode != O_RDWR))
      return -EACCES;
    // Checked before anything is unmapped: a failed MAP_FIXED keeps what was there.
    switch (mappable_file(fd)) {
      case FileKind::kRegular:
        break;
      case FileKind::kZero:
        flags |= kMapAnonymous;  // /dev/zero: fresh zero pages, as anonymous memory
        break;
      case FileKind::kNotMappable:
        return -ENODEV;
    }
  }
  bool replaced = !space.page_map().is_free(addr, addr + len);
  if (replaced) m_files.release(addr, len);
  space.unmap(addr, len);  // fresh pages read as zero
  if (replaced) mappings_changed(addr, len);
  if (!space.map(addr, len, memory::kPermRW)) return -ENOMEM;
  // A private mapping's pages are the file's, read when touched (a huge
  // file costs nothing until read); a shared one is a copy read now, which
  // FileMappings writes back (file_mappings.hpp).
  // (Small ones are copied: they would cost host mappings for little.)
  constexpr std::uint64_t kLazyFrom = 16 * kPageSize;
  const bool lazy = (flags & (kMapAnonymous | kMapShared)) == 0 && len >= kLazyFrom &&
                    space.map_file(addr, len, fd, offset);
  if ((flags & kMapAnonymous) == 0 && !lazy) {
    auto host = space.host_range(addr, len, memory::kPermWrite);
    std::uint64_t done = 0;
    while (done < len) {
      ssize_t n = ::pread(fd, host.data() + done, len - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        int err = errno;
        space.unmap(addr, len);
        return -err;
      }
      if (n == 0) break;
      done += static_cast<std::uint64_t>(n);
    }
  }
  if (perm != memory::kPermRW) (void)space.protect(addr, len, perm);
  // Sparse memory stays in small pages: reservations, stacks.
  if ((flags & (kMapNoreserve | kMapStack | kMapGrowsdown)) == 0) advise_huge_pages(addr, len, perm);
  if (!(flags & kMapAnonymous)) {
    // Writable shared mappings go back to their file, and MADV_DONTNEED
    // reads any from it again: none is left without its file (the host is
    // out of descriptors), the guest's writes or pages would be lost.
    const bool writes_back = (flags & kMapShared) != 0 && (perm & memory::kPermWrite) != 0;
    if (!m_files.add(addr, len, fd, offset, writes_back)) {
      space.unmap(addr, len);
      return -ENFILE;
    }
  }
  return static_cast<std::int64_t>(addr);
}

void Syscalls::advise_huge_pages(GuestAddr addr, std::uint64_t len, std::uint8_t perm) {
  if (len >= memory::kHugePageSize && (perm & memory::kPermWrite) != 0)
    (void)m_memory.space().advise_huge_pages(addr, len);
}

bool Syscalls::past_map_limit(GuestAddr addr, std::uint64_t len, std::size_t added) const {
  // Linux refuses what would split a mapping or add one at the limit;
  // calls that only remove or merge go ahead.
  const memory::PageMap& map = m_memory.space().page_map();
  const auto splits_at = [&](GuestAddr at) {
    const auto* holding = map.containing(at);
    return holding != nullptr && holding->first < at;
  };
  const std::size_t pieces = added + (splits_at(addr) ? 1 : 0) + (splits_at(addr + len) ? 1 : 0);
  return pieces != 0 && map.intervals().size() + pieces > kMaxMapCount;
}

std::int64_t Syscalls::sys_munmap(const Args& a) {
  if ((a[0] & kPageOffsetMask) || a[1] == 0) return -EINVAL;
  std::uint64_t len = page_ceil(a[1]);
  // (The window is riscv64 Sv39 Linux's user address space: past it, EINVAL.)
  if (len == 0 || a[0] + len < a[0] || a[0] + len > m_layout.window_size) return -EINVAL;
  if (past_map_limit(a[0], len, 0)) return -ENOMEM;
  m_files.release(a[0], len);
  m_memory.space().unmap(a[0], len);
  mappings_changed(a[0], len);
  return 0;
}

std::int64_t Syscalls::sys_mprotect(const Args& a) {
  if (a[0] & kPageOffsetMask) return -EINVAL;
  std::uint64_t len = page_ceil(a[1]);
  if (len == 0 && a[1] == 0) return 0;
  if (len == 0 || a[0] + len < a[0]) return -ENOMEM;  // wraps around the address space
  // PROT_GROWSDOWN and PROT_GROWSUP are not supported (nor is a stack that grows).
  if ((a[2] & ~std::uint64_t{memory::kPermRWX}) != 0) return -EINVAL;
  if (past_map_limit(a[0], len, 0)) return -ENOMEM;
  if (!m_memory.space().protect(a[0], len, guest_protection(a[2]))) return -ENOMEM;
  mappings_changed(a[0], len);
  return 0;
}

std::int64_t Syscalls::sys_mremap(const Args& a) {
  GuestAddr old_addr = a[0];
  std::uint64_t old_len = page_ceil(a[1]);
  std::uint64_t new_len = page_ceil(a[2]);
  std::uint64_t flags = a[3];
  auto& space = m_memory.space();
  if ((old_addr & kPageOffsetMask) || new_len == 0 || (flags & ~(kMremapMaymove | kMremapFixed)))
    return -EINVAL;
  if (flags & kMremapFixed) return -EINVAL;  // not needed by glibc's allocator
  // A length of 0 duplicates shared memory in Linux, which a private mapping is not.
  if (old_len == 0 || new_len > m_layout.window_size) return -EINVAL;
  if (!space.page_map().fully_mapped(old_addr, old_addr + old_len)) return -EFAULT;
  // Linux moves one mapping: the range may not span two protections.
  if (space.page_map().containing(old_addr)->second.end < old_addr + old_len) return -EFAULT;
  std::uint8_t perm = space.page_map().perm_at(old_addr) & memory::kPermRWX;
  if (new_len <= old_len) {
    m_files.release(old_addr + new_len, old_len - new_len);
    space.unmap(old_addr + new_len, old_len - new_len);
    mappings_changed(old_addr + new_len, old_len - new_len);
    return static_cast<std::int64_t>(old_addr);
  }
  if (old_addr + new_len <= m_layout.window_size &&
      space.page_map().is_free(old_addr + old_len, old_addr + new_len)) {
    if (!space.map(old_addr + old_len, new_len - old_len, perm)) return -ENOMEM;
    advise_huge_pages(old_addr + old_len, new_len - old_len, perm);
    m_files.move(old_addr, old_len, old_addr, new_len);
    return static_cast<std::int64_t>(old_addr);
  }
  if (!(flags & kMremapMaymove)) return -ENOMEM;
  auto found =
      space.page_map().find_free(new_len, m_layout.mmap_base, m_layout.stack_top - m_layout.stack_size);
  if (!found) return -ENOMEM;
  if (!space.map(*found, new_len, memory::kPermRW)) return -ENOMEM;
  advise_huge_pages(*found, new_len, perm);
  auto to = space.host_range(*found, old_len, memory::kPermWrite);  // mapped just now: no code there
  if (to.empty() || !space.read_unchecked(old_addr, to.data(), old_len)) {
    space.unmap(*found, new_len);
    return -ENOMEM;
  }
  (void)space.protect(*found, new_len, perm);
  m_files.move(old_addr, old_len, *found, new_len);
  space.unmap(old_addr, old_len);
  mappings_changed(old_addr, old_len);
  return static_cast<std::int64_t>(*found);
}

std::int64_t Syscalls::sys_madvise(const Args& a) {
  constexpr std::uint64_t kMadvDontneed = 4, kMadvDontneedLocked = 24, kMadvLastKnown = 25;
  if (a[0] & kPageOffsetMask) return -EINVAL;
  std::uint64_t len = page_ceil(a[1]);
  if (a[0] + len < a[0] || (len == 0 && a[1] != 0)) return -EINVAL;
  // Unknown advice, and memory-failure injection (a kernel built without it).
  if (a[2] > kMadvLastKnown || (a[2] >= 5 && a[2] <= 7)) return -EINVAL;
  auto& space = m_memory.space();
  // As Linux: advice for a range with holes applies where it can, then ENOMEM.
  const std::int64_t done = space.page_map().fully_mapped(a[0], a[0] + len) ? 0 : -ENOMEM;
  if (a[2] != kMadvDontneed && a[2] != kMadvDontneedLocked) return done;  // advice only
  // Anonymous private pages read back as zero after MADV_DONTNEED, file
  // pages as their file (a shared one's written back first); the mapping stays.
  m_files.write_back(a[0], len);
  // Only the intervals the range covers (copies: the loop changes the map).
  for (const auto& [start, interval] : space.page_map().overlapping(a[0], a[0] + len)) {
    GuestAddr lo = std::max(start, a[0]);
    GuestAddr hi = std::min(interval.end, a[0] + len);
    if (lo >= hi) continue;
    std::uint8_t perm = interval.perm & memory::kPermRWX;
    space.unmap(lo, hi - lo);
    (void)space.map(lo, hi - lo, perm);
    mappings_changed(lo, hi - lo);
  }
  m_files.reread(a[0], len);
  return done;
}

std::int64_t Syscalls::sys_clock(std::uint64_t number, const Args& a, Outcome& outcome) {
  // struct timespec and struct timeval are two 64-bit fields on both sides.
  switch (number) {
    case kClockGettime:
    case kClockGetres: {
      timespec ts{};
      int r = number == kClockGettime ? ::clock_gettime(static_cast<clockid_t>(a[0]), &ts)
                                      : ::clock_getres(static_cast<clockid_t>(a[0]), &ts);
      if (r != 0) return -errno;
      if (a[1] != 0 && !put(a[1], ts)) return -EFAULT;
      return 0;
    }
    case kGettimeofday: {
      timeval tv{};
      ::gettimeofday(&tv, nullptr);
      if (a[0] != 0 && !put(a[0], tv)) return -EFAULT;
      if (a[1] != 0) {
        std::uint64_t zero_tz = 0;
        if (!put(a[1], zero_tz)) return -EFAULT;
      }
      return 0;
    }
    case kNanosleep:
    default: {  // nanosleep(req, rem), clock_nanosleep(clock, flags, req, rem)
      const bool plain = number == kNanosleep;
      const auto clock = plain ? CLOCK_MONOTONIC : static_cast<clockid_t>(a[0]);
      const int flags = plain ? 0 : static_cast<int>(a[1]);
      const GuestAddr rem_addr = plain ? a[1] : a[3];
      timespec req{}, rem{};
      if (!get(plain ? a[0] : a[2], req)) return -EFAULT;
      if (clock == CLOCK_THREAD_CPUTIME_ID) return -EOPNOTSUPP;  // the kernel's answer (glibc says EINVAL)
      // A signal already raised cuts the sleep short before it starts.
      int r = outcome.signal != 0 ? (rem = req, EINTR) : ::clock_nanosleep(clock, flags, &req, &rem);
      // An expiry of the guest's timer that it does not take goes unnoticed.
      while (r == EINTR && resume_after_timer(outcome)) {
        if ((flags & TIMER_ABSTIME) == 0) req = rem;
        r = ::clock_nanosleep(clock, flags, &req, &rem);
      }
      // Cut short by a signal: what is left, for glibc's sleep() to return.
      if (r == EINTR && (flags & TIMER_ABSTIME) == 0 && rem_addr != 0 && !put(rem_addr, rem)) return -EFAULT;
      return -r;
    }
  }
}

std::int64_t Syscalls::sys_uname(const Args& a) {
  struct utsname host {};
  ::uname(&host);
  std::strncpy(host.machine, "riscv64", sizeof(host.machine));
  return put(a[0], host) ? 0 : -EFAULT;
}

std::int64_t Syscalls::sys_kill(std::uint64_t number, const Args& a, Outcome& outcome) {
  // The guest is one process with one thread: it may signal itself (its
  // pid, its process group, its tid), never a host process. Another pid
  // that exists is refused as Linux refuses a process of another user;
  // signal 0 sends nothing and asks the host whether the pid exists.
  const auto sig = static_cast<std::int64_t>(number == kTgkill ? a[2] : a[1]);
  if (sig < 0 || sig > 64) return -EINVAL;
  bool self = false;
  if (number == kKill) {
    const auto pid = static_cast<pid_t>(a[0]);
    self = pid == ::getpid() || pid == 0 || pid == -::getpgrp();
    if (!self && pid == INT_MIN) return -ESRCH;  // as Linux: -INT_MIN names no group
    // Signal 0 sends nothing: the host answers whether the pid, group or
    // (for -1) anyone may be signalled.
    if (!self && sig == 0) return result(::kill(pid, 0));
    if (!self && pid > 0) return ::kill(pid, 0) != 0 ? -errno : -EPERM;
    if (!self) return -EPERM;
  } else {
    const auto tid = static_cast<pid_t>(number == kTgkill ? a[1] : a[0]);
    if (tid <= 0 || (number == kTgkill && static_cast<pid_t>(a[0]) <= 0)) return -EINVAL;
    const bool group_ok = number == kTkill || static_cast<pid_t>(a[0]) == ::getpid();
    self = group_ok && tid == ::gettid();
    if (!self) return -ESRCH;
  }
  if (sig != 0) {
    SignalInfo info;
    info.signo = static_cast<int>(sig);
    info.code = number == kKill ? kSiUser : kSiTkill;
    info.pid = ::getpid();
    info.uid = ::getuid();
    send_self(info, outcome);
  }
  return 0;
}

std::int64_t Syscalls::sys_itimer(std::uint64_t number, const Args& a) {
  // struct itimerval is four 64-bit fields on both sides. Only ITIMER_REAL
  // exists: the others count the guest's CPU time, which vm does not track.
  if (a[0] != ITIMER_REAL) return a[0] <= ITIMER_PROF ? -ENOSYS : -EINVAL;
  itimerval current{};
  if (number == kGetitimer) {
    const int r = m_timer.get(current);
    if (r != 0) return r;
    return put(a[1], current) ? 0 : -EFAULT;
  }
  itimerval next{};
  if (a[1] != 0 && !get(a[1], next)) return -EFAULT;
  if (next.it_value.tv_usec < 0 || next.it_value.tv_usec >= 1000000 || next.it_interval.tv_usec < 0 ||
      next.it_interval.tv_usec >= 1000000)
    return -EINVAL;
  const int r = m_timer.set(next, current);
  if (r != 0) return r;
  if (a[2] != 0 && !put(a[2], current)) return -EFAULT;
  return 0;
}

std::int64_t Syscalls::sys_prlimit64(const Args& a) {
  const auto pid = static_cast<pid_t>(a[0]);
  const bool self = pid == 0 || pid == ::getpid();
  auto resource = static_cast<int>(a[1]);
  if (resource < 0 || resource >= RLIM_NLIMITS) return -EINVAL;
  if (a[2] != 0) {
    struct rlimit64 next {};
    if (!get(a[2], next)) return -EFAULT;
    if (next.rlim_cur > next.rlim_max) return -EINVAL;
    if (!self)
      return ::kill(pid, 0) == 0 ? -EPERM : -ESRCH;  // another process's limits are not the guest's to set
  }
  if (!self) {
    // Another process's limits may be read, as the same user may on Linux.
    struct rlimit64 theirs {};
    if (::prlimit64(pid, static_cast<__rlimit_resource>(resource), nullptr, &theirs) != 0) return -errno;
    return a[3] == 0 || put(a[3], theirs) ? 0 : -EFAULT;
  }
  if (a[3] != 0) {
    struct rlimit64 old {};
    if (::getrlimit64(static_cast<__rlimit_resource_t>(resource), &old) != 0) return -errno;
    if (resource == RLIMIT_NOFILE) {
      // The descriptors past the guest's are vm's (host_fds.hpp).
      const auto limit = static_cast<rlim64_t>(host_fds::floor());
      old.rlim_cur = std::min(old.rlim_cur, limit);
      old.rlim_max = std::min(old.rlim_max, limit);
    }
    if (!put(a[3], old)) return -EFAULT;
  }
  // New limits are accepted but not applied to vm itself.
  return 0;
}

std::int64_t Syscalls::sys_host_struct(std::uint64_t number, const Args& a) {
  // struct sysinfo, struct tms and struct rusage have the same layout on
  // x86-64 and riscv64 (longs and 64-bit time values).
  switch (number) {
    case kSysinfo: {
      struct sysinfo info {};
      if (::sysinfo(&info) != 0) return -errno;
      return put(a[0], info) ? 0 : -EFAULT;
    }
    case kTimes: {
      struct tms t {};
      clock_t r = ::times(&t);
      if (a[0] != 0 && !put(a[0], t)) return -EFAULT;
      return r;
    }
    default: {
      struct rusage usage {};
      if (::getrusage(static_cast<int>(a[0]), &usage) != 0) return -errno;
      return put(a[1], usage) ? 0 : -EFAULT;
    }
  }
}

}  // namespace vmm::linux_user
