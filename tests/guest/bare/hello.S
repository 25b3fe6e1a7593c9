/* hello.S - prints "hello from bare metal\n" on stdout through the HTIF
 * syscall proxy (tohost = address of magic_mem = {SYS_write, fd, buf, len,
 * ...}; the host answers by writing fromhost and clearing tohost), in two
 * write calls so the handshake is exercised twice, then passes. */
#include "bare.h"

BARE_START
    la   a1, msg
    li   a2, 6                      /* "hello " */
    call sys_write_stdout
    la   a1, msg + 6                /* "from bare metal\n" */
    la   a2, msg_end
    sub  a2, a2, a1
    call sys_write_stdout
    TEST_PASS

/* a1 = buffer, a2 = length. Fails with 1 if the host reports an error. */
sys_write_stdout:
    mv   s1, ra
    call bare_htif_wait_idle        /* mailbox free */
    la   s0, magic_mem
    li   t0, SYS_write
    sd   t0, 0(s0)
    li   t0, 1                      /* fd 1 = stdout */
    sd   t0, 8(s0)
    sd   a1, 16(s0)
    sd   a2, 24(s0)
    fence                           /* buffer visible before the request */
    la   t1, fromhost
    sd   zero, 0(t1)
    la   t1, tohost
    sd   s0, 0(t1)
    la   t1, fromhost
1:  ld   t2, 0(t1)                  /* wait for the answer */
    beqz t2, 1b
    sd   zero, 0(t1)
    fence
    /* magic_mem[0] is either left alone or holds the return value (the
       byte count); anything else is an error */
    ld   t0, 0(s0)
    li   t1, SYS_write
    beq  t0, t1, 2f
    beq  t0, a2, 2f
    TEST_FAIL(1)
2:  mv   ra, s1
    ret

    .section .rodata
msg:
    .ascii "hello from bare metal\n"
msg_end:

    .section .data
    .align 6
magic_mem:
    .dword 0, 0, 0, 0, 0, 0, 0, 0
BARE_END
