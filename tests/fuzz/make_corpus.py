#!/usr/bin/env python3
"""Writes a small seed corpus of our own for the fuzz targets: valid and
broken ELF headers, and guest code snippets (loops, stores, AMOs, CSR
writes, jumps into nowhere). Deterministic; rerun to regenerate."""
import pathlib
import random
import struct

root = pathlib.Path(__file__).resolve().parent / "corpus"


def elf(machine=243, elf_class=2, etype=2, phnum=1, vaddr=0x80000000, filesz=None, memsz=0x1000, paddr=None):
    code = struct.pack("<4I", 0x00000513, 0x00100073, 0x0000006F, 0)  # li a0,0; ebreak; j .
    header = b"\x7fELF" + bytes([elf_class, 1, 1]) + bytes(9)
    header += struct.pack("<HHIQQQIHHHHHH", etype, machine, 1, vaddr, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    size = 64 + 56 * phnum + len(code)
    ph = struct.pack("<IIQQQQQQ", 1, 7, 0, vaddr, vaddr if paddr is None else paddr,
                     size if filesz is None else filesz, memsz, 0x1000)
    return header + ph * phnum + code


def main():
    (root / "elf_loader").mkdir(parents=True, exist_ok=True)
    (root / "guest_code").mkdir(parents=True, exist_ok=True)
    cases = {
        "valid_bare": elf(),
        "valid_user": elf(vaddr=0x10000),
        "truncated": elf()[:80],
        "elf32": elf(elf_class=1),
        "x86_64": elf(machine=62),
        "many_phdrs": elf(phnum=300),
        "huge_filesz": elf(filesz=1 << 40),
        "wrapping": elf(vaddr=(1 << 64) - 0x800, memsz=0x1000),
        "paddr_outside": elf(paddr=0x1000),
        "dyn": elf(etype=3, vaddr=0x0),
        "empty": b"",
        "magic_only": b"\x7fELF",
    }
    for name, data in cases.items():
        (root / "elf_loader" / name).write_bytes(data)
    rng = random.Random(1234)
    snippets = {
        "loop": struct.pack("<I", 0x0000006F),
        "store_everywhere": struct.pack("<4I", 0x800002B7, 0x00A2B023, 0x00828293, 0xFF9FF06F),
        "amo": struct.pack("<3I", 0x800002B7, 0x0C55232F, 0x0000006F),
        "csr_writes": struct.pack("<4I", 0x30529073, 0x34129073, 0x30200073, 0x0000006F),
        "jump_null": struct.pack("<2I", 0x00000067, 0x0000006F),
        "self_modify": struct.pack("<4I", 0x80000537, 0x00052023, 0x0000100F, 0xFF5FF06F),
    }
    for i in range(8):
        snippets[f"random{i}"] = bytes(rng.getrandbits(8) for _ in range(256))
    for name, data in snippets.items():
        (root / "guest_code" / name).write_bytes(data)


if __name__ == "__main__":
    main()
