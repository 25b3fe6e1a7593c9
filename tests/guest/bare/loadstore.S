/* loadstore.S - every integer load width with sign / zero extension, positive
 * and negative offsets, every store width writing only its own bytes,
 * store-then-load of a different width, and a load whose rd == rs1. */
#include "bare.h"

BARE_START
    la   s0, src
    /* src bytes: 87 96 a5 b4 c3 d2 e1 f0 | 08 19 2a 3b 4c 5d 6e 7f */

    /* --- byte ---------------------------------------------------------------- */
    lb   a0, 0(s0)
    CHECK(1, a0, 0xffffffffffffff87)
    lbu  a0, 0(s0)
    CHECK(2, a0, 0x87)
    lb   a0, 8(s0)
    CHECK(3, a0, 0x08)
    lbu  a0, 15(s0)
    CHECK(4, a0, 0x7f)
    lb   a0, 7(s0)
    CHECK(5, a0, 0xfffffffffffffff0)

    /* --- halfword ------------------------------------------------------------ */
    lh   a0, 0(s0)
    CHECK(6, a0, 0xffffffffffff9687)
    lhu  a0, 0(s0)
    CHECK(7, a0, 0x9687)
    lh   a0, 8(s0)
    CHECK(8, a0, 0x1908)
    lh   a0, 6(s0)
    CHECK(9, a0, 0xfffffffffffff0e1)
    lhu  a0, 14(s0)
    CHECK(10, a0, 0x7f6e)

    /* --- word ---------------------------------------------------------------- */
    lw   a0, 0(s0)
    CHECK(11, a0, 0xffffffffb4a59687)
    lwu  a0, 0(s0)
    CHECK(12, a0, 0xb4a59687)
    lw   a0, 4(s0)
    CHECK(13, a0, 0xfffffffff0e1d2c3)
    lw   a0, 8(s0)
    CHECK(14, a0, 0x3b2a1908)
    lwu  a0, 12(s0)
    CHECK(15, a0, 0x7f6e5d4c)

    /* --- doubleword ---------------------------------------------------------- */
    ld   a0, 0(s0)
    CHECK(16, a0, 0xf0e1d2c3b4a59687)
    ld   a0, 8(s0)
    CHECK(17, a0, 0x7f6e5d4c3b2a1908)

    /* --- negative offsets ---------------------------------------------------- */
    addi s1, s0, 16
    lb   a0, -16(s1)
    CHECK(18, a0, 0xffffffffffffff87)
    lhu  a0, -2(s1)
    CHECK(19, a0, 0x7f6e)
    lw   a0, -12(s1)
    CHECK(20, a0, 0xfffffffff0e1d2c3)
    ld   a0, -8(s1)
    CHECK(21, a0, 0x7f6e5d4c3b2a1908)

    /* rd == rs1 */
    mv   a1, s0
    ld   a1, 0(a1)
    CHECK(22, a1, 0xf0e1d2c3b4a59687)

    /* load into x0 is discarded */
    ld   zero, 0(s0)
    CHECK(23, zero, 0)

    /* --- stores write only their own bytes ------------------------------------ */
    la   s2, dst
    li   a0, -1
    sd   a0, 0(s2)
    sd   a0, 8(s2)
    li   a1, 0x1234
    sb   a1, 1(s2)
    ld   a2, 0(s2)
    CHECK(24, a2, 0xffffffffffff34ff)
    li   a1, 0x12345678
    sh   a1, 2(s2)
    ld   a2, 0(s2)
    CHECK(25, a2, 0xffffffff567834ff)
    li   a1, 0x123456789abcdef0
    sw   a1, 4(s2)
    ld   a2, 0(s2)
    CHECK(26, a2, 0x9abcdef0567834ff)
    ld   a2, 8(s2)                  /* neighbour untouched */
    CHECK(27, a2, -1)
    sd   a1, 8(s2)
    ld   a2, 8(s2)
    CHECK(28, a2, 0x123456789abcdef0)

    /* store one width, load others */
    lbu  a2, 1(s2)
    CHECK(29, a2, 0x34)
    lh   a2, 2(s2)
    CHECK(30, a2, 0x5678)
    lh   a2, 6(s2)
    CHECK(31, a2, 0xffffffffffff9abc)
    lw   a2, 4(s2)
    CHECK(32, a2, 0xffffffff9abcdef0)
    lwu  a2, 12(s2)
    CHECK(33, a2, 0x12345678)
    lbu  a2, 15(s2)
    CHECK(34, a2, 0x12)

    /* stores with negative offsets */
    addi s3, s2, 16
    sb   zero, -16(s3)
    sh   zero, -14(s3)
    ld   a2, 0(s2)
    CHECK(35, a2, 0x9abcdef000003400)
    sw   zero, -4(s3)
    ld   a2, 8(s2)
    CHECK(36, a2, 0x000000009abcdef0)

    /* a store to x0's value writes zero */
    li   a0, -1
    sd   a0, 16(s2)
    sd   zero, 16(s2)
    ld   a2, 16(s2)
    CHECK(37, a2, 0)

    /* the source data was not disturbed */
    ld   a0, 0(s0)
    CHECK(38, a0, 0xf0e1d2c3b4a59687)

    TEST_PASS

    .section .rodata
    .align 3
src:
    .dword 0xf0e1d2c3b4a59687
    .dword 0x7f6e5d4c3b2a1908

    .section .data
    .align 3
dst:
    .dword 0, 0, 0, 0
BARE_END
