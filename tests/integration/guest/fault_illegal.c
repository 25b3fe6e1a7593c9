/* The all-zero word is an illegal instruction: the guest dies with SIGILL (132). */
#include <stdio.h>

int main(void) {
  puts("before illegal instruction");
  fflush(stdout);
  __asm__ volatile(".word 0");
  puts("not reached");
  return 0;
}
