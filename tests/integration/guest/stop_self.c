/* Job control: the guest stops itself with SIGSTOP and must stay stopped
 * until the test sends SIGCONT, whose handler then runs. A stop signal the
 * guest handles does not stop it, and generating one discards a pending
 * SIGCONT (and SIGCONT a pending stop), as on Linux. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t conts, tstps, cont_code, cont_from_parent;

static void on_cont(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    conts++;
    cont_code = info->si_code;
    cont_from_parent = info->si_pid == getppid();
}

static void on_tstp(int sig) {
    (void)sig;
    tstps++;
}

static int pending(int sig) {
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, sig);
}

int main(void) {
    struct sigaction action = {0};
    action.sa_sigaction = on_cont;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGCONT, &action, NULL);
    printf("stopping\n");
    fflush(stdout);
    kill(getpid(), SIGSTOP);
    printf("resumed: SIGCONT handled %d time(s), SI_USER %d, from the parent %d\n", conts,
           cont_code == SI_USER, cont_from_parent);

    signal(SIGTSTP, on_tstp);
    raise(SIGTSTP);
    printf("handled SIGTSTP: %d\n", tstps);

    sigset_t both;
    sigemptyset(&both);
    sigaddset(&both, SIGCONT);
    sigaddset(&both, SIGTSTP);
    sigprocmask(SIG_BLOCK, &both, NULL);
    raise(SIGCONT);
    int cont_before = pending(SIGCONT);
    raise(SIGTSTP);
    printf("SIGCONT pending %d, then after SIGTSTP %d\n", cont_before, pending(SIGCONT));
    raise(SIGCONT);
    printf("SIGTSTP pending after SIGCONT %d\n", pending(SIGTSTP));
    return 0;
}
