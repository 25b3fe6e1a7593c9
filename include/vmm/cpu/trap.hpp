#pragma once
// Machine-mode trap entry and return (privileged spec §3.1.6.1, §3.3.2).
#include "vmm/cpu/hart_state.hpp"

namespace vmm::cpu {

/// Takes an exception into M-mode: mepc = pc, mcause, mtval, MPIE = MIE,
/// MIE = 0, MPP = current privilege, pc = mtvec base (exceptions are never
/// vectored).
void enter_trap(HartState& hart, Cause cause, std::uint64_t tval);

/// mret: pc = mepc, privilege = MPP, MIE = MPIE, MPIE = 1, MPP = U.
void return_from_trap(HartState& hart);

/// Human name of a cause ("illegal instruction").
const char* cause_name(Cause cause);

}  // namespace vmm::cpu
