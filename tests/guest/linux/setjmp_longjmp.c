/* setjmp/longjmp: nested jumps across several frames, values, callee-saved
 * register preservation (via volatile locals), and sigsetjmp without signals. */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf env_outer, env_inner;
static int depth_reached;

static void deep(int n, int target) {
    volatile char pad[64];
    pad[n % 64] = (char)n;
    if (n == target) {
        depth_reached = n + pad[n % 64] * 0;
        longjmp(env_outer, n + 1);
    }
    if (n < 100000) deep(n + 1, target);
    pad[0]++;
}

static int thrower(int v) {
    if (v > 2) longjmp(env_inner, v * 10);
    return v;
}

static double fp_work(double x) {
    volatile double y = x * 1.5;
    return y + 0.25;
}

int main(void) {
    for (int t = 0; t < 5; t++) {
        int r = setjmp(env_outer);
        if (r == 0) {
            deep(0, t * 37);
            printf("not reached\n");
        } else {
            printf("target %d: longjmp returned %d, depth %d\n", t * 37, r, depth_reached);
        }
    }
    volatile int counter = 0;
    volatile double dacc = 1.0;
    int r = setjmp(env_inner);
    counter++;
    dacc = fp_work(dacc);
    printf("setjmp returned %d counter %d dacc %g\n", r, counter, dacc);
    if (counter < 6) thrower(counter + 2);
    printf("after: counter %d\n", counter);

    /* longjmp with 0 must yield 1 */
    jmp_buf z;
    volatile int passes = 0;
    int rz = setjmp(z);
    passes++;
    if (passes == 1) longjmp(z, 0);
    printf("longjmp(0) gives %d passes %d\n", rz, passes);

    sigjmp_buf sj;
    volatile int sp = 0;
    int rs = sigsetjmp(sj, 1);
    if (sp++ < 3) siglongjmp(sj, sp * 100);
    printf("sigsetjmp final %d sp %d\n", rs, sp);
    return 0;
}
