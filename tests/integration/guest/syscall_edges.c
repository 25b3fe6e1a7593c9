/* System calls at their edges, built for riscv64 and for the host: under
 * vm, the program must print what it prints natively (the test compares
 * the two). Buffers that run into unmapped memory (Linux moves what it can
 * to or from a regular file, fails a pipe's whole), vectors, counts whose
 * high bits the kernel drops, read-only buffers, clocks, limits, kill,
 * ioctl and futex errors. Run in a scratch directory (the last argument).
 * Written by an adversarial review, kept as found. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/futex.h>
#include <signal.h>
#include <time.h>
#define T(expr) do { errno=0; long r=(long)(expr); printf("%-70s -> %ld %s\n", #expr, r, r<0?strerror(errno):""); } while(0)
int main(int argc, char **argv){
  if (argc < 2 || chdir(argv[argc - 1]) != 0) return 2;
  char *two = mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
  munmap(two+4096, 4096);
  char *edge = two + 4096 - 100;   /* 100 valid bytes then a hole */
  memset(two, 'x', 4096);
  int fd = open("data", O_RDWR|O_CREAT|O_TRUNC, 0644);
  char big[8192]; memset(big,'y',sizeof big); write(fd, big, sizeof big); lseek(fd,0,SEEK_SET);
  T(read(fd, edge, 4096));
  T(lseek(fd, 0, SEEK_CUR));
  T(write(fd, edge, 4096));
  int pf[2]; pipe(pf);
  T(write(pf[1], edge, 4096));
  struct iovec iov[2] = {{big, 10}, {(void*)0x10, 10}};
  T(readv(fd, iov, 2));
  T(writev(pf[1], iov, 2));
  struct iovec many[1100]; for (int i=0;i<1100;i++){ many[i].iov_base=big; many[i].iov_len=1; }
  T(writev(pf[1], many, 1024));
  T(writev(pf[1], many, 1025));
  T(syscall(SYS_writev, pf[1], many, -1));
  struct iovec neg[2] = {{big, (size_t)-1 / 2 + 1}, {big, 1}};
  T(writev(pf[1], neg, 1));
  struct iovec ovf[2] = {{big, (size_t)-1 / 4}, {big, (size_t)-1 / 4}};
  T(writev(pf[1], ovf, 2));
  mkdir("empty", 0755);
  int d = open("empty", O_RDONLY|O_DIRECTORY);
  T(syscall(SYS_getdents64, d, big, 1));
  T(syscall(SYS_getdents64, d, big, 0x100000000UL + 4096));
  (void)!symlink("a-target-of-26-characters", "link");
  T(syscall(SYS_readlinkat, AT_FDCWD, "link", big, 0x100000000UL + 16));
  T(syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", big, 0));
  T(syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", big, 3));
  T(syscall(SYS_getcwd, big, 0));
  T(syscall(SYS_getcwd, big, 1));
  T(syscall(SYS_getcwd, NULL, 100));
  char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
  T(syscall(SYS_uname, ro));
  T(syscall(SYS_sysinfo, ro));
  T(syscall(SYS_getrandom, ro, 16, 0));
  T(syscall(SYS_getrandom, edge, 4096, 0));
  T(syscall(SYS_getrandom, big, 16, 0x80));
  T(syscall(SYS_clock_gettime, 12345, big));
  T(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){0,1}, 0));
  T(syscall(SYS_clock_nanosleep, CLOCK_REALTIME, 0x7fffffff, &(struct timespec){0,1}, 0));
  T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){0,1000000000}, 0));
  T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){-1,0}, 0));
  T(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &(struct timespec){0,0}, 0));
  T(syscall(SYS_clock_nanosleep, CLOCK_BOOTTIME_ALARM, 0, &(struct timespec){0,1}, 0));
  struct rlimit64 rl;
  T(syscall(SYS_prlimit64, getppid(), RLIMIT_NOFILE, 0, &rl));
  T(syscall(SYS_prlimit64, 999999, RLIMIT_NOFILE, 0, &rl));
  T(syscall(SYS_prlimit64, 0, 100, 0, &rl));
  T(syscall(SYS_prlimit64, 0, 100, &rl, 0));
  struct rlimit64 bad = {100, 10};
  T(syscall(SYS_prlimit64, 0, RLIMIT_CORE, &bad, 0));
  T(syscall(SYS_kill, -1, 0));
  T(syscall(SYS_kill, 0x80000000L, 0));
  T(syscall(SYS_kill, 999999, 0));
  T(syscall(SYS_kill, 1, 0));
  T(syscall(SYS_tgkill, getpid(), 999999, 0));
  T(syscall(SYS_tgkill, 999999, getpid(), 0));
  T(syscall(SYS_tkill, getpid(), 0));
  int n;
  write(pf[1], "abc", 3);
  T(ioctl(pf[0], FIONREAD, &n));
  T(ioctl(pf[0], FIONBIO, &(int){1}));
  T(ioctl(pf[0], TCGETS, big));
  T(ioctl(999, FIONREAD, &n));
  T(ioctl(999, TCGETS, big));
  T(ioctl(fd, 0xdeadbeef, 0));
  T(syscall(SYS_futex, (void*)0x10, FUTEX_WAIT, 0, 0));
  T(syscall(SYS_futex, (void*)0x10, FUTEX_WAKE, 1, 0));
  T(syscall(SYS_futex, big+1, FUTEX_WAIT, 0, 0));
  T(syscall(SYS_futex, big, 99, 0, 0));
  /* Memory requests (not the address-space limits: those differ between
   * x86-64's and riscv64's). */
  char *pair = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mprotect(pair + 4096, 4096, PROT_READ);
  T(madvise(pair, 4096, 77));
  T(madvise(pair, 4096, MADV_WILLNEED));
  T(madvise(two, 8192, MADV_WILLNEED));
  T(madvise(two, 8192, MADV_DONTNEED));
  T(mmap(0, 4096, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
  T(mremap(pair, 0, 4096, 0) == MAP_FAILED ? -1 : 0);
  T(mremap(pair, 8192, 16384, MREMAP_MAYMOVE) == MAP_FAILED ? -1 : 0);
  T(munmap(pair, -1UL));
  T(mprotect(pair, 4096, PROT_READ | PROT_GROWSDOWN));
  char drain[65536];
  /* Whole pages of a pipe write, up to the one that faults. */
  T(read(pf[0], drain, sizeof drain));
  char *three = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(three + 2 * 4096, 4096);
  T(write(pf[1], three + 4096, 2 * 4096));
  T(write(pf[1], three, 3 * 4096));
  T(read(pf[0], drain, sizeof drain));
  return 0;
}
