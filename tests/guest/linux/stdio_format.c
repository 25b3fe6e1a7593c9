/* stdio formatting: snprintf with many conversions/flags/widths/precisions,
 * truncation return values, and sscanf parsing. Also strtol/strtod. */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char b[256];
    int n;
    n = snprintf(b, sizeof b, "[%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%#x|%o|%#o|%u]", 42, -42, 42, 42, 42, 42, 255, 255, 255,
                 8, 8, 4000000000u);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%ld|%lld|%lu|%llx|%hd|%hhu|%zu|%td|%jd]", LONG_MIN, LLONG_MAX, ULONG_MAX,
                 0xdeadbeefcafeULL, (short)70000, (unsigned char)300, (size_t)12345, (ptrdiff_t)-77, (intmax_t)INT64_MIN);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%s|%10s|%-10s|%.3s|%*s|%-*.*s|%c|%5c|%%]", "str", "right", "left", "truncate", 6, "w",
                 8, 2, "precision", 'Q', 'z');
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%f|%.2f|%10.3f|%-10.1f|%e|%.3E|%g|%g|%g|%#g|%a|%A]", 3.14159265, 2.675, -1.5, 0.05,
                 1234.5678, 0.00012345, 1e-5, 123456789.0, 0.0001, 1.0, 1.0, -0.1);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%f|%f|%F|%e|%g|%.0f|%.0f|%.0f|%.1f]", 1.0 / 0.0, -1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0 * 0,
                 -0.0, 0.5, 1.5, 2.5, 0.25);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%.17g|%.17g|%.20f|%.15e|%La]", 0.1, 1e23, 0.1, 1.0 / 7, 1.0L / 3);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%Lf|%.25Lg]", 2.0L / 3, 1.0L / 3);
    printf("%d %s\n", n, b);
    n = snprintf(b, sizeof b, "[%" PRId8 "|%" PRIu16 "|%" PRIx32 "|%" PRIo64 "|%#" PRIx64 "]", (int8_t)-5,
                 (uint16_t)65535, (uint32_t)0xabcdef, (uint64_t)01234567, (uint64_t)0);
    printf("%d %s\n", n, b);
    /* truncation */
    char small[8];
    const char *volatile longstr = "abcdefghijklmnop";
    n = snprintf(small, sizeof small, "%s", longstr);
    printf("trunc n=%d '%s'\n", n, small);
    n = snprintf(NULL, 0, "%d-%s", 123456, "xyz");
    printf("measure n=%d\n", n);
    int pos1, pos2;
    printf("count:%n12345%n\n", &pos1, &pos2);
    printf("n positions %d %d\n", pos1, pos2);
    printf("%2$s %1$s %2$s\n", "world", "hello");

    /* sscanf */
    int i1, i2, cnt;
    unsigned u;
    long l;
    double d;
    float f;
    char w1[32], w2[32], ch;
    cnt = sscanf("  42 -17 0x1F 3.5e2 2.25 word rest", "%d %d %x %lf %f %31s %31s", &i1, &i2, &u, &d, &f, w1, w2);
    printf("sscanf cnt=%d %d %d %u %g %g %s %s\n", cnt, i1, i2, u, d, (double)f, w1, w2);
    cnt = sscanf("key=value;123", "%31[^=]=%31[^;];%ld", w1, w2, &l);
    printf("scanset cnt=%d '%s' '%s' %ld\n", cnt, w1, w2, l);
    cnt = sscanf("12abc", "%d%c", &i1, &ch);
    printf("partial cnt=%d %d %c\n", cnt, i1, ch);
    cnt = sscanf("abc", "%d", &i1);
    printf("fail cnt=%d\n", cnt);
    cnt = sscanf("", "%d", &i1);
    printf("empty cnt=%d\n", cnt);
    cnt = sscanf("2024-01-15T10:20:30", "%4d-%2d-%2dT%d:%d:%d", &i1, &i2, (int *)&u, &pos1, &pos2, &n);
    printf("date cnt=%d %d %d %u %d %d %d\n", cnt, i1, i2, u, pos1, pos2, n);
    cnt = sscanf("0777 0x10 10", "%i %i %i", &i1, &i2, &n);
    printf("%%i cnt=%d %d %d %d\n", cnt, i1, i2, n);
    cnt = sscanf("nan inf -inf 1e400", "%lf %lf %lf %lf", &d, &d, &d, &d);
    printf("special cnt=%d last=%g\n", cnt, d);
    char *end;
    printf("strtol: %ld %ld %ld %lu\n", strtol("-123xyz", &end, 10), strtol("ff", NULL, 16), strtol("z", NULL, 36),
           strtoul("18446744073709551615", NULL, 10));
    printf("strtol rest '%s' overflow=%ld\n", end, strtol("99999999999999999999", NULL, 10));
    printf("strtod: %.17g %.17g %a %.17g\n", strtod("3.14159", NULL), strtod("1e-310", NULL), strtod("0x1.8p3", NULL),
           strtod("  -0.000001e3 ", &end));
    printf("atoi %d atol %ld atof %g\n", atoi("  -77abc"), atol("123456789012"), atof("2.5e-3"));
    /* long format string build-up */
    char big[4096];
    size_t off = 0;
    for (int k = 0; k < 100; k++)
        off += (size_t)snprintf(big + off, sizeof big - off, "%03d:%+.2e;", k * k, k / 7.0);
    unsigned sum = 0;
    for (size_t k = 0; k < off; k++) sum = sum * 33 + (unsigned char)big[k];
    printf("big len=%zu sum=%08x tail=%s\n", off, sum, big + off - 24);
    return 0;
}
