/* What mmap makes of a descriptor, and of PROT_* bits: regular files (a
 * large sparse one, private, touched at both ends), /dev/zero (fresh zero
 * pages), and ENODEV for a directory or a pipe, which leaves a mapping a
 * failed MAP_FIXED was aimed at in place. PROT_WRITE pages can be read.
 * Run in a scratch directory (the last argument). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void show(const char *what, void *p) {
    printf("%-28s %s\n", what, p == MAP_FAILED ? strerror(errno) : "mapped");
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[argc - 1]) != 0) return 2;
    char *keep = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    strcpy(keep, "precious");

    int dir = open(".", O_RDONLY | O_DIRECTORY);
    show("directory", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0));
    show("directory over a mapping", mmap(keep, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, dir, 0));
    int fds[2];
    if (pipe(fds) != 0) return 1;
    show("pipe over a mapping", mmap(keep, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, fds[0], 0));
    printf("the mapping still holds \"%s\"\n", keep);

    int zero = open("/dev/zero", O_RDWR);
    unsigned char *z = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, zero, 0);
    show("/dev/zero", z);
    if (z != MAP_FAILED) {
        z[4100] = 7;
        printf("/dev/zero pages: %d %d %d\n", z[0], z[4100], z[8191]);
    }

    /* A 256 MiB file with a byte at each end. */
    const long size = 1L << 28;
    int big = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    (void)!ftruncate(big, size);
    (void)!pwrite(big, "A", 1, 0);
    (void)!pwrite(big, "Z", 1, size - 1);
    char *b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, big, 0);
    show("256 MiB file, private", b);
    if (b != MAP_FAILED) {
        b[1] = 'b';
        char head[3] = {b[0], b[1], 0};
        printf("its ends: \"%s\" ... '%c', the middle %d\n", head, b[size - 1], b[size / 2]);
        char back[2] = {0};
        (void)!pread(big, back, 1, 1);
        printf("the file is not written: %d\n", back[0]);
        munmap(b, size);
    }
    close(big);
    unlink("big");

    char *w = mmap(NULL, 4096, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    w[0] = 'w';
    printf("a PROT_WRITE page reads '%c'\n", w[0]);
    mprotect(w, 4096, PROT_WRITE);
    printf("so does a page mprotect()ed to PROT_WRITE: '%c'\n", w[0]);
    return 0;
}
