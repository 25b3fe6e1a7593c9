/* __builtin_trap() is `ebreak` on RISC-V: the guest dies with SIGTRAP (133). */
#include <stdio.h>

int main(void) {
  puts("before ebreak");
  fflush(stdout);
  __builtin_trap();
}
