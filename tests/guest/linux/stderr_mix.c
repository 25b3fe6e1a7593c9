/* Writes to both stdout and stderr (stdio unbuffered stderr, line/fully
 * buffered stdout, raw write(2) and writev), perror, and exits with 5. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    for (int i = 0; i < 50; i++) {
        printf("out line %d\n", i);
        fprintf(stderr, "err line %d (%s)\n", i, i % 2 ? "odd" : "even");
    }
    errno = ENOENT;
    perror("perror test");
    errno = EACCES;
    fprintf(stderr, "strerror: %s\n", strerror(errno));
    fprintf(stderr, "strerror EINVAL: %s\n", strerror(EINVAL));
    struct iovec iov[3] = {{"writev ", 7}, {"to ", 3}, {"stderr\n", 7}};
    printf("writev returned %zd\n", writev(2, iov, 3));
    struct iovec iov2[2] = {{"writev stdout ", 14}, {"parts\n", 6}};
    fflush(stdout);
    printf("writev2 returned %zd\n", writev(1, iov2, 2));
    fputs("final stderr line without newline", stderr);
    return 5;
}
