// The `vm` executable: parses the command line, dispatches to a subcommand.
// Exceptions stop here; the library reports errors as values.
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "bench_command.hpp"
#include "run_command.hpp"

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
  app.footer("Run `vm run --help` for the options of `vm run`.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version print and succeed; every other parse error is a usage error.
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto logger = spdlog::stderr_color_mt("vm");
  logger->set_pattern("vm: [%l] %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(log_level));

  try {
    if (run->parsed()) return vmm::cli::execute_run(run_settings);
    if (bench->parsed()) return vmm::cli::execute_bench(*bench);
  } catch (const std::exception& e) {
    fmt::print(stderr, "vm: internal error: {}\n", e.what());
    return 70;
  }
  return 2;
}
