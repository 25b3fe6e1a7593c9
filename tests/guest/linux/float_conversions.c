/* The conversions and FP helpers C code reaches besides arithmetic: unsigned
 * casts from double and float (fcvt.wu/lu), fmin/fmax, and classification
 * (isnan, isinf, isnormal, fpclassify: fclass), in a loop over values of
 * everyday magnitude; zeros, infinities and NaNs go to fmin/fmax and the
 * classification only (casting them is undefined). Prints checksums. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint64_t u = 0, classes = 0;
    double lo = 1e300, hi = -1e300, s = 0;
    float fs = 0;
    for (int i = 0; i < 1000000; i++) {
        double d = i * 0.37 + 0.5;
        float f = (float)(i % 1000) * 1.25f;
        double e = i % 997 == 0 ? -0.0 : i % 1999 == 0 ? INFINITY : i % 2999 == 0 ? NAN : d;
        u += (unsigned)(d * 0.01);
        u += (uint64_t)(d * 3.1);
        u += (unsigned)f + (uint64_t)(f * 7.5f);
        lo = fmin(lo, e * 1e-3);
        hi = fmax(hi, e * 1e-3);
        s = s * 0.999 + fmax(d * 1e-6, 1.0) - fmin(d * 1e-6, 2.0);
        fs = fminf(fs + 0.5f, f) - fmaxf(f * 0.001f, 0.25f);
        classes += isnan(e) + 2u * isinf(e) + 4u * (isnormal(e) != 0) + 8u * (fpclassify(e) == FP_ZERO);
    }
    printf("u=%llu classes=%llu lo=%.6g hi=%.6g s=%.6f fs=%.4f\n", (unsigned long long)u,
           (unsigned long long)classes, lo, hi, s, (double)fs);
    return 0;
}
