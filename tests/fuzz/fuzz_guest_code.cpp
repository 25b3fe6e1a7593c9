// Fuzz target: arbitrary guest code. The input becomes the first bytes of a
// bare-metal machine's RAM and runs for a bounded number of instructions in
// M-mode with traps enabled: whatever it does to registers, CSRs and memory
// (stores, AMOs, self-modifying code, wild jumps), vm must not crash and
// must not touch host memory outside guest RAM.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "vmm/cpu/interpreter.hpp"
#include "vmm/cpu/trap.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr vmm::GuestAddr kBase = 0x80000000;
  constexpr std::uint64_t kRam = 64 * 1024;
  vmm::memory::AddressSpace space;
  if (!space.add_ram(kBase, kRam, vmm::memory::kPermRWX)) return 0;
  vmm::memory::GuestMemory memory(space);
  if (size > kRam) size = kRam;
  if (size > 0 && !memory.poke_bytes(kBase, data, size)) return 0;
  vmm::cpu::HartState hart;
  hart.pc = kBase;
  hart.mtvec = kBase;  // traps re-enter the input: exercises trap paths too
  vmm::cpu::Interpreter interpreter(hart, memory);
  space.set_watch_callback([&](vmm::GuestAddr page, vmm::memory::WatchKind kind) {
    if (kind == vmm::memory::kWatchCode) interpreter.invalidate_code_page(page);
  });
  // Bounded: 64 interpreter calls of at most 1024 instructions; a trap that
  // cannot be fetched ends the run (as BareMachine does).
  for (int round = 0; round < 64; ++round) {
    vmm::cpu::Stop stop = interpreter.run(1024);
    if (stop.reason == vmm::cpu::StopReason::kBudget || stop.reason == vmm::cpu::StopReason::kHalt) continue;
    vmm::GuestAddr faulting_pc = hart.pc;
    vmm::cpu::enter_trap(hart, stop.cause, stop.tval);
    if (stop.cause == vmm::cpu::Cause::kInsnAccessFault && hart.pc == faulting_pc) break;
  }
  return 0;
}
