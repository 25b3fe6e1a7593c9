/* _exit(7): atexit handlers must not run; data already written with write()
 * appears, stdio data flushed explicitly appears. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler(void) { printf("atexit must not run\n"); }

int main(void) {
    atexit(handler);
    printf("flushed via fflush\n");
    fflush(stdout);
    const char m[] = "raw write to stdout\n";
    write(1, m, strlen(m));
    const char e[] = "raw write to stderr\n";
    write(2, e, strlen(e));
    _exit(7);
}
