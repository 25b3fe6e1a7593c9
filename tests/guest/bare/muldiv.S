/* muldiv.S - M extension: mul/mulh/mulhsu/mulhu, div/divu/rem/remu and the W
 * forms, including division by zero (quotient all ones, remainder = dividend)
 * and the signed overflow case INT_MIN / -1 (quotient INT_MIN, remainder 0). */
#include "bare.h"

/* rd = op(a, b) with both operands loaded as constants; check against expect. */
#define T(n, op, a, b, expect)  \
    li   a0, a;                 \
    li   a1, b;                 \
    op   a2, a0, a1;            \
    CHECK(n, a2, expect)

BARE_START
    /* --- multiply ------------------------------------------------------------ */
    T(1,  mul,    7, -3, -21)
    T(2,  mul,    0x7fffffffffffffff, 2, 0xfffffffffffffffe)
    T(3,  mul,    0x123456789abcdef0, 0x0fedcba987654321, 0x2236d88fe5618cf0)
    T(4,  mulh,   -1, -1, 0)
    T(5,  mulh,   0x8000000000000000, 0x8000000000000000, 0x4000000000000000)
    T(6,  mulh,   -2, 3, -1)
    T(7,  mulh,   0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff)
    T(8,  mulh,   0x123456789abcdef0, 0x0fedcba987654321, 0x0121fa00ad77d742)
    T(9,  mulhu,  -1, -1, 0xfffffffffffffffe)
    T(10, mulhu,  0x8000000000000000, 2, 1)
    T(11, mulhu,  0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422)
    T(12, mulhsu, -1, -1, -1)       /* -1 * (2^64 - 1) */
    T(13, mulhsu, 2, -1, 1)         /* 2 * (2^64 - 1) */
    T(14, mulhsu, 0x8000000000000000, 0x8000000000000000, 0xc000000000000000)
    T(15, mulhsu, 0xfedcba9876543210, 0x123456789abcdef0, 0xffeb49923cc09532)

    /* --- divide / remainder -------------------------------------------------- */
    T(16, div,  -7, 2, -3)          /* rounds toward zero */
    T(17, rem,  -7, 2, -1)          /* sign of the dividend */
    T(18, div,  7, -2, -3)
    T(19, rem,  7, -2, 1)
    T(20, divu, -7, 2, 0x7ffffffffffffffc)
    T(21, remu, -7, 2, 1)
    T(22, div,  0x8000000000000000, -1, 0x8000000000000000)
    T(23, rem,  0x8000000000000000, -1, 0)
    /* division by zero */
    T(24, div,  1234, 0, -1)
    T(25, divu, 1234, 0, 0xffffffffffffffff)
    T(26, rem,  -1234, 0, -1234)
    T(27, remu, -1234, 0, -1234)
    T(28, div,  0x8000000000000000, 0, -1)

    /* --- W forms: 32-bit operands, sign-extended 32-bit result ----------------- */
    T(29, mulw,  0x7fffffff, 2, -2)
    T(30, mulw,  0x100000003, 0x100000005, 15)
    T(31, mulw,  0x10000, 0x10000, 0)
    T(32, mulw,  -3, 7, -21)
    T(33, divw,  0x80000000, -1, 0xffffffff80000000)
    T(34, remw,  0x80000000, -1, 0)
    T(35, divw,  0xffffffff00000010, 4, 4)
    T(36, divw,  -7, 2, -3)
    T(37, remw,  -7, 2, -1)
    T(38, divuw, 0x80000000, 1, 0xffffffff80000000)
    T(39, divuw, -1, 2, 0x7fffffff)
    T(40, remuw, 0xffffffff, 0x10, 0xf)
    T(41, divw,  -7, 0, -1)
    T(42, divuw, 5, 0, -1)
    T(43, remw,  0x123456789abcdef0, 0, 0xffffffff9abcdef0)
    T(44, remuw, 0x123456789abcdef0, 0, 0xffffffff9abcdef0)
    T(45, remuw, 0x0000000700000005, 0, 5)

    /* rd == rs1 == rs2 */
    li   a0, -5
    mul  a0, a0, a0
    CHECK(46, a0, 25)
    li   a0, -5
    div  a0, a0, a0
    CHECK(47, a0, 1)

    TEST_PASS
BARE_END
