/* getrandom: prints only return counts (never the bytes), checks that two
 * 64-byte draws differ and that flags GRND_NONBLOCK works. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int main(void) {
    unsigned char a[64], b[64];
    ssize_t r1 = getrandom(a, sizeof a, 0);
    ssize_t r2 = getrandom(b, sizeof b, GRND_NONBLOCK);
    printf("getrandom returned %zd and %zd\n", r1, r2);
    printf("draws differ: %s\n", memcmp(a, b, sizeof a) != 0 ? "yes" : "no");
    ssize_t r3 = getrandom(a, 0, 0);
    printf("zero-length returned %zd\n", r3);
    static unsigned char big[256];
    printf("256 bytes returned %zd\n", getrandom(big, sizeof big, 0));
    return 0;
}
