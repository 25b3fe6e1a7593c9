/* Calls a function, unmaps the page holding its code, then calls it again:
 * the second call must fault (SIGSEGV, 139) even though the code was already
 * executed (and may sit in a decode cache). */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

__attribute__((noinline, aligned(4096), section(".text.victim"))) int victim(int x) { return x * 3 + 1; }

/* Keeps the page after victim's free of other code that main needs. */
__attribute__((used, aligned(4096), section(".text.victim"))) static void pad(void) {}

int main(void) {
  int (*volatile fn)(int) = victim;
  printf("first call: %d\n", fn(4));
  fflush(stdout);
  uintptr_t page = (uintptr_t)victim & ~(uintptr_t)4095;
  int r = munmap((void*)page, 4096);
  printf("munmap: %d\n", r);
  fflush(stdout);
  printf("second call: %d\n", fn(5));
  return 0;
}
