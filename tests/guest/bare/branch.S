/* branch.S - conditional branches (taken / not taken, signed vs unsigned,
 * forward and backward), jal and jalr link values, jalr with an immediate
 * offset, a negative offset, an odd target (bit 0 is cleared) and rd == rs1.
 * Jump targets come back with explicit jumps, so a wrong link register is
 * caught by a CHECK instead of being followed. */
#include "bare.h"

/* Fails with n unless `op a, b` branches. */
#define TAKEN(n, op, a, b)      \
    op a, b, 98f;               \
    TEST_FAIL(n)                \
98:

/* Fails with n if `op a, b` branches. */
#define NOT_TAKEN(n, op, a, b)  \
    op a, b, 97f;               \
    j 98f;                      \
97: TEST_FAIL(n)                \
98:

BARE_START
    li   s0, -1
    li   s1, 1
    li   s2, 0x8000000000000000
    li   s3, 1

    /* --- conditional branches --------------------------------------------- */
    TAKEN(1, beq, s1, s3)
    NOT_TAKEN(2, beq, s0, s1)
    TAKEN(3, bne, s0, s1)
    NOT_TAKEN(4, bne, s1, s3)
    TAKEN(5, blt, s0, s1)           /* -1 < 1 signed */
    NOT_TAKEN(6, bltu, s0, s1)      /* 0xff..ff > 1 unsigned */
    TAKEN(7, bltu, s1, s0)
    NOT_TAKEN(8, blt, s1, s0)
    TAKEN(9, bge, s1, s0)
    TAKEN(10, bge, s1, s3)          /* equal */
    NOT_TAKEN(11, bge, s0, s1)
    TAKEN(12, bgeu, s0, s1)
    TAKEN(13, bgeu, s1, s3)         /* equal */
    NOT_TAKEN(14, bgeu, zero, s0)
    TAKEN(15, blt, s2, zero)        /* INT64_MIN < 0 */
    NOT_TAKEN(16, bltu, s2, zero)
    TAKEN(17, bltu, s2, s0)         /* 0x80.. <u 0xff.. */
    NOT_TAKEN(18, blt, s2, s2)
    TAKEN(19, beq, zero, zero)
    NOT_TAKEN(20, bne, zero, zero)

    /* backward branch: count to 10 */
    li   a0, 0
    li   a1, 10
1:  addi a0, a0, 1
    blt  a0, a1, 1b
    CHECK(21, a0, 10)

    /* --- jal ---------------------------------------------------------------- */
    li   a2, 0
    jal  ra, target_jal1
ret_jal1:
    CHECK(22, a2, 1)
    la   t0, ret_jal1
    CHECK_REG(23, ra, t0)

    li   a2, 0
    jal  a5, target_jal2            /* link in a non-ra register */
ret_jal2:
    CHECK(24, a2, 2)
    la   t0, ret_jal2
    CHECK_REG(25, a5, t0)

    j    1f                         /* jal x0: no link, skips the failure */
    TEST_FAIL(26)
1:
    li   ra, 0x1234
    li   a2, 0
    j    target_back                /* backward jump; ra untouched */
ret_back:
    CHECK(27, a2, 3)
    CHECK(28, ra, 0x1234)

    /* --- jalr ----------------------------------------------------------------- */
    li   a2, 0
    la   t1, target_jalr1
    jalr ra, 0(t1)
ret_jalr1:
    CHECK(29, a2, 4)
    la   t0, ret_jalr1
    CHECK_REG(30, ra, t0)

    li   a2, 0
    la   t1, target_jalr2 - 8
    jalr ra, 8(t1)                  /* positive offset */
ret_jalr2:
    CHECK(31, a2, 5)
    la   t0, ret_jalr2
    CHECK_REG(32, ra, t0)

    li   a2, 0
    la   t1, target_jalr3 + 16
    jalr ra, -16(t1)                /* negative offset */
ret_jalr3:
    CHECK(33, a2, 6)
    la   t0, ret_jalr3
    CHECK_REG(34, ra, t0)

    li   a2, 0
    la   t1, target_jalr4 + 1       /* odd register value: bit 0 cleared */
    jalr ra, 0(t1)
ret_jalr4:
    CHECK(35, a2, 7)
    la   t0, ret_jalr4
    CHECK_REG(36, ra, t0)

    li   a2, 0
    la   t1, target_jalr5
    jalr ra, 1(t1)                  /* odd sum via the immediate */
ret_jalr5:
    CHECK(37, a2, 8)
    la   t0, ret_jalr5
    CHECK_REG(38, ra, t0)

    li   a2, 0
    la   t1, target_jalr6
    jalr t1, 0(t1)                  /* rd == rs1: target uses the old value */
ret_jalr6:
    CHECK(39, a2, 9)
    la   t0, ret_jalr6
    CHECK_REG(40, t1, t0)

    li   a2, 0
    li   ra, 0x5678
    la   t1, target_jalr7
    jr   t1                         /* jalr x0: no link */
ret_jalr7:
    CHECK(41, a2, 10)
    CHECK(42, ra, 0x5678)

    /* a call/ret pair through a real subroutine */
    li   a0, 20
    call double_it
    CHECK(43, a0, 40)

    TEST_PASS

    .align 2
target_back:
    li   a2, 3
    j    ret_back
target_jal1:
    li   a2, 1
    j    ret_jal1
target_jal2:
    li   a2, 2
    j    ret_jal2
    .align 2
target_jalr1:
    li   a2, 4
    j    ret_jalr1
    .align 2
target_jalr2:
    li   a2, 5
    j    ret_jalr2
    .align 2
target_jalr3:
    li   a2, 6
    j    ret_jalr3
    .align 2
target_jalr4:
    li   a2, 7
    j    ret_jalr4
    .align 2
target_jalr5:
    li   a2, 8
    j    ret_jalr5
    .align 2
target_jalr6:
    li   a2, 9
    j    ret_jalr6
    .align 2
target_jalr7:
    li   a2, 10
    j    ret_jalr7
double_it:
    add  a0, a0, a0
    ret
BARE_END
