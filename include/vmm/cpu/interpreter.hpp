#pragma once
// The RV64GC interpreter: threaded dispatch over the decode cache, no
// per-instruction virtual calls or map lookups; budgets are exact.
#include <cstdint>
#include <optional>

#include "vmm/cpu/decode_cache.hpp"
#include "vmm/cpu/engine.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::cpu {

class Interpreter final : public ExecutionEngine {
 public:
  Interpreter(HartState& hart, memory::GuestMemory& memory);

  /// Runs at most `budget` (> 0) instructions. Retired instructions are added
  /// to hart.instret. Exceptions do not enter a trap handler: the caller
  /// decides (deliver with enter_trap in machine mode, a signal in user mode).
  Stop run(std::uint64_t budget) override {
    return m_count_memory_ops ? run_loop<true>(budget) : run_loop<false>(budget);
  }

  /// Count loads and stores into the TLB statistics (for --stats). Off by
  /// default: the counter costs a register or a memory update per access.
  void set_count_memory_ops(bool enabled) override { m_count_memory_ops = enabled; }

  /// Watch callback: a guest page holding decoded code was written.
  void invalidate_code_page(GuestAddr page) override { m_cache.invalidate(page); }
  /// Drops decoded code in [start, end) after its mapping changed (munmap,
  /// mprotect, mremap); call between runs.
  void flush_code_range(GuestAddr start, GuestAddr end) override;

  /// The instruction at `pc` as the guest would fetch it (decoded into the
  /// cache if it was not yet), or nullopt.
  std::optional<isa::DecodedInsn> peek(GuestAddr pc) override;

  [[nodiscard]] EngineStats stats() const override;
  [[nodiscard]] const char* name() const override { return "interp"; }

  [[nodiscard]] const DecodeCache& decode_cache() const { return m_cache; }
  [[nodiscard]] HartState& hart() override { return m_hart; }
  [[nodiscard]] memory::GuestMemory& memory() { return m_memory; }

 private:
  template <bool kCountMemoryOps>
  Stop run_loop(std::uint64_t budget);
  DecodeCache::Page* enter_page(GuestAddr pc);
  bool decode_slot(DecodeCache::Page& page, GuestAddr pc, isa::DecodedInsn& slot);

  HartState& m_hart;
  memory::GuestMemory& m_memory;
  DecodeCache m_cache;
  bool m_count_memory_ops = false;
};

/// Executes one F/D computational instruction (not loads and stores).
/// Returns false when the rounding mode is invalid (illegal instruction).
bool execute_fp(HartState& hart, const isa::DecodedInsn& insn);

}  // namespace vmm::cpu
