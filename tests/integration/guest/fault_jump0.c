/* Calls address 0: the instruction fetch faults, the guest dies with SIGSEGV (139). */
#include <stdio.h>

typedef void (*fn_t)(void);

int main(void) {
  puts("before jump to 0");
  fflush(stdout);
  fn_t volatile target = (fn_t)0;
  target();
  puts("not reached");
  return 0;
}
