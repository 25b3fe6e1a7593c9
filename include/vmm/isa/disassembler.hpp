#pragma once
// Disassembly of decoded instructions, for traces and error reports.
#include <string>

#include "vmm/core/types.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::isa {

/// ABI name of integer register n ("zero", "ra", "sp", ...).
const char* int_reg_name(unsigned n);
/// ABI name of floating-point register n ("ft0", "fa0", ...).
const char* fp_reg_name(unsigned n);

/// Text of one instruction in objdump's style ("addi a0, a0, 1"); branch and
/// jump targets are absolute, computed from `pc`.
std::string disassemble(const DecodedInsn& insn, GuestAddr pc);

}  // namespace vmm::isa
