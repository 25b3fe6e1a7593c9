/* Double-precision kernels as numerical code runs them: a 5-body orbit
 * (sqrt, division, fused multiply-adds), a spectral norm, a dense matrix
 * product, Simpson integration and Newton's reciprocal in single precision. The sums printed
 * settle well inside their printed precision, so builds that fuse
 * multiply-adds differently (x86-64 without FMA) print the same. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#define BODIES 5
struct body { double x, y, z, vx, vy, vz, m; };

static double energy(const struct body *b) {
    double e = 0;
    for (int i = 0; i < BODIES; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < BODIES; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void orbit(int steps) {
    struct body b[BODIES];
    for (int i = 0; i < BODIES; i++) {
        double r = 1.0 + i;
        b[i] = (struct body){r, 0.0, 0.0, 0.0, sqrt(50.0 / r), 0.0, i == 0 ? 50.0 : 0.001 * i};
    }
    b[0].vy = 0;
    double before = energy(b), dt = 0.001;
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++)
            for (int j = i + 1; j < BODIES; j++) {
                double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
                double d2 = dx * dx + dy * dy + dz * dz;
                double mag = dt / (d2 * sqrt(d2));
                b[i].vx -= dx * b[j].m * mag, b[i].vy -= dy * b[j].m * mag, b[i].vz -= dz * b[j].m * mag;
                b[j].vx += dx * b[i].m * mag, b[j].vy += dy * b[i].m * mag, b[j].vz += dz * b[i].m * mag;
            }
        for (int i = 0; i < BODIES; i++) b[i].x += dt * b[i].vx, b[i].y += dt * b[i].vy, b[i].z += dt * b[i].vz;
    }
    printf("orbit: energy %.6f -> %.6f\n", before, energy(b));
}

static double a_ij(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }
static void times_a(const double *v, double *out, int n, int transpose) {
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += (transpose ? a_ij(j, i) : a_ij(i, j)) * v[j];
        out[i] = s;
    }
}
static void spectral_norm(int n) {
    static double u[200], v[200], t[200];
    for (int i = 0; i < n; i++) u[i] = 1;
    for (int k = 0; k < 10; k++) {
        times_a(u, t, n, 0), times_a(t, v, n, 1);
        times_a(v, t, n, 0), times_a(t, u, n, 1);
    }
    double vbv = 0, vv = 0;
    for (int i = 0; i < n; i++) vbv += u[i] * v[i], vv += v[i] * v[i];
    printf("spectral norm: %.9f\n", sqrt(vbv / vv));
}

static void matrix_product(int n) {
    static double a[48][48], b[48][48], c[48][48];
    uint32_t seed = 12345;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            seed = seed * 1103515245u + 12345u;
            a[i][j] = (seed >> 8) / 16777216.0 - 0.5;
            seed = seed * 1103515245u + 12345u;
            b[i][j] = (seed >> 8) / 16777216.0 - 0.5;
        }
    double trace = 0;
    for (int rep = 0; rep < 4; rep++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += a[i][k] * b[k][j];
                c[i][j] = s;
                if (i == j) trace += s;
            }
    printf("matrix product: trace %.9f, c[7][11] %.9f\n", trace, c[7][11]);
}

static double f(double x) { return 4.0 / (1.0 + x * x); }
static void simpson(int n) {
    double h = 1.0 / n, s = f(0) + f(1);
    for (int i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
    printf("simpson pi: %.12f\n", s * h / 3);
}

static void float_reciprocals(int n) {
    /* Newton's iteration for 1/a in single precision, summed in double. */
    double sum = 0;
    for (int i = 1; i <= n; i++) {
        float a = 1.0f + (float)(i % 1000) / 256.0f, x = 0.2f;
        for (int k = 0; k < 8; k++) x = x * (2.0f - a * x);
        sum += x;
    }
    printf("float reciprocals: %.2f\n", sum);
}

int main(void) {
    orbit(40000);
    spectral_norm(150);
    matrix_product(48);
    simpson(400000);
    float_reciprocals(20000);
    return 0;
}
