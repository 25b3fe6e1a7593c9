#pragma once
// The one seam for how translated code reaches guest memory. Today: the
// software TLB inlined (one compare and one add on a hit, the miss out of
// line), which is right for every mode, including the Sv39 system emulator
// to come. Another strategy (a direct mapping of the user-mode address space)
// would implement the same interface.
#include <asmjit/x86.h>

#include <cstdint>

#include "vmm/memory/tlb.hpp"

namespace vmm::jit::x86_64 {

class MemoryAccess {
 public:
  virtual ~MemoryAccess() = default;
  /// Guest address in rax becomes the host address in rax; rcx and rdx are
  /// clobbered. Jumps to `slow` (rax still the guest address) when the fast
  /// path cannot serve an access of `size` bytes.
  virtual void emit_translate(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                              const asmjit::Label& slow) const = 0;
};

/// Inline lookup in memory::Tlb. The TLB is addressed relative to the hart
/// register (rbx) when it lies within 2 GiB of the hart, else absolutely.
class TlbMemoryAccess final : public MemoryAccess {
 public:
  TlbMemoryAccess(const memory::Tlb* tlb, const void* hart, bool force_absolute = false);
  void emit_translate(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                      const asmjit::Label& slow) const override;

 private:
  const memory::Tlb* m_tlb;
  std::int64_t m_delta = 0;  ///< tlb - hart
  bool m_near = false;
};

}  // namespace vmm::jit::x86_64
