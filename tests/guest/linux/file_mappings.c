/* Files mapped with mmap, what Linux keeps of them: a mapping put over a
 * shared one does not reach the file; MADV_DONTNEED brings back the file's
 * bytes (a shared mapping's writes included, a private one's dropped), for
 * the program's own segments too; mremap moves or grows a shared mapping
 * with its file; munmap of part of one writes that part and keeps the rest.
 * Each file is read back with pread. Run in a scratch directory (the last argument). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fresh(const char *name, const char *content, long size) {
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (content) (void)!write(fd, content, strlen(content));
    (void)!ftruncate(fd, size);
    return fd;
}

static void show_file(const char *what, int fd, long offset) {
    char buf[32] = {0};
    (void)!pread(fd, buf, 24, offset);
    for (int i = 0; i < 24; i++)
        if (buf[i] == 0) buf[i] = '.';
    printf("%s: file at %ld = '%.24s'\n", what, offset, buf);
}

static const char kRodata[] = "rodata-string-in-the-executable";
static int twice(int x) { return 2 * x + 3; }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && chdir(argv[argc - 1]) != 0) return 1;

    int fd = fresh("over", "ORIGINAL-CONTENT", 4096);
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *q = mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    strcpy(q, "anonymous-data");
    munmap(q, 4096);
    show_file("anonymous mapping over a shared one", fd, 0);

    fd = fresh("dontneed", NULL, 4096);
    char *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(r, "shared-write");
    madvise(r, 4096, MADV_DONTNEED);
    printf("shared after MADV_DONTNEED: '%s'\n", r);
    show_file("shared after MADV_DONTNEED", fd, 0);
    char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    s[0] = 'X';
    madvise(s, 4096, MADV_DONTNEED);
    printf("private after MADV_DONTNEED: '%.12s'\n", s);
    munmap(r, 4096);
    munmap(s, 4096);

    long page = sysconf(_SC_PAGESIZE);
    char *ro = (char *)((unsigned long)kRodata & ~(unsigned long)(page - 1));
    printf("own rodata: madvise %d, '%s'\n", madvise(ro, page, MADV_DONTNEED), kRodata);
    char *text = (char *)((unsigned long)&twice & ~(unsigned long)(page - 1));
    printf("own text: madvise %d, twice(2) = %d\n", madvise(text, page, MADV_DONTNEED), twice(2));

    fd = fresh("moved", NULL, 2 * 4096);
    (void)!pwrite(fd, "second-page", 11, 4096);
    char *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    mmap(t + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); /* no room to grow */
    char *t2 = mremap(t, 4096, 2 * 4096, MREMAP_MAYMOVE);
    printf("mremap moved: %s, grown part '%.11s'\n", t2 != t ? "yes" : "no", t2 + 4096);
    strcpy(t2, "moved-shared");
    strcpy(t2 + 4096, "grown-shared");
    char *junk = mmap(t, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    strcpy(junk, "junk-at-the-old-address");
    msync(t2, 2 * 4096, MS_SYNC);
    show_file("moved, first page", fd, 0);
    show_file("moved, grown page", fd, 4096);

    fd = fresh("split", NULL, 3 * 4096);
    char *u = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    strcpy(u, "first");
    strcpy(u + 4096, "middle");
    strcpy(u + 2 * 4096, "last");
    munmap(u + 4096, 4096); /* the middle page goes, the two others stay shared */
    strcpy(u, "first-again");
    mmap(u + 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    strcpy(u + 4096, "anonymous");
    strcpy(u + 2 * 4096, "last-again");
    munmap(u, 3 * 4096);
    show_file("split, first", fd, 0);
    show_file("split, middle", fd, 4096);
    show_file("split, last", fd, 2 * 4096);

    /* The file's open mode and O_APPEND, as Linux treats them. */
    fd = fresh("append", "0123456789", 4096);
    close(fd);
    int rdonly = open("append", O_RDONLY);
    errno = 0;
    void *no = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rdonly, 0);
    printf("shared writable mapping of a read-only fd: %s (%s)\n", no == MAP_FAILED ? "refused" : "mapped",
           strerror(errno));
    int wo = open("append", O_WRONLY);
    errno = 0;
    no = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0);
    printf("mapping of a write-only fd: %s (%s)\n", no == MAP_FAILED ? "refused" : "mapped", strerror(errno));
    int ap = open("append", O_RDWR | O_APPEND);
    char *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
    memcpy(v, "ABC", 3);
    errno = 0;
    printf("msync of an unaligned address: %d (%s)\n", msync(v + 1, 1, MS_SYNC), strerror(errno));
    munmap(v, 4096);
    show_file("O_APPEND file, written in place", ap, 0);
    printf("its size: %ld\n", (long)lseek(ap, 0, SEEK_END));
    return 0;
}
