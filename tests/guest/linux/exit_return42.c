/* main returns 42 after printing (stdout is flushed by exit). */
#include <stdio.h>

int main(void) {
    printf("returning 42\n");
    return 42;
}
