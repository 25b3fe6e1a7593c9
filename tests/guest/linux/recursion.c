/* Deep recursion: Ackermann, naive Fibonacci, mutual recursion, a deep
 * non-tail recursion (40k frames, ~3 MiB of stack) and recursive permutation generation. */
#include <stdint.h>
#include <stdio.h>

static long calls;

static uint64_t ack(uint64_t m, uint64_t n) {
    calls++;
    if (m == 0) return n + 1;
    if (n == 0) return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static uint64_t fib(int n) { return n < 2 ? (uint64_t)n : fib(n - 1) + fib(n - 2); }

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

/* prevent tail-call optimisation: work after the recursive call */
static volatile int sink;
static uint64_t deep(int n) {
    volatile uint64_t local = (uint64_t)n * 3 + 1;
    if (n == 0) return local;
    uint64_t r = deep(n - 1);
    sink = n;
    return r + local;
}

static int perm_count;
static uint64_t perm_hash;
static void permute(int *a, int k, int n) {
    if (k == n) {
        perm_count++;
        uint64_t v = 0;
        for (int i = 0; i < n; i++) v = v * 10 + (uint64_t)a[i];
        perm_hash = perm_hash * 1099511628211ULL ^ v;
        return;
    }
    for (int i = k; i < n; i++) {
        int t = a[k]; a[k] = a[i]; a[i] = t;
        permute(a, k + 1, n);
        t = a[k]; a[k] = a[i]; a[i] = t;
    }
}

static int hanoi_moves;
static void hanoi(int n, int from, int to, int via) {
    if (!n) return;
    hanoi(n - 1, from, via, to);
    hanoi_moves++;
    hanoi(n - 1, via, to, from);
}

int main(void) {
    for (uint64_t m = 0; m <= 3; m++)
        for (uint64_t n = 0; n <= (m == 3 ? 6 : 8); n++) {
            calls = 0;
            uint64_t r = ack(m, n);
            printf("ack(%llu,%llu)=%llu calls=%ld\n", (unsigned long long)m, (unsigned long long)n,
                   (unsigned long long)r, calls);
        }
    for (int k = 0; k <= 30; k += 5) printf("fib(%d)=%llu\n", k, (unsigned long long)fib(k));
    printf("is_even(10001)=%d is_odd(7777)=%d\n", is_even(10001), is_odd(7777));
    printf("deep(40000)=%llu\n", (unsigned long long)deep(40000));
    int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    permute(a, 0, 8);
    printf("permutations=%d hash=%016llx\n", perm_count, (unsigned long long)perm_hash);
    hanoi(18, 1, 3, 2);
    printf("hanoi(18) moves=%d\n", hanoi_moves);
    return 0;
}
