/* Stores into a string literal (a read-only page): SIGSEGV (139). */
#include <stdio.h>

int main(void) {
  puts("before store to rodata");
  fflush(stdout);
  const char* text = "read-only string literal";
  __asm__ volatile("" : "+r"(text)); /* hide the literal from the optimiser */
  *(volatile char*)text = 'R';
  puts("not reached");
  return 0;
}
