/* Signals ignored when the program starts (exec keeps SIG_IGN): the test
 * runs it with SIGUSR1 and SIGTSTP ignored. It raises SIGTSTP, which must
 * not stop it. */
#include <signal.h>
#include <stdio.h>

static const char *disposition(int sig) {
    struct sigaction action;
    sigaction(sig, NULL, &action);
    return action.sa_handler == SIG_IGN ? "ignored" : action.sa_handler == SIG_DFL ? "default" : "handled";
}

int main(void) {
    printf("SIGUSR1 %s, SIGTSTP %s, SIGTERM %s\n", disposition(SIGUSR1), disposition(SIGTSTP),
           disposition(SIGTERM));
    fflush(stdout);
    raise(SIGTSTP);
    printf("after raise(SIGTSTP)\n");
    return 0;
}
