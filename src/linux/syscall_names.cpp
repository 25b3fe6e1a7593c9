// riscv64 system call numbers (include/uapi/asm-generic/unistd.h).
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {

const char* syscall_name(std::uint64_t number) {
  switch (number) {
    case 17: return "getcwd";
    case 19: return "eventfd2";
    case 20: return "epoll_create1";
    case 21: return "epoll_ctl";
    case 22: return "epoll_pwait";
    case 23: return "dup";
    case 24: return "dup3";
    case 25: return "fcntl";
    case 29: return "ioctl";
    case 32: return "flock";
    case 33: return "mknodat";
    case 34: return "mkdirat";
    case 35: return "unlinkat";
    case 36: return "symlinkat";
    case 37: return "linkat";
    case 43: return "statfs";
    case 44: return "fstatfs";
    case 46: return "ftruncate";
    case 47: return "fallocate";
    case 48: return "faccessat";
    case 49: return "chdir";
    case 50: return "fchdir";
    case 52: return "fchmod";
    case 53: return "fchmodat";
    case 54: return "fchownat";
    case 55: return "fchown";
    case 56: return "openat";
    case 57: return "close";
    case 59: return "pipe2";
    case 61: return "getdents64";
    case 62: return "lseek";
    case 63: return "read";
    case 64: return "write";
    case 65: return "readv";
    case 66: return "writev";
    case 67: return "pread64";
    case 68: return "pwrite64";
    case 71: return "sendfile";
    case 72: return "pselect6";
    case 73: return "ppoll";
    case 78: return "readlinkat";
    case 79: return "newfstatat";
    case 80: return "fstat";
    case 82: return "fsync";
    case 83: return "fdatasync";
    case 88: return "utimensat";
    case 93: return "exit";
    case 94: return "exit_group";
    case 96: return "set_tid_address";
    case 98: return "futex";
    case 99: return "set_robust_list";
    case 101: return "nanosleep";
    case 113: return "clock_gettime";
    case 114: return "clock_getres";
    case 115: return "clock_nanosleep";
    case 123: return "sched_getaffinity";
    case 124: return "sched_yield";
    case 129: return "kill";
    case 130: return "tkill";
    case 131: return "tgkill";
    case 132: return "sigaltstack";
    case 134: return "rt_sigaction";
    case 135: return "rt_sigprocmask";
    case 139: return "rt_sigreturn";
    case 153: return "times";
    case 160: return "uname";
    case 163: return "getrlimit";
    case 165: return "getrusage";
    case 166: return "umask";
    case 167: return "prctl";
    case 169: return "gettimeofday";
    case 172: return "getpid";
    case 173: return "getppid";
    case 174: return "getuid";
    case 175: return "geteuid";
    case 176: return "getgid";
    case 177: return "getegid";
    case 178: return "gettid";
    case 179: return "sysinfo";
    case 198: return "socket";
    case 214: return "brk";
    case 215: return "munmap";
    case 216: return "mremap";
    case 220: return "clone";
    case 221: return "execve";
    case 222: return "mmap";
    case 226: return "mprotect";
    case 227: return "msync";
    case 233: return "madvise";
    case 258: return "riscv_hwprobe";
    case 259: return "riscv_flush_icache";
    case 260: return "wait4";
    case 261: return "prlimit64";
    case 276: return "renameat2";
    case 278: return "getrandom";
    case 279: return "memfd_create";
    case 291: return "statx";
    case 293: return "rseq";
    case 435: return "clone3";
    case 439: return "faccessat2";
    default: return nullptr;
  }
}

}  // namespace vmm::linux_user
