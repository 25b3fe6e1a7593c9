#pragma once
// The `vm bench` subcommands. Each returns vm's exit status and prints its
// own one-line errors; scripts/run_benchmarks.sh and
// scripts/detect_regression.sh are thin wrappers around them.
#include <string>
#include <vector>

namespace vmm::bench {

/// Exit statuses of `vm bench compare` (documented in its --help).
inline constexpr int kExitOk = 0;
inline constexpr int kExitRegression = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNotComparable = 3;

struct RunArgs {
  std::string config = "benches/benchmark.toml";
  std::string mode;       ///< empty: BENCHMARK_MODE or "quick"
  std::string bench_dir;  ///< directory holding the bench_<suite> executables
  std::string out_dir = "bench-results";
  std::vector<std::string> suites;  ///< empty: the mode's suites, or every suite found
  bool no_instructions = false;     ///< skip the callgrind pass
};
int cmd_run(const RunArgs& args);

struct CompareArgs {
  std::string baseline;  ///< file or directory of result files
  std::string current;
  std::string config = "benches/benchmark.toml";
  bool config_given = false;  ///< --config given: a missing file is an error, not the built-in thresholds
  std::string markdown_out;   ///< write the Markdown report here too
  std::string json_out;       ///< write the JSON verdict here too
  bool force = false;         ///< compare even when fingerprints differ
};
int cmd_compare(const CompareArgs& args);

struct BaselineArgs {
  bool update = false;
  std::string results_dir = "bench-results";
  std::string baseline_dir = "benches/baselines";
};
int cmd_baseline(const BaselineArgs& args);

struct HistoryArgs {
  std::string results_dir = "bench-results";
  std::string data_dir = ".github/perf-data";
  std::string html_out = "bench-results/history.html";
};
int cmd_history(const HistoryArgs& args);

}  // namespace vmm::bench
