#pragma once
// `vm run`: options and execution.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmm::cli {

struct RunSettings {
  bool bare = false;
  std::string engine;  ///< empty: the default engine of this host
  std::uint64_t max_insns = 0;
  std::string max_insns_text;
  bool stats = false;
  std::string stats_file;
  std::string trace_file;
  std::vector<std::string> command;  ///< PROGRAM and its arguments
  bool separated = false;            ///< `command` came after "--" (guest_command_start)
};

/// Registers `run` on the app; the settings object must outlive parsing.
CLI::App* add_run_command(CLI::App& app, RunSettings& settings);

/// The index in argv of a "--" that ends vm run's options (`vm run --stats
/// -- PROGRAM ARGS`), or argc when there is none. CLI11 refuses words after
/// "--" in a prefix command, so they are cut off before parsing.
int guest_command_start(const CLI::App& app, int argc, char** argv);

/// After parsing: collects PROGRAM [ARGS...] (everything CLI11 left over)
/// and converts option values. Returns a usage error message, if any.
std::optional<std::string> take_command(CLI::App& run, RunSettings& settings);

/// Runs the guest; returns vm's exit status (see `vm run --help`).
int execute_run(const RunSettings& settings);

}  // namespace vmm::cli
