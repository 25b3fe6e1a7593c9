/* Directory operations in a scratch directory (argv[3] / $TMPDIR / "."):
 * mkdir, nested mkdir, opendir/readdir (entries sorted before printing),
 * getcwd/chdir (only a relative suffix printed), fchdir, rmdir, stat of
 * directories, openat/mkdirat/unlinkat, readlink/symlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s failed\n", path); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char tag = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        char *s = malloc(strlen(e->d_name) + 3);
        sprintf(s, "%s:%c", e->d_name, tag);
        names[n++] = s;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmpstr);
    printf("list %s (%d):", path, n);
    for (int i = 0; i < n; i++) { printf(" %s", names[i]); free(names[i]); }
    printf("\n");
}

static char base[4096];

/* print cwd relative to the starting directory so output is path independent */
static const char *suffix(const char *cwd) {
    size_t n = strlen(base);
    if (!cwd) return "<getcwd failed>";
    return strncmp(cwd, base, n) == 0 ? cwd + n : "<outside base>";
}

int main(int argc, char **argv) {
    const char *dir = argc > 3 ? argv[3] : getenv("TMPDIR");
    if (!dir) dir = ".";
    if (chdir(dir) != 0) { perror("chdir"); return 1; }
    if (!getcwd(base, sizeof base)) { perror("getcwd"); return 1; }
    printf("getcwd absolute=%d\n", base[0] == '/');

    printf("mkdir top %d\n", mkdir("dtest", 0755));
    errno = 0;
    int rc = mkdir("dtest", 0755);
    printf("mkdir again %d EEXIST=%d\n", rc, errno == EEXIST);
    rc = mkdir("dtest/sub1", 0700);
    printf("mkdir nested %d %d\n", rc, mkdir("dtest/sub1/deeper", 0755));
    printf("mkdir sub2 %d\n", mkdir("dtest/sub2", 0755));
    const char *files[] = {"dtest/zeta.txt", "dtest/alpha.txt", "dtest/Mid.dat", "dtest/sub1/inner"};
    for (int i = 0; i < 4; i++) {
        int fd = open(files[i], O_CREAT | O_WRONLY | O_TRUNC, 0644);
        dprintf(fd, "content %d\n", i);
        close(fd);
    }
    printf("symlink %d\n", symlink("alpha.txt", "dtest/link"));
    char lb[256];
    ssize_t ln = readlink("dtest/link", lb, sizeof lb - 1);
    if (ln >= 0) lb[ln] = 0;
    printf("readlink %zd '%s'\n", ln, ln >= 0 ? lb : "");
    struct stat st;
    printf("lstat link islnk=%d\n", lstat("dtest/link", &st) == 0 && S_ISLNK(st.st_mode));
    rc = stat("dtest/link", &st);
    printf("stat link isreg=%d size=%ld\n", rc == 0 && S_ISREG(st.st_mode), (long)st.st_size);
    list("dtest");
    list("dtest/sub1");

    char cwd[4096];
    printf("chdir dtest/sub1 %d\n", chdir("dtest/sub1"));
    printf("cwd suffix %s\n", suffix(getcwd(cwd, sizeof cwd)));
    printf("chdir .. %d\n", chdir(".."));
    printf("cwd suffix %s\n", suffix(getcwd(cwd, sizeof cwd)));
    list(".");
    int dfd = open("sub2", O_RDONLY | O_DIRECTORY);
    rc = fstat(dfd, &st);
    printf("open dir fd ok=%d fstat isdir=%d\n", dfd >= 0, rc == 0 && S_ISDIR(st.st_mode));
    int fd = openat(dfd, "made_by_openat", O_CREAT | O_WRONLY, 0600);
    ssize_t wr = write(fd, "xyz", 3);
    printf("openat ok=%d write=%zd\n", fd >= 0, wr);
    close(fd);
    printf("mkdirat %d\n", mkdirat(dfd, "dir_by_mkdirat", 0755));
    printf("fstatat size=%ld\n", fstatat(dfd, "made_by_openat", &st, 0) == 0 ? (long)st.st_size : -1L);
    printf("fchdir %d\n", fchdir(dfd));
    printf("cwd suffix %s\n", suffix(getcwd(cwd, sizeof cwd)));
    list(".");
    rc = unlinkat(dfd, "made_by_openat", 0);
    printf("unlinkat file %d dir %d\n", rc, unlinkat(dfd, "dir_by_mkdirat", AT_REMOVEDIR));
    close(dfd);
    printf("chdir base %d\n", chdir(base));

    errno = 0;
    rc = rmdir("dtest");
    printf("rmdir nonempty %d ENOTEMPTY=%d\n", rc, errno == ENOTEMPTY || errno == EEXIST);
    errno = 0;
    rc = rmdir("dtest/zeta.txt");
    printf("rmdir file %d ENOTDIR=%d\n", rc, errno == ENOTDIR);
    for (int i = 0; i < 4; i++) printf("unlink %s %d\n", files[i], unlink(files[i]));
    printf("unlink link %d\n", unlink("dtest/link"));
    printf("rmdir deeper %d\n", rmdir("dtest/sub1/deeper"));
    printf("rmdir sub1 %d\n", rmdir("dtest/sub1"));
    printf("rmdir sub2 %d\n", rmdir("dtest/sub2"));
    list("dtest");
    printf("rmdir top %d\n", rmdir("dtest"));
    errno = 0;
    rc = stat("dtest", &st);
    printf("stat removed %d ENOENT=%d\n", rc, errno == ENOENT);
    errno = 0;
    DIR *dm = opendir("dtest");
    printf("opendir missing null=%d ENOENT=%d\n", dm == NULL, errno == ENOENT);
    return 0;
}
