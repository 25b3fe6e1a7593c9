#pragma once
// The JIT front end's view of a test's guest code: 32-bit encodings laid out
// from a base address, decoded the way the interpreter would.
#include <cstdint>
#include <optional>
#include <vector>

#include "vmm/isa/decoded_insn.hpp"
#include "vmm/jit/frontend.hpp"

namespace vmm::test {

/// Fetches from `code` (kept by reference: it must outlive the result) at `base`;
/// nothing outside it.
inline jit::Fetch fetch_code(const std::vector<std::uint32_t>& code, GuestAddr base) {
  return [&code, base](GuestAddr pc) -> std::optional<isa::DecodedInsn> {
    if (pc < base || pc >= base + 4 * code.size()) return std::nullopt;
    return isa::decode(code[(pc - base) / 4]);
  };
}

}  // namespace vmm::test
