// The `vm` executable: parses the command line, dispatches to a subcommand.
// Exceptions stop here; the library reports errors as values.
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench_command.hpp"
#include "run_command.hpp"
#include "vmm/core/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"vm: a RISC-V (RV64GC) virtual machine monitor"};
  app.set_version_flag("--version", std::string("vm ") + VMM_VERSION);
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("-v,--log-level", log_level, "Log verbosity")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  vmm::cli::RunSettings run_settings;
  CLI::App* run = vmm::cli::add_run_command(app, run_settings);
  CLI::App* bench = vmm::cli::add_bench_command(app);
  app.footer(R"(Commands:
  vm run [--bare] [--engine jit|interp] [--max-insns N] [--stats] [--stats-file FILE] [--trace FILE] [PROGRAM [ARGS...]]
      run a static riscv64 Linux program (user mode) or, with --bare, a bare-metal ELF;
      with no PROGRAM, the built-in default guest. See `vm run --help`.
  vm bench run|compare|baseline|history
      run and compare benchmarks. See `vm bench --help`.

Exit status of vm run: the guest's own status; 1 the program cannot be loaded; 2 usage error;
74 an output file (--trace, --stats-file) cannot be written; 124 --max-insns reached;
128+N the guest was killed by signal N; 130 interrupted (Ctrl-C).)");

  const int separator = vmm::cli::guest_command_start(app, argc, argv);
  if (separator < argc) {
    run_settings.command.assign(argv + separator + 1, argv + argc);
    run_settings.separated = true;
  }
  try {
    app.parse(separator, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every other parse error is a usage error: one line, status 2.
    std::string message = e.what();
    if (argc > 1 && argv[1][0] != '-' && std::string(argv[1]) != "run" && std::string(argv[1]) != "bench") {
      message = fmt::format("unknown command '{}' (commands: run, bench)", argv[1]);
    } else if (argc == 1) {
      message = "a command is required (run, bench)";
    } else if (std::string(argv[1]) == "bench" && argc == 2) {
      message = "a bench command is required (run, compare, baseline, history)";
    } else if (std::string(argv[1]) == "bench" && argv[2][0] != '-' &&
               bench->get_subcommands([&](CLI::App* sub) { return sub->get_name() == argv[2]; }).empty()) {
      message =
          fmt::format("unknown bench command '{}' (commands: run, compare, baseline, history)", argv[2]);
    }
    fmt::print(stderr, "vm: {} (see vm --help)\n", message);
    return 2;
  }
  vmm::log::to_stderr(log_level);  // CLI11 checked the name

  try {
    if (run->parsed()) {
      if (auto usage_error = vmm::cli::take_command(*run, run_settings)) {
        fmt::print(stderr, "vm: {} (see vm run --help)\n", *usage_error);
        return 2;
      }
      return vmm::cli::execute_run(run_settings);
    }
    if (bench->parsed()) return vmm::cli::execute_bench(*bench);
  } catch (const std::exception& e) {
    fmt::print(stderr, "vm: internal error: {}\n", e.what());
    return 70;
  }
  return 2;
}
