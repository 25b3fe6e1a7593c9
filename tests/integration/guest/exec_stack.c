/* A GNU C nested function that uses its parent's variable: GCC builds a
 * trampoline for it on the stack, so the program is linked with an
 * executable stack (PT_GNU_STACK RWX), which Linux then gives it. */
#include <stdio.h>

static void apply(int *a, int n, void (*f)(int *)) {
    for (int i = 0; i < n; i++) f(&a[i]);
}

int main(int argc, char **argv) {
    (void)argv;
    int k = argc + 2;
    void add(int *x) { *x += k; }
    int a[4] = {1, 2, 3, 4};
    apply(a, 4, add);
    printf("%d %d %d %d\n", a[0], a[1], a[2], a[3]);
    return 0;
}
