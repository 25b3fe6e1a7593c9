#pragma once
// Zicsr: CSR numbers, and the access rules (privileged spec §2.1: bits 11:10
// = 3 means read-only, bits 9:8 give the lowest privilege allowed).
#include <cstdint>
#include <optional>

#include "vmm/cpu/hart_state.hpp"

namespace vmm::cpu {

namespace csr {
inline constexpr std::uint32_t kFflags = 0x001, kFrm = 0x002, kFcsr = 0x003;
inline constexpr std::uint32_t kCycle = 0xc00, kTime = 0xc01, kInstret = 0xc02;
inline constexpr std::uint32_t kMstatus = 0x300, kMisa = 0x301, kMedeleg = 0x302, kMideleg = 0x303,
                               kMie = 0x304, kMtvec = 0x305, kMcounteren = 0x306, kMcountinhibit = 0x320,
                               kMscratch = 0x340, kMepc = 0x341, kMcause = 0x342, kMtval = 0x343,
                               kMip = 0x344, kPmpcfg0 = 0x3a0, kPmpaddr0 = 0x3b0, kMcycle = 0xb00,
                               kMinstret = 0xb02, kMvendorid = 0xf11, kMarchid = 0xf12, kMimpid = 0xf13,
                               kMhartid = 0xf14;
}  // namespace csr

enum class CsrOp : std::uint8_t { kWrite, kSet, kClear };

/// Executes one CSR instruction's access. `write` says whether the instruction
/// writes at all (csrrs/csrrc with x0 or a zero immediate do not). Returns the
/// old value, or nullopt when the access is illegal (the instruction then
/// raises an illegal-instruction exception). `instret_now` is the exact count
/// of retired instructions at this point.
std::optional<std::uint64_t> csr_access(HartState& hart, std::uint32_t number, CsrOp op,
                                        std::uint64_t operand, bool write, std::uint64_t instret_now);

}  // namespace vmm::cpu
