#pragma once
// The one seam for how translated code reaches guest memory: the software
// TLB inlined (one compare and one add on a hit, the miss out of line), right
// for every mode including the Sv39 system emulator to come; or, for a
// user-mode address space with a direct view, one bounds check and the access
// itself on view base + guest address, the host MMU checking permissions.
#include <asmjit/x86.h>

#include <cstdint>

#include "vmm/memory/tlb.hpp"

namespace vmm::jit::x86_64 {

class MemoryAccess {
 public:
  virtual ~MemoryAccess() = default;
  /// Emits what precedes an access of `size` bytes at guest address
  /// `base` + `disp` (`base` holds the guest base register; it may be rax)
  /// and returns the host operand for the access itself. Clobbers rax, rcx
  /// and rdx, never `base` before using it. Jumps to `slow` when the fast path
  /// cannot serve the access; the slow path computes the address again.
  /// `base_checked`: the base register, unchanged since, passed a check of
  /// this region on every path here (a strategy may skip its checks then).
  virtual asmjit::x86::Mem emit_address(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                                        const asmjit::x86::Gp& base, std::int32_t disp,
                                        const asmjit::Label& slow, bool base_checked) const = 0;
  /// The same for an access that reads and writes (an AMO): the page must
  /// allow both.
  virtual asmjit::x86::Mem emit_read_write_address(asmjit::x86::Assembler& a, unsigned size,
                                                   const asmjit::x86::Gp& base, const asmjit::Label& slow,
                                                   bool base_checked) const = 0;
  /// True when the host access through the returned operand may fault: the
  /// caller then records it as a FaultSite (fault_redirect.hpp) with its slow path.
  [[nodiscard]] virtual bool may_fault() const = 0;
  /// Whether the slow path leaves the region for the interpreter (which
  /// runs the access) instead of serving it out of line and coming back:
  /// right when the fast path fails only on guest faults and watched code
  /// pages, not on every TLB miss.
  [[nodiscard]] virtual bool slow_path_leaves() const = 0;
  /// Whether accesses check their base register (see base_checked); then
  /// emit_base_check emits that check alone, jumping to `fail` when it fails.
  /// An access on a checked base emits no jump: only a host fault (may_fault)
  /// reaches its slow path, and emit_address may be given no label.
  [[nodiscard]] virtual bool checks_bases() const = 0;
  virtual void emit_base_check(asmjit::x86::Assembler& a, const asmjit::x86::Gp& base,
                               const asmjit::Label& fail) const = 0;
};

/// Inline lookup in memory::Tlb. The TLB is addressed relative to the hart
/// register (rbx) when it lies within 2 GiB of the hart, else absolutely.
class TlbMemoryAccess final : public MemoryAccess {
 public:
  TlbMemoryAccess(const memory::Tlb* tlb, const void* hart, bool force_absolute = false);
  asmjit::x86::Mem emit_address(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                                const asmjit::x86::Gp& base, std::int32_t disp, const asmjit::Label& slow,
                                bool base_checked) const override;
  /// Looks up the write TLB and, for the same entry, the read TLB.
  asmjit::x86::Mem emit_read_write_address(asmjit::x86::Assembler& a, unsigned size,
                                           const asmjit::x86::Gp& base, const asmjit::Label& slow,
                                           bool base_checked) const override;
  [[nodiscard]] bool may_fault() const override { return false; }
  [[nodiscard]] bool slow_path_leaves() const override { return false; }
  [[nodiscard]] bool checks_bases() const override { return false; }
  void emit_base_check(asmjit::x86::Assembler& /*a*/, const asmjit::x86::Gp& /*base*/,
                       const asmjit::Label& /*fail*/) const override {}

 private:
  asmjit::x86::Mem lookup(asmjit::x86::Assembler& a, memory::Access access, bool also_read, unsigned size,
                          const asmjit::x86::Gp& base, std::int32_t disp, const asmjit::Label& slow) const;
  const memory::Tlb* m_tlb;
  std::int64_t m_delta = 0;  ///< tlb - hart
  bool m_near = false;
};

/// View base + guest address (memory::DirectView), the view base in a host
/// register for the whole of translated code. The bounds check is on the base
/// register alone, and only until a check covers it (base_checked): the
/// guards around the view catch the displacement. Its slow path leaves the
/// region (the caller's choice), so a failed check never returns to the run.
class DirectMemoryAccess final : public MemoryAccess {
 public:
  /// `limit` points at the view size, kept in the code arena (rip-relative
  /// reach). Guest address a is at view + a: [base + view + disp] when the
  /// view lies low enough for a 32-bit displacement (low_view), else through
  /// `view_base`, a register holding it.
  DirectMemoryAccess(const std::uint64_t* limit, asmjit::x86::Gp view_base, std::int32_t low_view)
      : m_limit(limit), m_view_base(view_base), m_low_view(low_view) {}
  /// The view's address as a displacement, or 0 when it needs a base register.
  static std::int32_t low_view(const std::uint8_t* view);
  asmjit::x86::Mem emit_address(asmjit::x86::Assembler& a, memory::Access access, unsigned size,
                                const asmjit::x86::Gp& base, std::int32_t disp, const asmjit::Label& slow,
                                bool base_checked) const override;
  /// The host MMU checks both permissions on the access itself.
  asmjit::x86::Mem emit_read_write_address(asmjit::x86::Assembler& a, unsigned size,
                                           const asmjit::x86::Gp& base, const asmjit::Label& slow,
                                           bool base_checked) const override {
    return emit_address(a, memory::Access::kWrite, size, base, 0, slow, base_checked);
  }
  [[nodiscard]] bool may_fault() const override { return true; }
  [[nodiscard]] bool slow_path_leaves() const override { return true; }
  [[nodiscard]] bool checks_bases() const override { return true; }
  void emit_base_check(asmjit::x86::Assembler& a, const asmjit::x86::Gp& base,
                       const asmjit::Label& fail) const override;

 private:
  const std::uint64_t* m_limit;
  asmjit::x86::Gp m_view_base;
  std::int32_t m_low_view;
};

}  // namespace vmm::jit::x86_64
