#pragma once
// The one seam for how translated code reaches guest memory: the software
// TLB inlined (one compare and one add on a hit, the miss out of line), right
// for every mode including the Sv39 system emulator to come; or, for a
// user-mode address space with a direct view, guest address + view base
// after one bounds check, the host MMU doing the permission checks.
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
  /// True when the host access after emit_translate may fault: the caller
  /// then records it as a FaultSite (fault_redirect.hpp) with its slow path.
  [[nodiscard]] virtual bool may_fault() const = 0;
};

/// Inline lookup in memory::Tlb. The TLB is addressed relative to the hart
/// register (rbx) when it lies within 2 GiB of the hart, else absolutely.
class TlbMemoryAccess final : public MemoryAccess {
 public:
  TlbMemoryAccess(const memory::Tlb* tlb, const void* hart, bool force_absolute = false);
  void emit_translate(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                      const asmjit::Label& slow) const override;
  [[nodiscard]] bool may_fault() const override { return false; }

 private:
  const memory::Tlb* m_tlb;
  std::int64_t m_delta = 0;  ///< tlb - hart
  bool m_near = false;
};

/// Guest address + view base (memory::DirectView). The view's size and base
/// are read from two words the runtime keeps next to the code (rip-relative).
class DirectMemoryAccess final : public MemoryAccess {
 public:
  /// `limit` and `base` point at the view size and view base in the code arena.
  DirectMemoryAccess(const std::uint64_t* limit, const std::uint64_t* base) : m_limit(limit), m_base(base) {}
  void emit_translate(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                      const asmjit::Label& slow) const override;
  [[nodiscard]] bool may_fault() const override { return true; }

 private:
  const std::uint64_t* m_limit;
  const std::uint64_t* m_base;
};

}  // namespace vmm::jit::x86_64
