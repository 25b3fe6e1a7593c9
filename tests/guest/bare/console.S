/* console.S - prints "hello from the htif console\n" one character at a time
 * through the HTIF console device (device 1, command 1: putchar), waiting
 * for the host to consume each command (tohost back to 0), then passes. */
#include "bare.h"

BARE_START
    la   s0, msg
    la   s1, tohost
    li   s2, HTIF_CONSOLE_PUTCHAR(0)
1:  lbu  a0, 0(s0)
    beqz a0, 2f
    call bare_htif_wait_idle
    or   t0, s2, a0
    sd   t0, 0(s1)
    addi s0, s0, 1
    j    1b
2:  TEST_PASS

    .section .rodata
msg:
    .asciz "hello from the htif console\n"
BARE_END
