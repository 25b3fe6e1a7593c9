/* uname: prints only sysname and machine (release/version/nodename differ
 * between hosts); also checks the other fields are NUL-terminated strings. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void) {
    struct utsname u;
    memset(&u, 0x7f, sizeof u);
    if (uname(&u) != 0) {
        printf("uname failed\n");
        return 1;
    }
    printf("sysname=%s\n", u.sysname);
    printf("machine=%s\n", u.machine);
    int ok = memchr(u.nodename, 0, sizeof u.nodename) && memchr(u.release, 0, sizeof u.release) &&
             memchr(u.version, 0, sizeof u.version) && strlen(u.release) > 0;
    printf("fields terminated: %s\n", ok ? "ok" : "bad");
    return 0;
}
