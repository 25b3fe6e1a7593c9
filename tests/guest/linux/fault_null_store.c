/* Stores to address 0: the guest must die with SIGSEGV. Output written
 * before the fault (flushed) must appear; the exit status is 128+11. */
#include <stdio.h>

int main(void) {
    printf("before fault\n");
    fflush(stdout);
    volatile int *volatile p = NULL; /* opaque NULL, volatile store */
    *p = 42;
    printf("not reached\n");
    return 0;
}
