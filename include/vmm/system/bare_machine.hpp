#pragma once
// A bare-metal machine for test programs: RAM at 0x80000000, one hart in
// M-mode at the ELF entry, traps delivered through mtvec, and the HTIF
// tohost/fromhost mailbox of the riscv-tests environment.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "vmm/core/result.hpp"
#include "vmm/cpu/engine.hpp"
#include "vmm/elf/elf_file.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"
#include "vmm/system/engine_choice.hpp"
#include "vmm/system/htif.hpp"
#include "vmm/system/run_control.hpp"

namespace vmm::system {

struct BareConfig {
  GuestAddr ram_base = 0x80000000;
  std::uint64_t ram_size = 128u << 20;
  EngineKind engine = default_engine();
};

class BareMachine {
 public:
  /// Loads the ELF that `elf` reads at its physical addresses; `name` is
  /// used in error messages.
  static Result<std::unique_ptr<BareMachine>> create(elf::ByteSource elf, const std::string& name,
                                                     const BareConfig& config = {});
  static Result<std::unique_ptr<BareMachine>> create(std::span<const std::uint8_t> elf_bytes,
                                                     const std::string& name, const BareConfig& config = {}) {
    return create(elf::ByteSource(elf_bytes), name, config);
  }
  ~BareMachine();
  BareMachine(const BareMachine&) = delete;
  BareMachine& operator=(const BareMachine&) = delete;

  RunResult run(const RunOptions& options);

  [[nodiscard]] cpu::HartState& hart() { return m_hart; }
  [[nodiscard]] memory::GuestMemory& memory() { return *m_memory; }
  [[nodiscard]] cpu::ExecutionEngine& engine() { return *m_engine; }
  /// False when the program has no tohost symbol: nothing it does can end
  /// the run, only a budget or an interrupt.
  [[nodiscard]] bool can_exit() const { return m_htif != nullptr; }

 private:
  BareMachine() = default;
  Result<void> load(elf::ByteSource elf_source, const std::string& name, const BareConfig& config);

  memory::AddressSpace m_space;
  std::unique_ptr<memory::GuestMemory> m_memory;
  cpu::HartState m_hart;
  std::unique_ptr<cpu::ExecutionEngine> m_engine;
  std::unique_ptr<Htif> m_htif;
};

}  // namespace vmm::system
