/* bare_trace.S - a tiny bare-metal program for `vm run --bare --trace`:
 * a few addi instructions, then exit status 0 through HTIF (tohost = 1).
 * Linked at 0x80000000 (-Ttext); executes exactly 8 instructions. */
    .section .text.init, "ax", @progbits
    .globl _start
    .option norvc
_start:
    addi a0, zero, 5
    addi a0, a0, 7
    addi a1, a0, -12       /* a1 = 0 */
    xori a2, a1, 0x2a
    li   t0, 1             /* tohost = (0 << 1) | 1: exit status 0 */
    la   t1, tohost        /* auipc + addi */
    sd   t0, 0(t1)
1:  j    1b

    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
