#include "vmm/system/engine_choice.hpp"

#include "vmm/cpu/interpreter.hpp"
#include "vmm/jit/jit_engine.hpp"

namespace vmm::system {

EngineKind default_engine() { return jit::JitEngine::kAvailable ? EngineKind::kJit : EngineKind::kInterp; }

std::optional<EngineKind> parse_engine(std::string_view name) {
  if (name == "interp") return EngineKind::kInterp;
  if (name == "jit") return EngineKind::kJit;
  return std::nullopt;
}

const char* engine_name(EngineKind kind) { return kind == EngineKind::kJit ? "jit" : "interp"; }

Result<std::unique_ptr<cpu::ExecutionEngine>> make_engine(EngineKind kind, cpu::HartState& hart,
                                                          memory::GuestMemory& memory, bool single_region) {
  if (kind == EngineKind::kInterp)
    return std::unique_ptr<cpu::ExecutionEngine>(new cpu::Interpreter(hart, memory));
  jit::JitOptions options;
  options.single_region = single_region;
  // Lockstep compares translated code: translate every region on first execution.
  if (single_region) options.hot_threshold = 0;
  auto jit = jit::JitEngine::create(hart, memory, options);
  if (!jit) return jit.error();
  return std::unique_ptr<cpu::ExecutionEngine>(std::move(jit).value());
}

}  // namespace vmm::system
