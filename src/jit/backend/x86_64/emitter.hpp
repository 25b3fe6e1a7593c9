#pragma once
// The x86-64 back end: IR regions to host code with asmjit, plus the small
// runtime every region jumps to (enter, exits, helper-call thunk).
//
// Host register convention inside translated code:
//   rbx        the HartState (guest registers at [rbx + 8*i]), unless the code
//              arena is within rip-relative reach of it (HartOperands)
//   r15        instructions the run may still retire (JitContext::remaining)
//   rax rcx rdx scratch
//   r14        the direct view's base, unless the view lies low enough for
//              32-bit displacements (DirectMemoryAccess)
//   the others hold the most used guest registers (pin_map: nine, plus rbx
//   and r14 when they are free), so most guest instructions touch no memory
//   for operands.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "fault_redirect.hpp"
#include "memory_access.hpp"
#include "vmm/core/result.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/jit/code_cache.hpp"
#include "vmm/jit/context.hpp"
#include "vmm/jit/ir.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/tlb.hpp"

namespace vmm::jit::x86_64 {

/// Guest register -> host register id between regions, or -1 (in the HartState).
using PinMap = std::array<int, 32>;

struct BackendConfig {
  cpu::HartState* hart = nullptr;
  JitContext* ctx = nullptr;
  const memory::Tlb* tlb = nullptr;
  bool count_stats = false;  ///< translated code counts region entries and indirect lookups
  bool chaining = true;      ///< use the indirect-branch table (links are the dispatcher's choice)
  bool force_absolute_tlb = false;
  /// Guest memory through this direct view instead of the TLB (user mode).
  memory::DirectView view{};
  /// The HartState is within rip-relative reach of the code arena.
  bool hart_in_reach = false;
  /// rbx and r14 stay base registers even where displacements would do (tests).
  bool base_registers = false;
  /// Guest calls and returns go through the return stack (JitContext::ras_top;
  /// the JitContext is then within rip-relative reach of the code arena).
  bool return_stack = false;
  /// The host has BMI2: shifts by a register are shlx/shrx/sarx.
  bool bmi2 = false;
  /// Common F/D instructions run on the host's SSE2 where that is provably
  /// exact (fp_fast_path.hpp), in the default MXCSR (DefaultFpMode).
  bool host_fp = false;
  /// The host has FMA3: fused multiply-adds join the fast paths.
  bool fma = false;
  /// Every helper call leaves xmm2..xmm15 holding a number (tests).
  bool clobber_xmm_in_calls = false;
};

/// How translated code addresses the HartState: rip-relative when the code
/// arena lies within reach of it (rbx then holds a guest register), else
/// through rbx.
class HartOperands {
 public:
  explicit HartOperands(const cpu::HartState* rip_relative) : m_at(rip_relative) {}
  [[nodiscard]] bool needs_register() const { return m_at == nullptr; }
  [[nodiscard]] asmjit::x86::Mem x(unsigned reg) const;
  [[nodiscard]] asmjit::x86::Mem f(unsigned reg) const;
  [[nodiscard]] asmjit::x86::Mem pc() const;
  [[nodiscard]] asmjit::x86::Mem fflags() const;
  [[nodiscard]] asmjit::x86::Mem frm() const;
  [[nodiscard]] asmjit::x86::Mem mstatus() const;
  [[nodiscard]] asmjit::x86::Mem reservation() const;        ///< LR/SC: the reserved address
  [[nodiscard]] asmjit::x86::Mem reservation_valid() const;  ///< LR/SC: a bool

 private:
  [[nodiscard]] asmjit::x86::Mem at(std::size_t offset) const;
  const cpu::HartState* m_at;
};

/// Addresses of the shared runtime code in the arena.
struct Runtime {
  const std::uint8_t* enter = nullptr;  ///< void enter(const void* code): runs until an exit
  const std::uint8_t* exit_link = nullptr;
  const std::uint8_t* exit_indirect = nullptr;
  const std::uint8_t* exit_budget = nullptr;
  const std::uint8_t* exit_ecall = nullptr;
  const std::uint8_t* exit_with_pc = nullptr;
  const std::uint8_t* exit_retry = nullptr;  ///< rax = pc of an access for the interpreter (ExitKind::kRetry)
  const std::uint8_t* call_thunk = nullptr;
  /// The slow path shared by every load and store: rdx = guest address, rax =
  /// value (stores), rcx = the access's AccessRecord. Returns with the value
  /// in rax, or leaves the region as the record says.
  const std::uint8_t* access_slow = nullptr;
};

/// What a load's or store's slow path hands Runtime::access_slow, embedded in
/// the region's data.
struct AccessRecord {
  std::uint64_t helper;   ///< helpers::load/store for the size
  std::uint64_t exit;     ///< where to leave with rax = pc: exit_with_pc, or the region's way out to it
  std::uint64_t pc;       ///< of the access (a fault is reported there)
  std::uint64_t next_pc;  ///< after it (a store that rewrote code leaves there)
  std::uint32_t refund_before = 0;  ///< budget refund when the access does not retire
  std::uint32_t refund_after = 0;   ///< when it retires and the region is left
};
static_assert(sizeof(AccessRecord) == 40);

class Backend {
 public:
  explicit Backend(const BackendConfig& config);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  /// Emits the shared runtime at the start of the arena.
  Result<void> emit_runtime(CodeArena& arena);
  [[nodiscard]] const Runtime& runtime() const { return m_runtime; }

  /// Emits `region` into the arena and fills `block` (entry, links). Returns
  /// false when the arena is full; errors are back-end failures.
  Result<bool> emit_region(const IrRegion& region, Block& block, CodeArena& arena);

  /// Accesses of translated code that may fault (direct view only).
  [[nodiscard]] const FaultSites& fault_sites() const { return m_fault_sites; }
  /// The arena was reset to just after the runtime: the sites are gone with the code.
  void forget_code() { m_fault_sites.clear(); }
  /// The word in the runtime that translated code compares guest addresses
  /// with (the direct view's size), or null without a direct view.
  [[nodiscard]] std::uint64_t* view_limit_word() const { return m_view_limit; }
  /// Whether translated code keeps the HartState's address in rbx.
  [[nodiscard]] bool hart_needs_register() const { return m_hart.needs_register(); }

 private:
  class RegionEmitter;
  /// Guest calls and returns go through the return stack.
  [[nodiscard]] bool ras() const { return m_config.chaining && m_config.return_stack; }
  /// A JitContext field, rip-relative (ras() only).
  [[nodiscard]] asmjit::x86::Mem ctx_mem(std::size_t offset) const {
    return asmjit::x86::qword_ptr(reinterpret_cast<std::uint64_t>(m_config.ctx) + offset);
  }
  /// Whether translated code keeps the direct view's base in r14.
  static bool view_register(const BackendConfig& config);

  BackendConfig m_config;
  HartOperands m_hart;
  PinMap m_pins;
  std::unique_ptr<MemoryAccess> m_memory;
  Runtime m_runtime;
  FaultSites m_fault_sites;
  asmjit::CodeHolder m_holder;
  /// Memory for a region's emission, reused by every region (its vectors'
  /// mallocs and frees were 7% of translation); beyond it, the heap.
  static constexpr std::size_t kScratchBytes = 64 * 1024;
  std::unique_ptr<std::byte[]> m_scratch{new std::byte[kScratchBytes]};
  std::uint64_t* m_view_limit = nullptr;
};

}  // namespace vmm::jit::x86_64
