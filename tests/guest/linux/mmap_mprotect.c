/* Memory-mapping syscalls: anonymous mmap/munmap, MAP_FIXED remap within a
 * reservation, mprotect (read-only then writable again), mremap growth,
 * file-backed mmap of a file created in the scratch dir, brk via sbrk. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long pg = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", pg);
    size_t n = 64 * (size_t)pg;
    unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    int zero = 1;
    for (size_t i = 0; i < n; i += 512) if (p[i]) zero = 0;
    printf("anon zeroed=%d aligned=%d\n", zero, ((uintptr_t)p % (uintptr_t)pg) == 0);
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i ^ (i >> 8));
    unsigned long s = 0;
    for (size_t i = 0; i < n; i++) s += p[i];
    printf("anon sum=%lu\n", s);

    /* MAP_FIXED over the middle replaces pages with fresh zero pages */
    unsigned char *q = mmap(p + 8 * pg, 4 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed same addr=%d zero=%d neighbour kept=%d\n", q == p + 8 * pg, q[0] == 0 && q[4 * pg - 1] == 0,
           p[8 * pg - 1] == (unsigned char)((8 * pg - 1) ^ ((8 * pg - 1) >> 8)));

    /* mprotect */
    printf("mprotect ro=%d\n", mprotect(p, (size_t)pg, PROT_READ));
    printf("read ro page=%u\n", p[5]);
    printf("mprotect rw=%d\n", mprotect(p, (size_t)pg, PROT_READ | PROT_WRITE));
    p[5] = 99;
    printf("write after rw=%u\n", p[5]);

    /* partial munmap */
    printf("munmap tail=%d\n", munmap(p + 32 * pg, 32 * (size_t)pg));
    /* mremap grow (may move) */
    unsigned char *r = mremap(p, 32 * (size_t)pg, 128 * (size_t)pg, MREMAP_MAYMOVE);
    if (r == MAP_FAILED) { printf("mremap failed\n"); return 1; }
    printf("mremap kept data=%d new area zero=%d\n", r[5] == 99 && r[31 * pg] == (unsigned char)((31 * pg) ^ ((31 * pg) >> 8)),
           r[100 * pg] == 0);
    memset(r + 64 * pg, 0xab, 64 * (size_t)pg);
    printf("munmap all=%d\n", munmap(r, 128 * (size_t)pg));

    /* file-backed mapping */
    const char *dir = argc > 3 ? argv[3] : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/mmap_file.bin", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    for (int i = 0; i < 3 * 4096; i++) {
        unsigned char c = (unsigned char)(i * 7);
        write(fd, &c, 1);
    }
    unsigned char *f = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (f == MAP_FAILED) { printf("file mmap failed\n"); return 1; }
    s = 0;
    for (int i = 0; i < 3 * 4096; i++) s = s * 31 + f[i];
    printf("file map hash=%lu byte[5000]=%u\n", s, f[5000]);
    munmap(f, 3 * 4096);
    unsigned char *fs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
    if (fs == MAP_FAILED) { printf("shared mmap failed\n"); return 1; }
    fs[0] = 0xee;
    msync(fs, 4096, MS_SYNC);
    fs[1] = 0xef;
    mprotect(fs, 4096, PROT_NONE); /* written back on munmap all the same */
    munmap(fs, 4096);
    unsigned char c, c1;
    pread(fd, &c, 1, 4096);
    pread(fd, &c1, 1, 4097);
    printf("shared write visible via pread=%02x %02x\n", c, c1);
    close(fd);
    unlink(path);

    /* brk */
    void *b0 = sbrk(0);
    void *b1 = sbrk(100000);
    void *b2 = sbrk(0);
    printf("sbrk grow ok=%d delta=%ld\n", b1 == b0, (long)((char *)b2 - (char *)b0));
    memset(b1, 1, 100000);
    sbrk(-100000);
    printf("sbrk shrink ok=%d\n", sbrk(0) == b0);

    /* PROT_NONE pages keep their contents when mremap moves them (the page
     * after them is still mapped, so they cannot grow in place) */
    unsigned char *h = mmap(NULL, 3 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(h, 0x5a, 3 * (size_t)pg);
    mprotect(h, 2 * (size_t)pg, PROT_NONE);
    unsigned char *m = mremap(h, 2 * (size_t)pg, 4 * (size_t)pg, MREMAP_MAYMOVE);
    if (m == MAP_FAILED) { printf("mremap of PROT_NONE failed\n"); return 1; }
    mprotect(m, 4 * (size_t)pg, PROT_READ);
    printf("PROT_NONE moved=%d kept=%d grown zero=%d\n", m != h, m[0] == 0x5a && m[2 * pg - 1] == 0x5a,
           m[3 * pg] == 0);
    munmap(m, 4 * (size_t)pg);
    munmap(h + 2 * pg, (size_t)pg);

    /* execute-only memory (last: vm gives its direct view up for it) */
    unsigned char *x = mmap(NULL, (size_t)pg, PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("exec-only map=%d\n", x != MAP_FAILED);
    munmap(x, (size_t)pg);
    p = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[7] = 7;
    printf("after exec-only: rw page=%u\n", p[7]);
    return 0;
}
