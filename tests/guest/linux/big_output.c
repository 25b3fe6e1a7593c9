/* Large output: ~200 KB of formatted lines on stdout, then a checksum
 * summary line, through both stdio and large raw write() calls. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    uint32_t crc = 0;
    size_t total = 0;
    char line[128];
    for (int i = 0; i < 4000; i++) {
        int n = snprintf(line, sizeof line, "%05d %08x %-20.*s|%+.3f\n", i, (unsigned)(i * 2654435761u),
                         i % 21, "abcdefghijklmnopqrstuvwxyz", i / 7.0);
        fputs(line, stdout);
        for (int k = 0; k < n; k++) crc = (crc << 5 | crc >> 27) ^ (unsigned char)line[k];
        total += (size_t)n;
    }
    fflush(stdout);
    /* a single large write of 64 KiB */
    static char blk[65536];
    for (size_t i = 0; i < sizeof blk; i++) blk[i] = (i % 64 == 63) ? '\n' : (char)('A' + (i * 7) % 26);
    ssize_t w = 0, r;
    while ((size_t)w < sizeof blk && (r = write(1, blk + w, sizeof blk - (size_t)w)) > 0) w += r;
    for (size_t k = 0; k < sizeof blk; k++) crc = (crc << 5 | crc >> 27) ^ (unsigned char)blk[k];
    total += (size_t)w;
    printf("total=%zu hash=%08x\n", total, crc);
    return 0;
}
