/* libm transcendental functions (double and float): sin, cos, tan, exp,
 * log, pow, atan2, cbrt, hypot, ... Results printed bit-exactly with %a. */
#include <math.h>
#include <stdio.h>

int main(void) {
    volatile double xs[] = {0.0, 0.5, 1.0, -1.0, 2.0, 3.141592653589793, 10.0, -7.25, 100.5, 1e-8, 0.7853981633974483,
                            700.0, -745.0, 1e22};
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i], ax = fabs(x);
        printf("x=%.17g\n", x);
        printf("  sin=%a cos=%a tan=%a\n", sin(x), cos(x), tan(x));
        printf("  exp=%a expm1=%a exp2=%a\n", exp(x), expm1(x), exp2(x));
        printf("  log(|x|)=%a log2=%a log10=%a log1p=%a\n", log(ax), log2(ax), log10(ax), log1p(ax));
        printf("  pow(|x|,1.5)=%a pow(1.0001,x)=%a cbrt=%a\n", pow(ax, 1.5), pow(1.0001, x), cbrt(x));
        printf("  atan=%a atan2(x,3)=%a sinh=%a tanh=%a\n", atan(x), atan2(x, 3.0), sinh(x > 700 ? 700 : x), tanh(x));
        printf("  floor=%g ceil=%g trunc=%g round=%g fmod(x,3)=%a remainder(x,3)=%a\n", floor(x), ceil(x), trunc(x),
               round(x), fmod(x, 3.0), remainder(x, 3.0));
        int e;
        double fr = frexp(x, &e);
        printf("  frexp=%a,%d ldexp(x,-3)=%a modf_int=%g\n", fr, e, ldexp(x, -3), modf(x, &fr) * 0 + fr);
    }
    volatile float fs[] = {0.25f, 1.0f, -2.5f, 10.0f, 88.0f, 1e-3f};
    for (unsigned i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        float x = fs[i];
        printf("xf=%.9g sinf=%a cosf=%a expf=%a logf=%a powf=%a sqrtf=%a atan2f=%a\n", (double)x, (double)sinf(x),
               (double)cosf(x), (double)expf(x), (double)logf(fabsf(x)), (double)powf(fabsf(x), 0.3f),
               (double)sqrtf(fabsf(x)), (double)atan2f(x, -1.0f));
    }
    printf("hypot(3,4)=%.17g asin(0.5)=%.17g acos(-0.3)=%.17g erf(0.5)=%.17g lgamma(4.5)=%.17g tgamma(5)=%.17g\n",
           hypot(3.0, 4.0), asin(0.5), acos(-0.3), erf(0.5), lgamma(4.5), tgamma(5.0));
    /* series sums that mix many libm calls */
    double s = 0;
    for (int k = 1; k <= 2000; k++) s += sin(k * 0.001) * exp(-k * 0.0005) + log((double)k) / pow(k, 1.1);
    printf("series = %.17g %a\n", s, s);
    /* pi via atan */
    printf("pi = %.17g, 4*atan(1) = %.17g\n", 3.14159265358979323846, 4 * atan(1.0));
    return 0;
}
