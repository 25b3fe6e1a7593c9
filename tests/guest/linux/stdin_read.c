/* Reads all of stdin (driver supplies a fixed file): echoes lines with
 * numbers, counts lines/words/bytes, checksums; also parses numbers with
 * scanf-like logic and checks read() at EOF. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    static char buf[1 << 16];
    size_t len = 0;
    ssize_t r;
    /* small raw reads first to exercise read() directly */
    while ((r = read(0, buf + len, 7)) > 0 && len < 21) len += (size_t)r;
    if (r > 0) len += (size_t)r;
    size_t got = fread(buf + len, 1, sizeof buf - len - 1, stdin);
    len += got;
    buf[len] = 0;
    printf("bytes=%zu\n", len);
    printf("read at eof=%zd feof=%d\n", read(0, buf + len, 10), (int)(fread(buf + len, 1, 1, stdin) == 0));
    buf[len] = 0;

    long lines = 0, words = 0, upper = 0, digits = 0;
    int inword = 0;
    unsigned h = 5381;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        h = h * 33 ^ c;
        if (c == '\n') lines++;
        if (isupper(c)) upper++;
        if (isdigit(c)) digits++;
        if (isspace(c)) inword = 0;
        else if (!inword) { inword = 1; words++; }
    }
    printf("lines=%ld words=%ld upper=%ld digits=%ld djb2=%08x\n", lines, words, upper, digits, h);

    int ln = 1;
    char *save, *line = strtok_r(buf, "\n", &save);
    while (line) {
        size_t l = strlen(line);
        int trail = 0;
        while (l > 0 && (line[l - 1] == ' ' || line[l - 1] == '\t')) { l--; trail++; }
        printf("%3d| %.*s|%d\n", ln++, (int)l, line, trail);
        long a, b;
        double d;
        unsigned x;
        if (sscanf(line, "%ld %ld %lf %x", &a, &b, &d, &x) == 4)
            printf("    numbers: %ld %ld %g %u sum=%g\n", a, b, d, x, a + b + d + x);
        line = strtok_r(NULL, "\n", &save);
    }
    return 0;
}
