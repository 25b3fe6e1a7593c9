/* Signal delivery at its edges, as Linux does it: several pending signals
 * (a fault's kind first, then the lowest, real-time ones queued, each frame
 * on the last), SA_RESETHAND keeping the flags, sigaltstack's rules, a frame
 * that cannot be written and an rt_sigreturn without a frame (both SIGSEGV
 * with SI_KERNEL, which a handler may catch), a blocked timer signal that
 * does not cut a sleep short, a timeout too large to add up, and sigqueue's
 * value. Diffed against qemu-riscv64. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char order[256];
static int order_len;
static sigjmp_buf back;
static volatile int segv_code, alarms, queued_value, queued_code;
static volatile int alt_flags_in_handler, alt_change_in_handler;

static void note(int sig) { order_len += snprintf(order + order_len, sizeof order - order_len, "[%d]", sig); }

static void on_segv(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    segv_code = info->si_code;
    siglongjmp(back, 1);
}

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void on_queue(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    queued_value = info->si_value.sival_int;
    queued_code = info->si_code;
}

static void on_alt(int sig) {
    (void)sig;
    stack_t now, other = {.ss_sp = order, .ss_size = 65536};
    sigaltstack(NULL, &now);
    alt_flags_in_handler = now.ss_flags;
    alt_change_in_handler = sigaltstack(&other, NULL) == 0 ? 0 : errno;
}

static void set(int sig, void (*handler)(int), void (*action)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    if (action) {
        sa.sa_sigaction = action;
        flags |= SA_SIGINFO;
    } else {
        sa.sa_handler = handler;
    }
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    /* Several pending signals, delivered when unblocked. */
    int sigs[] = {SIGUSR1, SIGUSR2, SIGTERM, SIGRTMIN, SIGRTMIN + 1, SIGSEGV};
    for (int i = 0; i < 6; i++) set(sigs[i], note, NULL, 0);
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    raise(SIGTERM);
    raise(SIGUSR2);
    raise(SIGUSR1);
    raise(SIGRTMIN + 1);
    raise(SIGRTMIN);
    raise(SIGRTMIN);
    raise(SIGSEGV);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("handlers ran, last delivered first: %s\n", order);

    /* SA_RESETHAND resets the handler only. */
    struct sigaction sa, now;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    sigaction(SIGHUP, &sa, NULL);
    raise(SIGHUP);
    sigaction(SIGHUP, NULL, &now);
    printf("after SA_RESETHAND: default=%d flags=%#x usr2_in_mask=%d\n", now.sa_handler == SIG_DFL,
           (unsigned)now.sa_flags, sigismember(&now.sa_mask, SIGUSR2));

    /* sigaltstack's rules. */
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = 1024}, q;
    errno = 0;
    printf("too small: %d %s\n", sigaltstack(&ss, NULL), strerror(errno));
    ss.ss_size = sizeof alt;
    ss.ss_flags = 77;
    errno = 0;
    printf("bad flags: %d %s\n", sigaltstack(&ss, NULL), strerror(errno));
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    sigaltstack(NULL, &q);
    printf("disabled: flags=%d sp_null=%d size=%zu\n", q.ss_flags, q.ss_sp == NULL, q.ss_size);
    ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    set(SIGUSR1, on_alt, NULL, SA_ONSTACK);
    raise(SIGUSR1);
    printf("in a handler on it: flags=%d, changing it: %s\n", alt_flags_in_handler,
           strerror(alt_change_in_handler));

    /* A handler's frame that cannot be written: SIGSEGV, caught. */
    char *gone = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 65536);
    stack_t unmapped = {.ss_sp = gone, .ss_size = 65536};
    sigaltstack(&unmapped, NULL);
    set(SIGSEGV, NULL, on_segv, 0);
    set(SIGUSR1, note, NULL, SA_ONSTACK);
    if (sigsetjmp(back, 1) == 0) {
        raise(SIGUSR1);
        printf("not reached\n");
    }
    printf("frame on an unmapped stack: SIGSEGV code=%d\n", segv_code);

    /* rt_sigreturn with no frame at sp: SIGSEGV, caught on the alternate stack. */
    sigaltstack(&ss, NULL);
    set(SIGSEGV, NULL, on_segv, SA_ONSTACK);
    segv_code = 0;
    if (sigsetjmp(back, 1) == 0) {
        __asm__ volatile("mv sp, %0\n li a7, 139\n ecall\n" ::"r"((unsigned long)gone + 4096) : "memory");
    }
    printf("rt_sigreturn without a frame: SIGSEGV code=%d\n", segv_code);

    /* A blocked SIGALRM does not cut a sleep short; it waits. */
    sigset_t alrm;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrm, NULL);
    struct itimerval soon = {{0, 0}, {0, 5000}};
    setitimer(ITIMER_REAL, &soon, NULL);
    struct timespec nap = {0, 30000000};
    int r = nanosleep(&nap, NULL);
    sigset_t pending;
    sigpending(&pending);
    printf("sleep with SIGALRM blocked: %d, pending=%d\n", r, sigismember(&pending, SIGALRM));
    set(SIGALRM, on_alarm, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &alrm, NULL);
    printf("unblocked: alarms=%d\n", alarms);

    /* A timeout too large to add to the clock: the timer still ends the wait. */
    setitimer(ITIMER_REAL, &soon, NULL);
    struct timespec forever = {LONG_MAX, 0};
    errno = 0;
    r = ppoll(NULL, 0, &forever, NULL);
    printf("ppoll for ever: %d %s alarms=%d\n", r, strerror(errno), alarms);

    /* Ignoring a real-time signal drops every queued one. */
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &rt, NULL);
    for (int i = 0; i < 3; i++) raise(SIGRTMIN + 3);
    signal(SIGRTMIN + 3, SIG_IGN);
    order_len = 0;
    order[0] = 0;
    set(SIGRTMIN + 3, note, NULL, 0);
    raise(SIGRTMIN + 3);
    sigprocmask(SIG_UNBLOCK, &rt, NULL);
    printf("after SIG_IGN, one sent: %s\n", order);

    /* sigqueue: the value arrives with SI_QUEUE. */
    set(SIGRTMIN + 2, NULL, on_queue, 0);
    union sigval v = {.sival_int = 4242};
    sigqueue(getpid(), SIGRTMIN + 2, v);
    printf("sigqueue: value=%d code=%d\n", queued_value, queued_code);
    return 0;
}
