#pragma once
// Lockstep comparison of the JIT against the interpreter: two harts (with
// their own memories) start from the same state; the JIT runs one region,
// the interpreter runs the same number of instructions, and the full
// architectural state is compared. The first divergence is reported with the
// region's guest code and the registers that differ.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "vmm/cpu/engine.hpp"

namespace vmm::jit {

class JitEngine;

struct LockstepStep {
  cpu::Stop jit_stop;        ///< how the JIT's region ended
  cpu::Stop reference_stop;  ///< how the interpreter's run ended (same reason unless diverged)
  std::uint64_t executed = 0;
  std::optional<std::string> divergence;  ///< a multi-line report when the states differ
};

class Lockstep {
 public:
  /// `jit` must run one region per call (JitOptions::single_region).
  Lockstep(cpu::ExecutionEngine& jit, cpu::ExecutionEngine& reference) : m_jit(jit), m_reference(reference) {}

  /// One region on the JIT, then as many instructions on the interpreter.
  LockstepStep step(std::uint64_t budget);

  /// Differences between two harts, one per line; empty when equal.
  static std::string compare(const cpu::HartState& jit, const cpu::HartState& reference);

 private:
  std::string region_listing(GuestAddr pc, std::uint64_t count);

  cpu::ExecutionEngine& m_jit;
  cpu::ExecutionEngine& m_reference;
  /// The last regions run (pc, instructions), oldest first, for the report.
  struct Recent {
    GuestAddr pc;
    std::uint64_t executed;
    int stop;
  };
  std::array<Recent, 8> m_recent{};
  std::size_t m_steps = 0;
};

}  // namespace vmm::jit
