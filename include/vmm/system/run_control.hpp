#pragma once
// What every kind of guest (user-mode process, bare-metal machine) shares:
// how a run is bounded and how it ended.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "vmm/cpu/engine.hpp"
#include "vmm/cpu/hart_state.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::system {

struct RunResult {
  enum class Kind {
    kExited,            ///< the guest exited (exit_group, HTIF pass/fail)
    kSignaled,          ///< the guest was killed by a fault; exit_code = 128 + signal
    kInstructionLimit,  ///< --max-insns reached
    kInterrupted,       ///< Ctrl-C
  };
  Kind kind = Kind::kExited;
  int exit_code = 0;
  std::string message;  ///< one line for stderr, empty when nothing to say
  std::uint64_t instructions = 0;
};

struct RunOptions {
  std::uint64_t max_insns = 0;  ///< 0: unlimited
  /// Called before each instruction when set (slow: the run single-steps).
  std::function<void(const cpu::HartState&, const isa::DecodedInsn&)> trace;
  /// Polled between chunks of instructions (Ctrl-C).
  const std::atomic<bool>* interrupt = nullptr;
  /// Called between chunks of instructions when set: the result that ends
  /// the run (a user-mode process's timer expired), or nullopt.
  std::function<std::optional<RunResult>()> between_chunks;
};

/// Exit status of a lockstep run (`vm run --engine lockstep`) whose engines diverged.
inline constexpr int kLockstepDivergence = 125;

/// Instructions run per interpreter call between checks of the limit and the
/// interrupt flag: large enough to be free, small enough for a quick Ctrl-C.
inline constexpr std::uint64_t kRunChunk = 1u << 22;

/// Handles a stop other than an exhausted budget; returns the result that
/// ends the run, or nullopt to continue.
using StopHandler = std::function<std::optional<RunResult>(const cpu::Stop& stop)>;

/// The run loop every guest shares: runs the engine in chunks, checking
/// Ctrl-C and --max-insns between chunks (single-stepping for --trace), and
/// passes ecalls, exceptions and halts to `on_stop`.
RunResult drive(cpu::ExecutionEngine& engine, const RunOptions& options, const StopHandler& on_stop);

}  // namespace vmm::system
