/* compressed.S - the RV64C instructions, written with explicit c. mnemonics:
 * c.li/c.lui/c.addi/c.addiw/c.addi16sp/c.addi4spn, shifts, c.andi, register
 * ALU ops incl. c.addw/c.subw sign extension, c.lw/c.ld/c.sw/c.sd and the
 * sp-relative forms, c.fld/c.fsd/c.fldsp/c.fsdsp, c.j/c.jr/c.jalr (link =
 * pc + 2), c.beqz/c.bnez, c.nop, and a 32-bit instruction that is only
 * 2-byte aligned and straddles a 4 KiB page boundary. */
#include "bare.h"

BARE_START
    /* --- constants and immediates ------------------------------------------- */
    c.li   a0, -32
    CHECK(1, a0, -32)
    c.li   a0, 31
    CHECK(2, a0, 31)
    c.lui  a1, 0x1f
    CHECK(3, a1, 0x1f000)
    c.lui  a1, 0xfffe0              /* nzimm = -32 << 12 */
    CHECK(4, a1, 0xfffffffffffe0000)
    c.addi a0, -1
    CHECK(5, a0, 30)
    c.addi a0, 31
    CHECK(6, a0, 61)
    li     a0, 0x7fffffff
    c.addiw a0, 1
    CHECK(7, a0, 0xffffffff80000000)
    li     a0, 0x1234567880000000
    c.addiw a0, 0                   /* sext.w */
    CHECK(8, a0, 0xffffffff80000000)

    /* --- stack pointer forms --------------------------------------------------- */
    mv     s1, sp
    c.addi16sp sp, -64
    addi   t0, s1, -64
    CHECK_REG(9, sp, t0)
    c.addi4spn a0, sp, 16
    addi   t0, sp, 16
    CHECK_REG(10, a0, t0)
    c.addi16sp sp, 64
    CHECK_REG(11, sp, s1)

    /* --- shifts and c.andi ------------------------------------------------------ */
    li     a0, 1
    c.slli a0, 63
    CHECK(12, a0, 0x8000000000000000)
    c.srai a0, 3
    CHECK(13, a0, 0xf000000000000000)
    c.srli a0, 60
    CHECK(14, a0, 0xf)
    c.andi a0, -2
    CHECK(15, a0, 0xe)
    li     a0, -1
    c.andi a0, 0x15
    CHECK(16, a0, 0x15)

    /* --- register-register ------------------------------------------------------ */
    li     a1, 0x0ff0
    c.mv   a2, a1
    CHECK(17, a2, 0x0ff0)
    li     s0, 0x00ff
    c.add  a2, s0
    CHECK(18, a2, 0x10ef)
    li     a3, 0x0ff0
    c.and  a3, s0
    CHECK(19, a3, 0x00f0)
    li     a3, 0x0ff0
    c.or   a3, s0
    CHECK(20, a3, 0x0fff)
    li     a3, 0x0ff0
    c.xor  a3, s0
    CHECK(21, a3, 0x0f0f)
    li     a3, 0x0ff0
    c.sub  a3, s0
    CHECK(22, a3, 0x0ef1)
    li     a4, 0x7fffffff
    li     a5, 1
    c.addw a4, a5
    CHECK(23, a4, 0xffffffff80000000)
    li     a4, 0
    li     a5, 0x80000000
    c.subw a4, a5
    CHECK(24, a4, 0xffffffff80000000)
    li     a4, 0x100000005
    li     a5, 0x200000003
    c.subw a4, a5
    CHECK(25, a4, 2)

    /* --- loads and stores -------------------------------------------------------- */
    la     s0, cdata
    c.lw   a0, 0(s0)
    CHECK(26, a0, 0xffffffff89abcdef)
    c.ld   a1, 8(s0)
    CHECK(27, a1, 0x0123456789abcdef)
    c.sw   a1, 16(s0)
    c.sd   a0, 24(s0)
    ld     a2, 16(s0)
    CHECK(28, a2, 0x0000000089abcdef)
    ld     a2, 24(s0)
    CHECK(29, a2, 0xffffffff89abcdef)

    c.addi16sp sp, -32
    li     t0, 0x1122334455667788
    c.sdsp t0, 8(sp)
    c.swsp t0, 16(sp)
    c.ldsp t1, 8(sp)
    CHECK(30, t1, 0x1122334455667788)
    c.lwsp t1, 16(sp)
    CHECK(31, t1, 0x55667788)
    li     t0, 0xfedcba98
    c.swsp t0, 4(sp)
    c.lwsp t1, 4(sp)
    CHECK(32, t1, 0xfffffffffedcba98)
    c.addi16sp sp, 32

    /* --- floating-point loads and stores ---------------------------------------- */
    c.fld  fs0, 32(s0)
    fmv.x.d a0, fs0
    CHECK(33, a0, 0x400921fb54442d18)  /* pi */
    c.fsd  fs0, 40(s0)
    ld     a0, 40(s0)
    CHECK(34, a0, 0x400921fb54442d18)
    c.addi16sp sp, -16
    c.fsdsp fs0, 8(sp)
    c.fldsp ft1, 8(sp)
    fmv.x.d a0, ft1
    CHECK(35, a0, 0x400921fb54442d18)
    c.addi16sp sp, 16

    /* --- control flow -------------------------------------------------------------- */
    c.j    1f
    TEST_FAIL(36)
1:  la     t0, cj_target
    li     a2, 0
    c.jr   t0
cj_back:
    CHECK(37, a2, 1)

    la     t0, cjalr_target
    li     a2, 0
    c.jalr t0
cjalr_ret:                          /* link = address of c.jalr + 2 */
    CHECK(38, a2, 2)
    la     t1, cjalr_ret
    CHECK_REG(39, ra, t1)

    li     s0, 0
    c.beqz s0, 1f
    TEST_FAIL(40)
1:  c.bnez s0, 2f
    j      3f
2:  TEST_FAIL(41)
3:  li     s0, -1
    c.bnez s0, 1f
    TEST_FAIL(42)
1:  c.beqz s0, 2f
    j      3f
2:  TEST_FAIL(43)
3:
    /* backward c.bnez loop */
    li     a0, 5
    li     a1, 0
1:  c.addi a1, 2
    c.addi a0, -1
    c.bnez a0, 1b
    CHECK(44, a1, 10)

    c.nop
    li     a0, 1
    c.nop
    c.addi a0, 1
    CHECK(45, a0, 2)

    /* --- a 32-bit instruction at a 2-byte-aligned address crossing a page ------- */
    li     a0, 40
    j      page_cross
after_cross:
    CHECK(46, a0, 42)

    TEST_PASS

    .align 2
cj_target:
    li     a2, 1
    j      cj_back
cjalr_target:
    li     a2, 2
    j      cjalr_ret

    .p2align 12
    .skip  4094                     /* never executed */
page_cross:                         /* at page offset 0xffe */
    .option push
    .option norvc
    addi   a0, a0, 2                /* 4 bytes: 2 in this page, 2 in the next */
    .option pop
    j      after_cross

    .section .data
    .align 3
cdata:
    .dword 0xffffffff89abcdef       /*  0 */
    .dword 0x0123456789abcdef       /*  8 */
    .dword 0, 0                     /* 16, 24 */
    .dword 0x400921fb54442d18       /* 32 */
    .dword 0                        /* 40 */
BARE_END
