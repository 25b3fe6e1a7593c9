/* malloc/calloc/realloc/free churn driven by an own LCG, including large
 * blocks (> 128 KiB, served by mmap in glibc) and realloc growth/shrink.
 * Contents are verified and checksummed; no addresses are printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t st = 0x243f6a8885a308d3ULL;
static uint32_t rnd(void) {
    st = st * 2862933555777941757ULL + 3037000493ULL;
    return (uint32_t)(st >> 32);
}

struct slot {
    unsigned char *p;
    size_t n;
    unsigned char seed;
};

static void fill(struct slot *s) {
    for (size_t i = 0; i < s->n; i++) s->p[i] = (unsigned char)(s->seed + i * 13);
}
static int check(const struct slot *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s->p[i] != (unsigned char)(s->seed + i * 13)) return 0;
    return 1;
}

int main(void) {
    enum { SLOTS = 256, ROUNDS = 6000 };
    static struct slot sl[SLOTS];
    uint64_t sum = 0;
    long bad = 0, mallocs = 0, frees = 0, reallocs = 0, bigs = 0, misaligned = 0;
    for (int r = 0; r < ROUNDS; r++) {
        unsigned i = rnd() % SLOTS;
        struct slot *s = &sl[i];
        unsigned op = rnd() % 10;
        if (!s->p) {
            size_t n;
            unsigned kind = rnd() % 100;
            if (kind < 2) {
                n = 132 * 1024 + rnd() % (64 * 1024);
                bigs++;
            } else if (kind < 30)
                n = rnd() % 4096;
            else
                n = 1 + rnd() % 128;
            s->n = n;
            s->seed = (unsigned char)rnd();
            s->p = (kind & 1) ? calloc(1, n ? n : 1) : malloc(n ? n : 1);
            if (!s->p) {
                printf("alloc failed\n");
                return 1;
            }
            if ((uintptr_t)s->p % 16) misaligned++;
            if (kind & 1) {
                for (size_t k = 0; k < n; k++)
                    if (s->p[k]) { bad++; break; }
            }
            fill(s);
            mallocs++;
        } else if (op < 5) {
            if (!check(s, s->n)) bad++;
            for (size_t k = 0; k < s->n; k += 61) sum = sum * 131 + s->p[k];
            free(s->p);
            s->p = NULL;
            frees++;
        } else {
            size_t nn = (op < 8) ? s->n * 2 + rnd() % 100 : s->n / 2;
            if (rnd() % 80 == 0) nn = 140 * 1024 + rnd() % 50000;
            if (nn > 256 * 1024) nn = s->n / 3; /* keep the working set bounded */
            if (nn == 0) nn = 1;
            unsigned char *q = realloc(s->p, nn);
            if (!q) {
                printf("realloc failed\n");
                return 1;
            }
            s->p = q;
            size_t keep = nn < s->n ? nn : s->n;
            if (!check(s, keep)) bad++;
            s->n = nn;
            fill(s);
            reallocs++;
        }
    }
    size_t live = 0;
    for (int i = 0; i < SLOTS; i++)
        if (sl[i].p) {
            if (!check(&sl[i], sl[i].n)) bad++;
            live += sl[i].n;
            free(sl[i].p);
        }
    printf("mallocs=%ld frees=%ld reallocs=%ld bigs=%ld live_bytes=%zu\n", mallocs, frees, reallocs, bigs, live);
    printf("bad=%ld misaligned=%ld checksum=%016llx\n", bad, misaligned, (unsigned long long)sum);

    /* a few very large blocks: touch every page */
    for (int k = 1; k <= 4; k++) {
        size_t n = (size_t)k * 3 * 1024 * 1024 + 123;
        unsigned char *p = malloc(n);
        if (!p) { printf("big malloc failed\n"); return 1; }
        for (size_t off = 0; off < n; off += 4096) p[off] = (unsigned char)(off >> 12);
        p[n - 1] = 0x5a;
        unsigned long t = 0;
        for (size_t off = 0; off < n; off += 4096) t += p[off];
        printf("big %d: n=%zu pagesum=%lu last=%02x\n", k, n, t, p[n - 1]);
        unsigned char *q = realloc(p, n * 2);
        if (!q) { printf("big realloc failed\n"); return 1; }
        printf("big %d realloc keeps: %d %02x\n", k, q[4096] == 1, q[n - 1]);
        free(q);
    }
    /* many small allocations then free in reverse */
    void *v[5000];
    for (int k = 0; k < 5000; k++) {
        v[k] = malloc((size_t)(k % 97) + 1);
        memset(v[k], k & 0xff, (size_t)(k % 97) + 1);
    }
    unsigned long t = 0;
    for (int k = 4999; k >= 0; k--) {
        t += ((unsigned char *)v[k])[0];
        free(v[k]);
    }
    printf("small reverse sum=%lu\n", t);
    return 0;
}
