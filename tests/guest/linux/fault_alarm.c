/* An interval timer (setitimer ITIMER_REAL, what alarm() uses): an expiry
 * while SIGALRM is ignored changes nothing, and one with the default action
 * ends a loop that makes no system call (status 142). */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile unsigned long spins;

static void spin(double seconds) {
    double end = now() + seconds;
    while (now() < end)
        for (int i = 0; i < 10000; i++) spins++;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct itimerval current;
    getitimer(ITIMER_REAL, &current);
    printf("idle timer: %ld.%06ld\n", (long)current.it_value.tv_sec, (long)current.it_value.tv_usec);

    struct itimerval soon = {{0, 0}, {0, 50000}}; /* 50 ms, once */
    signal(SIGALRM, SIG_IGN);
    printf("setitimer = %d\n", setitimer(ITIMER_REAL, &soon, NULL));
    getitimer(ITIMER_REAL, &current);
    printf("armed: %s\n", current.it_value.tv_sec == 0 && current.it_value.tv_usec > 0 ? "yes" : "no");
    spin(0.2);
    printf("survived an ignored SIGALRM\n");

    signal(SIGALRM, SIG_DFL);
    setitimer(ITIMER_REAL, &soon, NULL);
    for (unsigned long i = 0; i < 100000000000ul; i++) spins++; /* no system call: minutes */
    printf("the timer never fired\n");
    return 1;
}
