/* argv and environment: prints argc/argv, the environment (sorted), getenv,
 * setenv/unsetenv/putenv, and the auxiliary vector entries that are
 * deterministic (page size, AT_SECURE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv, char **envp) {
    printf("argc=%d\n", argc);
    /* argv[0] is the program path; print only its basename */
    const char *slash = strrchr(argv[0], '/');
    printf("argv[0] basename=%s\n", slash ? slash + 1 : argv[0]);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
    printf("envp == environ: %d\n", envp == environ);

    int n = 0;
    while (environ[n]) n++;
    char **copy = malloc(sizeof(char *) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) copy[i] = environ[i];
    qsort(copy, (size_t)n, sizeof copy[0], cmpstr);
    printf("envc=%d\n", n);
    for (int i = 0; i < n; i++) printf("env: %s\n", copy[i]);
    free(copy);

    printf("getenv VMTEST=%s HOME=%s PATH=%s LANG=%s\n", getenv("VMTEST"), getenv("HOME"), getenv("PATH"),
           getenv("LANG"));
    printf("getenv missing=%s\n", getenv("NO_SUCH_VARIABLE") ? "set" : "(null)");
    setenv("NEWVAR", "new value", 1);
    setenv("VMTEST", "changed", 0);
    printf("after setenv NEWVAR=%s VMTEST=%s\n", getenv("NEWVAR"), getenv("VMTEST"));
    setenv("VMTEST", "changed", 1);
    unsetenv("HOME");
    static char pe[] = "PUTVAR=42";
    putenv(pe);
    printf("after overwrite VMTEST=%s HOME=%s PUTVAR=%s\n", getenv("VMTEST"), getenv("HOME") ? "set" : "(null)",
           getenv("PUTVAR"));

    printf("AT_PAGESZ=%lu sysconf=%ld\n", getauxval(AT_PAGESZ), sysconf(_SC_PAGESIZE));
    printf("AT_SECURE=%lu\n", getauxval(AT_SECURE));
    printf("AT_RANDOM present=%d\n", getauxval(AT_RANDOM) != 0);
    printf("AT_PHDR present=%d AT_ENTRY present=%d\n", getauxval(AT_PHDR) != 0, getauxval(AT_ENTRY) != 0);
    printf("uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
    return 0;
}
