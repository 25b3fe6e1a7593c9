#include "run_command.hpp"

#include <signal.h>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "validators.hpp"
#include "vmm/core/host_fds.hpp"
#include "vmm/elf/elf_file.hpp"
#include "vmm/isa/disassembler.hpp"
#include "vmm/linux/process.hpp"
#include "vmm/system/bare_machine.hpp"
#include "vmm/system/engine_choice.hpp"

extern "C" const std::uint8_t vmm_default_guest_begin[];
extern "C" const std::uint8_t vmm_default_guest_end[];
extern char** environ;  // NOLINT: POSIX

namespace vmm::cli {
namespace {

std::atomic<bool> g_interrupted{false};

bool jit_available() { return system::default_engine() == system::EngineKind::kJit; }

extern "C" void on_sigint(int /*sig*/) { g_interrupted.store(true); }

/// EX_IOERR of sysexits.h: vm's own output, not the guest, failed.
constexpr int kExitOutputError = 74;

constexpr const char* kRunFooter = R"(Exit status:
  0-255  the guest's own exit status
  1      the program cannot be loaded (missing, not a RISC-V ELF, truncated...)
  2      usage error
  74     an output file (--trace, --stats-file) cannot be opened or written (a failed trace write
         stops the guest)
  124    --max-insns reached
  125    --engine lockstep: the jit and the interpreter diverged (a report on stderr)
  128+N  the guest was killed by signal N (a fault: vm prints "vm: guest SIGSEGV: ...")
  130    interrupted (Ctrl-C)

Logging: vm -v/--log-level LEVEL run ... (trace, debug, info, warn, error, off; before `run`).
With no PROGRAM, vm runs its built-in default guest.
Everything after PROGRAM is passed to the guest, options included.)";

/// A file vm writes beside the guest's own output (--trace, --stats-file).
/// It is opened before the guest runs; the first failure is kept, and the
/// run ends with kExitOutputError naming it.
class OutputFile {
 public:
  OutputFile(const char* what, std::string path) : m_what(what), m_path(std::move(path)) {}
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile() { close(); }

  bool open() {
    m_file = host_fds::open_for_writing(m_path.c_str());
    if (m_file == nullptr) m_errno = errno;
    return m_file != nullptr;
  }
  bool write(std::string_view text) {
    if (m_file == nullptr || m_errno != 0) return false;
    if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size()) m_errno = errno != 0 ? errno : EIO;
    return m_errno == 0;
  }
  /// Flushes and closes; false when anything written was lost.
  bool close() {
    if (m_file != nullptr) {
      if (std::fclose(m_file) != 0 && m_errno == 0) m_errno = errno != 0 ? errno : EIO;
      m_file = nullptr;
    }
    return m_errno == 0;
  }
  [[nodiscard]] std::string error() const {
    return fmt::format("cannot write the {} to '{}': {}", m_what, m_path, std::strerror(m_errno));
  }

 private:
  const char* m_what;
  std::string m_path;
  std::FILE* m_file = nullptr;
  int m_errno = 0;
};

/// One trace line per retired instruction. A write that fails stops the
/// run: a trace with a hole in it would mislead, and tracing is slow.
void trace_line(OutputFile& file, const cpu::HartState& hart, const isa::DecodedInsn& insn) {
  fmt::memory_buffer line;
  if (insn.length == 2) {
    fmt::format_to(std::back_inserter(line), "{:016x}:     {:04x}  ", hart.pc, insn.raw);
  } else {
    fmt::format_to(std::back_inserter(line), "{:016x}: {:08x}  ", hart.pc, insn.raw);
  }
  fmt::format_to(std::back_inserter(line), "{}\n", isa::disassemble(insn, hart.pc));
  if (!file.write(std::string_view(line.data(), line.size()))) g_interrupted.store(true);
}

std::string stats_json(const system::RunResult& result, double seconds, memory::GuestMemory& memory,
                       const cpu::ExecutionEngine& engine) {
  const memory::Tlb& tlb = memory.tlb();
  double hit_rate =
      tlb.accesses == 0 ? 1.0 : 1.0 - static_cast<double>(tlb.misses) / static_cast<double>(tlb.accesses);
  nlohmann::json stats = {
      {"engine", engine.name()},
      {"instructions", result.instructions},
      {"wall_time_s", seconds},
      {"mips", seconds > 0 ? static_cast<double>(result.instructions) / seconds / 1e6 : 0.0},
      {"tlb_accesses", tlb.accesses},
      {"tlb_misses", tlb.misses},
      {"tlb_hit_rate", hit_rate},
      {"exit_code", result.exit_code},
  };
  for (const auto& [name, value] : engine.stats()) {
    // Counts print as integers, rates and times as numbers with a fraction.
    if (value >= 0 && value < 9e15 && value == static_cast<double>(static_cast<std::uint64_t>(value))) {
      stats[name] = static_cast<std::uint64_t>(value);
    } else {
      stats[name] = value;
    }
  }
  return stats.dump() + "\n";
}

#if defined(__linux__)
/// A lockstep pair presented as one guest to run_guest().
struct LockstepGuest {
  linux_user::Process& primary;
  linux_user::Process& shadow;
  system::RunResult run(const system::RunOptions& options) { return primary.run_lockstep(shadow, options); }
  memory::GuestMemory& memory() { return primary.memory(); }
  cpu::ExecutionEngine& engine() { return primary.engine(); }
};
#endif

template <typename Guest>
int run_guest(Guest& guest, const RunSettings& settings) {
  system::RunOptions options;
  options.max_insns = settings.max_insns;
  options.interrupt = &g_interrupted;
  g_interrupted.store(false);
  // Both files are opened before the guest runs, so a bad path costs no run.
  OutputFile trace("trace", settings.trace_file);
  OutputFile stats_file("statistics", settings.stats_file);
  for (auto [file, path] :
       {std::pair{&trace, &settings.trace_file}, std::pair{&stats_file, &settings.stats_file}}) {
    if (!path->empty() && !file->open()) {
      fmt::print(stderr, "vm: {}\n", file->error());
      return kExitOutputError;
    }
  }
  if (!settings.trace_file.empty()) {
    options.trace = [&trace](const cpu::HartState& hart, const isa::DecodedInsn& insn) {
      trace_line(trace, hart, insn);
    };
  }
  guest.engine().set_count_memory_ops(settings.stats);
  // No SA_RESTART: a guest blocked in a host read() must see EINTR, so that
  // Ctrl-C ends the run instead of waiting for input.
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous);
  auto start = std::chrono::steady_clock::now();
  system::RunResult result = guest.run(options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sigaction(SIGINT, &previous, nullptr);
  std::fflush(stdout);
  if (!trace.close()) {
    // The run stopped at the failed write; its "interrupted" is not the news.
    fmt::print(stderr, "vm: {}\n", trace.error());
    return kExitOutputError;
  }
  if (!result.message.empty()) fmt::print(stderr, "vm: {}\n", result.message);
  if (settings.stats) {
    const std::string text = stats_json(result, seconds, guest.memory(), guest.engine());
    if (settings.stats_file.empty()) {
      fmt::print(stderr, "{}", text);
    } else if (!stats_file.write(text) || !stats_file.close()) {
      fmt::print(stderr, "vm: {}\n", stats_file.error());
      return kExitOutputError;
    }
  }
  return result.exit_code;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunSettings& settings) {
  CLI::App* run = app.add_subcommand("run",
                                     "Run a RISC-V program: a static riscv64 Linux ELF (user mode), or a "
                                     "bare-metal ELF with --bare");
  run->add_flag(
      "--bare", settings.bare,
      "Bare metal: load the ELF at its physical addresses into RAM at 0x80000000 (128 MiB), start in "
      "machine mode, serve HTIF tohost/fromhost (riscv-tests protocol)");
  settings.engine = system::engine_name(system::default_engine());
  run->add_option(
         "--engine", settings.engine,
         "Execution engine: jit (translates to x86-64; the default on x86-64 hosts), interp, or lockstep "
         "(user mode: runs the jit and the interpreter side by side and stops at the first difference "
         "in architectural state, exit status 125)")
      ->check(CLI::Validator(
          [](std::string& engine) -> std::string {
            if (engine == "lockstep")
              return jit_available() ? "" : "lockstep needs the jit engine (x86-64 hosts)";
            auto kind = system::parse_engine(engine);
            if (!kind) return "unknown engine '" + engine + "' (available: jit, interp, lockstep)";
            if (*kind == system::EngineKind::kJit && !jit_available()) {
              return "the jit engine translates to x86-64 only; use --engine interp on this host";
            }
            return {};
          },
          "ENGINE"))
      ->capture_default_str();
  // Parsed as text so that 0, negative and non-numeric values get one clear message.
  run->add_option("--max-insns", settings.max_insns_text,
                  "Stop after N retired guest instructions (exit status 124)")
      ->type_name("N")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            std::uint64_t n = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
            if (ec != std::errc{} || end != text.data() + text.size() || n == 0) {
              return "'" + text + "' is not a positive integer";
            }
            return {};
          },
          "N"));
  run->add_flag(
      "--stats", settings.stats,
      "Print run statistics as one JSON object on stderr (instructions, wall time, MIPS, TLB hit rate)");
  run->add_option("--stats-file", settings.stats_file, "Write the --stats JSON to FILE instead of stderr")
      ->check(non_empty_path())
      ->each([&settings](const std::string&) { settings.stats = true; });
  run->add_option("--trace", settings.trace_file,
                  "Write an instruction trace with disassembly to FILE (slow)")
      ->check(non_empty_path());
  // Everything from PROGRAM on belongs to the guest, options included:
  // parsing stops at the first word that is not an option of `vm run`, and
  // the rest is read with remaining() (see take_command()).
  run->prefix_command();
  run->footer(kRunFooter);
  return run;
}

int guest_command_start(const CLI::App& app, int argc, char** argv) {
  const auto takes_value = [](const CLI::App& from, std::string_view word) {
    if (word.find('=') != std::string_view::npos) return false;
    const CLI::Option* option = from.get_option_no_throw(std::string(word));
    return option != nullptr && option->get_items_expected_min() > 0;
  };
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    if (takes_value(app, argv[i])) ++i;
  }
  if (i >= argc || std::string_view(argv[i]) != "run") return argc;
  const CLI::App& run = *app.get_subcommand("run");
  for (++i; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--") return i;
    if (word.size() < 2 || word[0] != '-') return argc;  // PROGRAM: the rest is the guest's
    if (takes_value(run, word)) ++i;
  }
  return argc;
}

std::optional<std::string> take_command(CLI::App& run, RunSettings& settings) {
  if (!settings.max_insns_text.empty()) settings.max_insns = std::stoull(settings.max_insns_text);
  const std::vector<std::string> rest = run.remaining();
  // Without "--" the first word left is PROGRAM, and one that looks like an
  // option is an option vm does not know; with it (main cut PROGRAM off
  // there) any word left is.
  const bool looks_like_option = !rest.empty() && rest.front().size() > 1 && rest.front()[0] == '-';
  if (settings.separated ? !rest.empty() : looks_like_option) {
    return fmt::format("unknown option '{}' for vm run", rest.front());
  }
  if (!settings.separated) settings.command = rest;
  return std::nullopt;
}

int execute_run(const RunSettings& settings) {
  // Before vm opens anything: which descriptors it was given decides where the guest's end.
  (void)host_fds::floor();
  std::vector<std::string> command = settings.command;
  std::optional<elf::OpenFile> file;
  elf::ByteSource image(std::span<const std::uint8_t>{});
  std::string name;
  std::string exec_path;
  if (command.empty()) {
    if (settings.bare) {
      fmt::print(stderr, "vm: --bare needs a PROGRAM\n");
      return 2;
    }
    image = elf::ByteSource(std::span<const std::uint8_t>(vmm_default_guest_begin, vmm_default_guest_end));
    name = "default-guest";
    exec_path = "/default-guest";
    command.push_back(name);
  } else {
    name = command.front();
    std::error_code ec;
    if (std::filesystem::is_directory(name, ec)) {
      fmt::print(stderr, "vm: cannot load '{}': is a directory\n", name);
      return 1;
    }
    auto opened = elf::OpenFile::open(name);
    if (!opened) {
      fmt::print(stderr, "vm: {}\n", opened.error().message);
      return 1;
    }
    file.emplace(std::move(opened).value());
    image = file->source();
    exec_path = std::filesystem::absolute(name, ec).string();
  }

  const bool lockstep = settings.engine == "lockstep";
  const system::EngineKind engine =
      lockstep ? system::EngineKind::kJit : *system::parse_engine(settings.engine);
  if (settings.bare) {
    if (lockstep) {
      fmt::print(stderr, "vm: --engine lockstep runs user-mode programs, not --bare\n");
      return 2;
    }
    system::BareConfig bare_config;
    bare_config.engine = engine;
    auto machine = system::BareMachine::create(image, name, bare_config);
    if (!machine) {
      fmt::print(stderr, "vm: {}\n", machine.error().message);
      return 1;
    }
    if (!machine.value()->can_exit()) {
      // As Spike does: the run goes on, but say why it may never end.
      fmt::print(stderr, "vm: warning: '{}' has no tohost symbol: it cannot end the run (use --max-insns)\n",
                 name);
    }
    return run_guest(*machine.value(), settings);
  }
#if defined(__linux__)
  linux_user::ProcessConfig config;
  config.argv = command;
  config.exec_path = exec_path;
  config.engine = engine;
  for (char** env = environ; env != nullptr && *env != nullptr; ++env) config.envp.emplace_back(*env);
  config.jit_single_region = lockstep;
  auto process = linux_user::Process::create(image, name, config);
  if (!process) {
    fmt::print(stderr, "vm: {}\n", process.error().message);
    return 1;
  }
  if (lockstep) {
    linux_user::ProcessConfig shadow_config = config;
    shadow_config.engine = system::EngineKind::kInterp;
    shadow_config.jit_single_region = false;
    shadow_config.shadow = true;
    auto shadow = linux_user::Process::create(image, name, shadow_config);
    if (!shadow) {
      fmt::print(stderr, "vm: {}\n", shadow.error().message);
      return 1;
    }
    LockstepGuest guest{*process.value(), *shadow.value()};
    return run_guest(guest, settings);
  }
  return run_guest(*process.value(), settings);
#else
  fmt::print(stderr, "vm: user-mode Linux programs need a Linux host; use --bare\n");
  return 2;
#endif
}

}  // namespace vmm::cli
