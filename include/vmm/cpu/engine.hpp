#pragma once
// What runs guest instructions: the interpreter or the JIT. The run loop
// (system::drive), the user-mode process and the bare machine talk to this
// interface only, so the engine is a run-time choice (`vm run --engine`).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vmm/core/types.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::cpu {

enum class StopReason : std::uint8_t {
  kBudget,     ///< executed the requested number of instructions
  kEcall,      ///< ecall at hart.pc (not yet retired); the environment handles it
  kException,  ///< synchronous exception at hart.pc; see Stop::cause/tval
  kHalt,       ///< a device (HTIF) asked to stop after the instruction at hart.pc - length
};

struct Stop {
  StopReason reason = StopReason::kBudget;
  Cause cause = Cause::kIllegalInsn;
  std::uint64_t tval = 0;
};

/// What an ecall handler (ExecutionEngine::set_ecall_handler) did with the
/// ecall at hart.pc.
enum class EcallAction : std::uint8_t {
  kNotHandled,  ///< nothing: run() returns the ecall stop, as without a handler
  kContinue,    ///< ran it and set pc past it: it retired, run() goes on
  kStop,        ///< ran it and set pc past it: it retired, but run() returns (a kEcall stop)
};
using EcallHandler = std::function<EcallAction(HartState&)>;

/// Named figures an engine reports for `vm run --stats`.
using EngineStats = std::vector<std::pair<std::string, double>>;

class ExecutionEngine {
 public:
  virtual ~ExecutionEngine() = default;

  /// Runs at most `budget` (> 0) instructions, exactly counted: retired
  /// instructions are added to hart().instret. Exceptions do not enter a trap
  /// handler; the caller decides (a trap in machine mode, a signal in user mode).
  virtual Stop run(std::uint64_t budget) = 0;

  /// Watch callback: a guest page holding decoded or translated code was written.
  virtual void invalidate_code_page(GuestAddr page) = 0;
  /// The mapping of [start, end) changed (munmap, mprotect, mremap) or the
  /// guest asked for an instruction-cache flush; call between runs, or from
  /// the ecall handler (between regions).
  virtual void flush_code_range(GuestAddr start, GuestAddr end) = 0;

  /// Lets the engine run ecalls itself, without returning from run() for
  /// each: called with the state exact (pc at the ecall, instret counting
  /// what ran before it) while budget remains for the ecall. A null handler
  /// removes it. Engines may ignore it (the interpreter does): then every
  /// ecall stops run(), as it always may.
  virtual void set_ecall_handler(EcallHandler handler) { (void)handler; }

  /// Decodes the instruction at `pc` as the guest would fetch it, or nullopt.
  virtual std::optional<isa::DecodedInsn> peek(GuestAddr pc) = 0;

  /// Count loads and stores into the TLB statistics (for --stats).
  virtual void set_count_memory_ops(bool enabled) = 0;
  /// Figures for --stats (decoded pages, regions translated...).
  [[nodiscard]] virtual EngineStats stats() const = 0;
  [[nodiscard]] virtual const char* name() const = 0;

  [[nodiscard]] virtual HartState& hart() = 0;
};

}  // namespace vmm::cpu
