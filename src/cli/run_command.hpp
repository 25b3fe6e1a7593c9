#pragma once
// `vm run`: options and execution.
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace vmm::cli {

struct RunSettings {
  bool bare = false;
  std::string engine = "interp";
  std::uint64_t max_insns = 0;
  bool stats = false;
  std::string stats_file;
  std::string trace_file;
  std::vector<std::string> command;  ///< PROGRAM and its arguments
};

/// Registers `run` on the app; the settings object must outlive parsing.
CLI::App* add_run_command(CLI::App& app, RunSettings& settings);

/// Runs the guest; returns vm's exit status (see `vm run --help`).
int execute_run(const RunSettings& settings);

}  // namespace vmm::cli
