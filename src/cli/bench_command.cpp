#include "bench_command.hpp"

#include <cstdlib>
#include <memory>

#include "validators.hpp"
#include "vmm/bench/commands.hpp"

namespace vmm::cli {
namespace {

struct BenchSettings {
  bench::RunArgs run;
  bench::CompareArgs compare;
  bench::BaselineArgs baseline;
  bench::HistoryArgs history;
};

// The settings live as long as the process: CLI11 keeps pointers into them.
BenchSettings& settings() {
  static BenchSettings instance;
  return instance;
}

constexpr const char* kCompareFooter = R"(Exit status:
  0  no gating regression
  1  a gating regression (instruction counts always gate; wall time only when configured)
  2  bad input: missing file, invalid or truncated JSON, not Google Benchmark output, no results
  3  not comparable: different machine or build type than the baseline (use --force))";

}  // namespace

CLI::App* add_bench_command(CLI::App& app) {
  BenchSettings& s = settings();
  CLI::App* bench = app.add_subcommand("bench", "Run and compare benchmarks");
  bench->require_subcommand(1);

  CLI::App* run = bench->add_subcommand("run",
                                        "Discover and run every benchmark suite; write JSON results and a "
                                        "Markdown report (mode from --mode or BENCHMARK_MODE)");
  run->add_option("--config", s.run.config, "Benchmark configuration (TOML)")
      ->capture_default_str()
      ->check(non_empty_path());
  run->add_option("--mode", s.run.mode, "quick, ci or full (default: BENCHMARK_MODE, else quick)");
  run->add_option("--bench-dir", s.run.bench_dir, "Directory of the bench_<suite> executables")
      ->check(non_empty_path());
  run->add_option("--out", s.run.out_dir, "Directory for results and the report")
      ->capture_default_str()
      ->check(non_empty_path());
  run->add_option("--suite", s.run.suites, "Only these suites (repeatable)");
  run->add_flag("--no-instructions", s.run.no_instructions, "Skip the callgrind instruction-count pass");

  CLI::App* compare = bench->add_subcommand("compare", "Compare CURRENT results against BASELINE");
  compare->add_option("baseline", s.compare.baseline, "Baseline result file or directory")
      ->required()
      ->check(non_empty_path());
  compare->add_option("current", s.compare.current, "Current result file or directory")
      ->required()
      ->check(non_empty_path());
  compare
      ->add_option("--config", s.compare.config,
                   "Benchmark configuration (TOML); without --config, built-in thresholds when the default "
                   "file does not exist")
      ->capture_default_str()
      ->check(non_empty_path())
      ->each([&s](const std::string&) { s.compare.config_given = true; });
  compare->add_option("--markdown", s.compare.markdown_out, "Also write the Markdown report to FILE")
      ->check(non_empty_path());
  compare->add_option("--json", s.compare.json_out, "Also write the JSON verdict to FILE")
      ->check(non_empty_path());
  compare->add_flag("--force", s.compare.force,
                    "Compare even if the machine or build differs from the baseline");
  compare->footer(kCompareFooter);

  CLI::App* baseline =
      bench->add_subcommand("baseline", "Store results as the baselines benches/baselines/<suite>.json");
  baseline->add_flag("--update", s.baseline.update, "Write the baselines from --results")->required();
  baseline->add_option("--results", s.baseline.results_dir, "Results directory")
      ->capture_default_str()
      ->check(non_empty_path());
  baseline->add_option("--dir", s.baseline.baseline_dir, "Baseline directory")
      ->capture_default_str()
      ->check(non_empty_path());

  CLI::App* history = bench->add_subcommand("history",
                                            "Append results to the sharded history, detect change "
                                            "points, write the HTML trend page");
  history->add_option("--results", s.history.results_dir, "Results directory")
      ->capture_default_str()
      ->check(non_empty_path());
  history->add_option("--data", s.history.data_dir, "History directory")
      ->capture_default_str()
      ->check(non_empty_path());
  history->add_option("--html", s.history.html_out, "Trend page to write")
      ->capture_default_str()
      ->check(non_empty_path());
  return bench;
}

int execute_bench(CLI::App& bench) {
  BenchSettings& s = settings();
  if (bench.got_subcommand("run")) return bench::cmd_run(s.run);
  if (bench.got_subcommand("compare")) return bench::cmd_compare(s.compare);
  if (bench.got_subcommand("baseline")) return bench::cmd_baseline(s.baseline);
  if (bench.got_subcommand("history")) return bench::cmd_history(s.history);
  return 2;
}

}  // namespace vmm::cli
