#include "helpers.hpp"

#include <type_traits>

#include "vmm/cpu/interpreter.hpp"
#include "vmm/jit/jit_engine.hpp"

namespace vmm::jit::helpers {
namespace {

HelperResult stop_before(JitContext* ctx, cpu::Cause cause, std::uint64_t tval) {
  ctx->stop = cpu::Stop{cpu::StopReason::kException, cause, tval};
  ctx->exit_kind = ExitKind::kStop;
  return {0, kHelperStopBefore};
}

template <typename T>
HelperResult load_value(JitContext* ctx, std::uint64_t addr, std::uint64_t /*unused*/) {
  memory::GuestMemory& memory = ctx->engine->memory();
  T value;
  if (memory.load(addr, value)) {
    using Wide = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
    return {static_cast<std::uint64_t>(static_cast<Wide>(value)), kHelperOk};
  }
  return stop_before(ctx, cpu::Cause::kLoadAccessFault, memory.last_fault().addr);
}

template <typename T>
HelperResult store_value(JitContext* ctx, std::uint64_t addr, std::uint64_t value) {
  JitEngine& engine = *ctx->engine;
  memory::GuestMemory& memory = engine.memory();
  engine.take_code_changed();
  if (memory.store(addr, static_cast<T>(value))) {
    if (!engine.take_code_changed()) return {0, kHelperOk};
    // The store rewrote translated code, possibly the rest of this region.
    ctx->exit_kind = ExitKind::kResume;
    return {0, kHelperLeaveAfter};
  }
  if (memory.take_stop_request()) {
    // The store completed and a device (HTIF) asked to stop: it retires.
    ctx->stop = cpu::Stop{cpu::StopReason::kHalt, cpu::Cause::kIllegalInsn, 0};
    ctx->exit_kind = ExitKind::kStop;
    return {0, kHelperLeaveAfter};
  }
  return stop_before(ctx, cpu::Cause::kStoreAccessFault, memory.last_fault().addr);
}

}  // namespace

Helper load(unsigned size, bool is_signed) {
  switch (size) {
    case 1:
      return is_signed ? &load_value<std::int8_t> : &load_value<std::uint8_t>;
    case 2:
      return is_signed ? &load_value<std::int16_t> : &load_value<std::uint16_t>;
    case 4:
      return is_signed ? &load_value<std::int32_t> : &load_value<std::uint32_t>;
    default:
      return &load_value<std::uint64_t>;
  }
}

Helper store(unsigned size) {
  switch (size) {
    case 1:
      return &store_value<std::uint8_t>;
    case 2:
      return &store_value<std::uint16_t>;
    case 4:
      return &store_value<std::uint32_t>;
    default:
      return &store_value<std::uint64_t>;
  }
}

HelperResult fp(JitContext* ctx, std::uint64_t a, std::uint64_t /*b*/) {
  // SAFETY: `a` is the address of an EmbeddedInsn in the translated code (emit_fp).
  const auto* embedded = reinterpret_cast<const EmbeddedInsn*>(a);
  if (cpu::execute_fp(ctx->engine->hart(), embedded->insn)) return {0, kHelperOk};
  return stop_before(ctx, cpu::Cause::kIllegalInsn, embedded->insn.raw);
}

HelperResult interpret(JitContext* ctx, std::uint64_t a, std::uint64_t /*b*/) {
  // SAFETY: `a` is the address of an EmbeddedInsn in the translated code (emit_interpret).
  const auto* embedded = reinterpret_cast<const EmbeddedInsn*>(a);
  JitEngine& engine = *ctx->engine;
  cpu::HartState& hart = engine.hart();
  const std::uint64_t retired = engine.retired(embedded->rest);
  hart.pc = embedded->pc;
  hart.instret = engine.instret_base() + retired;  // what csrr instret must read
  engine.take_code_changed();
  cpu::Stop stop = engine.interpreter().run(1);
  switch (stop.reason) {
    case cpu::StopReason::kBudget: {
      // Counting goes on from what the instruction left (it may write minstret).
      engine.rebase_instret(hart.instret, retired + 1);
      bool changed = engine.take_code_changed();
      if (hart.pc == embedded->pc + embedded->insn.length && !changed) return {0, kHelperOk};
      ctx->exit_kind = ExitKind::kResume;
      return {hart.pc, kHelperLeaveAfter};
    }
    case cpu::StopReason::kHalt:
      engine.rebase_instret(hart.instret, retired + 1);
      ctx->stop = stop;
      ctx->exit_kind = ExitKind::kStop;
      return {hart.pc, kHelperLeaveAfter};
    case cpu::StopReason::kEcall:
    case cpu::StopReason::kException:
      break;
  }
  ctx->stop = stop;
  ctx->exit_kind = ExitKind::kStop;
  return {0, kHelperStopBefore};
}

}  // namespace vmm::jit::helpers
