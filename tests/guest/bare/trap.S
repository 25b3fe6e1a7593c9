/* trap.S - machine-mode synchronous exceptions through mtvec (direct mode):
 *   ecall            -> mcause 11, mepc = the ecall, mtval 0, mret to mepc+4
 *   illegal insns    -> mcause 2, mtval = 0 or the instruction bits
 *                       (both allowed by the privileged spec)
 *   ebreak/c.ebreak  -> mcause 3, mtval = 0 or the pc
 *   misaligned ld/sd -> either done in hardware (no trap, right data) or
 *                       mcause 4/6 with mtval = the address
 *   ld/sd at 0x0     -> load / store access fault, mcause 5/7, mtval 0
 *   jump to 0x0      -> instruction access fault, mcause 1, mepc 0
 * plus mstatus.MPP = M inside the handler and mscratch as a handler scratch.
 *
 * The handler records mcause in s2, mepc in s3, mtval in s4, mstatus in s6
 * and counts traps in s5. It resumes at s7 if s7 != 0 (then clears s7),
 * otherwise after the trapping instruction (2 or 4 bytes, from its encoding).
 * The default handler is not in use here, so the test numbers tell the story. */
#include "bare.h"

#define CAUSE_FETCH_ACCESS      1
#define CAUSE_ILLEGAL           2
#define CAUSE_BREAKPOINT        3
#define CAUSE_MISALIGNED_LOAD   4
#define CAUSE_LOAD_ACCESS       5
#define CAUSE_MISALIGNED_STORE  6
#define CAUSE_STORE_ACCESS      7
#define CAUSE_ECALL_M           11

/* Resets the handler's record. */
#define CLEAR_RECORD  li s2, -1; li s3, -1; li s4, -1; li s5, 0; li s6, 0; li s7, 0

/* Fails with n unless reg == a or reg == b. */
#define CHECK_EITHER(n, reg, a, b)  \
    li   t6, a;                     \
    beq  reg, t6, 99f;              \
    li   t6, b;                     \
    beq  reg, t6, 99f;              \
    TEST_FAIL(n)                    \
99:

BARE_START
    la   t0, handler
    csrw mtvec, t0
    csrr t1, mtvec
    CHECK_REG(1, t1, t0)

    /* --- ecall ------------------------------------------------------------------ */
    CLEAR_RECORD
    li   a1, 0
ecall_at:
    ecall
    li   a1, 5                      /* runs after mret to mepc + 4 */
    CHECK(2, s5, 1)
    CHECK(3, s2, CAUSE_ECALL_M)
    la   t0, ecall_at
    CHECK_REG(4, s3, t0)
    CHECK(5, s4, 0)
    CHECK(6, a1, 5)
    srli t0, s6, 11                 /* mstatus.MPP = 3 (M) inside the handler */
    andi t0, t0, 3
    CHECK(7, t0, 3)

    /* a second ecall: the handler is re-entrant after mret */
    CLEAR_RECORD
    ecall
    CHECK(8, s5, 1)
    CHECK(9, s2, CAUSE_ECALL_M)

    /* --- illegal instructions ------------------------------------------------------- */
    CLEAR_RECORD
illegal1_at:
    .word 0x1234506b                /* major opcode 1101011: reserved */
    CHECK(10, s5, 1)
    CHECK(11, s2, CAUSE_ILLEGAL)
    la   t0, illegal1_at
    CHECK_REG(12, s3, t0)
    CHECK_EITHER(13, s4, 0, 0x1234506b)

    CLEAR_RECORD
illegal2_at:
    .half 0x0000                    /* all-zero 16-bit parcel: defined illegal */
    CHECK(14, s5, 1)
    CHECK(15, s2, CAUSE_ILLEGAL)
    la   t0, illegal2_at
    CHECK_REG(16, s3, t0)
    CHECK(17, s4, 0)

    CLEAR_RECORD
illegal3_at:
    csrrw zero, cycle, zero         /* write to a read-only CSR (0xc0001073) */
    CHECK(18, s5, 1)
    CHECK(19, s2, CAUSE_ILLEGAL)
    la   t0, illegal3_at
    CHECK_REG(20, s3, t0)
    CHECK_EITHER(21, s4, 0, 0xc0001073)

    /* mret jumps to mepc */
    la   t0, mret_target
    csrw mepc, t0
    li   t0, MSTATUS_MPP            /* return to M */
    csrs mstatus, t0
    mret
    TEST_FAIL(22)
mret_target:

    /* --- ebreak ------------------------------------------------------------------------ */
    CLEAR_RECORD
ebreak_at:
    .option push
    .option norvc
    ebreak                          /* 4-byte encoding */
    .option pop
    CHECK(23, s5, 1)
    CHECK(24, s2, CAUSE_BREAKPOINT)
    la   t0, ebreak_at
    CHECK_REG(25, s3, t0)
    beqz s4, 1f
    CHECK_REG(26, s4, t0)
1:

    CLEAR_RECORD
cebreak_at:
    c.ebreak                        /* 2-byte encoding */
    CHECK(27, s5, 1)
    CHECK(28, s2, CAUSE_BREAKPOINT)
    la   t0, cebreak_at
    CHECK_REG(29, s3, t0)
    beqz s4, 1f
    CHECK_REG(30, s4, t0)
1:

    /* --- misaligned load: hardware support or a trap, both allowed ---------------------- */
    CLEAR_RECORD
    la   s0, mdata
    li   a0, 0
misld_at:
    ld   a0, 1(s0)
    beqz s5, misld_hw
    CHECK(31, s5, 1)                /* trapped: it must be reported properly */
    CHECK(32, s2, CAUSE_MISALIGNED_LOAD)
    la   t0, misld_at
    CHECK_REG(33, s3, t0)
    addi t0, s0, 1
    CHECK_REG(34, s4, t0)
    j    misld_done
misld_hw:                           /* no trap: the data must be right */
    CHECK(35, a0, 0x778899aabbccddee)
misld_done:
    CLEAR_RECORD
    li   a0, 0
    lw   a0, 6(s0)                  /* crosses the doubleword boundary */
    beqz s5, 1f
    CHECK(36, s2, CAUSE_MISALIGNED_LOAD)
    addi t0, s0, 6
    CHECK_REG(37, s4, t0)
    j    2f
1:  CHECK(38, a0, 0x66778899)
2:
    /* --- misaligned store ---------------------------------------------------------------- */
    CLEAR_RECORD
    li   a1, 0x0102030405060708
misst_at:
    sd   a1, 19(s0)
    beqz s5, misst_hw
    CHECK(39, s5, 1)
    CHECK(40, s2, CAUSE_MISALIGNED_STORE)
    la   t0, misst_at
    CHECK_REG(41, s3, t0)
    addi t0, s0, 19
    CHECK_REG(42, s4, t0)
    j    misst_done
misst_hw:
    ld   a2, 16(s0)
    CHECK(43, a2, 0x0405060708000000)
    ld   a2, 24(s0)
    CHECK(44, a2, 0x0000000000010203)
misst_done:

    /* --- access faults at the unmapped address 0x0 -------------------------------------- */
    CLEAR_RECORD
    li   a0, 0x77
ldfault_at:
    ld   a0, 0(zero)
    CHECK(45, s5, 1)
    CHECK(46, s2, CAUSE_LOAD_ACCESS)
    la   t0, ldfault_at
    CHECK_REG(47, s3, t0)
    CHECK(48, s4, 0)
    CHECK(49, a0, 0x77)             /* rd not written */

    CLEAR_RECORD
stfault_at:
    sd   a0, 0(zero)
    CHECK(50, s5, 1)
    CHECK(51, s2, CAUSE_STORE_ACCESS)
    la   t0, stfault_at
    CHECK_REG(52, s3, t0)
    CHECK(53, s4, 0)

    CLEAR_RECORD
    la   s7, fetch_back             /* handler resumes here */
    li   ra, 0
fetch_from_0:
    jalr ra, 0(zero)
fetch_ret:
fetch_back:
    CHECK(54, s5, 1)
    CHECK(55, s2, CAUSE_FETCH_ACCESS)
    CHECK(56, s3, 0)                /* mepc = the target */
    CHECK(57, s4, 0)                /* mtval = the faulting address */
    la   t0, fetch_ret
    CHECK_REG(58, ra, t0)           /* the jump itself completed */

    /* --- mscratch survives the handler, which uses it to save t0 --------------------------- */
    li   t0, 0x4242
    csrw mscratch, t0
    CLEAR_RECORD
    ecall
    csrr t1, mscratch
    CHECK(59, t1, 0x4242)

    TEST_PASS

    .align 2
handler:
    csrrw t0, mscratch, t0          /* swap t0 with mscratch ... */
    csrr s2, mcause
    csrr s3, mepc
    csrr s4, mtval
    csrr s6, mstatus
    addi s5, s5, 1
    bnez s7, 2f
    lhu  t1, 0(s3)                  /* length from the low two bits */
    andi t1, t1, 3
    li   t2, 3
    addi t3, s3, 2
    bne  t1, t2, 1f
    addi t3, s3, 4
1:  csrw mepc, t3
    csrrw t0, mscratch, t0          /* ... and back */
    mret
2:  csrw mepc, s7
    li   s7, 0
    csrrw t0, mscratch, t0
    mret

    .section .data
    .align 4
mdata:
    .dword 0x8899aabbccddeeff, 0x0011223344556677
    .dword 0, 0
BARE_END
