/* futex with one thread: waits last until their timeout (relative, or an
 * absolute time on either clock) or a signal the program takes; a handler
 * with SA_RESTART resumes an untimed wait, one without makes it fail with
 * EINTR. The errors of bad requests, and glibc's semaphores and condition
 * variables built on it. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static sem_t sem;
static uint32_t word;
static volatile sig_atomic_t alarms;

static long futex(void *addr, int op, uint32_t val, const struct timespec *timeout, uint32_t bits) {
    return syscall(SYS_futex, addr, op, val, timeout, NULL, bits);
}

static long ms_since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void show(const char *what, long r) { printf("%-40s %s\n", what, r < 0 ? strerror(errno) : "0"); }

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
    sem_post(&sem);
    word = 1;
}

static void alarm_in(long ms, int restart) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    action.sa_flags = restart ? SA_RESTART : 0;
    sigaction(SIGALRM, &action, NULL);
    struct itimerval t = {{0, 0}, {0, ms * 1000}};
    setitimer(ITIMER_REAL, &t, NULL);
}

int main(void) {
    struct timespec start, at;
    show("misaligned word", futex((char *)&word + 1, FUTEX_WAIT, 0, NULL, 0));
    void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    show("wait on an unreadable word", futex(hole, FUTEX_WAIT, 0, NULL, 0));
    show("wake on an unreadable word", futex(hole, FUTEX_WAKE, 1, NULL, 0));
    show("wake with no one waiting", futex(&word, FUTEX_WAKE, 1, NULL, 0));
    show("wait for a value the word does not hold", futex(&word, FUTEX_WAIT, 5, NULL, 0));
    show("FUTEX_WAIT_BITSET with no bits", futex(&word, FUTEX_WAIT_BITSET, 0, NULL, 0));
    show("an unknown operation", futex(&word, 99, 0, NULL, 0));

    struct timespec rel = {0, 30 * 1000000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    show("relative 30 ms", futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, 0));
    printf("  waited 30 ms or more: %d\n", ms_since(&start) >= 30);

    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 30 * 1000000;
    if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
    clock_gettime(CLOCK_MONOTONIC, &start);
    show("absolute, CLOCK_REALTIME", futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &at, ~0u));
    printf("  waited 30 ms or more: %d\n", ms_since(&start) >= 30);
    show("absolute, in the past", futex(&word, FUTEX_WAIT_BITSET, 0, &start, ~0u));

    alarm_in(30, 0);
    show("untimed, a handler without SA_RESTART", futex(&word, FUTEX_WAIT, 0, NULL, 0));
    word = 0;
    alarm_in(30, 1);
    show("untimed, a handler with SA_RESTART", futex(&word, FUTEX_WAIT, 0, NULL, 0));
    printf("  the word is now %u after %d alarms\n", word, alarms);

    sem_init(&sem, 0, 0);
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_nsec += 40 * 1000000;
    if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
    clock_gettime(CLOCK_MONOTONIC, &start);
    show("sem_timedwait, 40 ms", sem_timedwait(&sem, &at));
    printf("  waited 40 ms or more: %d\n", ms_since(&start) >= 40);
    alarm_in(30, 1);
    show("sem_wait, posted by a handler", sem_wait(&sem));

    pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_t cond;
    pthread_cond_init(&cond, &attr);
    clock_gettime(CLOCK_MONOTONIC, &at);
    start = at;
    at.tv_nsec += 40 * 1000000;
    if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
    pthread_mutex_lock(&mutex);
    int r = pthread_cond_timedwait(&cond, &mutex, &at);
    printf("%-40s %s\n", "pthread_cond_timedwait, 40 ms", strerror(r));
    printf("  waited 40 ms or more: %d\n", ms_since(&start) >= 40);
    pthread_mutex_unlock(&mutex);
    return 0;
}
