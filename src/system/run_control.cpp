#include "vmm/system/run_control.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace vmm::system {

RunResult drive(cpu::ExecutionEngine& engine, const RunOptions& options, const StopHandler& on_stop) {
  cpu::HartState& hart = engine.hart();
  const std::uint64_t start = hart.instret;
  auto executed = [&] { return hart.instret - start; };
  RunResult result;
  for (;;) {
    if (options.interrupt != nullptr && options.interrupt->load(std::memory_order_relaxed)) {
      result = RunResult{RunResult::Kind::kInterrupted, 130, "interrupted", 0};
      break;
    }
    if (options.between_chunks) {
      if (std::optional<RunResult> end = options.between_chunks()) {
        result = std::move(*end);
        break;
      }
    }
    std::uint64_t budget = options.trace ? 1 : kRunChunk;
    if (options.max_insns != 0) {
      if (executed() >= options.max_insns) {
        result = RunResult{RunResult::Kind::kInstructionLimit, 124,
                           fmt::format("instruction limit reached ({} instructions)", options.max_insns), 0};
        break;
      }
      budget = std::min(budget, options.max_insns - executed());
    }
    if (options.trace) {
      if (auto insn = engine.peek(hart.pc)) options.trace(hart, *insn);
    }
    cpu::Stop stop = engine.run(budget);
    if (stop.reason == cpu::StopReason::kBudget) continue;
    if (std::optional<RunResult> end = on_stop(stop)) {
      result = std::move(*end);
      break;
    }
  }
  result.instructions = executed();
  return result;
}

}  // namespace vmm::system
