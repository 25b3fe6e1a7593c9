#pragma once
// The decoded form of one instruction: what the interpreter executes and a
// later translator consumes. Compressed instructions are expanded first, so
// nothing downstream sees 16-bit encodings (libriscv's aj_decode).
#include <cstdint>

#include "vmm/isa/opcodes.hpp"

namespace vmm::isa {

/// Integer writes to x0 are redirected to this sink register, so handlers can
/// write `x[rd]` unconditionally and x0 stays zero.
inline constexpr std::uint8_t kZeroSink = 32;

struct DecodedInsn {
  Op op = Op::kNeedsDecode;
  std::uint8_t rd = 0;  ///< integer destinations: 0 becomes kZeroSink
  std::uint8_t rs1 = 0;
  std::uint8_t rs2 = 0;
  std::uint8_t rs3 = 0;     ///< FMA third source; AMO: aq/rl bits
  std::uint8_t length = 4;  ///< 2 for compressed, 4 otherwise
  std::uint8_t rm = 0;      ///< floating-point rounding mode field (7 = dynamic)
  std::int32_t imm = 0;     ///< sign-extended immediate, branch offset or CSR number
  std::uint32_t raw = 0;    ///< original encoding (16 bits for compressed), for traps and traces
};

static_assert(sizeof(DecodedInsn) == 16, "the decode cache indexes 16-byte entries");

/// Decodes one instruction. Only the low 16 bits are used for compressed
/// encodings. Unknown or reserved encodings give Op::kIllegal.
DecodedInsn decode(std::uint32_t raw);

/// Expands a 16-bit RVC encoding to its 32-bit equivalent; 0 when illegal
/// or reserved (the all-zero parcel is defined illegal by the spec).
std::uint32_t expand_compressed(std::uint16_t parcel);

/// Length in bytes of the instruction whose first parcel is `low16`.
constexpr unsigned insn_length(std::uint16_t low16) { return (low16 & 3) == 3 ? 4 : 2; }

}  // namespace vmm::isa
