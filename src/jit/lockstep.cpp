#include "vmm/jit/lockstep.hpp"

#include <fmt/format.h>

#include "vmm/isa/disassembler.hpp"

namespace vmm::jit {

std::string Lockstep::compare(const cpu::HartState& jit, const cpu::HartState& ref) {
  std::string out;
  auto field = [&](const char* name, std::uint64_t a, std::uint64_t b) {
    if (a != b) out += fmt::format("  {:<12} jit {:#018x}  interp {:#018x}\n", name, a, b);
  };
  // Runs after every region: names are only formatted for registers that differ.
  for (unsigned i = 1; i < 32; ++i) {
    if (jit.x[i] != ref.x[i]) field(fmt::format("x{}", i).c_str(), jit.x[i], ref.x[i]);
  }
  for (unsigned i = 0; i < 32; ++i) {
    if (jit.f[i] != ref.f[i]) field(fmt::format("f{}", i).c_str(), jit.f[i], ref.f[i]);
  }
  field("pc", jit.pc, ref.pc);
  field("instret", jit.instret, ref.instret);
  field("fflags", jit.fflags, ref.fflags);
  field("frm", jit.frm, ref.frm);
  field("priv", static_cast<std::uint64_t>(jit.priv), static_cast<std::uint64_t>(ref.priv));
  field("mstatus", jit.mstatus, ref.mstatus);
  field("mepc", jit.mepc, ref.mepc);
  field("mcause", jit.mcause, ref.mcause);
  field("mtval", jit.mtval, ref.mtval);
  field("reservation", jit.reservation_valid ? jit.reservation : ~0ull,
        ref.reservation_valid ? ref.reservation : ~0ull);
  return out;
}

std::string Lockstep::region_listing(GuestAddr pc, std::uint64_t count) {
  std::string out;
  for (std::uint64_t i = 0; i < count && i < 256; ++i) {
    std::optional<isa::DecodedInsn> insn = m_reference.peek(pc);
    if (!insn) break;
    out += fmt::format("  {:#010x}: {}\n", pc, isa::disassemble(*insn, pc));
    // Follow direct jumps as the region's trace does (a call is a region's last instruction).
    pc = insn->op == isa::Op::kJal ? pc + static_cast<std::uint64_t>(std::int64_t{insn->imm})
                                   : pc + insn->length;
  }
  return out;
}

LockstepStep Lockstep::step(std::uint64_t budget) {
  cpu::HartState& jit_hart = m_jit.hart();
  cpu::HartState& ref_hart = m_reference.hart();
  const GuestAddr start_pc = jit_hart.pc;
  const std::uint64_t before = jit_hart.instret;
  LockstepStep step;
  step.jit_stop = m_jit.run(budget);
  step.executed = jit_hart.instret - before;
  if (step.executed > 0) step.reference_stop = m_reference.run(step.executed);
  // A stop before retiring (fault, ecall): the interpreter must stop there too.
  bool jit_stopped =
      step.jit_stop.reason == cpu::StopReason::kException || step.jit_stop.reason == cpu::StopReason::kEcall;
  if (jit_stopped && step.reference_stop.reason == cpu::StopReason::kBudget) {
    step.reference_stop = m_reference.run(1);
  }
  std::string diff = compare(jit_hart, ref_hart);
  const cpu::Stop& a = step.jit_stop;
  const cpu::Stop& b = step.reference_stop;
  if (a.reason != b.reason ||
      (a.reason == cpu::StopReason::kException && (a.cause != b.cause || a.tval != b.tval))) {
    diff += fmt::format("  {:<12} jit {} (cause {}, tval {:#x})  interp {} (cause {}, tval {:#x})\n", "stop",
                        static_cast<int>(a.reason), static_cast<int>(a.cause), a.tval,
                        static_cast<int>(b.reason), static_cast<int>(b.cause), b.tval);
  }
  if (!diff.empty()) {
    std::string recent;
    for (std::size_t i = m_steps > m_recent.size() ? m_steps - m_recent.size() : 0; i < m_steps; ++i) {
      const Recent& r = m_recent[i % m_recent.size()];
      recent += fmt::format("  {:#010x} ({} instructions, stop {})\n", r.pc, r.executed, r.stop);
    }
    step.divergence = fmt::format(
        "lockstep divergence after the region at {:#x} ({} instructions, instret {} before it)\nregion:\n{}"
        "differences:\n{}regions before it (oldest first):\n{}",
        start_pc, step.executed, before, region_listing(start_pc, std::max<std::uint64_t>(step.executed, 1)),
        diff, recent);
  }
  m_recent[m_steps++ % m_recent.size()] =
      Recent{start_pc, step.executed, static_cast<int>(step.jit_stop.reason)};
  return step;
}

}  // namespace vmm::jit
