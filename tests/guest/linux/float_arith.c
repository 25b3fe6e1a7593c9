/* Float and double arithmetic: %a and %.17g printing, sqrt, fma, min/max,
 * NaN/Inf/-0 handling, comparisons, classification, int<->fp conversions
 * including out-of-range casts (RISC-V saturates; done via volatile). */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(void) {
    volatile double dv[] = {0.0, -0.0, 1.0, -1.0, 0.1, 1.0 / 3.0, 2.5, -2.5, 1e300, -1e-300,
                            DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 3.141592653589793, 1e16 + 1, 123456789.125};
    volatile float fv[] = {0.0f, -0.0f, 1.0f, -1.5f, 0.1f, 1.0f / 3.0f, 3.4e38f, 1.17549435e-38f,
                           1.4e-45f, 16777217.0f, -2.75f, 1e10f};
    unsigned nd = sizeof dv / sizeof dv[0], nf = sizeof fv / sizeof fv[0];

    for (unsigned i = 0; i < nd; i++) {
        double x = dv[i];
        printf("d[%u] %.17g %a bits=%016" PRIx64 " sqrt=%.17g class=%d\n", i, x, x, dbits(x), sqrt(fabs(x)),
               fpclassify(x));
    }
    for (unsigned i = 0; i < nf; i++) {
        float x = fv[i];
        printf("f[%u] %.9g %a bits=%08" PRIx32 " sqrtf=%a\n", i, (double)x, (double)x, fbits(x),
               (double)sqrtf(fabsf(x)));
    }

    /* pairwise double arithmetic */
    uint64_t h = 0;
    for (unsigned i = 0; i < nd; i++)
        for (unsigned j = 0; j < nd; j++) {
            double a = dv[i], b = dv[j];
            double r[] = {a + b, a - b, a * b, a / b, fma(a, b, a), fmin(a, b), fmax(a, b), copysign(a, b)};
            for (unsigned k = 0; k < 8; k++) h = h * 0x100000001b3ULL ^ dbits(r[k]);
            h += (a < b) + 2 * (a <= b) + 4 * (a == b) + 8 * (a != b);
        }
    printf("double pair hash = %016" PRIx64 "\n", h);

    h = 0;
    for (unsigned i = 0; i < nf; i++)
        for (unsigned j = 0; j < nf; j++) {
            float a = fv[i], b = fv[j];
            float r[] = {a + b, a - b, a * b, a / b, fmaf(a, b, -a), fminf(a, b), fmaxf(a, b), copysignf(a, b)};
            for (unsigned k = 0; k < 8; k++) h = h * 0x100000001b3ULL ^ fbits(r[k]);
            h += (a < b) + 2 * (a <= b) + 4 * (a == b);
        }
    printf("float pair hash = %016" PRIx64 "\n", h);

    /* special values */
    volatile double zero = 0.0, one = 1.0, inf = INFINITY;
    double nan1 = zero / zero;
    printf("0/0: isnan=%d signbit=%d bits=%016" PRIx64 "\n", isnan(nan1), signbit(nan1) != 0, dbits(nan1));
    printf("1/0=%g -1/0=%g inf-inf isnan=%d\n", one / zero, -one / zero, isnan(inf - inf));
    printf("sqrt(-1) bits=%016" PRIx64 "\n", dbits(sqrt(-one)));
    printf("fmin(nan,1)=%g fmax(1,nan)=%g\n", fmin(nan1, 1.0), fmax(1.0, nan1));
    printf("nan==nan %d nan<1 %d nan!=nan %d\n", nan1 == nan1, nan1 < 1.0, nan1 != nan1);
    volatile float fz = 0.0f;
    float fnan = fz / fz;
    printf("float 0/0 bits=%08" PRIx32 " sqrtf(-1) bits=%08" PRIx32 "\n", fbits(fnan), fbits(sqrtf(-1.0f + fz)));
    /* NaN-boxing: float to double and back */
    volatile float fx = 1.25f;
    volatile double dx = fx;
    printf("float->double %a double->float %a\n", (double)dx, (double)(float)(dx / 3.0));

    /* fma exactness */
    volatile double fa = 1.0 + 0x1p-52, fb = 1.0 - 0x1p-52, fc = -1.0;
    printf("fma exact = %a, mul+add = %a\n", fma(fa, fb, fc), fa * fb + fc);
    volatile float ga = 1.0f + 0x1p-23f, gb = 1.0f - 0x1p-23f, gc = -1.0f;
    printf("fmaf exact = %a\n", (double)fmaf(ga, gb, gc));
    printf("fms %a fnma %a fnms %a\n", fma(fa, fb, -fc), -fma(fa, fb, fc), -fma(fa, fb, -fc));

    /* conversions, incl. out-of-range (saturating on RISC-V) */
    volatile double conv[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 1e10, -1e10, 3e9, -3e9,
                              9.3e18, 2e19, -9.3e18, -1e20, 1e300, -1e300, NAN, -NAN, INFINITY, -INFINITY,
                              4294967295.9, 4294967296.0, -2147483648.5, 2147483647.5};
    for (unsigned i = 0; i < sizeof conv / sizeof conv[0]; i++) {
        volatile double c = conv[i];
        volatile float cf = (float)c;
        int32_t i32 = (int32_t)c;
        uint32_t u32 = (uint32_t)c;
        int64_t i64 = (int64_t)c;
        uint64_t u64 = (uint64_t)c;
        int32_t fi32 = (int32_t)cf;
        uint64_t fu64 = (uint64_t)cf;
        printf("conv %.17g: i32=%" PRId32 " u32=%" PRIu32 " i64=%" PRId64 " u64=%" PRIu64 " f=%a fi32=%" PRId32
               " fu64=%" PRIu64 " lround=%ld\n",
               (double)c, i32, u32, i64, u64, (double)cf, fi32, fu64, isfinite(c) && fabs(c) < 1e18 ? lround(c) : 0L);
    }
    volatile int64_t bigi[] = {0, 1, -1, INT64_MAX, INT64_MIN, 9007199254740993LL, -9007199254740993LL, 16777217};
    for (unsigned i = 0; i < sizeof bigi / sizeof bigi[0]; i++) {
        int64_t v = bigi[i];
        printf("i64 %" PRId64 " -> d %a f %a ud %a uf %a w->d %a\n", v, (double)v, (double)(float)v,
               (double)(uint64_t)v, (double)(float)(uint64_t)v, (double)(int32_t)v);
    }

    /* accumulate: harmonic series in float and double */
    double hs = 0;
    float hf = 0;
    for (int k = 1; k <= 100000; k++) {
        hs += 1.0 / k;
        hf += 1.0f / (float)k;
    }
    printf("harmonic double %.17g %a float %.9g %a\n", hs, hs, (double)hf, (double)hf);

    /* Newton sqrt vs hardware sqrt */
    for (volatile int k = 2; k < 40; k += 7) {
        double x = k, g = x;
        for (int it = 0; it < 60; it++) g = 0.5 * (g + x / g);
        printf("newton sqrt(%d) = %.17g hw = %.17g\n", k, g, sqrt(x));
    }
    /* subnormals */
    volatile double sub = DBL_TRUE_MIN;
    printf("subnormal: %a %a %a\n", sub * 3, sub / 2, DBL_MIN / 3.0 * sub / sub);
    volatile float fsub = 1e-45f;
    printf("float subnormal: %a %a\n", (double)(fsub * 5), (double)(FLT_MIN * 0.25f + fsub));
    printf("printf: %.0f %.3f %e %E %g %G %10.4f|%-10.2e|%+g\n", 2.5, 1.0005, 123456.789, 0.000123, 1e-5, 1e20,
           3.14159, 271.8, 42.0);
    return 0;
}
