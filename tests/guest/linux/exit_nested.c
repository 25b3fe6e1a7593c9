/* exit(3) called from a nested function: atexit handlers run in reverse
 * order, buffered stdout is flushed, code after the call never runs. */
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("atexit handler 1\n"); }
static void h2(void) { printf("atexit handler 2\n"); }
static void h3(void) { fputs("atexit handler 3 to stderr\n", stderr); }

static int level3(int x) {
    printf("level3 x=%d, exiting\n", x);
    if (x > 2) exit(3);
    return x;
}
static int level2(int x) { return level3(x + 1) + 100; }
static int level1(int x) { return level2(x + 1) + 1000; }

int main(void) {
    atexit(h1);
    atexit(h2);
    atexit(h3);
    printf("buffered output before exit (no newline flush)...");
    printf("\n");
    int r = level1(1);
    printf("not reached %d\n", r);
    return 0;
}
