/* sys_exit.S - ends through the syscall proxy's exit call (SYS_exit with
 * code 0) instead of the tohost exit code: vm must exit 0. If the host
 * ignored the request, the fallback tohost failure code 1 is reported. */
#include "bare.h"

BARE_START
    call bare_htif_wait_idle
    la   s0, magic_mem
    li   t0, SYS_exit
    sd   t0, 0(s0)
    sd   zero, 8(s0)                /* exit code 0 */
    fence
    la   t1, tohost
    sd   s0, 0(t1)
    /* the host should not come back; give it time, then fail */
    li   t2, 100000
1:  addi t2, t2, -1
    bnez t2, 1b
    TEST_FAIL(1)

    .section .data
    .align 6
magic_mem:
    .dword 0, 0, 0, 0, 0, 0, 0, 0
BARE_END
