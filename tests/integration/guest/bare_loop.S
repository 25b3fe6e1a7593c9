/* bare_loop.S - `j .` forever, in machine mode. Linked at 0x80000000 it is a
 * bare-metal infinite loop; linked at 0x10000000 (outside vm's RAM) it must
 * be refused at load time. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    j _start

/* A tohost it never writes, as riscv-tests programs have: without one vm
 * warns that the program cannot end the run itself. */
    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
