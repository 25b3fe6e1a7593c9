/* File I/O in a scratch directory (argv[3], else $TMPDIR, else "."):
 * open/creat, write, lseek, pread/pwrite, read back, fstat/stat sizes,
 * rename, ftruncate, stdio fopen/fprintf/fgets, O_APPEND, dup, unlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *dir;
static char pathbuf[3][4096];

static const char *P(int k, const char *name) {
    snprintf(pathbuf[k], sizeof pathbuf[k], "%s/%s", dir, name);
    return pathbuf[k];
}

static unsigned sum(const unsigned char *p, size_t n) {
    unsigned s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + p[i];
    return s;
}

int main(int argc, char **argv) {
    dir = argc > 3 ? argv[3] : getenv("TMPDIR");
    if (!dir) dir = ".";

    const char *f1 = P(0, "file_io_a.bin");
    int fd = open(f1, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) { perror("open"); return 1; }
    static unsigned char data[100000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (unsigned char)(i * 2654435761u >> 13);
    ssize_t w = write(fd, data, sizeof data);
    printf("write %zd\n", w);
    long o1 = (long)lseek(fd, 0, SEEK_CUR);
    long o2 = (long)lseek(fd, 0, SEEK_END);
    long o3 = (long)lseek(fd, 1000, SEEK_SET);
    printf("lseek cur=%ld end=%ld set=%ld\n", o1, o2, o3);
    unsigned char rb[4096];
    ssize_t r = read(fd, rb, sizeof rb);
    printf("read %zd match=%d pos=%ld\n", r, memcmp(rb, data + 1000, (size_t)r) == 0, (long)lseek(fd, 0, SEEK_CUR));
    r = pread(fd, rb, 100, 99950);
    printf("pread at 99950: %zd match=%d pos unchanged=%ld\n", r, memcmp(rb, data + 99950, 50) == 0,
           (long)lseek(fd, 0, SEEK_CUR));
    const char msg[] = "PWRITE-MARKER";
    printf("pwrite %zd\n", pwrite(fd, msg, sizeof msg - 1, 50000));
    printf("pwrite past end %zd\n", pwrite(fd, msg, sizeof msg - 1, 100010));
    struct stat stt;
    fstat(fd, &stt);
    printf("fstat size=%ld isreg=%d mode=%o\n", (long)stt.st_size, S_ISREG(stt.st_mode), stt.st_mode & 0777);
    lseek(fd, 0, SEEK_SET);
    static unsigned char all[200000];
    size_t tot = 0;
    while ((r = read(fd, all + tot, 7777)) > 0) tot += (size_t)r;
    printf("read all %zu sum=%08x eof r=%zd hole zero=%d marker=%.13s\n", tot, sum(all, tot), r,
           all[100000] == 0 && all[100009] == 0, (char *)all + 100010);
    o1 = (long)lseek(fd, 500000, SEEK_SET);
    printf("lseek beyond: %ld, read there: %zd\n", o1, read(fd, rb, 10));
    printf("ftruncate %d\n", ftruncate(fd, 12345));
    fstat(fd, &stt);
    printf("size after truncate %ld\n", (long)stt.st_size);
    int fd2 = dup(fd);
    lseek(fd2, 12000, SEEK_SET);
    printf("dup shares offset: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    close(fd2);
    close(fd);

    /* stat, rename, access */
    int rc = stat(f1, &stt);
    printf("stat rc=%d size=%ld\n", rc, (long)stt.st_size);
    const char *f2 = P(1, "file_io_b.bin");
    printf("rename %d\n", rename(f1, f2));
    errno = 0;
    rc = stat(f1, &stt);
    printf("stat old rc=%d errno=ENOENT:%d\n", rc, errno == ENOENT);
    printf("access new R_OK=%d W_OK=%d\n", access(f2, R_OK), access(f2, W_OK));

    /* O_APPEND */
    fd = open(f2, O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "tail", 4);
    fstat(fd, &stt);
    printf("append size=%ld\n", (long)stt.st_size);
    close(fd);

    /* O_EXCL on existing */
    errno = 0;
    fd = open(f2, O_CREAT | O_EXCL | O_WRONLY, 0600);
    printf("O_EXCL existing fd=%d EEXIST=%d\n", fd, errno == EEXIST);

    /* stdio */
    const char *f3 = P(2, "file_io_c.txt");
    FILE *fp = fopen(f3, "w");
    for (int i = 0; i < 500; i++) fprintf(fp, "line %d value %d\n", i, i * i - 7 * i);
    fclose(fp);
    fp = fopen(f3, "r");
    char line[128];
    long lsum = 0;
    int lines = 0;
    while (fgets(line, sizeof line, fp)) {
        int a, v;
        if (sscanf(line, "line %d value %d", &a, &v) == 2) lsum += v;
        lines++;
    }
    printf("stdio lines=%d sum=%ld ftell=%ld feof=%d\n", lines, lsum, ftell(fp), feof(fp) != 0);
    fseek(fp, -20, SEEK_END);
    printf("fseek tail: %s", fgets(line, sizeof line, fp));
    rewind(fp);
    printf("rewind first: %s", fgets(line, sizeof line, fp));
    fclose(fp);
    fp = fopen(f3, "a+");
    fputs("appended\n", fp);
    fseek(fp, 0, SEEK_END);
    printf("a+ size %ld\n", ftell(fp));
    fclose(fp);

    /* unlink and errors */
    rc = unlink(f2);
    printf("unlink b %d", rc);
    printf(" c %d\n", unlink(f3));
    errno = 0;
    rc = unlink(f2);
    printf("unlink again %d ENOENT=%d\n", rc, errno == ENOENT);
    errno = 0;
    fd = open(P(0, "no/such/dir/file"), O_RDONLY);
    printf("open missing fd=%d ENOENT=%d\n", fd, errno == ENOENT);
    errno = 0;
    r = read(12345, rb, 1);
    printf("read bad fd %zd EBADF=%d\n", r, errno == EBADF);
    return 0;
}
