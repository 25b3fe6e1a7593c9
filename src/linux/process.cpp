#include "vmm/linux/process.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "vmm/cpu/trap.hpp"
#include "vmm/elf/elf_file.hpp"
#include "vmm/linux/initial_stack.hpp"
#include "vmm/linux/syscalls.hpp"

namespace vmm::linux_user {
namespace {

/// Largest guest window first; smaller ones when the host refuses (valgrind,
/// tight address-space limits).
constexpr std::uint64_t kWindowSizes[] = {std::uint64_t{1} << 38, std::uint64_t{1} << 36,
                                          std::uint64_t{1} << 34, std::uint64_t{1} << 32};

Layout make_layout(std::uint64_t window) {
  Layout layout;
  layout.window_size = window;
  layout.stack_top = window - kPageSize;  // one guard page above the stack
  layout.mmap_base = window / 2;
  return layout;
}

int signal_for(cpu::Cause cause) {
  switch (cause) {
    case cpu::Cause::kIllegalInsn:
      return SIGILL;
    case cpu::Cause::kBreakpoint:
      return SIGTRAP;
    case cpu::Cause::kInsnMisaligned:
    case cpu::Cause::kLoadMisaligned:
    case cpu::Cause::kStoreMisaligned:
      return SIGBUS;
    default:
      return SIGSEGV;
  }
}

const char* signal_name(int sig) {
  switch (sig) {
    case SIGILL:
      return "SIGILL";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGBUS:
      return "SIGBUS";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGFPE:
      return "SIGFPE";
    case SIGHUP:
      return "SIGHUP";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGUSR1:
      return "SIGUSR1";
    case SIGUSR2:
      return "SIGUSR2";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGALRM:
      return "SIGALRM";
    default:
      return "signal";
  }
}

/// Signals whose default action is to ignore (or continue), not terminate.
bool ignored_by_default(int sig) {
  return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

}  // namespace

Process::Process() = default;
Process::~Process() = default;

Result<std::unique_ptr<Process>> Process::create(std::span<const std::uint8_t> elf_bytes,
                                                 const std::string& name, const ProcessConfig& config) {
  std::unique_ptr<Process> process(new Process());
  VMM_TRY(process->load(elf_bytes, name, config));
  return process;
}

Result<void> Process::load(std::span<const std::uint8_t> elf_bytes, const std::string& name,
                           const ProcessConfig& config) {
  auto parsed = elf::ElfFile::parse(elf_bytes, name);
  if (!parsed) return parsed.error();
  const elf::ElfFile& elf = parsed.value();
  if (elf.has_interpreter()) {
    return make_error(ErrorKind::kUnsupported,
                      "'{}' is dynamically linked; vm runs static programs (link with -static)", name);
  }

  bool reserved = false;
  for (std::uint64_t window : kWindowSizes) {
    if (m_space.add_ram(0, window, memory::kPermNone)) {
      m_layout = make_layout(window);
      reserved = true;
      break;
    }
  }
  if (!reserved) return make_error(ErrorKind::kNoMemory, "cannot reserve host address space for the guest");

  // Static PIE executables (ET_DYN without an interpreter) load at a fixed bias.
  GuestAddr bias = elf.is_dynamic_object() ? 0x10000 : 0;
  GuestAddr highest = 0;
  for (const elf::Segment& s : elf.load_segments()) {
    GuestAddr start = page_floor(s.vaddr + bias);
    GuestAddr end = page_ceil(s.vaddr + bias + s.mem_size);
    if (s.mem_size == 0) continue;
    if (end > m_layout.mmap_base || end < start) {
      return make_error(ErrorKind::kOutOfRange, "'{}' has a segment at {:#x} outside guest memory", name,
                        s.vaddr);
    }
    std::uint8_t perm = ((s.flags & elf::kPfR) ? memory::kPermRead : 0) |
                        ((s.flags & elf::kPfW) ? memory::kPermWrite : 0) |
                        ((s.flags & elf::kPfX) ? memory::kPermExec : 0);
    // Segments may share a page; the shared page gets the union of permissions.
    std::uint8_t existing = m_space.page_map().perm_at(start) & memory::kPermRWX;
    VMM_TRY(m_space.map(start, end - start, perm));
    if (existing != 0) VMM_TRY(m_space.map(start, kPageSize, perm | existing));
    highest = std::max(highest, end);
  }
  m_memory = std::make_unique<memory::GuestMemory>(m_space);
  for (const elf::Segment& s : elf.load_segments()) {
    auto bytes = elf.segment_bytes(s);
    if (!bytes.empty() && !m_memory->poke_bytes(s.vaddr + bias, bytes.data(), bytes.size())) {
      return make_error(ErrorKind::kOutOfRange, "cannot load segment at {:#x} of '{}'", s.vaddr, name);
    }
  }

  // Stack.
  VMM_TRY(m_space.map(m_layout.stack_top - m_layout.stack_size, m_layout.stack_size, memory::kPermRW));
  m_layout.brk_start = highest;

  StackImage image;
  image.argv = config.argv;
  image.envp = config.envp;
  image.execfn = config.exec_path;
  image.entry = elf.entry() + bias;
  image.phnum = elf.phdr_count();
  for (const elf::Segment& s : elf.load_segments()) {
    if (elf.phdr_offset() >= s.file_offset && elf.phdr_offset() < s.file_offset + s.file_size) {
      image.phdr = s.vaddr + bias + (elf.phdr_offset() - s.file_offset);
    }
  }
  if (::getrandom(image.random.data(), image.random.size(), 0) != static_cast<ssize_t>(image.random.size())) {
    image.random.fill(0x5a);
  }
  image.uid = ::getuid();
  image.euid = ::geteuid();
  image.gid = ::getgid();
  image.egid = ::getegid();
  auto sp = build_initial_stack(*m_memory, m_layout.stack_top, m_layout.stack_size, image);
  if (!sp) return sp.error();

  m_hart.pc = image.entry;
  m_hart.x[2] = sp.value();
  m_hart.priv = cpu::Privilege::kUser;
  m_hart.mcounteren = 7;  // cycle, time and instret readable, as on Linux with qemu-user
  m_hart.mstatus = cpu::mstatus::kFs;

  m_interpreter = std::make_unique<cpu::Interpreter>(m_hart, *m_memory);
  m_space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
    if (kind == memory::kWatchCode) m_interpreter->invalidate_code_page(page);
  });
  m_syscalls = std::make_unique<Syscalls>(*m_memory, *m_interpreter, m_layout, config.exec_path);
  return {};
}

system::RunResult Process::fault_result(const cpu::Stop& stop) {
  int sig = signal_for(stop.cause);
  system::RunResult r;
  r.kind = system::RunResult::Kind::kSignaled;
  r.exit_code = 128 + sig;
  switch (stop.cause) {
    case cpu::Cause::kLoadAccessFault:
      r.message =
          fmt::format("guest {}: load from {:#x} at pc={:#x}", signal_name(sig), stop.tval, m_hart.pc);
      break;
    case cpu::Cause::kStoreAccessFault:
    case cpu::Cause::kStoreMisaligned:
      r.message = fmt::format("guest {}: store to {:#x} at pc={:#x}", signal_name(sig), stop.tval, m_hart.pc);
      break;
    case cpu::Cause::kInsnAccessFault:
      r.message = fmt::format("guest {}: instruction fetch from {:#x} at pc={:#x}", signal_name(sig),
                              stop.tval, m_hart.pc);
      break;
    case cpu::Cause::kIllegalInsn:
      r.message = fmt::format("guest {}: illegal instruction {:#x} at pc={:#x}", signal_name(sig), stop.tval,
                              m_hart.pc);
      break;
    default:
      r.message =
          fmt::format("guest {}: {} at pc={:#x}", signal_name(sig), cpu::cause_name(stop.cause), m_hart.pc);
      break;
  }
  return r;
}

system::RunResult Process::run(const system::RunOptions& options) {
  return system::drive(
      *m_interpreter, options, [this](const cpu::Stop& stop) -> std::optional<system::RunResult> {
        if (stop.reason == cpu::StopReason::kHalt) return std::nullopt;
        if (stop.reason == cpu::StopReason::kException) return fault_result(stop);
        // ecall: the system call retires the instruction.
        Syscalls::Outcome outcome = m_syscalls->handle(m_hart);
        m_hart.pc += 4;
        m_hart.instret += 1;
        if (outcome.exited)
          return system::RunResult{system::RunResult::Kind::kExited, outcome.exit_code, {}, 0};
        if (outcome.signal != 0 && !ignored_by_default(outcome.signal)) {
          return system::RunResult{system::RunResult::Kind::kSignaled, 128 + outcome.signal,
                                   fmt::format("guest {}: raised by the guest at pc={:#x}",
                                               signal_name(outcome.signal), m_hart.pc - 4),
                                   0};
        }
        return std::nullopt;
      });
}

}  // namespace vmm::linux_user
