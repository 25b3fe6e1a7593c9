#pragma once
// `vm bench`: run, compare, baseline and history of benchmark results.
#include <CLI/CLI.hpp>

namespace vmm::cli {

/// Registers `bench` and its subcommands; returns the `bench` app. Executing
/// is done by execute_bench() after parsing.
CLI::App* add_bench_command(CLI::App& app);
int execute_bench(CLI::App& bench);

}  // namespace vmm::cli
