#pragma once
// Which execution engine runs a guest: `vm run --engine interp|jit`.
#include <memory>
#include <optional>
#include <string_view>

#include "vmm/core/result.hpp"
#include "vmm/cpu/engine.hpp"
#include "vmm/memory/guest_memory.hpp"

namespace vmm::system {

enum class EngineKind { kInterp, kJit };

/// The JIT where it can translate to the host (x86-64), else the interpreter.
EngineKind default_engine();
std::optional<EngineKind> parse_engine(std::string_view name);
const char* engine_name(EngineKind kind);

/// `single_region`: a JIT that returns after every region (lockstep comparison).
Result<std::unique_ptr<cpu::ExecutionEngine>> make_engine(EngineKind kind, cpu::HartState& hart,
                                                          memory::GuestMemory& memory,
                                                          bool single_region = false);

}  // namespace vmm::system
