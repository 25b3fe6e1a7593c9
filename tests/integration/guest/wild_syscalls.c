/* A misbehaving guest: passes wild pointers and absurd sizes to system calls.
 * The kernel (and vm) must answer with error codes, not crash. Every call is
 * made through syscall(2) so libc adds no checks of its own.
 *
 * Usage: wild_syscalls GROUP...   (GROUP: write read path stat getcwd mmap misc edge)
 * Prints "GROUP.case: <result>" per call, where <result> is "ok" / a value
 * for calls expected to succeed and "-<errno name>" for failures, then
 * "done" and exits 0. The expected output is what qemu-riscv64 (Linux
 * semantics) prints. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define WILD ((uintptr_t)0xdeadbeef000ULL) /* never mapped */
#define TOP_PAGE ((uintptr_t)0xfffffffffffff000ULL)

static const char* group = "";
static const char kReadOnly[] = "a read-only string literal, in .rodata";

static const char* errno_name(int e) {
  switch (e) {
    case EFAULT:
      return "EFAULT";
    case ENOMEM:
      return "ENOMEM";
    case EINVAL:
      return "EINVAL";
    case ERANGE:
      return "ERANGE";
    case ENOENT:
      return "ENOENT";
    case EBADF:
      return "EBADF";
    case ENAMETOOLONG:
      return "ENAMETOOLONG";
    case ENOSYS:
      return "ENOSYS";
    case EAGAIN:
      return "EAGAIN";
    case EEXIST:
      return "EEXIST";
    case ENOTTY:
      return "ENOTTY";
    case ENOTDIR:
      return "ENOTDIR";
    default:
      return "E?";
  }
}

/* Reports a call that should fail: its errno, or the value if it succeeded. */
static void report(const char* name, long ret) {
  if (ret == -1) {
    int e = errno;
    printf("%s.%s: -%s (%d)\n", group, name, errno_name(e), e);
  } else {
    printf("%s.%s: returned %ld\n", group, name, ret);
  }
  fflush(stdout);
}

/* A page-aligned mapping of `pages` pages with protection prot. */
static char* map_pages(int pages, int prot) {
  void* p = mmap(NULL, (size_t)pages * 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("mmap");
    exit(3);
  }
  return p;
}

static void group_write(void) {
  report("unmapped", syscall(SYS_write, 1, WILD, 10));
  report("null", syscall(SYS_write, 1, 0, 10));
  report("null_len0", syscall(SYS_write, 1, 0, 0));
  report("wraps_around", syscall(SYS_write, 1, TOP_PAGE, 0x2000));
  report("huge_len", syscall(SYS_write, 1, kReadOnly, 1ULL << 62));
  char* none = map_pages(1, PROT_NONE);
  report("prot_none", syscall(SYS_write, 1, none, 10));
  /* A buffer whose second half is unmapped, written to a pipe: Linux fails
   * the whole write (a regular file would take the first half: see
   * syscall_edges.c, checked against the host). */
  char* two = map_pages(2, PROT_READ | PROT_WRITE);
  munmap(two + 4096, 4096);
  memset(two, 'x', 4096);
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) abort();
  report("crosses_into_unmapped", syscall(SYS_write, pipe_fds[1], two + 4096 - 8, 16));
  struct iovec iov[2] = {{(void*)WILD, 4}, {(void*)kReadOnly, 4}};
  report("writev_bad_base", syscall(SYS_writev, 1, iov, 2));
  report("writev_bad_iov", syscall(SYS_writev, 1, WILD, 2));
  static struct iovec many[2000];
  report("writev_too_many", syscall(SYS_writev, 1, many, 2000));
  report("writev_negative_count", syscall(SYS_writev, 1, many, -1));
}

static void group_read(void) {
  int fds[2];
  if (pipe(fds) != 0) {
    perror("pipe");
    exit(3);
  }
  if (write(fds[1], "0123456789", 10) != 10) exit(3);
  report("into_rodata", syscall(SYS_read, fds[0], kReadOnly, 3));
  report("into_unmapped", syscall(SYS_read, fds[0], WILD, 3));
  report("into_null", syscall(SYS_read, fds[0], 0, 3));
  char* none = map_pages(1, PROT_NONE);
  report("into_prot_none", syscall(SYS_read, fds[0], none, 3));
  char* ro = map_pages(1, PROT_READ);
  report("into_prot_read", syscall(SYS_read, fds[0], ro, 3));
  struct iovec iov[1] = {{(void*)kReadOnly, 4}};
  report("readv_into_rodata", syscall(SYS_readv, fds[0], iov, 1));
  char good[4] = {0};
  report("bad_fd", syscall(SYS_read, 12345, good, 3));
  report("len0_unmapped", syscall(SYS_read, fds[0], WILD, 0));
  long n = syscall(SYS_read, fds[0], good, 3);
  printf("%s.still_readable: %ld\n", group, n);
}

static void group_path(void) {
  report("openat_unmapped", syscall(SYS_openat, AT_FDCWD, WILD, O_RDONLY));
  report("openat_null", syscall(SYS_openat, AT_FDCWD, 0, O_RDONLY));
  /* A path with no terminating NUL before an unmapped page. */
  char* two = map_pages(2, PROT_READ | PROT_WRITE);
  munmap(two + 4096, 4096);
  memset(two, 'a', 4096);
  report("openat_unterminated", syscall(SYS_openat, AT_FDCWD, two + 4096 - 100, O_RDONLY));
  report("faccessat_unmapped", syscall(SYS_faccessat, AT_FDCWD, WILD, F_OK));
  report("mkdirat_unmapped", syscall(SYS_mkdirat, AT_FDCWD, WILD, 0700));
  report("unlinkat_unmapped", syscall(SYS_unlinkat, AT_FDCWD, WILD, 0));
  report("chdir_unmapped", syscall(SYS_chdir, WILD));
  report("readlinkat_unmapped_path", syscall(SYS_readlinkat, AT_FDCWD, WILD, kReadOnly, 10));
  report("readlinkat_exe_into_unmapped", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", WILD, 100));
  static char long_path[6000];
  memset(long_path, 'a', sizeof long_path - 1);
  report("openat_too_long", syscall(SYS_openat, AT_FDCWD, long_path, O_RDONLY));
  report("openat_missing", syscall(SYS_openat, AT_FDCWD, "/nonexistent/vm-cli-test", O_RDONLY));
}

static void group_stat(void) {
  struct stat st;
  report("newfstatat_unmapped_path", syscall(SYS_newfstatat, AT_FDCWD, WILD, &st, 0));
  report("newfstatat_unmapped_buf", syscall(SYS_newfstatat, AT_FDCWD, "/", WILD, 0));
  report("newfstatat_rodata_buf", syscall(SYS_newfstatat, AT_FDCWD, "/", kReadOnly, 0));
  report("fstat_unmapped_buf", syscall(SYS_fstat, 1, WILD));
  report("statx_unmapped_buf", syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, WILD));
  report("newfstatat_ok", syscall(SYS_newfstatat, AT_FDCWD, "/", &st, 0));
}

static void group_getcwd(void) {
  char buf[4096];
  report("unmapped", syscall(SYS_getcwd, WILD, 4096));
  report("null", syscall(SYS_getcwd, 0, 4096));
  report("rodata", syscall(SYS_getcwd, kReadOnly, sizeof kReadOnly));
  report("size_1", syscall(SYS_getcwd, buf, 1));
  report("size_0", syscall(SYS_getcwd, buf, 0));
  long n = syscall(SYS_getcwd, buf, sizeof buf);
  printf("%s.ok: %s\n", group, n > 0 && (size_t)n == strlen(buf) + 1 ? "length matches" : "WRONG");
}

static void group_mmap(void) {
  const int prot = PROT_READ | PROT_WRITE;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS;
  long r;
  r = syscall(SYS_mmap, 0, 1ULL << 62, prot, flags, -1, 0);
  report("len_2^62", r == -1 ? -1 : 0);
  r = syscall(SYS_mmap, 0, ~0ULL, prot, flags, -1, 0);
  report("len_max", r == -1 ? -1 : 0);
  r = syscall(SYS_mmap, 0, ~0ULL - 4096 * 2, prot, flags, -1, 0);
  report("len_max_minus_2_pages", r == -1 ? -1 : 0);
  report("len_0", syscall(SYS_mmap, 0, 0, prot, flags, -1, 0));
  report("fixed_misaligned", syscall(SYS_mmap, WILD + 1, 4096, prot, flags | MAP_FIXED, -1, 0));
  report("bad_fd", syscall(SYS_mmap, 0, 4096, prot, MAP_PRIVATE, 12345, 0));
  report("munmap_misaligned", syscall(SYS_munmap, WILD + 1, 4096));
  report("munmap_len_0", syscall(SYS_munmap, WILD, 0));
  report("munmap_wraps", syscall(SYS_munmap, TOP_PAGE, 0x2000));
  char* hole = map_pages(1, PROT_READ);
  munmap(hole, 4096);
  report("munmap_unmapped", syscall(SYS_munmap, hole, 4096));
  report("mprotect_unmapped", syscall(SYS_mprotect, WILD, 4096, PROT_READ));
  report("mremap_unmapped", syscall(SYS_mremap, WILD, 4096, 8192, MREMAP_MAYMOVE));
  /* The allocator still works after all that. */
  char* p = malloc(1 << 20);
  memset(p, 1, 1 << 20);
  printf("%s.malloc_after: %s\n", group, p != NULL && p[12345] == 1 ? "ok" : "WRONG");
  free(p);
}

static void group_misc(void) {
  report("uname_unmapped", syscall(SYS_uname, WILD));
  report("clock_gettime_unmapped", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, WILD));
  report("clock_gettime_rodata", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, kReadOnly));
  report("clock_gettime_bad_clock", syscall(SYS_clock_gettime, 12345, &(struct timespec){0}));
  report("gettimeofday_unmapped", syscall(SYS_gettimeofday, WILD, 0));
  report("pipe2_unmapped", syscall(SYS_pipe2, WILD, 0));
  report("getrandom_unmapped", syscall(SYS_getrandom, WILD, 16, 0));
  report("rt_sigaction_unmapped", syscall(SYS_rt_sigaction, SIGUSR1, WILD, 0, 8));
  report("rt_sigaction_bad_sigsetsize", syscall(SYS_rt_sigaction, SIGUSR1, 0, &(char[64]){0}, 4));
  report("rt_sigprocmask_unmapped", syscall(SYS_rt_sigprocmask, SIG_BLOCK, WILD, 0, 8));
  report("futex_unmapped", syscall(SYS_futex, WILD, 0 /* FUTEX_WAIT */, 0, 0, 0, 0));
  report("sysinfo_unmapped", syscall(SYS_sysinfo, WILD));
  report("prlimit64_unmapped", syscall(SYS_prlimit64, 0, RLIMIT_STACK, 0, WILD));
  report("sched_getaffinity_unmapped", syscall(SYS_sched_getaffinity, 0, 128, WILD));
  long brk0 = syscall(SYS_brk, 0);
  long brk_wild = syscall(SYS_brk, ~0ULL);
  printf("%s.brk_absurd: %s\n", group, brk_wild == brk0 ? "unchanged" : "CHANGED");
}

/* Cases where vm answered differently from Linux when these tests were
 * written (kept apart so the other groups stay green). */
static void group_edge(void) {
  char buf[64];
  report("readlinkat_bufsiz_0", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, 0));
  report("mprotect_wraps", syscall(SYS_mprotect, TOP_PAGE, 0x2000, PROT_READ));
  int fd = open("/dev/null", O_RDWR);
  report("ioctl_tcgets_not_a_tty_unmapped", syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, WILD));
}

int main(int argc, char** argv) {
  static const struct {
    const char* name;
    void (*run)(void);
  } groups[] = {{"write", group_write},   {"read", group_read}, {"path", group_path}, {"stat", group_stat},
                {"getcwd", group_getcwd}, {"mmap", group_mmap}, {"misc", group_misc}, {"edge", group_edge}};
  for (int i = 1; i < argc; ++i) {
    int found = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; ++g) {
      if (strcmp(argv[i], groups[g].name) == 0) {
        group = groups[g].name;
        groups[g].run();
        found = 1;
      }
    }
    if (!found) {
      fprintf(stderr, "unknown group '%s'\n", argv[i]);
      return 2;
    }
  }
  puts("done");
  return 0;
}
