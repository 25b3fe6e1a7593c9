/* SIGPIPE, which the host kernel raises on the VMM when the guest writes to
 * a pipe without readers: ignored, the write fails with EPIPE; handled, the
 * handler runs too; blocked, it stays pending; with the default action it
 * ends the program (status 141). The VMM used to die of it in every case. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t pipes;

static void on_pipe(int sig) {
    (void)sig;
    pipes++;
}

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    close(fds[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    long r = write(fds[1], "x", 1);
    printf("ignored: write %ld (%s)\n", r, strerror(errno));

    signal(SIGPIPE, on_pipe);
    errno = 0;
    r = write(fds[1], "x", 1);
    printf("handled: write %ld (%s), handler ran %d time(s)\n", r, strerror(errno), pipes);

    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigprocmask(SIG_BLOCK, &block, NULL);
    r = write(fds[1], "x", 1);
    sigset_t pending;
    sigpending(&pending);
    printf("blocked: write %ld, SIGPIPE pending %d\n", r, sigismember(&pending, SIGPIPE));
    signal(SIGPIPE, SIG_IGN);  /* discards the pending one */
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("unblocked after SIG_IGN: handler ran %d time(s)\n", pipes);

    signal(SIGPIPE, SIG_DFL);
    fflush(stdout);
    r = write(fds[1], "x", 1);
    printf("not reached: %ld\n", r);
    return 0;
}
