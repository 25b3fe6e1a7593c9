/* Floating-point environment: fesetround (all four RISC-V IEEE modes) with
 * rint/nearbyint/lrint and plain arithmetic, and exception flags via
 * feclearexcept/fetestexcept. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

/* gcc ignores "#pragma STDC FENV_ACCESS"; volatile operands keep the FP
 * operations at run time and in program order relative to the fenv calls. */

static const struct { int mode; const char *name; } modes[] = {
    {FE_TONEAREST, "nearest"}, {FE_UPWARD, "upward"}, {FE_DOWNWARD, "downward"}, {FE_TOWARDZERO, "towardzero"},
};

static void print_flags(const char *what) {
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("%-22s flags:%s%s%s%s%s%s\n", what, f & FE_INEXACT ? " inexact" : "", f & FE_UNDERFLOW ? " underflow" : "",
           f & FE_OVERFLOW ? " overflow" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
           f & FE_INVALID ? " invalid" : "", f ? "" : " none");
}

int main(void) {
    volatile double vals[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, -3.7, 1e15 + 0.5, 7.0};
    volatile double one = 1.0, three = 3.0, ten = 10.0;
    volatile float fone = 1.0f, fthree = 3.0f;
    for (unsigned m = 0; m < 4; m++) {
        if (fesetround(modes[m].mode) != 0) {
            printf("fesetround failed\n");
            return 1;
        }
        printf("mode %s getround_ok=%d\n", modes[m].name, fegetround() == modes[m].mode);
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            double x = vals[i];
            printf("  x=%-8.4g rint=%-6g nearbyint=%-6g lrint=%ld llrint=%lld rintf=%g\n", x, rint(x), nearbyint(x),
                   lrint(x), llrint(x), (double)rintf((float)x));
        }
        volatile double q = one / three, p = ten / three, s = one + 0x1p-60, d = one - 0x1p-60;
        volatile double nq = -one / three, sq = __builtin_sqrt(three);
        volatile float fq = fone / fthree, fn = -fone / fthree;
        printf("  1/3=%a 10/3=%a 1+2^-60=%a 1-2^-60=%a -1/3=%a sqrt3=%a\n", q, p, s, d, nq, sq);
        printf("  f 1/3=%a -1/3=%a\n", (double)fq, (double)fn);
        volatile double big = 1e308;
        volatile double ov = big * ten;
        printf("  1e308*10=%g\n", ov);
        volatile long long ll = 0x7ffffffffffffe01LL;
        volatile double cd = (double)ll;
        volatile float cf = (float)(double)q;
        printf("  (double)0x7ffffffffffffe01=%a (float)1/3=%a\n", cd, (double)cf);
    }
    fesetround(FE_TONEAREST);

    volatile double zero = 0.0, tiny = 1e-308, huge = 1e308;
    volatile double r;
    feclearexcept(FE_ALL_EXCEPT);
    print_flags("after clear");
    r = one + one;
    print_flags("1+1");
    feclearexcept(FE_ALL_EXCEPT);
    r = one / three;
    print_flags("1/3");
    feclearexcept(FE_ALL_EXCEPT);
    r = one / zero;
    print_flags("1/0");
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    print_flags("0/0");
    feclearexcept(FE_ALL_EXCEPT);
    r = huge * huge;
    print_flags("huge*huge");
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny * tiny;
    print_flags("tiny*tiny");
    feclearexcept(FE_ALL_EXCEPT);
    r = __builtin_sqrt(-one);
    print_flags("sqrt(-1)");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double nb = 1e30;
    volatile int iv = (int)nb;
    print_flags("(int)1e30");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double hv = 2.5;
    iv = (int)hv;
    print_flags("(int)2.5");
    feclearexcept(FE_ALL_EXCEPT);
    volatile float ff = 1e-40f;
    volatile float fr = ff * 1e-5f;
    print_flags("float underflow");
    feclearexcept(FE_ALL_EXCEPT);
    volatile double qn = __builtin_nan("");
    volatile int cmp = qn < one;
    print_flags("qnan < 1 (signaling)");
    feclearexcept(FE_ALL_EXCEPT);
    cmp = qn == one;
    print_flags("qnan == 1 (quiet)");
    feclearexcept(FE_ALL_EXCEPT);
    cmp = __builtin_isless(qn, one);
    print_flags("isless(qnan,1)");
    (void)r; (void)iv; (void)fr; (void)cmp;

    /* accumulated flags and raise */
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW | FE_INEXACT);
    print_flags("raise ovf|inexact");
    feclearexcept(FE_OVERFLOW);
    print_flags("clear overflow");
    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    print_flags("restored");
    fenv_t env;
    fesetround(FE_UPWARD);
    feholdexcept(&env);
    r = one / three;
    print_flags("held 1/3");
    feupdateenv(&env);
    print_flags("after update");
    printf("round after update upward=%d\n", fegetround() == FE_UPWARD);
    fesetround(FE_TONEAREST);
    return 0;
}
