/* A guest that signals itself: kill(getpid(), SIGTERM), with no handler, ends
 * it with SIGTERM's default action (status 128 + 15) after what it printed;
 * SIGCHLD's default action ignores it, and kill returns 0.
 * The kill wrapper runs 2,000 times first with signal 0 (no signal: only a
 * check), so under the JIT the fatal call is made from translated code, by
 * the engine's own system-call path, not only from the interpreter's. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile int zero_signal;  /* 0, but the compiler cannot fold the calls */

int main(void) {
    const pid_t self = getpid();
    long sum = 0;
    for (int i = 0; i < 2000; i++) sum += kill(self, zero_signal);
    printf("kill(self, 0) x2000 returned %ld in all\n", sum);
    printf("kill(self, SIGCHLD) returned %d\n", kill(self, SIGCHLD));
    fflush(stdout);
    kill(self, SIGTERM);
    printf("not reached\n");
    return 0;
}
