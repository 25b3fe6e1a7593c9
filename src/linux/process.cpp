#include "vmm/linux/process.hpp"
#include "vmm/core/log.hpp"

#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <span>
#include <utility>
#include <vector>

#include "vmm/cpu/trap.hpp"
#include "vmm/elf/elf_file.hpp"
#include "vmm/jit/lockstep.hpp"
#include "vmm/linux/host_signals.hpp"
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

/// The bytes of [start, end), mapped in `space`: straight from guest RAM
/// where the guest may read them, else copied into `copy`; empty if unmapped.
std::span<const std::uint8_t> mapped_bytes(memory::AddressSpace& space, GuestAddr start, GuestAddr end,
                                           std::vector<std::uint8_t>& copy) {
  std::span<const std::uint8_t> direct = space.host_range(start, end - start, memory::kPermRead);
  if (!direct.empty()) return direct;
  copy.resize(end - start);
  if (!space.read_unchecked(start, copy.data(), copy.size())) return {};
  return copy;
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

/// The siginfo Linux gives a handler of the fault `stop` at `pc`.
SignalInfo fault_info(const cpu::Stop& stop, GuestAddr pc, const memory::AddressSpace& space) {
  SignalInfo info;
  info.fault = true;
  info.signo = signal_for(stop.cause);
  info.address = stop.tval;
  switch (info.signo) {
    case SIGILL:
      info.code = kIllIllopc;
      info.address = pc;
      break;
    case SIGTRAP:
      info.code = kTrapBrkpt;
      info.address = pc;
      break;
    case SIGBUS:
      info.code = kBusAdraln;
      break;
    default:
      info.code = space.page_map().perm_at(stop.tval) != 0 ? kSegvAccerr : kSegvMaperr;
      break;
  }
  return info;
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

/// Whether a system call's outcome ends the process: exit, or a signal left
/// after deliver(), which has no handler (send_self() never raises one whose
/// default action is to ignore it).
bool ends_run(const Syscalls::Outcome& outcome) { return outcome.exited || outcome.signal != 0; }

/// How the system call of the ecall at `ecall_pc` ended the run, if it did.
std::optional<system::RunResult> end_of_run(const Syscalls::Outcome& outcome, GuestAddr ecall_pc) {
  if (outcome.exited) return system::RunResult{system::RunResult::Kind::kExited, outcome.exit_code, {}, 0};
  if (!ends_run(outcome)) return std::nullopt;
  // Ctrl-C, which the guest does not handle, ends the run as it always has.
  if (outcome.from_host && outcome.signal == SIGINT) {
    return system::RunResult{system::RunResult::Kind::kInterrupted, 130, "interrupted", 0};
  }
  std::string how = outcome.bad_frame ? "a signal frame did not fit on its stack"
                    : outcome.timer   ? "its interval timer expired"
                                      : "raised by the guest";
  if (outcome.from_host) {
    // The host raised it for a call made for the guest (SIGPIPE, SIGXFSZ), or another process sent it.
    how = outcome.info.pid == ::getpid() ? "raised by the host for a system call"
                                         : fmt::format("sent by process {}", outcome.info.pid);
  }
  return system::RunResult{
      system::RunResult::Kind::kSignaled, 128 + outcome.signal,
      fmt::format("guest {}: {} at pc={:#x}", signal_name(outcome.signal), how, ecall_pc), 0};
}

/// The system call of the ecall at the hart's pc, which it leaves past the
/// ecall, or at a signal handler (`redirected` set), or where rt_sigreturn
/// restored it.
Syscalls::Outcome run_system_call(Syscalls& syscalls, cpu::HartState& hart, bool& redirected) {
  const GuestAddr ecall_pc = hart.pc;
  Syscalls::Outcome outcome = syscalls.handle(hart);
  if (!outcome.restored) hart.pc = ecall_pc + 4;
  const int raised = outcome.signal;
  syscalls.deliver(hart, outcome);
  if (outcome.restored || (raised != 0 && outcome.signal == 0)) redirected = true;
  return outcome;
}

}  // namespace

Process::Process() = default;
Process::~Process() = default;

Result<std::unique_ptr<Process>> Process::create(elf::ByteSource elf_source, const std::string& name,
                                                 const ProcessConfig& config) {
  std::unique_ptr<Process> process(new Process());
  VMM_TRY(process->load(elf_source, name, config));
  return process;
}

bool Process::load_segment(const elf::ByteSource& source, const elf::Segment& segment, GuestAddr bias) {
  const GuestAddr start = segment.vaddr + bias;
  const GuestAddr end = start + segment.file_size;
  auto copy = [&](GuestAddr from, GuestAddr to) {
    if (from >= to) return true;
    return m_memory->poke_with(from, to - from, [&](std::span<std::uint8_t> host) {
      return source.read(segment.file_offset + (from - start), host);
    });
  };
  // The whole pages of a file's segment are mapped, not copied (as Linux
  // maps them): only the pages the program touches are read. That is most
  // of a static binary's start-up otherwise (a 400 KiB text: 16% of the
  // CPU time of `vm run` on a program that returns at once). A file cut
  // short would leave the host SIGBUS on the pages past its end: the guest
  // may not do it (Syscalls refuses with ETXTBSY), and should another
  // process, those pages read as zero (AddressSpace::absorb_bus_error).
  const GuestAddr first = page_ceil(start);
  const GuestAddr last = page_floor(end);
  const bool aligned = source.fd() >= 0 && ((start - segment.file_offset) & kPageOffsetMask) == 0;
  if (aligned) {
    const GuestAddr page = page_floor(start);
    m_segment_pages.push_back(
        SegmentPages{page, page_ceil(end) - page, segment.file_offset - (start - page)});
  }
  const bool mappable = aligned && first < last;
  if (mappable && m_space.map_file(first, last - first, source.fd(), segment.file_offset + (first - start))) {
    m_executable_mapped = true;
    return copy(start, first) && copy(last, end);
  }
  return copy(start, end);
}

Result<void> Process::load(elf::ByteSource elf_source, const std::string& name, const ProcessConfig& config) {
  auto parsed = elf::ElfFile::parse(elf_source, name);
  if (!parsed) return parsed.error();
  const elf::ElfFile& elf = parsed.value();
  if (elf.has_interpreter()) {
    return make_error(ErrorKind::kUnsupported,
                      "'{}' is dynamically linked; vm runs static programs (link with -static)", name);
  }

  // The JIT reaches guest memory through a direct view where it can have
  // one; private memory serves the interpreter, and the JIT when shared
  // memory is not available (its TLB path then does the checks).
  bool reserved = false;
  std::vector<memory::RamBacking> backings = {memory::RamBacking::kPrivate};
  if (config.engine == system::EngineKind::kJit)
    backings.insert(backings.begin(), memory::RamBacking::kDirectView);
  // The largest window first, whatever the backing, so both engines get the same layout.
  for (std::uint64_t window : kWindowSizes) {
    for (memory::RamBacking backing : backings) {
      if (m_space.add_ram(0, window, memory::kPermNone, backing)) {
        m_layout = make_layout(window);
        reserved = true;
        break;
      }
    }
    if (reserved) break;
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
    if (s.file_size != 0 && !load_segment(elf.source(), s, bias)) {
      return make_error(ErrorKind::kOutOfRange, "cannot load segment at {:#x} of '{}'", s.vaddr, name);
    }
  }

  // Stack.
  const std::uint8_t stack_perm = elf.executable_stack() ? memory::kPermRWX : memory::kPermRW;
  VMM_TRY(m_space.map(m_layout.stack_top - m_layout.stack_size, m_layout.stack_size, stack_perm));
  // The page above it holds the code signal handlers return to, which Linux
  // keeps in the vDSO: li a7, 139 (rt_sigreturn); ecall.
  VMM_TRY(m_space.map(m_layout.stack_top, kPageSize, memory::kPermRead | memory::kPermExec));
  constexpr std::uint32_t kSigreturnCode[] = {0x08b00893, 0x00000073};
  if (!m_memory->poke_bytes(m_layout.stack_top, kSigreturnCode, sizeof kSigreturnCode)) {
    return make_error(ErrorKind::kNoMemory, "cannot write the signal return code");
  }
  m_layout.sigreturn = m_layout.stack_top;
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
  if (config.jit_single_region || config.shadow) {
    image.random.fill(0x5a);  // both sides of a lockstep run see the same bytes
  } else if (::getrandom(image.random.data(), image.random.size(), 0) !=
             static_cast<ssize_t>(image.random.size())) {
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

  auto engine = system::make_engine(config.engine, m_hart, *m_memory, config.jit_single_region);
  if (!engine) return engine.error();
  m_engine = std::move(engine).value();
  m_space.set_watch_callback([this](GuestAddr page, memory::WatchKind kind) {
    if (kind == memory::kWatchCode) m_engine->invalidate_code_page(page);
  });
  m_syscalls = std::make_unique<Syscalls>(*m_memory, *m_engine, m_layout, config.exec_path);
  for (const SegmentPages& pages : m_segment_pages)
    m_syscalls->note_file_mapping(pages.addr, pages.len, elf_source.fd(), pages.offset);
  if (struct stat st{}; m_executable_mapped) {
    if (::fstat(elf_source.fd(), &st) != 0) return make_error(ErrorKind::kIo, "cannot read '{}'", name);
    m_syscalls->protect_executable(st.st_dev, st.st_ino);
  }
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

std::optional<system::RunResult> Process::handle_stop(const cpu::Stop& stop) {
  if (stop.reason == cpu::StopReason::kHalt) return std::nullopt;
  if (stop.reason == cpu::StopReason::kException) {
    // Faults that retire nothing between them (a handler whose first
    // instruction faults, frames that never use up a stack) would keep vm
    // busy where no instruction budget can stop it; Linux would loop on.
    constexpr std::uint32_t kMaxFaultsWithoutProgress = 1'000'000;
    if (m_hart.instret != m_last_fault_instret) {
      m_last_fault_instret = m_hart.instret;
      m_faults_without_progress = 0;
    } else if (++m_faults_without_progress > kMaxFaultsWithoutProgress) {
      return fault_result(stop);
    }
    const Syscalls::Outcome outcome = m_syscalls->deliver_fault(m_hart, fault_info(stop, m_hart.pc, m_space));
    if (outcome.signal == 0) {
      m_redirected = true;
      return std::nullopt;
    }
    if (outcome.bad_frame) return end_of_run(outcome, m_hart.pc);
    return fault_result(stop);
  }
  if (m_ecall_ran) {  // the engine's ecall handler ran it, and counted it retired
    m_ecall_ran = false;
    return std::exchange(m_ecall_end, std::nullopt);
  }
  // ecall: the system call retires the instruction.
  const GuestAddr ecall_pc = m_hart.pc;
  Syscalls::Outcome outcome = run_system_call(*m_syscalls, m_hart, m_redirected);
  m_hart.instret += 1;
  return end_of_run(outcome, ecall_pc);
}

std::optional<system::RunResult> Process::poll_timer() {
  Syscalls::Outcome outcome;
  m_syscalls->poll_timer(outcome);
  const int raised = outcome.signal;
  m_syscalls->deliver(m_hart, outcome);
  if (raised != 0 && outcome.signal == 0) m_redirected = true;
  return end_of_run(outcome, m_hart.pc);
}

cpu::EcallAction Process::ecall_in_engine(const std::atomic<bool>* interrupt) {
  const GuestAddr ecall_pc = m_hart.pc;
  const Syscalls::Outcome outcome = run_system_call(*m_syscalls, m_hart, m_redirected);
  // The run loop checks for Ctrl-C after every system call, as a blocked
  // read may be what the signal interrupted.
  const bool interrupted = interrupt != nullptr && interrupt->load(std::memory_order_relaxed);
  if (!ends_run(outcome) && !interrupted) return cpu::EcallAction::kContinue;
  m_ecall_ran = true;
  m_ecall_end = end_of_run(outcome, ecall_pc);
  return cpu::EcallAction::kStop;
}

system::RunResult Process::run(const system::RunOptions& options) {
  // Instruction traces go through drive one instruction at a time.
  if (!options.trace) {
    m_engine->set_ecall_handler(
        [this, interrupt = options.interrupt](cpu::HartState&) { return ecall_in_engine(interrupt); });
  }
  m_syscalls->set_interrupt(options.interrupt);
  const HostSignals forwarding;  // signals sent to vm while the guest runs are the guest's
  system::RunOptions mine = options;
  mine.between_chunks = [this] { return poll_timer(); };
  system::RunResult result =
      system::drive(*m_engine, mine, [this](const cpu::Stop& stop) { return handle_stop(stop); });
  m_engine->set_ecall_handler(nullptr);
  m_syscalls->end_run();  // however it ended: exit, a signal, an interrupt, the instruction limit
  return result;
}

std::optional<std::string> Process::compare_memory(Process& other) {
  const auto& mine = m_space.page_map().intervals();
  const auto& theirs = other.m_space.page_map().intervals();
  if (mine.size() != theirs.size()) return fmt::format("{} mappings against {}", mine.size(), theirs.size());
  for (auto a = mine.begin(), b = theirs.begin(); a != mine.end(); ++a, ++b) {
    if (a->first != b->first || a->second.end != b->second.end || a->second.perm != b->second.perm) {
      return fmt::format("mapping [{:#x}, {:#x}) against [{:#x}, {:#x})", a->first, a->second.end, b->first,
                         b->second.end);
    }
    auto x = mapped_bytes(m_space, a->first, a->second.end, m_copy);
    auto y = mapped_bytes(other.m_space, b->first, b->second.end, other.m_copy);
    for (std::size_t off = 0; off < x.size() && off < y.size(); off += kPageSize) {
      std::size_t len = std::min<std::size_t>(kPageSize, x.size() - off);
      if (std::memcmp(x.data() + off, y.data() + off, len) != 0) {
        std::size_t i = 0;
        while (x[off + i] == y[off + i]) ++i;
        return fmt::format("byte at {:#x} is {:#04x} (jit) against {:#04x} (interp)", a->first + off + i,
                           x[off + i], y[off + i]);
      }
    }
  }
  return std::nullopt;
}

void Process::mirror_to(Process& other) {
  const auto& mine = m_space.page_map().intervals();
  const auto& theirs = other.m_space.page_map().intervals();
  bool same_layout = mine.size() == theirs.size();
  for (auto a = mine.begin(), b = theirs.begin(); same_layout && a != mine.end(); ++a, ++b) {
    same_layout = a->first == b->first && a->second.end == b->second.end && a->second.perm == b->second.perm;
  }
  if (!same_layout) {
    // The system call changed mappings (mmap, munmap, mprotect, brk): give
    // the other process the same layout, its decoded code dropped.
    std::vector<std::pair<GuestAddr, GuestAddr>> old;
    for (const auto& [start, interval] : theirs) old.emplace_back(start, interval.end);
    for (const auto& [start, end] : old) {
      other.m_engine->flush_code_range(start, end);
      other.m_space.unmap(start, end - start);
    }
    for (const auto& [start, interval] : mine) {
      if (!other.m_space.map(start, interval.end - start, interval.perm & memory::kPermRWX)) {
        log::warn("lockstep: cannot mirror the mapping at {:#x}", start);
      }
    }
  }
  for (const auto& [start, interval] : mine) {
    auto x = mapped_bytes(m_space, start, interval.end, m_copy);
    auto y = mapped_bytes(other.m_space, start, interval.end, other.m_copy);
    if (x.size() != y.size()) continue;
    for (std::size_t off = 0; off < x.size(); off += kPageSize) {
      std::size_t len = std::min<std::size_t>(kPageSize, x.size() - off);
      // Through GuestMemory, so watched code pages of the other process are invalidated.
      if (std::memcmp(x.data() + off, y.data() + off, len) != 0 &&
          !other.m_memory->poke_bytes(start + off, x.data() + off, len)) {
        log::warn("lockstep: cannot mirror guest memory at {:#x}", start + off);
      }
    }
  }
  std::copy(std::begin(m_hart.x), std::end(m_hart.x), std::begin(other.m_hart.x));
  std::copy(std::begin(m_hart.f), std::end(m_hart.f), std::begin(other.m_hart.f));  // rt_sigreturn
  other.m_hart.fflags = m_hart.fflags;
  other.m_hart.frm = m_hart.frm;
  other.m_hart.pc = m_hart.pc;
  other.m_hart.instret = m_hart.instret;
}

system::RunResult Process::run_lockstep(Process& shadow, const system::RunOptions& options) {
  jit::Lockstep lockstep(*m_engine, *shadow.m_engine);
  m_syscalls->set_interrupt(options.interrupt);
  const HostSignals forwarding;
  const std::uint64_t start = m_hart.instret;
  system::RunResult result;
  for (;;) {
    std::uint64_t executed = m_hart.instret - start;
    if (options.interrupt != nullptr && options.interrupt->load(std::memory_order_relaxed)) {
      result = system::RunResult{system::RunResult::Kind::kInterrupted, 130, "interrupted", 0};
      break;
    }
    if (std::optional<system::RunResult> end = poll_timer()) {
      result = std::move(*end);
      break;
    }
    if (std::exchange(m_redirected, false)) mirror_to(shadow);  // a handler runs now
    if (options.max_insns != 0 && executed >= options.max_insns) {
      result =
          system::RunResult{system::RunResult::Kind::kInstructionLimit, 124,
                            fmt::format("instruction limit reached ({} instructions)", options.max_insns), 0};
      break;
    }
    std::uint64_t budget = options.max_insns != 0 ? options.max_insns - executed : system::kRunChunk;
    jit::LockstepStep step = lockstep.step(std::min(budget, system::kRunChunk));
    if (step.divergence) {
      result = system::RunResult{system::RunResult::Kind::kSignaled, system::kLockstepDivergence,
                                 *step.divergence, 0};
      break;
    }
    if (step.jit_stop.reason == cpu::StopReason::kBudget) continue;
    // Memory is compared where it is cheap to do so: before the environment acts.
    if (std::optional<std::string> diff = compare_memory(shadow)) {
      result = system::RunResult{
          system::RunResult::Kind::kSignaled, system::kLockstepDivergence,
          fmt::format("lockstep divergence in memory before the ecall at pc={:#x}: {}", m_hart.pc, *diff), 0};
      break;
    }
    // System calls are the environment, not the engines under test: only this
    // process makes them, and the shadow takes their effects (registers,
    // memory, mappings), so the host sees every call once.
    std::optional<system::RunResult> end = handle_stop(step.jit_stop);
    if (end) {
      result = std::move(*end);
      break;
    }
    m_redirected = false;
    mirror_to(shadow);
  }
  m_syscalls->end_run();
  result.instructions = m_hart.instret - start;
  return result;
}

}  // namespace vmm::linux_user
