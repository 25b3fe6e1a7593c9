/* Waits for a signal that never comes (glibc's pause is a ppoll on
 * riscv64): only Ctrl-C ends it. */
#include <unistd.h>

int main(void) {
    for (;;) pause();
}
