/* bare_loop.S - `j .` forever, in machine mode. Linked at 0x80000000 it is a
 * bare-metal infinite loop; linked at 0x10000000 (outside vm's RAM) it must
 * be refused at load time. */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    j _start
