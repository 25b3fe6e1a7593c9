/* Writes through a MAP_SHARED mapping of the file argv[1], then dies of a
 * SIGSEGV: the write is in the file all the same, as on Linux. */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 4096) != 0) return 1;
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 1;
    strcpy(p, "written-before-the-fault");
    volatile int *volatile null = NULL; /* opaque, so no compiler warning */
    *null = 1;
    return 0;
}
