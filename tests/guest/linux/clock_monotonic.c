/* Time-independent clock checks: clock_gettime(CLOCK_MONOTONIC/REALTIME)
 * succeed, values are normalised and monotonic; gettimeofday and time()
 * agree roughly with CLOCK_REALTIME. Prints only "ok"/"bad" results. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static int le(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

int main(void) {
    struct timespec prev, cur;
    int ok = clock_gettime(CLOCK_MONOTONIC, &prev) == 0;
    int mono = 1, norm = 1;
    volatile unsigned long spin = 0;
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 100; k++) spin += (unsigned long)k;
        if (clock_gettime(CLOCK_MONOTONIC, &cur) != 0) ok = 0;
        if (!le(&prev, &cur)) mono = 0;
        if (cur.tv_nsec < 0 || cur.tv_nsec >= 1000000000L) norm = 0;
        prev = cur;
    }
    printf("clock_gettime MONOTONIC: %s\n", ok ? "ok" : "bad");
    printf("monotonic: %s\n", mono ? "ok" : "bad");
    printf("normalised: %s\n", norm ? "ok" : "bad");

    struct timespec rt;
    printf("clock_gettime REALTIME: %s\n", clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec > 1500000000 ? "ok" : "bad");
    struct timeval tv;
    int g = gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    long d1 = (long)(tv.tv_sec - rt.tv_sec), d2 = (long)(t - rt.tv_sec);
    printf("gettimeofday: %s\n", g == 0 && d1 >= 0 && d1 < 100 && tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "ok" : "bad");
    /* time() may read a coarse clock (glibc's vDSO path under qemu-riscv64) that
     * lags CLOCK_REALTIME by up to a tick: just after a second boundary it is
     * one second behind. */
    printf("time: %s\n", d2 >= -1 && d2 < 100 ? "ok" : "bad");
    struct timespec res;
    printf("clock_getres MONOTONIC: %s\n",
           clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000 ? "ok"
                                                                                                                : "bad");
    struct timespec before, after, req = {0, 2000000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    int ns = nanosleep(&req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    long el = (after.tv_sec - before.tv_sec) * 1000000000L + (after.tv_nsec - before.tv_nsec);
    printf("nanosleep 2ms: %s\n", ns == 0 && el >= 2000000 ? "ok" : "bad");
    struct timespec cpu;
    printf("CLOCK_PROCESS_CPUTIME_ID: %s\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 ? "ok" : "bad");
    return 0;
}
