#pragma once
// Functions translated code calls (through the back end's call thunk) for
// what it does not inline: TLB misses, floating point, and instructions the
// interpreter runs. Semantics stay in one place: these call GuestMemory,
// execute_fp and the interpreter, never a second implementation.
#include <cstdint>

#include "vmm/isa/decoded_insn.hpp"
#include "vmm/jit/context.hpp"

namespace vmm::jit {

/// Signature of every helper: (ctx, a, b) -> value, status.
using Helper = HelperResult (*)(JitContext* ctx, std::uint64_t a, std::uint64_t b);

/// An instruction handed to a helper, embedded in the translated code.
struct EmbeddedInsn {
  isa::DecodedInsn insn;
  GuestAddr pc;
  /// Instructions from this one to the end of the region (N - index): with
  /// ctx.remaining it gives the exact retired count for instret.
  std::uint64_t rest;
};
static_assert(sizeof(EmbeddedInsn) == 32);

namespace helpers {
/// Loads of 1, 2, 4, 8 bytes: [size_log2][signed]. a = guest address.
Helper load(unsigned size, bool is_signed);
/// Stores of 1, 2, 4, 8 bytes: a = guest address, b = value.
Helper store(unsigned size);
/// One F/D computational instruction: a = const EmbeddedInsn*.
HelperResult fp(JitContext* ctx, std::uint64_t a, std::uint64_t b);
/// One instruction through the interpreter: a = const EmbeddedInsn*.
/// Reads and writes the hart's registers in memory (the caller spills).
HelperResult interpret(JitContext* ctx, std::uint64_t a, std::uint64_t b);
}  // namespace helpers

}  // namespace vmm::jit
