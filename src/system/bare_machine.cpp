#include "vmm/system/bare_machine.hpp"

#include "vmm/cpu/trap.hpp"
#include "vmm/elf/elf_file.hpp"

namespace vmm::system {

BareMachine::~BareMachine() = default;

Result<std::unique_ptr<BareMachine>> BareMachine::create(elf::ByteSource elf_source, const std::string& name,
                                                         const BareConfig& config) {
  std::unique_ptr<BareMachine> machine(new BareMachine());
  VMM_TRY(machine->load(elf_source, name, config));
  return machine;
}

Result<void> BareMachine::load(elf::ByteSource elf_source, const std::string& name,
                               const BareConfig& config) {
  auto parsed = elf::ElfFile::parse(elf_source, name);
  if (!parsed) return parsed.error();
  const elf::ElfFile& elf = parsed.value();
  VMM_TRY(m_space.add_ram(config.ram_base, config.ram_size, memory::kPermRWX));
  m_memory = std::make_unique<memory::GuestMemory>(m_space);

  const GuestAddr ram_end = config.ram_base + config.ram_size;
  for (const elf::Segment& s : elf.load_segments()) {
    if (s.mem_size == 0) continue;
    // Bare programs are loaded at their physical addresses.
    if (s.paddr < config.ram_base || s.paddr + s.mem_size > ram_end) {
      return make_error(ErrorKind::kOutOfRange,
                        "'{}' has a segment at {:#x}+{:#x} outside guest RAM [{:#x}, {:#x})", name, s.paddr,
                        s.mem_size, config.ram_base, ram_end);
    }
    auto read = [&](std::span<std::uint8_t> host) { return elf.read_segment(s, host); };
    if (s.file_size != 0 && !m_memory->poke_with(s.paddr, s.file_size, read)) {
      return make_error(ErrorKind::kOutOfRange, "cannot load segment at {:#x} of '{}'", s.paddr, name);
    }
  }
  if (elf.entry() < config.ram_base || elf.entry() >= ram_end) {
    return make_error(ErrorKind::kOutOfRange, "'{}' has its entry point {:#x} outside guest RAM", name,
                      elf.entry());
  }

  m_hart.pc = elf.entry();
  m_hart.priv = cpu::Privilege::kMachine;
  auto engine = make_engine(config.engine, m_hart, *m_memory);
  if (!engine) return engine.error();
  m_engine = std::move(engine).value();

  if (auto tohost = elf.symbol("tohost")) {
    if (*tohost < config.ram_base || *tohost + 8 > ram_end || (*tohost & 7) != 0) {
      return make_error(ErrorKind::kOutOfRange, "'{}' has its tohost symbol at {:#x} outside guest RAM", name,
                        *tohost);
    }
    std::optional<GuestAddr> fromhost = elf.symbol("fromhost");
    if (fromhost && (*fromhost < config.ram_base || *fromhost + 8 > ram_end)) fromhost.reset();
    m_htif = std::make_unique<Htif>(*m_memory, *tohost, fromhost);
  }
  m_space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
    if (kind == memory::kWatchCode) m_engine->invalidate_code_page(page);
    if (kind == memory::kWatchDevice && m_htif) m_htif->on_write();
  });
  return {};
}

RunResult BareMachine::run(const RunOptions& options) {
  return drive(*m_engine, options, [this](const cpu::Stop& stop) -> std::optional<RunResult> {
    if (m_htif && m_htif->finished()) return RunResult{RunResult::Kind::kExited, m_htif->exit_code(), {}, 0};
    if (stop.reason == cpu::StopReason::kHalt) return std::nullopt;
    GuestAddr faulting_pc = m_hart.pc;
    cpu::enter_trap(m_hart, stop.cause, stop.reason == cpu::StopReason::kEcall ? 0 : stop.tval);
    if (stop.cause == cpu::Cause::kInsnAccessFault && m_hart.pc == faulting_pc) {
      // The trap handler itself cannot be fetched: every retry would fault
      // again without retiring anything, so no budget would end it.
      return RunResult{RunResult::Kind::kSignaled, 128 + 11,
                       fmt::format("guest fault with no usable trap handler: {} at pc={:#x} (mtvec={:#x})",
                                   cpu::cause_name(stop.cause), faulting_pc, m_hart.mtvec),
                       0};
    }
    return std::nullopt;
  });
}

}  // namespace vmm::system
