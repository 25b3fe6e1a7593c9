/* csr.S - Zicsr: csrrw/csrrs/csrrc and the immediate forms on mscratch
 * (old value returned, new value written), rs1 = x0 / uimm = 0 forms of
 * csrrs/csrrc reading read-only CSRs without trapping, misa (MXL = 64 bits,
 * I M A F D C present), mhartid == 0, cycle and instret counting up, mepc
 * bit 0 reading as zero, and the fcsr / frm / fflags aliases. */
#include "bare.h"

#define MISA_BIT(c) (1 << ((c) - 'A'))

BARE_START
    /* --- mscratch: full 64-bit read / write --------------------------------------- */
    li    a0, 0xdeadbeefcafebabe
    csrw  mscratch, a0
    csrr  a1, mscratch
    CHECK(1, a1, 0xdeadbeefcafebabe)

    li    a2, 0x0123456789abcdef
    csrrw a1, mscratch, a2          /* returns the old value */
    CHECK(2, a1, 0xdeadbeefcafebabe)
    csrr  a1, mscratch
    CHECK(3, a1, 0x0123456789abcdef)

    li    a2, 0xff00000000000000
    csrrs a1, mscratch, a2          /* set bits */
    CHECK(4, a1, 0x0123456789abcdef)
    csrr  a1, mscratch
    CHECK(5, a1, 0xff23456789abcdef)

    li    a2, 0x00000000000000ff
    csrrc a1, mscratch, a2          /* clear bits */
    CHECK(6, a1, 0xff23456789abcdef)
    csrr  a1, mscratch
    CHECK(7, a1, 0xff23456789abcd00)

    csrrwi a1, mscratch, 0x15       /* zero-extended 5-bit immediate */
    CHECK(8, a1, 0xff23456789abcd00)
    csrr  a1, mscratch
    CHECK(9, a1, 0x15)
    csrrsi a1, mscratch, 0x0a
    CHECK(10, a1, 0x15)
    csrr  a1, mscratch
    CHECK(11, a1, 0x1f)
    csrrci a1, mscratch, 0x11
    CHECK(12, a1, 0x1f)
    csrr  a1, mscratch
    CHECK(13, a1, 0x0e)
    csrrwi a1, mscratch, 31
    csrr  a1, mscratch
    CHECK(14, a1, 31)

    /* rs1 = x0 / uimm = 0: read only, no write */
    li    a0, 0x5555
    csrw  mscratch, a0
    csrrs a1, mscratch, zero
    csrrc a1, mscratch, zero
    csrrsi a1, mscratch, 0
    csrrci a1, mscratch, 0
    CHECK(15, a1, 0x5555)
    csrr  a1, mscratch
    CHECK(16, a1, 0x5555)
    /* csrrw with rd = x0 still writes */
    csrrw zero, mscratch, zero
    csrr  a1, mscratch
    CHECK(17, a1, 0)
    /* rd == rs1 */
    li    a1, 77
    csrw  mscratch, a1
    li    a1, 88
    csrrw a1, mscratch, a1
    CHECK(18, a1, 77)
    csrr  a1, mscratch
    CHECK(19, a1, 88)

    /* the read-only forms on read-only CSRs must not trap (the default
       handler would fail the test with 128 + 2) */
    csrrs  a1, mhartid, zero
    csrrc  a1, mhartid, zero
    csrrsi a1, mhartid, 0
    csrrci a1, mhartid, 0
    csrrs  a1, cycle, zero
    csrrsi a1, instret, 0
    csrrs  a1, mvendorid, zero

    /* --- machine information ----------------------------------------------------------- */
    csrr  a0, mhartid
    CHECK(20, a0, 0)
    csrr  a0, misa
    srli  a1, a0, 62
    CHECK(21, a1, 2)                /* MXL = 64 */
    li    a2, MISA_BIT('I') | MISA_BIT('M') | MISA_BIT('A') | MISA_BIT('F') | MISA_BIT('D') | MISA_BIT('C')
    and   a1, a0, a2
    CHECK_REG(22, a1, a2)
    andi  a1, a0, MISA_BIT('E')     /* RV64E would exclude I */
    CHECK(23, a1, 0)

    /* --- counters -------------------------------------------------------------------------- */
    rdcycle a0
    nop
    nop
    nop
    nop
    rdcycle a1
    bltu  a0, a1, 1f                /* strictly increasing */
    TEST_FAIL(24)
1:
    rdinstret a0
    .rept 10
    addi  zero, zero, 0
    .endr
    rdinstret a1
    sub   a2, a1, a0
    li    t0, 10
    bgeu  a2, t0, 1f                /* at least the 10 instructions in between */
    TEST_FAIL(25)
1:  li    t0, 100
    bltu  a2, t0, 1f                /* ... and not absurdly many */
    TEST_FAIL(26)
1:
    csrr  a0, minstret              /* machine aliases count too */
    csrr  a1, mcycle
    csrr  a2, minstret
    bltu  a0, a2, 1f
    TEST_FAIL(27)
1:
    /* --- mepc: bit 0 is always zero (IALIGN = 16 with C) -------------------------------- */
    li    a0, 0x80000003
    csrw  mepc, a0
    csrr  a1, mepc
    CHECK(28, a1, 0x80000002)

    /* --- mtvec: a direct-mode, 4-byte aligned address reads back -------------------------- */
    csrr  s0, mtvec
    la    a0, some_vector
    csrw  mtvec, a0
    csrr  a1, mtvec
    CHECK_REG(29, a1, a0)
    csrw  mtvec, s0

    /* --- fcsr = frm[7:5] | fflags[4:0] -------------------------------------------------------- */
    li    a0, 0x95                  /* frm = 4 (RMM), fflags = 0x15 */
    csrw  fcsr, a0
    frrm  a1
    CHECK(30, a1, 4)
    frflags a1
    CHECK(31, a1, 0x15)
    csrr  a1, frm
    CHECK(32, a1, 4)
    csrr  a1, fflags
    CHECK(33, a1, 0x15)

    li    a0, 0x0a
    fsflags a1, a0                  /* csrrw fflags: returns the old flags */
    CHECK(34, a1, 0x15)
    frcsr a1
    CHECK(35, a1, 0x8a)

    fsrmi a1, 1                     /* csrrwi frm */
    CHECK(36, a1, 4)
    frcsr a1
    CHECK(37, a1, 0x2a)

    csrrsi a1, fflags, 0x11
    CHECK(38, a1, 0x0a)
    csrrci a1, frm, 1
    CHECK(39, a1, 1)
    frcsr a1
    CHECK(40, a1, 0x1b)             /* frm 0, fflags 0x1b */

    li    a0, 0xff                  /* fflags is 5 bits wide: frm untouched */
    csrw  fflags, a0
    frcsr a1
    CHECK(41, a1, 0x1f)
    csrwi frm, 3
    frcsr a1
    CHECK(42, a1, 0x7f)

    li    a0, 0xf7f                 /* fcsr bits 31:8 read as zero */
    fscsr a1, a0
    CHECK(43, a1, 0x7f)
    frcsr a1
    CHECK(44, a1, 0x7f)
    csrwi fcsr, 0
    frcsr a1
    CHECK(45, a1, 0)

    TEST_PASS

    .align 2
some_vector:
    j     some_vector
BARE_END
