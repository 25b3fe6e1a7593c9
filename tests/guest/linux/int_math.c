/* Integer arithmetic edge cases: mul/mulh, div/rem incl. INT64_MIN/-1 and
 * division by zero (RISC-V defines the results, no trap), 32-bit W ops. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

static volatile int64_t vs64[] = {
    0, 1, -1, 2, -2, 7, -7, 13, 1000003, -1000003,
    INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x123456789abcdefLL, -0x0fedcba987654321LL,
    (int64_t)0x80000000LL, (int64_t)0xffffffffLL, INT32_MIN, INT32_MAX,
};
#define N64 (sizeof(vs64) / sizeof(vs64[0]))

static volatile int32_t vs32[] = {
    0, 1, -1, 3, -3, 10, -10, 65536, -65536, INT32_MAX, INT32_MIN, INT32_MIN + 1, 0x7654321, -0x1234567,
};
#define N32 (sizeof(vs32) / sizeof(vs32[0]))

static uint64_t mix;
static void acc(uint64_t v) { mix = (mix ^ v) * 0x100000001b3ULL + (mix >> 29); }

int main(void) {
    /* explicit named edge cases */
    volatile int64_t a = INT64_MIN, m1 = -1, z = 0, seven = 7;
    volatile uint64_t ua = 12345, uz = 0;
    volatile int32_t a32 = INT32_MIN, m32 = -1, z32 = 0;
    volatile uint32_t u32 = 0xdeadbeefu, uz32 = 0;
    printf("INT64_MIN / -1 = %" PRId64 "\n", a / m1);
    printf("INT64_MIN %% -1 = %" PRId64 "\n", a % m1);
    printf("7 / 0 = %" PRId64 "\n", seven / z);
    printf("7 %% 0 = %" PRId64 "\n", seven % z);
    printf("-7 / 0 = %" PRId64 "\n", -seven / z);
    printf("u 12345 / 0 = %" PRIu64 "\n", ua / uz);
    printf("u 12345 %% 0 = %" PRIu64 "\n", ua % uz);
    printf("INT32_MIN / -1 = %" PRId32 "\n", a32 / m32);
    printf("INT32_MIN %% -1 = %" PRId32 "\n", a32 % m32);
    printf("i32 INT32_MIN / 0 = %" PRId32 "\n", a32 / z32);
    printf("i32 INT32_MIN %% 0 = %" PRId32 "\n", a32 % z32);
    printf("u32 deadbeef / 0 = %" PRIu32 "\n", u32 / uz32);
    printf("u32 deadbeef %% 0 = %" PRIu32 "\n", u32 % uz32);
    printf("-7 / 2 = %" PRId64 ", -7 %% 2 = %" PRId64 "\n", -seven / 2, -seven % 2);

    /* 64-bit table: mul, mulh (via __int128), div, rem */
    for (unsigned i = 0; i < N64; i++) {
        for (unsigned j = 0; j < N64; j++) {
            int64_t x = vs64[i], y = vs64[j];
            uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
            __int128 p = (__int128)x * y;
            unsigned __int128 up = (unsigned __int128)ux * uy;
            __int128 psu = (__int128)x * (__int128)(unsigned __int128)uy;
            acc((uint64_t)(x * y));
            acc((uint64_t)(p >> 64));
            acc((uint64_t)(up >> 64));
            acc((uint64_t)(psu >> 64));
            acc((uint64_t)(x + y));
            acc((uint64_t)(x - y));
            acc(ux / (uy ? uy : 1));
            acc(uy ? ux % uy : 0);
            if (y != 0 && !(x == INT64_MIN && y == -1)) {
                acc((uint64_t)(x / y));
                acc((uint64_t)(x % y));
            }
            if (i < 6 && j < 6)
                printf("%" PRId64 " * %" PRId64 " = %" PRId64 " hi=%" PRId64 " uhi=%" PRIu64 "\n", x, y,
                       x * y, (int64_t)(p >> 64), (uint64_t)(up >> 64));
        }
    }
    printf("mix64 = %016" PRIx64 "\n", mix);

    /* 64-bit divide with volatile-zero / overflow operands in the table */
    mix = 0;
    for (unsigned i = 0; i < N64; i++) {
        volatile int64_t x = vs64[i];
        acc((uint64_t)(x / z));
        acc((uint64_t)(x % z));
        acc((uint64_t)x / uz);
        acc((uint64_t)x % uz);
        acc((uint64_t)(x / m1));
        acc((uint64_t)(x % m1));
    }
    printf("mixdiv0 = %016" PRIx64 "\n", mix);

    /* 32-bit ops (addw/subw/mulw/divw/remw/divuw/remuw/sllw/srlw/sraw) */
    mix = 0;
    for (unsigned i = 0; i < N32; i++) {
        for (unsigned j = 0; j < N32; j++) {
            int32_t x = vs32[i], y = vs32[j];
            uint32_t ux = (uint32_t)x, uy = (uint32_t)y;
            acc((uint64_t)(int64_t)(int32_t)((uint32_t)x + (uint32_t)y));
            acc((uint64_t)(int64_t)(int32_t)((uint32_t)x - (uint32_t)y));
            acc((uint64_t)(int64_t)(int32_t)((uint32_t)x * (uint32_t)y));
            volatile int32_t vy = y;
            volatile uint32_t vuy = uy;
            acc((uint64_t)(int64_t)(x / vy));
            acc((uint64_t)(int64_t)(x % vy));
            acc((uint64_t)(int64_t)(int32_t)(ux / vuy));
            acc((uint64_t)(int64_t)(int32_t)(ux % vuy));
            acc((uint64_t)(int64_t)(int32_t)(ux << (uy & 31)));
            acc((uint64_t)(int64_t)(int32_t)(ux >> (uy & 31)));
            acc((uint64_t)(int64_t)(x >> (uy & 31)));
        }
        printf("w[%d]: neg=%d sext=%" PRId64 " zext=%" PRIu64 "\n", vs32[i], -(int32_t)(uint32_t)vs32[i],
               (int64_t)vs32[i], (uint64_t)(uint32_t)vs32[i]);
    }
    printf("mix32 = %016" PRIx64 "\n", mix);

    /* 64-bit shifts by variable amounts */
    mix = 0;
    for (unsigned i = 0; i < N64; i++)
        for (volatile unsigned s = 0; s < 64; s++) {
            acc((uint64_t)vs64[i] << s);
            acc((uint64_t)vs64[i] >> s);
            acc((uint64_t)(vs64[i] >> s));
        }
    printf("mixshift = %016" PRIx64 "\n", mix);

    /* comparisons / slt / sltu */
    int cnt_lt = 0, cnt_ult = 0;
    for (unsigned i = 0; i < N64; i++)
        for (unsigned j = 0; j < N64; j++) {
            cnt_lt += vs64[i] < vs64[j];
            cnt_ult += (uint64_t)vs64[i] < (uint64_t)vs64[j];
        }
    printf("lt=%d ult=%d\n", cnt_lt, cnt_ult);
    return 0;
}
