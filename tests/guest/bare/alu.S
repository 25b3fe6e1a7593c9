/* alu.S - integer ALU: add/sub wrap-around, logic ops with sign-extended
 * immediates, set-less-than signed vs unsigned, shift-amount masking (6 bits
 * for 64-bit shifts, 5 bits for W shifts), W-instruction sign extension,
 * lui/auipc, and writes to x0 being discarded. */
#include "bare.h"

BARE_START
    /* --- add / sub ------------------------------------------------------ */
    li   a0, 0x7fffffffffffffff
    addi a1, a0, 1
    CHECK(1, a1, 0x8000000000000000)
    li   a2, 1
    sub  a3, zero, a2
    CHECK(2, a3, -1)
    li   a0, 0x123456789abcdef0
    li   a1, 0x0fedcba987654321
    add  a2, a0, a1
    CHECK(3, a2, 0x2222222222222211)
    sub  a2, a0, a1
    CHECK(4, a2, 0x02468acf13579bcf)
    addi a2, a0, -2048
    CHECK(5, a2, 0x123456789abcd6f0)

    /* --- logic ops, immediates are sign-extended 12-bit ----------------- */
    andi a2, a0, -16
    CHECK(6, a2, 0x123456789abcdef0)
    andi a2, a0, 0x7ff
    CHECK(7, a2, 0x6f0)
    ori  a2, zero, -2048
    CHECK(8, a2, 0xfffffffffffff800)
    xori a2, a0, -1
    CHECK(9, a2, 0xedcba9876543210f)
    and  a2, a0, a1
    CHECK(10, a2, 0x0224422882244220)
    or   a2, a0, a1
    CHECK(11, a2, 0x1ffddff99ffddff1)
    xor  a2, a0, a1
    CHECK(12, a2, 0x1dd99dd11dd99dd1)

    /* --- slt / sltu / slti / sltiu --------------------------------------- */
    li   a0, -1
    li   a1, 1
    slt  a2, a0, a1
    CHECK(13, a2, 1)
    sltu a2, a0, a1
    CHECK(14, a2, 0)
    slti a2, a0, 0
    CHECK(15, a2, 1)
    sltiu a2, a1, -1            /* 1 <u 0xffff...ffff */
    CHECK(16, a2, 1)
    sltiu a2, zero, 1           /* seqz */
    CHECK(17, a2, 1)
    sltu a2, zero, a0           /* snez */
    CHECK(18, a2, 1)
    slt  a2, a1, a1
    CHECK(19, a2, 0)

    /* --- 64-bit shifts: only the low 6 bits of rs2 count ----------------- */
    li   a0, 1
    li   a1, 65
    sll  a2, a0, a1
    CHECK(20, a2, 2)
    li   a1, 63
    sll  a2, a0, a1
    CHECK(21, a2, 0x8000000000000000)
    li   a3, 0x8000000000000000
    li   a1, 127                /* == 63 */
    sra  a2, a3, a1
    CHECK(22, a2, -1)
    srl  a2, a3, a1
    CHECK(23, a2, 1)
    li   a1, 64                 /* == 0 */
    srl  a2, a3, a1
    CHECK(24, a2, 0x8000000000000000)
    slli a2, a0, 63
    CHECK(25, a2, 0x8000000000000000)
    srai a2, a3, 4
    CHECK(26, a2, 0xf800000000000000)
    srli a2, a3, 4
    CHECK(27, a2, 0x0800000000000000)
    li   a0, 0x123456789abcdef0
    srli a2, a0, 32
    CHECK(28, a2, 0x12345678)

    /* --- W forms: 32-bit result sign-extended to 64 bits ----------------- */
    li   a0, 0x7fffffff
    li   a1, 1
    addw a2, a0, a1
    CHECK(29, a2, 0xffffffff80000000)
    li   a0, 0x80000000
    addiw a2, a0, 0             /* sext.w */
    CHECK(30, a2, 0xffffffff80000000)
    li   a0, 0x1234567800000001
    addw a2, a0, a1             /* upper bits of the operands are ignored */
    CHECK(31, a2, 2)
    addiw a2, a0, -2
    CHECK(32, a2, -1)
    li   a0, 0x80000000
    subw a2, zero, a0
    CHECK(33, a2, 0xffffffff80000000)
    subw a2, a1, a1
    CHECK(34, a2, 0)
    li   a3, 33                 /* W shifts use the low 5 bits: 33 == 1 */
    sllw a2, a1, a3
    CHECK(35, a2, 2)
    li   a3, 31
    sllw a2, a1, a3
    CHECK(36, a2, 0xffffffff80000000)
    slliw a2, a1, 31
    CHECK(37, a2, 0xffffffff80000000)
    li   a0, 0xffffffff80000000
    srlw a2, a0, a3             /* 0x80000000 >> 31 */
    CHECK(38, a2, 1)
    li   a3, 32                 /* == 0: still sign-extends the low word */
    srlw a2, a0, a3
    CHECK(39, a2, 0xffffffff80000000)
    li   a0, 0x0000000180000000 /* upper word must not leak into srlw */
    srliw a2, a0, 1
    CHECK(40, a2, 0x40000000)
    li   a3, 36                 /* == 4 */
    sraw a2, a0, a3
    CHECK(41, a2, 0xfffffffff8000000)
    sraiw a2, a0, 31
    CHECK(42, a2, -1)
    li   a0, 0xfffffffe00000004 /* low word 4, positive */
    sraiw a2, a0, 1
    CHECK(43, a2, 2)
    slliw a2, a0, 0
    CHECK(44, a2, 4)

    /* --- lui: 20-bit immediate << 12, sign-extended ---------------------- */
    lui  a2, 0x80000
    CHECK(45, a2, 0xffffffff80000000)
    lui  a2, 0x7ffff
    CHECK(46, a2, 0x7ffff000)
    lui  a2, 0xfffff
    CHECK(47, a2, -4096)

    /* --- auipc: pc + sign-extended (imm << 12) --------------------------- */
    la   s0, auipc_expect
1:  auipc a2, 0
    ld   a3, 0(s0)
    CHECK_REG(48, a2, a3)
2:  auipc a2, 1
    ld   a3, 8(s0)
    CHECK_REG(49, a2, a3)
3:  auipc a2, 0xfffff
    ld   a3, 16(s0)
    CHECK_REG(50, a2, a3)
4:  auipc a2, 0x80000           /* pc - 2 GiB */
    ld   a3, 24(s0)
    CHECK_REG(51, a2, a3)

    /* --- x0 is hard-wired to zero ---------------------------------------- */
    addi zero, zero, 5
    lui  zero, 0x12345
    CHECK(52, zero, 0)
    mv   a2, zero
    CHECK(53, a2, 0)

    TEST_PASS

    .section .rodata
    .align 3
auipc_expect:
    .dword 1b
    .dword 2b + 0x1000
    .dword 3b - 0x1000
    .dword 4b - 0x80000000
BARE_END
