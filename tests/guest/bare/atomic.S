/* atomic.S - A extension: lr/sc success, sc failure without a reservation,
 * sc to another address after lr fails (and still drops the reservation),
 * lr.w sign extension, sc.w writing only its word, an lr/sc retry loop, and
 * every amo*.w / amo*.d: old value returned (sign-extended for .w), new value
 * in memory, only the low 32 bits of rs2 used by .w, signed vs unsigned
 * min/max, rd = x0, rd == rs2, and the aq/rl bits being accepted. */
#include "bare.h"

#define GUARD 0x5a5a5a5a

/* 64-bit AMO on 0(s0): n checks the returned old value, n+1 memory. */
#define AMO_D(n, op, init, operand, old, new)   \
    li   t0, init;                              \
    sd   t0, 0(s0);                             \
    li   t1, operand;                           \
    op   t2, t1, (s0);                          \
    CHECK(n, t2, old)                           \
    ld   t3, 0(s0);                             \
    CHECK((n) + 1, t3, new)

/* 32-bit AMO on the word 0(s0), guard word at 4(s0): n checks the returned
 * old value (sign-extended), n+1 the new word (read with lw, so also
 * sign-extended), n+2 that the neighbouring word is untouched. */
#define AMO_W(n, op, init, operand, old, new)   \
    li   t0, init;                              \
    sw   t0, 0(s0);                             \
    li   t0, GUARD;                             \
    sw   t0, 4(s0);                             \
    li   t1, operand;                           \
    op   t2, t1, (s0);                          \
    CHECK(n, t2, old)                           \
    lw   t3, 0(s0);                             \
    CHECK((n) + 1, t3, new)                     \
    lw   t3, 4(s0);                             \
    CHECK((n) + 2, t3, GUARD)

BARE_START
    la   s0, amo_word
    la   s1, far_word

    /* --- lr / sc ------------------------------------------------------------- */
    li   t0, 100
    sd   t0, 0(s0)
    lr.d a0, (s0)
    CHECK(1, a0, 100)
    addi a0, a0, 1
    sc.d a1, a0, (s0)
    CHECK(2, a1, 0)                 /* success writes 0 */
    ld   a2, 0(s0)
    CHECK(3, a2, 101)

    li   a2, 999                    /* the SC above dropped the reservation */
    sc.d a1, a2, (s0)
    CHECK_NE(4, a1, 0)
    ld   a2, 0(s0)
    CHECK(5, a2, 101)

    /* lr then sc to an address in another page: fails, writes nothing */
    li   t0, 7
    sd   t0, 0(s1)
    lr.d a0, (s0)
    li   a2, 555
    sc.d a1, a2, (s1)
    CHECK_NE(6, a1, 0)
    ld   a3, 0(s1)
    CHECK(7, a3, 7)
    /* ... and any SC drops the reservation, so SC to the LR address fails too */
    sc.d a1, a2, (s0)
    CHECK_NE(8, a1, 0)
    ld   a3, 0(s0)
    CHECK(9, a3, 101)

    /* lr.w sign-extends; sc.w writes only its 32 bits */
    li   t0, 0x80000000
    sw   t0, 0(s0)
    li   t0, GUARD
    sw   t0, 4(s0)
    lr.w a0, (s0)
    CHECK(10, a0, 0xffffffff80000000)
    li   a2, 0x123456789
    sc.w a1, a2, (s0)
    CHECK(11, a1, 0)
    lwu  a3, 0(s0)
    CHECK(12, a3, 0x23456789)
    lw   a3, 4(s0)
    CHECK(13, a3, GUARD)
    sc.w a1, zero, (s0)             /* no reservation */
    CHECK_NE(14, a1, 0)
    lwu  a3, 0(s0)
    CHECK(15, a3, 0x23456789)

    /* aq/rl variants decode the same */
    sd   zero, 0(s0)
    lr.d.aq a0, (s0)
    addi a0, a0, 3
    sc.d.rl a1, a0, (s0)
    CHECK(16, a1, 0)
    lr.d.aqrl a0, (s0)
    addi a0, a0, 4
    sc.d.aqrl a1, a0, (s0)
    CHECK(17, a1, 0)
    ld   a3, 0(s0)
    CHECK(18, a3, 7)

    /* the usual lr/sc retry loop: atomically add 1, ten times */
    sd   zero, 0(s0)
    li   a4, 10
1:  lr.d a0, (s0)
    addi a0, a0, 1
    sc.d a1, a0, (s0)
    bnez a1, 1b
    addi a4, a4, -1
    bnez a4, 1b
    ld   a3, 0(s0)
    CHECK(19, a3, 10)

    /* --- 64-bit AMOs ----------------------------------------------------------- */
    AMO_D(20, amoswap.d, 0x1111111111111111, 0x2222222222222222, 0x1111111111111111, 0x2222222222222222)
    AMO_D(22, amoadd.d,  0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000)
    AMO_D(24, amoxor.d,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0)
    AMO_D(26, amoand.d,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
    AMO_D(28, amoor.d,   0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0)
    AMO_D(30, amomin.d,  -1, 1, -1, -1)
    AMO_D(32, amominu.d, -1, 1, -1, 1)
    AMO_D(34, amomax.d,  -1, 1, -1, 1)
    AMO_D(36, amomaxu.d, -1, 1, -1, -1)
    AMO_D(38, amomin.d,  5, -3, 5, -3)
    AMO_D(40, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    AMO_D(42, amomax.d,  0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    AMO_D(44, amoadd.d.aqrl, 40, 2, 40, 42)

    /* --- 32-bit AMOs ----------------------------------------------------------- */
    AMO_W(46, amoswap.w, 0x12345678, 0xffffffff80000000, 0x12345678, 0xffffffff80000000)
    AMO_W(49, amoswap.w, 0x80000000, 0, 0xffffffff80000000, 0)
    AMO_W(52, amoadd.w,  0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000)
    AMO_W(55, amoadd.w,  1, 0x100000001, 1, 2)
    AMO_W(58, amoadd.w,  0xffffffff, 1, -1, 0)     /* no carry into the guard */
    AMO_W(61, amoxor.w,  0x0f0f0f0f, 0xffffffff, 0x0f0f0f0f, 0xfffffffff0f0f0f0)
    AMO_W(64, amoand.w,  0xf0f0f0f0, 0x0ff00ff0, 0xfffffffff0f0f0f0, 0x00f000f0)
    AMO_W(67, amoor.w,   0x80000000, 1, 0xffffffff80000000, 0xffffffff80000001)
    AMO_W(70, amomin.w,  0x80000000, 1, 0xffffffff80000000, 0xffffffff80000000)
    AMO_W(73, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
    AMO_W(76, amomax.w,  0x80000000, 1, 0xffffffff80000000, 1)
    AMO_W(79, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0xffffffff80000000)
    /* only the low 32 bits of rs2 take part in the comparison */
    AMO_W(82, amomin.w,  5, 0x00000001ffffffff, 5, -1)
    AMO_W(85, amomaxu.w, 0x80000000, 0x0000000100000001, 0xffffffff80000000, 0xffffffff80000000)
    AMO_W(88, amominu.w, 5, 0xffffffff00000003, 5, 3)
    AMO_W(91, amomax.w,  -7, 0x7fffffff00000000, -7, 0)

    /* a .w AMO on the upper word of a doubleword */
    li   t0, 0x0000000100000002
    sd   t0, 0(s0)
    li   t1, 5
    addi t4, s0, 4
    amoadd.w t2, t1, (t4)
    CHECK(94, t2, 1)
    ld   t3, 0(s0)
    CHECK(95, t3, 0x0000000600000002)

    /* rd = x0: memory still updated */
    li   t0, 10
    sd   t0, 0(s0)
    li   t1, 5
    amoadd.d zero, t1, (s0)
    ld   t3, 0(s0)
    CHECK(96, t3, 15)

    /* rd == rs2: rd gets the old value, memory the old rs2 */
    li   t1, 77
    amoswap.d t1, t1, (s0)
    CHECK(97, t1, 15)
    ld   t3, 0(s0)
    CHECK(98, t3, 77)

    TEST_PASS

    .section .data
    .align 4
amo_word:
    .dword 0, 0
    .align 12
far_word:                           /* a different 4 KiB page */
    .dword 0
BARE_END
