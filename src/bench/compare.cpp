#include "bench/compare.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "bench/statistics.hpp"
#include "vmm/bench/commands.hpp"

namespace vmm::bench {
namespace {

/// What one side measured of one benchmark's wall time.
struct WallSide {
  bool present = false;
  double median_ns = 0;
  std::size_t samples = 0;
  std::optional<double> cv_pct;
  // Summary for Welch's test: from the samples, else from the aggregates.
  std::optional<double> mean_ns;
  std::optional<double> stddev_ns;
  double count = 0;
};

WallSide wall_side(const Measurement& m) {
  WallSide s;
  if (m.samples_ns.empty()) return s;
  s.present = true;
  s.median_ns = stats::median(m.samples_ns);
  s.samples = m.samples_ns.size();
  if (s.samples >= 2 && !m.aggregates_only) {
    s.cv_pct = 100.0 * stats::coefficient_of_variation(m.samples_ns);
    s.mean_ns = stats::mean(m.samples_ns);
    s.stddev_ns = stats::stddev(m.samples_ns);
    s.count = static_cast<double>(s.samples);
    return s;
  }
  if (m.cv) s.cv_pct = 100.0 * *m.cv;
  if (m.mean_ns && (m.stddev_ns || m.cv) && m.repetitions >= 2) {
    s.mean_ns = m.mean_ns;
    s.stddev_ns = m.stddev_ns ? *m.stddev_ns : *m.cv * *m.mean_ns;
    s.count = m.repetitions;
  }
  return s;
}

std::string pct(double value, int decimals = 1) { return fmt::format("{:+.{}f}%", value, decimals); }

/// "q=0.0012", with a floor so that tiny values stay readable.
std::string q_text(double q) { return q < 1e-4 ? "q<0.0001" : fmt::format("q={:.4f}", q); }

std::string ci_text(const ComparisonRow& row) {
  if (!row.ci_low_pct || !row.ci_high_pct) return {};
  return fmt::format(" [{}, {}]", pct(*row.ci_low_pct), pct(*row.ci_high_pct));
}

/// Every name under which an override may address this benchmark, most
/// general first (as BenchConfig::thresholds_for reads them).
std::vector<std::string> override_keys(const Measurement& m) {
  const std::string family = m.name.substr(0, m.name.find('/'));
  std::vector<std::string> keys = {family, m.name};
  if (!m.suite.empty()) {
    keys.push_back(m.suite + "/" + family);
    keys.push_back(m.suite + "/" + m.name);
  }
  return keys;
}

bool skipped(const BenchConfig& config, const Measurement& m) {
  const auto keys = override_keys(m);
  return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) {
    auto it = config.overrides.find(key);
    return it != config.overrides.end() && it->second.skip;
  });
}

/// Instruction counts: deterministic, so plain thresholds decide.
void judge_instructions(ComparisonRow& row, const Thresholds& t, std::string& reason) {
  const double change = *row.instructions_change_pct;
  Verdict v = Verdict::kStable;
  std::string why;
  if (change > t.instr_regression_pct) {
    v = Verdict::kRegression;
    why = fmt::format("> {}% regression threshold", t.instr_regression_pct);
  } else if (change > t.instr_warning_pct) {
    v = Verdict::kWarning;
    why = fmt::format("> {}% warning threshold", t.instr_warning_pct);
  } else if (change < -t.instr_improvement_pct) {
    v = Verdict::kImprovement;
    why = fmt::format("< -{}% improvement threshold", t.instr_improvement_pct);
  } else {
    why = fmt::format("within the {}% threshold", t.instr_regression_pct);
  }
  row.instructions_verdict = v;
  reason = fmt::format("instructions {} ({})", pct(change, 2), why);
}

/// Wall time: noise first, then significance, then size of the effect.
void judge_wall_time(ComparisonRow& row, const Thresholds& t, double alpha, std::string& reason) {
  const double noise = t.noise_cv_pct;
  const bool noisy_baseline = row.cv_baseline_pct && *row.cv_baseline_pct > noise;
  const bool noisy_current = row.cv_current_pct && *row.cv_current_pct > noise;
  if (noisy_baseline || noisy_current) {
    std::string cvs;
    if (noisy_baseline) cvs = fmt::format("CV {:.1f}% (baseline)", *row.cv_baseline_pct);
    if (noisy_current) {
      cvs += fmt::format("{}CV {:.1f}% (current)", cvs.empty() ? "" : ", ", *row.cv_current_pct);
    }
    row.wall_verdict = Verdict::kNoisy;
    reason = fmt::format("wall time too noisy to judge: {} > {}% noise threshold", cvs, noise);
    return;
  }
  if (!row.change_pct) {
    row.wall_verdict = Verdict::kStable;
    reason = "wall time not comparable (non-positive times)";
    return;
  }
  const double change = *row.change_pct;
  const std::string effect = fmt::format(
      "wall time{} {}{}", row.wall_test == WallTest::kWelch ? " (means)" : "", pct(change), ci_text(row));
  if (!row.q_value) {
    row.wall_verdict = Verdict::kStable;
    reason = fmt::format("{}: too few repetitions for a test ({} baseline, {} current)", effect,
                         row.baseline_samples, row.current_samples);
    return;
  }
  const double q = *row.q_value;
  if (!(q < alpha)) {
    row.wall_verdict = Verdict::kStable;
    reason = fmt::format("{}, not significant ({})", effect, q_text(q));
    return;
  }
  Verdict v = Verdict::kStable;
  std::string why;
  if (change > t.regression_pct) {
    v = Verdict::kRegression;
    why = fmt::format("> {}% regression threshold", t.regression_pct);
    if (!t.wall_time_gates) why += "; wall time does not gate";
  } else if (change > t.warning_pct) {
    v = Verdict::kWarning;
    why = fmt::format("> {}% warning threshold", t.warning_pct);
  } else if (change < -t.improvement_pct) {
    v = Verdict::kImprovement;
    why = fmt::format("< -{}% improvement threshold", t.improvement_pct);
  } else {
    why = fmt::format("significant but within the {}% threshold", t.warning_pct);
  }
  row.wall_verdict = v;
  reason = fmt::format("{}, {} ({})", effect, q_text(q), why);
}

/// Fills the wall-time fields that do not depend on the other benchmarks;
/// returns the p-value when a test was possible.
std::optional<double> measure_wall_time(ComparisonRow& row, const WallSide& b, const WallSide& c,
                                        const Measurement& base, const Measurement& cur, double confidence) {
  row.baseline_ns = b.median_ns;
  row.current_ns = c.median_ns;
  row.baseline_samples = b.samples;
  row.current_samples = c.samples;
  row.cv_baseline_pct = b.cv_pct;
  row.cv_current_pct = c.cv_pct;
  if (b.median_ns > 0.0) row.change_pct = 100.0 * (c.median_ns / b.median_ns - 1.0);

  const bool raw_both = b.samples >= 2 && c.samples >= 2 && !base.aggregates_only && !cur.aggregates_only;
  if (raw_both) {
    row.wall_test = WallTest::kMannWhitney;
    const stats::Shift shift = stats::hodges_lehmann_ratio(base.samples_ns, cur.samples_ns, confidence);
    if (std::isnan(shift.estimate)) {
      row.change_pct.reset();
      return std::nullopt;
    }
    row.change_pct = 100.0 * shift.estimate;
    row.ci_low_pct = 100.0 * shift.low;
    row.ci_high_pct = 100.0 * shift.high;
    return stats::mann_whitney(base.samples_ns, cur.samples_ns).p;
  }
  if (b.mean_ns && c.mean_ns && b.count >= 2 && c.count >= 2 && *b.mean_ns > 0.0) {
    row.wall_test = WallTest::kWelch;
    const stats::Welch w =
        stats::welch_t_test(*b.mean_ns, *b.stddev_ns, b.count, *c.mean_ns, *c.stddev_ns, c.count, confidence);
    // Means on both sides, so that the estimate lies inside its interval.
    row.change_pct = 100.0 * (*c.mean_ns / *b.mean_ns - 1.0);
    row.ci_low_pct = 100.0 * w.diff_low / *b.mean_ns;
    row.ci_high_pct = 100.0 * w.diff_high / *b.mean_ns;
    return w.p;
  }
  return std::nullopt;
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRegression:
      return "REGRESSION";
    case Verdict::kWarning:
      return "WARNING";
    case Verdict::kNoisy:
      return "NOISY";
    case Verdict::kMissing:
      return "MISSING";
    case Verdict::kNew:
      return "NEW";
    case Verdict::kImprovement:
      return "IMPROVEMENT";
    case Verdict::kStable:
      return "STABLE";
  }
  return "?";
}

int severity(Verdict verdict) { return static_cast<int>(verdict); }

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::kInstructions:
      return "instructions";
    case Metric::kWallTime:
      return "wall time";
    case Metric::kNone:
      return "none";
  }
  return "?";
}

std::string_view overall_name(Overall overall) {
  switch (overall) {
    case Overall::kPass:
      return "PASS";
    case Overall::kWarning:
      return "WARNING";
    case Overall::kRegression:
      return "REGRESSION";
    case Overall::kNotComparable:
      return "NOT COMPARABLE";
  }
  return "?";
}

std::size_t Comparison::count(Verdict verdict) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const ComparisonRow& r) { return r.verdict == verdict; }));
}

std::size_t Comparison::gating_regressions() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const ComparisonRow& r) { return r.gating; }));
}

Overall Comparison::overall() const {
  if (!comparable && !forced) return Overall::kNotComparable;
  if (gating_regressions() > 0) return Overall::kRegression;
  if (count(Verdict::kRegression) > 0 || count(Verdict::kWarning) > 0) return Overall::kWarning;
  return Overall::kPass;
}

int Comparison::exit_code() const {
  switch (overall()) {
    case Overall::kNotComparable:
      return kExitNotComparable;
    case Overall::kRegression:
      return kExitRegression;
    default:
      return kExitOk;
  }
}

std::string fingerprint_mismatch(const std::optional<Fingerprint>& baseline,
                                 const std::optional<Fingerprint>& current) {
  if (!baseline || !current) return {};
  std::string out;
  const auto check = [&](const char* what, const std::string& b, const std::string& c) {
    if (b.empty() || c.empty() || b == c) return;
    out += fmt::format("{}{} '{}' (baseline) vs '{}' (current)", out.empty() ? "" : ", ", what, b, c);
  };
  check("cpu", baseline->cpu, current->cpu);
  check("compiler", baseline->compiler, current->compiler);
  check("build type", baseline->build_type, current->build_type);
  return out;
}

Comparison compare(const ResultSet& baseline, const ResultSet& current, const BenchConfig& config) {
  Comparison out;
  out.alpha = config.thresholds.alpha;
  out.wall_time_gates = config.thresholds.wall_time_gates;
  out.baseline_fingerprint = baseline.fingerprint;
  out.current_fingerprint = current.fingerprint;
  out.incompatibility = fingerprint_mismatch(baseline.fingerprint, current.fingerprint);
  out.comparable = out.incompatibility.empty();
  if (!baseline.fingerprint || !current.fingerprint) {
    const char* which = !baseline.fingerprint && !current.fingerprint ? "neither result set has"
                        : !baseline.fingerprint                       ? "the baseline has"
                                                                      : "the current results have";
    out.notes.push_back(fmt::format("{} no fingerprint: machine and build not checked", which));
  }
  // The interval's level matches the error rate we accept for verdicts.
  const double confidence = std::clamp(1.0 - config.thresholds.alpha, 0.5, 0.999);

  std::vector<std::string> skipped_names;
  std::set<std::string> names;
  for (const auto& [key, m] : baseline.benchmarks) names.insert(key);
  for (const auto& [key, m] : current.benchmarks) names.insert(key);
  // A benchmark that fails now is worse than one that got slower.
  for (const auto& [key, m] : current.failed) {
    names.erase(key);
    if (skipped(config, m)) {
      skipped_names.push_back(key);
      continue;
    }
    ComparisonRow row;
    row.name = key;
    row.verdict = Verdict::kRegression;
    row.gating = true;
    row.reason = fmt::format("failed in the current run: {}", m.error);
    out.rows.push_back(std::move(row));
  }

  std::vector<double> p_values;          // one per wall-time test
  std::vector<std::size_t> tested_rows;  // the row of each p-value
  for (const std::string& name : names) {
    const auto b = baseline.benchmarks.find(name);
    const auto c = current.benchmarks.find(name);
    const Measurement* base = b == baseline.benchmarks.end() ? nullptr : &b->second;
    const Measurement* cur = c == current.benchmarks.end() ? nullptr : &c->second;
    if (skipped(config, base != nullptr ? *base : *cur)) {
      skipped_names.push_back(name);
      continue;
    }
    ComparisonRow row;
    row.name = name;
    if (base == nullptr || cur == nullptr) {
      const Measurement& only = base != nullptr ? *base : *cur;
      row.verdict = base != nullptr ? Verdict::kMissing : Verdict::kNew;
      const WallSide side = wall_side(only);
      if (side.present) (base != nullptr ? row.baseline_ns : row.current_ns) = side.median_ns;
      (base != nullptr ? row.cv_baseline_pct : row.cv_current_pct) = side.cv_pct;
      (base != nullptr ? row.instructions_baseline : row.instructions_current) = only.instructions;
      row.reason = base != nullptr ? "in the baseline only: removed, renamed or not run"
                                   : "not in the baseline: no reference to compare with";
      out.rows.push_back(std::move(row));
      continue;
    }
    row.instructions_baseline = base->instructions;
    row.instructions_current = cur->instructions;
    if (base->instructions && cur->instructions && *base->instructions > 0.0) {
      row.instructions_change_pct = 100.0 * (*cur->instructions / *base->instructions - 1.0);
    }
    const WallSide bw = wall_side(*base);
    const WallSide cw = wall_side(*cur);
    if (bw.present && cw.present) {
      row.wall_verdict = Verdict::kStable;  // decided below, once every p-value is known
      if (auto p = measure_wall_time(row, bw, cw, *base, *cur, confidence)) {
        row.p_value = *p;
        p_values.push_back(*p);
        tested_rows.push_back(out.rows.size());
      }
    }
    out.rows.push_back(std::move(row));
  }

  // One family for the whole run: with dozens of benchmarks some would
  // otherwise look significant by chance on every run.
  const std::vector<double> q = stats::benjamini_hochberg(p_values);
  for (std::size_t i = 0; i < q.size(); ++i) out.rows[tested_rows[i]].q_value = q[i];
  // Say so when the run is too small for a lone wall-time change to become
  // significant after the correction (e.g. 5 repetitions against 20 tests):
  // STABLE would otherwise read as "measured, and unchanged".
  std::size_t powerless = 0;
  double smallest_p = 1.0;
  for (std::size_t i : tested_rows) {
    const ComparisonRow& r = out.rows[i];
    if (r.wall_test != WallTest::kMannWhitney) continue;
    const double min_p = stats::mann_whitney_min_p(r.baseline_samples, r.current_samples);
    if (min_p * static_cast<double>(tested_rows.size()) >= out.alpha) {
      ++powerless;
      smallest_p = std::min(smallest_p, min_p);
    }
  }
  if (powerless > 0) {
    out.notes.push_back(fmt::format(
        "{} of {} wall-time tests have too few repetitions for a change in one benchmark alone to be "
        "significant "
        "after the correction across the run (smallest possible p {:.4f}, needed below {:.4f}); use more "
        "repetitions",
        powerless, tested_rows.size(), smallest_p, out.alpha / static_cast<double>(tested_rows.size())));
  }

  for (ComparisonRow& row : out.rows) {
    if (row.verdict == Verdict::kMissing || row.verdict == Verdict::kNew || row.gating) continue;
    const Thresholds t = config.thresholds_for(row.name);
    std::string instr_reason;
    std::string wall_reason;
    if (row.instructions_change_pct) judge_instructions(row, t, instr_reason);
    if (row.wall_verdict) judge_wall_time(row, t, out.alpha, wall_reason);

    if (!row.instructions_verdict && !row.wall_verdict) {
      row.verdict = Verdict::kStable;
      row.reason = "no metric measured on both sides";
      continue;
    }
    // The more severe verdict wins; on a tie the instruction count, which is
    // the metric we trust, is the one reported as deciding.
    const bool instructions_decide =
        row.instructions_verdict &&
        (!row.wall_verdict || severity(*row.instructions_verdict) <= severity(*row.wall_verdict));
    row.verdict = instructions_decide ? *row.instructions_verdict : *row.wall_verdict;
    row.decided_by = instructions_decide ? Metric::kInstructions : Metric::kWallTime;
    row.gating = row.instructions_verdict == Verdict::kRegression ||
                 (t.wall_time_gates && row.wall_verdict == Verdict::kRegression);
    const std::string& first = instructions_decide ? instr_reason : wall_reason;
    const std::string& second = instructions_decide ? wall_reason : instr_reason;
    row.reason = second.empty() ? first : fmt::format("{}; {}", first, second);
    if (row.instructions_baseline.has_value() != row.instructions_current.has_value()) {
      row.reason += row.instructions_baseline ? "; instructions measured in the baseline only"
                                              : "; instructions measured in the current run only";
    }
  }

  std::stable_sort(out.rows.begin(), out.rows.end(), [](const ComparisonRow& a, const ComparisonRow& b) {
    if (a.verdict != b.verdict) return severity(a.verdict) < severity(b.verdict);
    if (a.gating != b.gating) return a.gating;
    return a.name < b.name;
  });
  if (!skipped_names.empty()) {
    std::sort(skipped_names.begin(), skipped_names.end());
    std::string list;
    for (const auto& name : skipped_names) list += (list.empty() ? "" : ", ") + name;
    out.notes.push_back(fmt::format("skipped by the configuration: {}", list));
  }
  return out;
}

}  // namespace vmm::bench
