/* bare.h - assembler macros shared by vm's bare-metal guest tests.
 *
 * A test looks like:
 *
 *     #include "bare.h"
 *     BARE_START
 *         li   a0, 2
 *         addi a0, a0, 3
 *         CHECK(1, a0, 5)            # fails with code 1 unless a0 == 5
 *         TEST_PASS
 *     BARE_END
 *
 * and reports through HTIF: tohost = 1 on pass, (n << 1) | 1 on failure n,
 * so `vm run --bare` exits with status n.
 *
 * Conventions
 *   - Test numbers are 1..127. Codes 128 + mcause (128..191) mean the default
 *     handler caught an unexpected exception, 254 an unexpected interrupt,
 *     253 a TEST_FAIL(0) (0 would read as a pass).
 *   - gp (x3) holds the failing test number on the way out; t5/t6 (x30/x31)
 *     are scratch registers of the CHECK macros, so never CHECK t5 or t6.
 *   - The numeric local label 99 is used by the macros: tests must not use it.
 *   - BARE_START sets mtvec to the default handler, sp to a 4 KiB stack,
 *     turns the FPU on (mstatus.FS = Initial) and clears fcsr.
 *   - Output goes through the HTIF mailbox following the riscv-pk protocol:
 *     wait until tohost == 0 (the host clears it once it has consumed a
 *     command; a pending fromhost is acknowledged by zeroing it) before
 *     writing a new command.
 */
#ifndef VM_TESTS_BARE_H
#define VM_TESTS_BARE_H

/* Assembler macros, laid out by hand: clang-format would break them. */
/* clang-format off */

#define TESTNUM gp

#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)

/* HTIF commands */
#define HTIF_CMD(dev, cmd, payload) \
    ((((dev) & 0xff) << 56) | (((cmd) & 0xff) << 48) | (payload))
#define HTIF_CONSOLE_PUTCHAR(ch) HTIF_CMD(1, 1, ch)
#define SYS_write 64
#define SYS_exit  93

/* ---- program frame ---------------------------------------------------- */

#define BARE_START                                  \
    .section .text.init, "ax", @progbits;           \
    .globl _start;                                  \
_start:                                             \
    la t0, bare_default_trap;                       \
    csrw mtvec, t0;                                 \
    la sp, bare_stack_top;                          \
    li t0, MSTATUS_FS_INITIAL;                      \
    csrs mstatus, t0;                               \
    csrwi fcsr, 0;                                  \
    li t0, 0;

#define BARE_END                                    \
    .section .text.init, "ax", @progbits;           \
    .align 2;                                       \
bare_default_trap:                                  \
    csrr t5, mcause;                                \
    csrr t6, mepc;                                  \
    li TESTNUM, 254;                                \
    bltz t5, bare_fail;                             \
    andi t5, t5, 63;                                \
    addi TESTNUM, t5, 128;                          \
    j bare_fail;                                    \
bare_fail:                                          \
    bnez TESTNUM, 99f;                              \
    li TESTNUM, 253;                                \
99: slli t5, TESTNUM, 1;                            \
    ori t5, t5, 1;                                  \
    j bare_exit_tohost;                             \
/* t5 = value to write; never returns */            \
bare_exit_tohost:                                   \
    call bare_htif_wait_idle;                       \
    la t4, tohost;                                  \
99: sd t5, 0(t4);                                   \
    j 99b;                                          \
/* waits until the host has consumed the last tohost command; \
   clobbers t3, t4 only */                          \
    .globl bare_htif_wait_idle;                     \
bare_htif_wait_idle:                                \
    la t4, tohost;                                  \
    ld t3, 0(t4);                                   \
    beqz t3, 99f;                                   \
    la t4, fromhost;                                \
    ld t3, 0(t4);                                   \
    beqz t3, bare_htif_wait_idle;                   \
    sd zero, 0(t4);                                 \
    j bare_htif_wait_idle;                          \
99: ret;                                            \
                                                    \
    .pushsection .tohost, "aw", @progbits;          \
    .align 6;                                       \
    .globl tohost;                                  \
tohost: .dword 0;                                   \
    .align 6;                                       \
    .globl fromhost;                                \
fromhost: .dword 0;                                 \
    .popsection;                                    \
    .pushsection .bss, "aw", @nobits;               \
    .align 4;                                       \
bare_stack: .skip 4096;                             \
bare_stack_top:                                     \
    .popsection;

/* ---- reporting -------------------------------------------------------- */

#define TEST_PASS                                   \
    li t5, 1;                                       \
    j bare_exit_tohost;

#define TEST_FAIL(n)                                \
    li TESTNUM, n;                                  \
    j bare_fail;

/* Fails with test number n unless register reg == expected (64-bit compare;
 * expected is any constant `li` accepts). */
#define CHECK(n, reg, expected)                     \
    li t6, expected;                                \
    beq reg, t6, 99f;                               \
    TEST_FAIL(n)                                    \
99:

/* Fails with test number n unless registers a and b are equal. */
#define CHECK_REG(n, a, b)                          \
    beq a, b, 99f;                                  \
    TEST_FAIL(n)                                    \
99:

/* Fails with test number n unless reg != unexpected. */
#define CHECK_NE(n, reg, unexpected)                \
    li t6, unexpected;                              \
    bne reg, t6, 99f;                               \
    TEST_FAIL(n)                                    \
99:

/* Fails unless the raw 64-bit pattern of f register freg equals bits
 * (for single values this includes the NaN-box: 0xffffffff in the top half). */
#define CHECK_FBITS_D(n, freg, bits)                \
    fmv.x.d t5, freg;                               \
    li t6, bits;                                    \
    beq t5, t6, 99f;                                \
    TEST_FAIL(n)                                    \
99:

/* Fails unless the single value in freg has the 32-bit pattern bits
 * (fmv.x.w sign-extends, so compare against the sign-extended pattern). */
#define CHECK_FBITS_S(n, freg, bits)                \
    fmv.x.w t5, freg;                               \
    li t6, bits;                                    \
    sext.w t6, t6;                                  \
    beq t5, t6, 99f;                                \
    TEST_FAIL(n)                                    \
99:

/* Fails unless fflags == flags (then clears fflags). */
#define CHECK_FFLAGS(n, flags)                      \
    csrrci t5, fflags, 0x1f;                        \
    li t6, flags;                                   \
    beq t5, t6, 99f;                                \
    TEST_FAIL(n)                                    \
99:

/* clang-format on */
#endif
