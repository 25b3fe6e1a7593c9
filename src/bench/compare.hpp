#pragma once
// Comparing two result sets benchmark by benchmark. Two metrics:
//  - instruction counts (callgrind, fixed iterations): deterministic, so a
//    small threshold is meaningful and they are the gate;
//  - wall time (Google Benchmark repetitions): noisy on shared runners, so it
//    is judged by a Mann-Whitney U test with a Benjamini-Hochberg correction
//    across the whole run, a Hodges-Lehmann effect size with its confidence
//    interval, and NOISY when the coefficient of variation is too high to
//    judge. Wall time gates only when thresholds.wall_time_gates is set.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmm/bench/config.hpp"
#include "vmm/bench/results.hpp"

namespace vmm::bench {

/// In severity order, most severe first (the order of reports).
enum class Verdict { kRegression, kWarning, kNoisy, kMissing, kNew, kImprovement, kStable };

/// "REGRESSION", "WARNING", ...
[[nodiscard]] std::string_view verdict_name(Verdict verdict);
/// 0 for the most severe (REGRESSION).
[[nodiscard]] int severity(Verdict verdict);

enum class Metric { kNone, kInstructions, kWallTime };
/// "instructions", "wall time", "none".
[[nodiscard]] std::string_view metric_name(Metric metric);

/// How the wall-time samples were compared.
enum class WallTest {
  kNone,         ///< no test possible (a side has a single sample and no aggregates)
  kMannWhitney,  ///< repetitions on both sides: Mann-Whitney U + Hodges-Lehmann
  kWelch,        ///< aggregates only on a side: Welch's t-test on means
};

struct ComparisonRow {
  std::string name;  ///< "suite/name", or name when no suite is known
  Verdict verdict = Verdict::kStable;
  Metric decided_by = Metric::kNone;
  bool gating = false;  ///< this row makes the comparison fail (exit 1)
  std::string reason;

  // Wall time (medians of the repetitions, in ns).
  std::optional<double> baseline_ns;
  std::optional<double> current_ns;
  std::optional<double> change_pct;  ///< Hodges-Lehmann relative shift (Welch: ratio of means)
  std::optional<double> ci_low_pct;  ///< confidence interval of change_pct
  std::optional<double> ci_high_pct;
  std::optional<double> p_value;
  std::optional<double> q_value;  ///< Benjamini-Hochberg across every wall-time test of the run
  std::optional<double> cv_baseline_pct;
  std::optional<double> cv_current_pct;
  std::size_t baseline_samples = 0;
  std::size_t current_samples = 0;
  WallTest wall_test = WallTest::kNone;
  std::optional<Verdict> wall_verdict;

  // Instruction counts per iteration.
  std::optional<double> instructions_baseline;
  std::optional<double> instructions_current;
  std::optional<double> instructions_change_pct;
  std::optional<Verdict> instructions_verdict;
};

enum class Overall {
  kPass,           ///< nothing worse than NOISY
  kWarning,        ///< warnings, or wall-time regressions that do not gate
  kRegression,     ///< a gating regression: exit 1
  kNotComparable,  ///< different machine or build and not forced: exit 3
};
[[nodiscard]] std::string_view overall_name(Overall overall);

struct Comparison {
  std::vector<ComparisonRow> rows;  ///< most severe first, then by name
  bool comparable = true;           ///< fingerprints agree (or one is unknown)
  bool forced = false;              ///< compared although not comparable (--force)
  std::string incompatibility;      ///< why not comparable: "cpu 'A' (baseline) vs 'B' (current)"
  std::vector<std::string> notes;   ///< remarks for the reports (missing fingerprint, skipped benchmarks)
  std::optional<Fingerprint> baseline_fingerprint;
  std::optional<Fingerprint> current_fingerprint;
  double alpha = 0.05;
  bool wall_time_gates = false;

  [[nodiscard]] std::size_t count(Verdict verdict) const;
  [[nodiscard]] std::size_t gating_regressions() const;
  [[nodiscard]] Overall overall() const;
  /// 0, kExitRegression or kExitNotComparable (commands.hpp).
  [[nodiscard]] int exit_code() const;
};

/// The speed-relevant fields (cpu, compiler, build type) that differ, e.g.
/// "cpu 'A' (baseline) vs 'B' (current)"; empty when comparable. A side
/// without a fingerprint, or a field empty on one side, cannot be checked
/// and does not make the runs incomparable.
[[nodiscard]] std::string fingerprint_mismatch(const std::optional<Fingerprint>& baseline,
                                               const std::optional<Fingerprint>& current);

/// Compares every benchmark of both sets. Never fails: a benchmark that
/// cannot be judged gets a verdict that says so (NOISY, NEW, MISSING) and a
/// reason.
[[nodiscard]] Comparison compare(const ResultSet& baseline, const ResultSet& current,
                                 const BenchConfig& config);

}  // namespace vmm::bench
