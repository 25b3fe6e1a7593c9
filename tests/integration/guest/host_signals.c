/* Signals sent to the vm process from outside reach the guest's handlers.
 * The test sends each one after the line before it appears: SIGUSR1 while
 * the program waits in pause(); SIGUSR2 (SA_RESTART) and SIGWINCH (ignored
 * by default) while it is blocked reading stdin, which must then go on
 * reading; SIGTERM while it loops without system calls. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, usr2, term, from_parent;

static void on_usr1(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    usr1++;
    from_parent = info->si_pid == getppid();
}

static void on_usr2(int sig) {
    (void)sig;
    usr2++;
}

static void on_term(int sig) {
    (void)sig;
    term = 1;
}

static void say(const char *line) {
    printf("%s\n", line);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "compute_then_read") == 0) {
        /* SIGTERM (default action) arrives while this computes, before the
         * read that would wait for ever: it must end the program at once. */
        say("computing");
        for (volatile long i = 0; i < 300000000; i++) {
        }
        char byte;
        return (int)read(0, &byte, 1);
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_usr1;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &action, NULL);
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr2;
    action.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &action, NULL);
    signal(SIGTERM, on_term);

    say("ready");
    while (usr1 == 0) pause();
    printf("SIGUSR1 %d, from the parent %d\n", usr1, from_parent);
    say("reading");
    char buf[64];
    long n = read(0, buf, sizeof buf);
    printf("read %ld bytes after %d SIGUSR2\n", n, usr2);
    say("looping");
    while (!term) {
        for (volatile int i = 0; i < 100000; i++) {
        }
    }
    say("SIGTERM in a loop without system calls");
    return 3;
}
