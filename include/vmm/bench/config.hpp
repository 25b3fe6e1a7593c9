#pragma once
// benches/benchmark.toml: modes, per-benchmark overrides, thresholds. A
// malformed file is an error, never silently replaced by defaults.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vmm/core/result.hpp"

namespace vmm::bench {

struct ModeConfig {
  std::string name;                 ///< quick, ci, full
  int repetitions = 5;              ///< --benchmark_repetitions
  double min_time_s = 0.05;         ///< --benchmark_min_time (seconds: Google Benchmark 1.7.1)
  double warmup_s = 0.0;            ///< --benchmark_min_warmup_time
  std::vector<std::string> suites;  ///< empty: every suite discovered
  std::string filter;               ///< --benchmark_filter, empty: all
  bool instructions = true;         ///< also measure instruction counts under callgrind
  int callgrind_iterations = 20;    ///< fixed iteration count N (runs N and 2N; the difference / N)
};

struct Thresholds {
  double regression_pct = 10.0;  ///< wall time: slower by more than this is a REGRESSION
  double warning_pct = 5.0;
  double improvement_pct = 5.0;
  double instr_regression_pct = 1.0;  ///< instruction counts: the gate
  double instr_warning_pct = 0.5;
  double instr_improvement_pct = 1.0;
  double noise_cv_pct = 10.0;    ///< coefficient of variation above which wall time is NOISY
  double alpha = 0.05;           ///< false discovery rate (Benjamini-Hochberg) across the run
  bool wall_time_gates = false;  ///< wall-time regressions block only when true
};

struct Override {
  std::optional<double> regression_pct;
  std::optional<double> instr_regression_pct;
  std::optional<double> noise_cv_pct;
  bool skip = false;
};

struct BenchConfig {
  std::map<std::string, ModeConfig> modes;
  Thresholds thresholds;
  std::map<std::string, Override> overrides;  ///< keyed by benchmark name or "suite/name"

  /// The mode named by BENCHMARK_MODE (default "quick"), or an error.
  [[nodiscard]] Result<ModeConfig> mode(const std::string& name) const;
  /// Thresholds for one benchmark after its override.
  [[nodiscard]] Thresholds thresholds_for(const std::string& benchmark) const;
};

/// Parses the TOML file, then applies REGRESSION_THRESHOLD, WARNING_THRESHOLD
/// (percent) from the environment.
Result<BenchConfig> load_config(const std::string& path);

}  // namespace vmm::bench
