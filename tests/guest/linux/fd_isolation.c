/* Descriptors: the first open() returns 3, and descriptors at or past
 * RLIMIT_NOFILE are not open (the VMM keeps its own there: the program's
 * file, file mappings, --trace): dup2 over them fails, so do close, read,
 * fstat, mmap, openat and fcntl(F_DUPFD), and poll reports POLLNVAL. Closing
 * or replacing every descriptor the program may name loses nothing the
 * VMM keeps for it: a shared file mapping still reaches its file. With a
 * limit of 256 or less the program also opens files until EMFILE. Run in a
 * scratch directory (argv[1]). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, long r) {
    printf("%-26s %s\n", what, r < 0 ? strerror(errno) : "succeeded");
}

int main(int argc, char **argv) {
    if (argc < 2 || chdir(argv[argc - 1]) != 0) return 2;
    int fd = open("mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("first descriptor %d\n", fd);
    (void)!ftruncate(fd, 4096);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    const int past = (int)limit.rlim_cur;

    int other = open("other", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int replaced = 0, closed = 0;
    for (int i = 0; i < 64; i++) replaced += dup2(other, past + i) == past + i;
    for (int i = 0; i < 64; i++) closed += close(past + i) == 0;
    printf("past the limit: %d replaced, %d closed\n", replaced, closed);
    show("dup2 past the limit", dup2(0, past));
    show("dup3 past the limit", dup3(0, past, O_CLOEXEC));
    show("F_DUPFD past the limit", fcntl(0, F_DUPFD, past));
    char byte;
    show("read past the limit", read(past, &byte, 1));
    show("write past the limit", write(past, "x", 1));
    struct stat st;
    show("fstat past the limit", fstat(past, &st));
    show("lseek past the limit", lseek(past, 0, SEEK_SET));
    show("openat past the limit", openat(past, "mapped", O_RDONLY));
    /* Linux looks at the directory descriptor only for a relative path. */
    int absolute = openat(past, "/dev/null", O_RDONLY);
    show("openat past, absolute path", absolute);
    if (absolute >= 0) close(absolute);
    void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, past, 0);
    show("mmap past the limit", m == MAP_FAILED ? -1 : 0);
    struct pollfd fds[2] = {{.fd = past, .events = POLLIN}, {.fd = 1, .events = POLLOUT}};
    int ready = poll(fds, 2, 1000);
    printf("poll: %d ready, revents %#x and %#x\n", ready, fds[0].revents, fds[1].revents);

    /* The lowest and the highest descriptors below the limit replaced,
     * then closed (every one of them when the limit is low: the loops are
     * bounded, as the limit may be a million). */
    replaced = closed = 0;
    int tried = 0;
    for (int i = other + 1; i < past; i++) {
        if (i == other + 64 && past - 64 > i) i = past - 64;
        replaced += dup2(other, i) == i;
        tried++;
    }
    for (int i = 3; i <= other; i++) closed += close(i) == 0;
    for (int i = other + 1; i < past; i++) {
        if (i == other + 64 && past - 64 > i) i = past - 64;
        closed += close(i) == 0;
    }
    printf("below the limit: all replaced %d, all closed %d\n", replaced == tried,
           closed == tried + other - 2);

    strcpy(p, "into-the-mapping");
    munmap(p, 4096);
    fd = open("mapped", O_RDONLY);
    char back[17] = {0};
    (void)!read(fd, back, 16);
    printf("descriptor %d reads back \"%s\"\n", fd, back);
    close(fd);

    if (past <= 256) {
        int last = -1;
        for (;;) {
            int next = open("mapped", O_RDONLY);
            if (next < 0) break;
            last = next;
        }
        printf("opened up to the limit: %s (%s)\n", last == past - 1 ? "yes" : "no", strerror(errno));
        /* Refused before the file is truncated or created. */
        show("O_TRUNC at the limit", open("mapped", O_WRONLY | O_TRUNC));
        show("O_CREAT at the limit", open("new", O_WRONLY | O_CREAT, 0644));
        struct stat after;
        stat("mapped", &after);
        printf("the file keeps %ld bytes, \"new\" %s\n", (long)after.st_size,
               access("new", F_OK) == 0 ? "exists" : "does not exist");
    }
    /* glibc's closefrom: close_range, or a walk of /proc/self/fd. */
    closefrom(3);
    fd = open("mapped", O_RDONLY);
    printf("after closefrom(3) open returns %d\n", fd);
    return 0;
}
