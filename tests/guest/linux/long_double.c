/* 128-bit long double (IEEE quad, implemented in software by libgcc on
 * RISC-V), __int128 arithmetic, and struct/varargs calling conventions. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct small { int a; float b; };
struct mixed { double d; int32_t i; };
struct big { long v[5]; };

static struct small mk_small(int a, float b) { struct small s = {a, b}; return s; }
static struct mixed mk_mixed(double d, int32_t i) { struct mixed m = {d, i}; return m; }
static struct big mk_big(long base) { struct big b; for (int i = 0; i < 5; i++) b.v[i] = base * (i + 1); return b; }
static double take_structs(struct small s, struct mixed m, struct big b) {
    return s.a + s.b + m.d + m.i + b.v[0] + b.v[4];
}

static long double vsum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long double t = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        if (kind == 0) t += va_arg(ap, int);
        else if (kind == 1) t += va_arg(ap, double);
        else if (kind == 2) t += va_arg(ap, long double);
        else t += (long double)va_arg(ap, long long);
    }
    va_end(ap);
    return t;
}

static void u128_print(unsigned __int128 v, char *out) {
    char tmp[64];
    int n = 0;
    do { tmp[n++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

int main(void) {
    volatile long double x = 1.0L, three = 3.0L;
    long double third = x / three;
    printf("1/3 = %.33Lg\n", third);
    printf("1/3 %%La = %La\n", third);
    long double acc = 0;
    for (int k = 1; k <= 1000; k++) acc += 1.0L / ((long double)k * k);
    printf("basel(1000) = %.30Lf\n", acc);
    long double sq = 2.0L, g = 1.0L;
    for (int i = 0; i < 10; i++) g = (g + sq / g) / 2;
    printf("sqrt2 newton = %.33Lg\n", g);
    printf("conversions: %lld %.17g %Lg\n", (long long)(g * 1e15L), (double)g, (long double)(uint64_t)-1);
    printf("compare: %d %d %d\n", third < 0.3334L, third > 0.3333L, g * g == 2.0L);
    printf("vsum = %.20Lg\n", vsum(5, 0, 7, 1, 0.25, 2, 1e-20L, 3, (long long)1 << 40, 2, -3.5L));

    unsigned __int128 f = 1;
    char s[64];
    for (int i = 1; i <= 34; i++) f *= (unsigned)i;
    u128_print(f, s);
    printf("34! = %s\n", s);
    __int128 neg = -(__int128)(f / 34) / 7; /* 33! fits in a signed __int128 */
    printf("-33!/7 hi=%016llx lo=%016llx rem=%d\n", (unsigned long long)((unsigned __int128)neg >> 64),
           (unsigned long long)neg, (int)(-(__int128)(f / 34 + 3) % 7));
    unsigned __int128 sh = f << 7 | f >> 121;
    u128_print(sh % 1000000007u, s);
    printf("rot mod p = %s\n", s);

    struct small sm = mk_small(3, 2.5f);
    struct mixed mx = mk_mixed(0.125, -9);
    struct big bg = mk_big(100);
    printf("structs: %d %g %g %d %ld %ld -> %g\n", sm.a, (double)sm.b, mx.d, mx.i, bg.v[0], bg.v[4],
           take_structs(sm, mx, bg));
    char buf[128];
    snprintf(buf, sizeof buf, "%d|%ld|%lld|%f|%Lf|%s|%c|%u", -1, 1L << 40, -(1LL << 62), 0.5, 0.75L, "str", 'c', 7u);
    printf("varargs fmt: %s\n", buf);
    return 0;
}
