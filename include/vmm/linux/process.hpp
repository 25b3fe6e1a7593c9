#pragma once
// A user-mode Linux process (like qemu-riscv64): a static RV64 ELF loaded
// into a private guest address space, its initial stack, and the system-call
// layer that runs its ecalls on the host.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vmm/core/result.hpp"
#include "vmm/cpu/engine.hpp"
#include "vmm/elf/elf_file.hpp"
#include "vmm/memory/address_space.hpp"
#include "vmm/memory/guest_memory.hpp"
#include "vmm/system/engine_choice.hpp"
#include "vmm/system/run_control.hpp"

namespace vmm::linux_user {

struct ProcessConfig {
  std::vector<std::string> argv;  ///< argv[0] is the program as named by the user
  std::vector<std::string> envp;
  std::string exec_path;  ///< absolute path, for AT_EXECFN and /proc/self/exe
  system::EngineKind engine = system::default_engine();
  /// Lockstep: the JIT returns after every region; the shadow process (the
  /// interpreter) gets the same AT_RANDOM bytes and makes no system calls.
  bool jit_single_region = false;
  bool shadow = false;
};

/// The guest's memory layout, derived from the size of the host window.
struct Layout {
  GuestAddr window_size = 0;
  GuestAddr stack_top = 0;
  std::uint64_t stack_size = 8u << 20;
  GuestAddr mmap_base = 0;
  GuestAddr brk_start = 0;
  GuestAddr sigreturn = 0;  ///< code that calls rt_sigreturn: where signal handlers return
};

class Syscalls;

class Process {
 public:
  /// Loads the static ELF that `elf` reads (an open file's segments go
  /// straight into guest memory); `name` is used in error messages.
  static Result<std::unique_ptr<Process>> create(elf::ByteSource elf, const std::string& name,
                                                 const ProcessConfig& config);
  static Result<std::unique_ptr<Process>> create(std::span<const std::uint8_t> elf_bytes,
                                                 const std::string& name, const ProcessConfig& config) {
    return create(elf::ByteSource(elf_bytes), name, config);
  }
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  system::RunResult run(const system::RunOptions& options);
  /// Runs this process (created with jit_single_region) and `shadow` (the
  /// interpreter, created with shadow) in lockstep; a divergence ends the run
  /// with exit status 125 and a report on stderr.
  system::RunResult run_lockstep(Process& shadow, const system::RunOptions& options);

  [[nodiscard]] cpu::HartState& hart() { return m_hart; }
  [[nodiscard]] memory::GuestMemory& memory() { return *m_memory; }
  [[nodiscard]] memory::AddressSpace& space() { return m_space; }
  [[nodiscard]] cpu::ExecutionEngine& engine() { return *m_engine; }
  [[nodiscard]] const Layout& layout() const { return m_layout; }

 private:
  Process();
  Result<void> load(elf::ByteSource elf_source, const std::string& name, const ProcessConfig& config);
  /// Puts a PT_LOAD segment's file bytes at its address (+ bias); false when
  /// the file no longer holds them.
  bool load_segment(const elf::ByteSource& source, const elf::Segment& segment, GuestAddr bias);
  system::RunResult fault_result(const cpu::Stop& stop);
  /// What the run loop does with a stop other than an exhausted budget.
  std::optional<system::RunResult> handle_stop(const cpu::Stop& stop);
  /// The engine's ecall handler during run(): system calls without leaving
  /// the engine, unless one ends the run or `interrupt` is set (then the
  /// engine returns and handle_stop reports how the run ended).
  cpu::EcallAction ecall_in_engine(const std::atomic<bool>* interrupt);
  /// Between chunks: the end of the run when the guest's interval timer
  /// expired and its SIGALRM takes the default action.
  std::optional<system::RunResult> poll_timer();
  /// Lockstep: the first difference between this process's memory and `other`'s.
  std::optional<std::string> compare_memory(Process& other);
  /// Lockstep: gives `other` this process's registers, mappings and memory
  /// (after a system call that only this process made).
  void mirror_to(Process& other);

  memory::AddressSpace m_space;
  std::unique_ptr<memory::GuestMemory> m_memory;
  cpu::HartState m_hart;
  std::unique_ptr<cpu::ExecutionEngine> m_engine;
  std::unique_ptr<Syscalls> m_syscalls;
  /// Set when the engine returns after ecall_in_engine ran a system call:
  /// handle_stop then only reports `m_ecall_end`.
  bool m_ecall_ran = false;
  /// A signal handler was entered or returned from since the last look
  /// (a lockstep run then gives the shadow the new state).
  bool m_redirected = false;
  /// Faults delivered to handlers with no instruction retired in between.
  std::uint64_t m_last_fault_instret = ~std::uint64_t{0};
  std::uint32_t m_faults_without_progress = 0;
  std::optional<system::RunResult> m_ecall_end;
  Layout m_layout;
  std::vector<std::uint8_t> m_copy;  ///< lockstep: mappings the guest may not read, copied out
  bool m_executable_mapped = false;  ///< some segment's pages are the file's (load_segment)
  /// The pages of each segment and where the file holds them (for Syscalls'
  /// FileMappings: MADV_DONTNEED reads them from the file again).
  struct SegmentPages {
    GuestAddr addr;
    std::uint64_t len;
    std::uint64_t offset;
  };
  std::vector<SegmentPages> m_segment_pages;
};

}  // namespace vmm::linux_user
