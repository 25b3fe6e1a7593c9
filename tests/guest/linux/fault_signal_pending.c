/* Signals a process sends itself: an ignored one is discarded, a blocked one
 * waits (sigpending shows it) until it is unblocked, and ignoring it while it
 * waits discards it. Another pid is not the guest's to signal. The program
 * ends killed by the SIGTERM it left pending, once unblocked (status 143). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show_pending(const char *when) {
    sigset_t pending;
    sigemptyset(&pending);
    int r = sigpending(&pending);
    printf("%s: sigpending=%d USR1=%d USR2=%d TERM=%d\n", when, r, sigismember(&pending, SIGUSR1),
           sigismember(&pending, SIGUSR2), sigismember(&pending, SIGTERM));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* A pid above any pid_max: no such process, nothing sent. */
    errno = 0;
    printf("kill(INT_MAX, SIGTERM) = %d (%s)\n", kill(INT_MAX, SIGTERM), strerror(errno));
    printf("kill(getppid(), 0) = %d\n", kill(getppid(), 0));
    printf("kill(getpid(), 0) = %d\n", kill(getpid(), 0));

    signal(SIGUSR1, SIG_IGN);
    printf("raise(SIGUSR1) ignored = %d\n", raise(SIGUSR1));

    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    printf("raise(SIGUSR2) blocked = %d\n", raise(SIGUSR2));
    show_pending("USR2 blocked");
    signal(SIGUSR2, SIG_IGN); /* discards the pending one */
    show_pending("USR2 ignored");
    sigprocmask(SIG_UNBLOCK, &usr2, NULL);
    printf("survived unblocking the discarded SIGUSR2\n");

    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    printf("raise(SIGTERM) blocked = %d\n", raise(SIGTERM));
    show_pending("TERM blocked");
    sigprocmask(SIG_UNBLOCK, &term, NULL); /* delivered here: the default action ends the process */
    printf("not reached\n");
    return 0;
}
