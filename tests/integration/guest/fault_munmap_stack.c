/* Unmaps the part of its own stack that holds main's frame, then returns
 * from main: the return address is reloaded from unmapped memory, so the guest
 * dies with SIGSEGV (139) - but vm itself must not crash.
 * The range unmapped runs from a page below the current frame up to the page
 * holding the environment strings, which is inside the initial stack mapping
 * under both Linux and vm. */
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  static const char msg[] = "unmapping the stack\n";
  syscall(SYS_write, 1, msg, sizeof msg - 1);
  volatile char local = 0;
  const char* top = argv[argc - 1];
  for (char** e = environ; *e != NULL; ++e) {
    if (*e > top) top = *e;
  }
  uintptr_t lo = ((uintptr_t)&local & ~(uintptr_t)4095) - 4096;
  uintptr_t hi = ((uintptr_t)top + strlen(top) + 1 + 4095) & ~(uintptr_t)4095;
  long r = syscall(SYS_munmap, lo, hi - lo);
  static const char ok[] = "munmap returned 0\n";
  static const char bad[] = "munmap failed\n";
  if (r == 0) {
    syscall(SYS_write, 1, ok, sizeof ok - 1);
  } else {
    syscall(SYS_write, 1, bad, sizeof bad - 1);
  }
  return (int)local;
}
