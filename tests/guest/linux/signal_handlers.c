/* Signal handlers: delivery and return (rt_sigreturn) for signals the
 * program raises, sends, blocks and unblocks, for its faults (SIGSEGV with
 * siglongjmp or a fix-up and retry, SIGILL skipped through the ucontext's
 * pc), on an alternate stack, with SA_NODEFER and SA_RESETHAND, for an
 * interval timer, around a blocking read (SA_RESTART), and in pause,
 * sigsuspend, sleep and poll; sigwaitinfo and sigtimedwait take signals
 * without a handler. Registers and the FP state must survive a handler.
 * Diffed against qemu-riscv64. */
#include <errno.h>
#include <fenv.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, depth, max_depth, alarms;
static char order[64];
static volatile int order_len;
static sigjmp_buf recover;
static char *guarded;
static char *alt_base;
static size_t alt_size;
static volatile int on_alt;
static volatile uintptr_t null_page = 16;

static void note(char c) {
    if (order_len < (int)sizeof order - 1) order[order_len++] = c;
}

static void on_usr1(int sig) { usr1_count += sig == SIGUSR1; }

static void on_info(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    printf("  info: sig=%d signo=%d code=%d pid_ok=%d uid_ok=%d mask_has_usr2=%d\n", sig, info->si_signo,
           info->si_code, info->si_pid == getpid(), info->si_uid == getuid(),
           sigismember(&uc->uc_sigmask, SIGUSR2));
}

static void on_masked(int sig) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    note(sigismember(&now, sig) ? 's' : '-'); /* the signal itself */
    note(sigismember(&now, SIGTERM) ? 'x' : '-');
    /* sa_mask is not printed: qemu-riscv64 7.2 does not apply it (Linux
     * does); tests/unit/linux/signals_test.cpp checks it. */
}

static void on_nested(int sig) {
    depth++;
    if (depth > max_depth) max_depth = depth;
    if (depth < 3) raise(sig); /* SA_NODEFER: delivered at once */
    depth--;
}

static void on_segv_jump(int sig, siginfo_t *info, void *context) {
    (void)context;
    printf("  SIGSEGV: sig=%d code=%d addr=%#lx\n", sig, info->si_code, (unsigned long)info->si_addr);
    siglongjmp(recover, 1);
}

static void on_segv_fix(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    printf("  SIGSEGV: code=%d at the guarded byte=%d\n", info->si_code, (char *)info->si_addr == guarded + 100);
    mprotect(guarded, 4096, PROT_READ | PROT_WRITE); /* the store is retried and succeeds */
}

static void on_ill(int sig, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    printf("  SIGILL: sig=%d code=%d addr_is_pc=%d\n", sig, info->si_code,
           (uintptr_t)info->si_addr == uc->uc_mcontext.__gregs[REG_PC]);
    uc->uc_mcontext.__gregs[REG_PC] += 4; /* skip the illegal instruction */
}

static void on_alt_stack(int sig) {
    (void)sig;
    char here;
    on_alt = &here > alt_base && &here < alt_base + alt_size;
}

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static int pipe_fds[2];
static void on_alarm_write(int sig) {
    (void)sig;
    if (write(pipe_fds[1], "x", 1) != 1) _exit(3);
}

static void on_fp(int sig) {
    (void)sig;
    fesetround(FE_TOWARDZERO);
    volatile double x = 1.0, y = 3.0;
    volatile double z = x / y; /* raises FE_INEXACT inside the handler only */
    (void)z;
}

static void set_handler(int sig, void (*handler)(int), int flags, int masked) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (masked) sigaddset(&sa.sa_mask, masked);
    sigaction(sig, &sa, NULL);
}

static void set_info_handler(int sig, void (*handler)(int, siginfo_t *, void *)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

__attribute__((noinline)) static long keep_registers(long seed) {
    /* Values live in callee-saved registers across the raise. */
    register long a = seed * 3, b = seed * 5, c = seed * 7, d = seed * 11;
    raise(SIGUSR1);
    __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    return a + b + c + d;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    set_handler(SIGUSR1, on_usr1, 0, 0);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("handler ran %d times\n", (int)usr1_count);
    printf("registers kept: %ld\n", keep_registers(1000));

    set_info_handler(SIGUSR2, on_info);
    printf("raise:\n");
    raise(SIGUSR2);
    printf("kill:\n");
    kill(getpid(), SIGUSR2);

    /* Blocked: delivered when unblocked, inside sigprocmask. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    usr1_count = 0;
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    raise(SIGUSR1);
    printf("while blocked: %d\n", (int)usr1_count);
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    printf("after unblocking: %d\n", (int)usr1_count);

    /* The handler runs with its signal blocked; the mask is the program's
     * own again once it returns. */
    set_handler(SIGUSR1, on_masked, 0, SIGUSR2);
    raise(SIGUSR1);
    sigset_t after;
    sigprocmask(SIG_BLOCK, NULL, &after);
    printf("mask in the handler: %s, after: usr1=%d usr2=%d\n", order, sigismember(&after, SIGUSR1),
           sigismember(&after, SIGUSR2));

    /* SA_NODEFER: the handler is re-entered. */
    set_handler(SIGUSR1, on_nested, SA_NODEFER, 0);
    raise(SIGUSR1);
    printf("nested depth: %d\n", (int)max_depth);

    /* SA_RESETHAND: one delivery, then the default action. */
    usr1_count = 0;
    set_handler(SIGUSR1, on_usr1, SA_RESETHAND, 0);
    raise(SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    printf("reset hand: ran %d, now default=%d\n", (int)usr1_count, now.sa_handler == SIG_DFL);

    /* Faults. */
    set_info_handler(SIGSEGV, on_segv_jump);
    if (sigsetjmp(recover, 1) == 0) {
        *(volatile int *)(uintptr_t)null_page = 1;
        printf("not reached\n");
    } else {
        printf("recovered from the null store\n");
    }
    guarded = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    set_info_handler(SIGSEGV, on_segv_fix);
    guarded[100] = 42;
    printf("store retried: %d\n", guarded[100]);

    set_info_handler(SIGILL, on_ill);
    __asm__ volatile(".word 0");
    printf("skipped the illegal instruction\n");

    /* An alternate stack. */
    alt_size = 64 * 1024;
    alt_base = malloc(alt_size);
    stack_t ss = {.ss_sp = alt_base, .ss_flags = 0, .ss_size = alt_size};
    sigaltstack(&ss, NULL);
    set_handler(SIGUSR1, on_alt_stack, SA_ONSTACK, 0);
    raise(SIGUSR1);
    printf("ran on the alternate stack: %d\n", (int)on_alt);

    /* The FP environment is the interrupted code's again after a handler. */
    set_handler(SIGUSR1, on_fp, 0, 0);
    fesetround(FE_UPWARD);
    feclearexcept(FE_ALL_EXCEPT);
    volatile double kept = 2.5;
    raise(SIGUSR1);
    printf("fp after handler: upward=%d inexact=%d kept=%.1f\n", fegetround() == FE_UPWARD,
           fetestexcept(FE_INEXACT) != 0, kept);
    fesetround(FE_TONEAREST);

    /* An interval timer's SIGALRM interrupts a loop without system calls. */
    set_handler(SIGALRM, on_alarm, 0, 0);
    struct itimerval tick = {.it_interval = {0, 5000}, .it_value = {0, 5000}};
    setitimer(ITIMER_REAL, &tick, NULL);
    while (alarms < 3) {
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("alarms: at least 3\n");

    /* A read cut short by a handler: restarted with SA_RESTART (it then
     * reads what the handler wrote), EINTR without. */
    if (pipe(pipe_fds) != 0) return 2;
    for (int restart = 1; restart >= 0; restart--) {
        set_handler(SIGALRM, on_alarm_write, restart ? SA_RESTART : 0, 0);
        struct itimerval once = {{0, 0}, {0, 20000}};
        setitimer(ITIMER_REAL, &once, NULL);
        char c = 0;
        errno = 0;
        ssize_t n = read(pipe_fds[0], &c, 1);
        printf("read with%s SA_RESTART: %zd %c %s\n", restart ? "" : "out", n, n > 0 ? c : '-',
               n < 0 ? strerror(errno) : "");
        if (n < 0 && read(pipe_fds[0], &c, 1) != 1) return 2; /* the handler's byte */
    }

    /* Waiting for a signal: pause, sigsuspend (with SIGALRM blocked
     * around it), a sleep cut short, and poll's own timeout. */
    set_handler(SIGALRM, on_alarm, 0, 0);
    alarms = 0;
    struct itimerval soon = {{0, 0}, {0, 10000}};
    setitimer(ITIMER_REAL, &soon, NULL);
    errno = 0;
    int r = pause();
    printf("pause: %d %s alarms=%d\n", r, strerror(errno), (int)alarms);

    sigset_t alrm, before_suspend, empty, now_mask;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &alrm, &before_suspend);
    setitimer(ITIMER_REAL, &soon, NULL);
    errno = 0;
    r = sigsuspend(&empty);
    sigprocmask(SIG_BLOCK, NULL, &now_mask);
    printf("sigsuspend: %d %s alarms=%d alrm_blocked_after=%d\n", r, strerror(errno), (int)alarms,
           sigismember(&now_mask, SIGALRM));
    sigprocmask(SIG_SETMASK, &before_suspend, NULL);

    setitimer(ITIMER_REAL, &soon, NULL);
    unsigned left = sleep(5);
    printf("sleep cut short: %d alarms=%d\n", left > 0 && left <= 5, (int)alarms);

    struct pollfd waiting = {.fd = pipe_fds[0], .events = POLLIN};
    printf("poll timeout: %d, at once: %d\n", poll(&waiting, 1, 20), poll(&waiting, 1, 0));
    if (write(pipe_fds[1], "y", 1) != 1) return 2;
    r = poll(&waiting, 1, 0);
    printf("poll at once, ready: %d revents=%#x\n", r, waiting.revents);
    waiting.revents = 0;
    r = poll(&waiting, 1, 1000);
    printf("poll ready: %d revents=%#x\n", r, waiting.revents);

    /* sigwaitinfo and sigtimedwait take blocked signals, no handler runs. */
    sigset_t wanted, before_wait;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGUSR1);
    sigaddset(&wanted, SIGALRM);
    sigprocmask(SIG_BLOCK, &wanted, &before_wait);
    usr1_count = 0;
    set_handler(SIGUSR1, on_usr1, 0, 0);
    raise(SIGUSR1);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    r = sigwaitinfo(&wanted, &si);
    printf("sigwaitinfo: %d code=%d pid_ok=%d handler=%d\n", r, si.si_code, si.si_pid == getpid(),
           (int)usr1_count);
    setitimer(ITIMER_REAL, &soon, NULL);
    r = sigwaitinfo(&wanted, &si);
    printf("sigwaitinfo: %d code=%#x\n", r, si.si_code);
    struct timespec brief = {0, 10000000};
    errno = 0;
    r = sigtimedwait(&wanted, &si, &brief);
    printf("sigtimedwait: %d %s\n", r, strerror(errno));
    sigprocmask(SIG_SETMASK, &before_wait, NULL);

    printf("done\n");
    return 0;
}
