/* Sieve of Eratosthenes to 5 million (bit array), prime counts per decade,
 * twin primes, a segmented check with trial division and Miller-Rabin
 * (64-bit modular multiplication through unsigned __int128). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 5000000u

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return (uint64_t)((unsigned __int128)a * b % m); }
static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1) r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}
static int miller_rabin(uint64_t n) {
    if (n < 2) return 0;
    static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    for (int i = 0; i < 12; i++)
        if (n % bases[i] == 0) return n == bases[i];
    uint64_t d = n - 1;
    int s = 0;
    while (!(d & 1)) { d >>= 1; s++; }
    for (int i = 0; i < 12; i++) {
        uint64_t x = powmod(bases[i], d, n);
        if (x == 1 || x == n - 1) continue;
        int ok = 0;
        for (int r = 1; r < s; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1) { ok = 1; break; }
        }
        if (!ok) return 0;
    }
    return 1;
}

int main(void) {
    uint8_t *comp = calloc(LIMIT / 8 + 1, 1);
    for (uint32_t i = 2; (uint64_t)i * i <= LIMIT; i++)
        if (!(comp[i >> 3] & (1u << (i & 7))))
            for (uint32_t j = i * i; j <= LIMIT; j += i) comp[j >> 3] |= (uint8_t)(1u << (j & 7));
#define ISPRIME(n) ((n) >= 2 && !(comp[(n) >> 3] & (1u << ((n) & 7))))
    uint32_t count = 0, twins = 0, last = 0;
    uint64_t sum = 0;
    uint32_t next_report = 10;
    for (uint32_t n = 2; n <= LIMIT; n++) {
        if (ISPRIME(n)) {
            count++;
            sum += n;
            if (last && n - last == 2) twins++;
            last = n;
        }
        if (n == next_report) {
            printf("pi(%u)=%u\n", n, count);
            next_report *= 10;
        }
    }
    printf("pi(%u)=%u sum=%llu twins=%u largest=%u\n", LIMIT, count, (unsigned long long)sum, twins, last);
    /* cross-check a sample with Miller-Rabin */
    uint32_t mism = 0;
    for (uint32_t n = 0; n <= LIMIT; n += 997)
        if (ISPRIME(n) != miller_rabin(n)) mism++;
    printf("mismatches=%u\n", mism);
    /* large primes */
    const uint64_t big[] = {1000000007ULL, 1000000009ULL, 4294967291ULL, 4294967297ULL,
                            2305843009213693951ULL, 18446744073709551557ULL, 18446744073709551559ULL,
                            3215031751ULL, 9223372036854775783ULL};
    for (unsigned i = 0; i < sizeof big / sizeof big[0]; i++)
        printf("%llu prime=%d\n", (unsigned long long)big[i], miller_rabin(big[i]));
    /* Goldbach check for even numbers up to 100000 */
    uint32_t maxp = 0, at = 0;
    for (uint32_t e = 4; e <= 100000; e += 2) {
        uint32_t p = 2;
        while (!(ISPRIME(p) && ISPRIME(e - p))) p++;
        if (p > maxp) { maxp = p; at = e; }
    }
    printf("goldbach largest smallest-prime %u at %u\n", maxp, at);
    free(comp);
    return 0;
}
