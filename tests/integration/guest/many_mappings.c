/* Splits one mapping into tens of thousands by mprotect()ing every other
 * page, until mmap's limit on mappings stops it (ENOMEM, as Linux's
 * vm.max_map_count), then drops single pages with MADV_DONTNEED, which
 * used to copy vm's whole map each time (a second per call at 10^6). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void) {
    const long pages = 1L << 17;
    char *base = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return 1;
    long splits = 0;
    int error = 0;
    for (long i = 1; i < pages; i += 2) {
        if (mprotect(base + i * 4096, 4096, PROT_READ) != 0) {
            error = errno;
            break;
        }
        splits++;
    }
    printf("mprotect stopped: %s, after more than 30000 splits: %s\n", strerror(error),
           splits > 30000 ? "yes" : "no");
    for (int i = 0; i < 1000; i++) madvise(base + (long)(i % 64) * 8192, 4096, MADV_DONTNEED);
    printf("1000 madvise calls done\n");
    return 0;
}
