/* 64-bit bit manipulation: popcount, clz/ctz, rotates, byte swaps,
 * bit reversal, masks, sign/zero extension, parity. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static uint64_t rotl64(uint64_t x, unsigned r) { r &= 63; return r ? (x << r) | (x >> (64 - r)) : x; }
static uint64_t rotr64(uint64_t x, unsigned r) { r &= 63; return r ? (x >> r) | (x << (64 - r)) : x; }
static uint32_t rotl32(uint32_t x, unsigned r) { r &= 31; return r ? (x << r) | (x >> (32 - r)) : x; }

static uint64_t bitrev64(uint64_t x) {
    x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
    x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
    x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
    return __builtin_bswap64(x);
}

static int naive_popcount(uint64_t x) { int c = 0; while (x) { c += x & 1; x >>= 1; } return c; }

int main(void) {
    volatile uint64_t vals[] = {0, 1, 2, 3, 0x80, 0x8000000000000000ULL, 0xffffffffffffffffULL,
                                0x00000000ffffffffULL, 0xffffffff00000000ULL, 0x0123456789abcdefULL,
                                0xfedcba9876543210ULL, 0x5555555555555555ULL, 0xaaaaaaaaaaaaaaaaULL,
                                0x0000000100000000ULL, 0x7fffffffffffffffULL, 0x00f000000000f000ULL};
    unsigned n = sizeof vals / sizeof vals[0];
    uint64_t h = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = vals[i];
        uint32_t lo = (uint32_t)x;
        printf("%016" PRIx64 ": pop=%d/%d clz=%d ctz=%d par=%d bswap=%016" PRIx64 " rev=%016" PRIx64 "\n", x,
               __builtin_popcountll(x), naive_popcount(x), x ? __builtin_clzll(x) : 64,
               x ? __builtin_ctzll(x) : 64, __builtin_parityll(x), __builtin_bswap64(x), bitrev64(x));
        printf("  lo32=%08" PRIx32 " pop32=%d clz32=%d ctz32=%d bswap32=%08" PRIx32 " sext32=%016" PRIx64
               " sext16=%016" PRIx64 " sext8=%016" PRIx64 "\n",
               lo, __builtin_popcount(lo), lo ? __builtin_clz(lo) : 32, lo ? __builtin_ctz(lo) : 32,
               __builtin_bswap32(lo), (uint64_t)(int64_t)(int32_t)lo, (uint64_t)(int64_t)(int16_t)lo,
               (uint64_t)(int64_t)(int8_t)lo);
        printf("  x&-x=%016" PRIx64 " x&(x-1)=%016" PRIx64 " x|(x+1)=%016" PRIx64 " ~x=%016" PRIx64 "\n",
               x & -x, x & (x - 1), x | (x + 1), ~x);
        for (volatile unsigned r = 0; r < 64; r += 7) {
            h = h * 31 + rotl64(x, r);
            h = h * 31 + rotr64(x, r);
            h = h * 31 + rotl32(lo, r);
        }
    }
    printf("rotate hash = %016" PRIx64 "\n", h);

    /* bit-field extract/insert */
    struct {
        uint64_t a : 3;
        int64_t b : 13;
        uint64_t c : 29;
        int64_t d : 19;
    } bf = {0};
    uint64_t fh = 0;
    for (volatile int i = 0; i < 1000; i++) {
        bf.a += (uint64_t)i;
        bf.b -= i * 3;
        bf.c ^= (uint64_t)i * 0x9e3779b9u;
        bf.d += bf.b;
        fh = fh * 1000003 + (uint64_t)bf.a + (uint64_t)bf.b * 7 + (uint64_t)bf.c * 11 + (uint64_t)bf.d * 13;
    }
    printf("bitfield a=%u b=%d c=%u d=%d hash=%016" PRIx64 "\n", (unsigned)bf.a, (int)bf.b, (unsigned)bf.c,
           (int)bf.d, fh);

    /* xorshift sequence */
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 100000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
    }
    printf("xorshift = %016" PRIx64 "\n", s);

    /* gray code and bit interleave */
    uint64_t g = 0;
    for (uint32_t i = 0; i < 4096; i++) {
        uint32_t gray = i ^ (i >> 1);
        uint64_t m = 0;
        for (int b = 0; b < 16; b++)
            m |= (uint64_t)((gray >> b) & 1) << (2 * b) | (uint64_t)((i >> b) & 1) << (2 * b + 1);
        g += m * (i | 1);
    }
    printf("interleave = %016" PRIx64 "\n", g);
    return 0;
}
