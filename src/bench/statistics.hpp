#pragma once
// The statistics behind `vm bench compare`: robust location and spread, the
// Mann-Whitney U test (the wall-time samples of a shared CI runner are not
// normal: they are skewed with a long tail of interrupted repetitions), the
// Benjamini-Hochberg false-discovery-rate correction across a whole run, and
// the Hodges-Lehmann shift estimate with its distribution-free confidence
// interval. Welch's t-test is the fallback for files that kept only Google
// Benchmark's aggregates (mean, stddev) instead of the repetitions.
//
// Every function is pure and deterministic: no bootstrap, no random seed.
#include <cstddef>
#include <vector>

namespace vmm::bench::stats {

/// Sample sizes up to this (on both sides) use the exact null distribution of
/// U; larger ones the normal approximation. 10 x 10 keeps the table at 101
/// entries and the approximation is good beyond it.
inline constexpr std::size_t kExactMaxSamples = 10;

/// Median; NaN for no values.
[[nodiscard]] double median(std::vector<double> values);
/// Arithmetic mean; NaN for no values.
[[nodiscard]] double mean(const std::vector<double>& values);
/// Sample standard deviation (n - 1 denominator, like Google Benchmark); 0 for fewer than 2 values.
[[nodiscard]] double stddev(const std::vector<double>& values);
/// stddev / mean as a fraction (0.05 = 5%), like Google Benchmark's "cv"
/// aggregate; 0 for fewer than 2 values, NaN when the mean is 0.
[[nodiscard]] double coefficient_of_variation(const std::vector<double>& values);

/// Standard normal distribution function and its inverse (0 < p < 1).
[[nodiscard]] double normal_cdf(double z);
[[nodiscard]] double normal_quantile(double p);

/// Student's t distribution function with df degrees of freedom (df > 0).
[[nodiscard]] double student_t_cdf(double t, double df);

/// Exact null distribution of the Mann-Whitney U statistic without ties:
/// P(U <= u) for samples of n1 and n2 values.
[[nodiscard]] double mann_whitney_exact_cdf(std::size_t n1, std::size_t n2, double u);

struct MannWhitney {
  double u = 0;        ///< U of the first sample: pairs (x, y) with x > y, ties counting 1/2
  double p = 1;        ///< two-sided p-value
  bool exact = false;  ///< exact distribution (small samples without ties) or normal approximation
};

/// Two-sided Mann-Whitney U test of x against y. Small samples without ties
/// (both <= kExactMaxSamples) use the exact distribution; otherwise the
/// normal approximation with tie correction and continuity correction (the
/// values scipy.stats.mannwhitneyu gives with method="auto"). With fewer than
/// one value on a side no test is possible: p = 1. With one value per side
/// the exact p is 1 too.
[[nodiscard]] MannWhitney mann_whitney(const std::vector<double>& x, const std::vector<double>& y);

/// The smallest two-sided p-value mann_whitney can give for samples of n1 and
/// n2 values (completely separated samples): 2 / C(n1 + n2, n1) when exact.
/// Too few repetitions can never be significant, whatever the change.
[[nodiscard]] double mann_whitney_min_p(std::size_t n1, std::size_t n2);

/// Benjamini-Hochberg adjusted p-values (q-values), in the order of p. NaN
/// entries (no test performed) stay NaN and do not count in the family size.
[[nodiscard]] std::vector<double> benjamini_hochberg(const std::vector<double>& p);

/// Largest u with P(U <= u) <= tail for samples of n1 and n2 values, or -1
/// when even P(U <= 0) exceeds tail (too few samples for that confidence).
[[nodiscard]] long mann_whitney_lower_critical(std::size_t n1, std::size_t n2, double tail);

struct Shift {
  double estimate = 0;  ///< relative shift, current / baseline - 1 (0.15 = 15% slower)
  double low = 0;       ///< confidence interval of the relative shift
  double high = 0;
  double confidence = 0;  ///< the interval's nominal level; 0 when the samples are too few for
                          ///< it and the interval is the whole range of ratios instead
};

/// Hodges-Lehmann estimate of the relative shift of current against baseline:
/// the median of the n1 * n2 pairwise ratios current_j / baseline_i, minus 1.
/// The confidence interval is the distribution-free one obtained by inverting
/// the Mann-Whitney test (Moses): the order statistics k and N + 1 - k of the
/// sorted ratios, k = 1 + the lower critical value of U at (1 - confidence) / 2
/// (exact for small samples, normal approximation otherwise). Ratios rather
/// than differences: a shift in log time is what a slower build looks like,
/// and the interval of ratios is exactly the Mann-Whitney interval on logs.
/// Values must be positive; NaN fields otherwise.
[[nodiscard]] Shift hodges_lehmann_ratio(const std::vector<double>& baseline,
                                         const std::vector<double>& current, double confidence = 0.95);

struct Welch {
  double t = 0;
  double df = 0;
  double p = 1;         ///< two-sided
  double diff_low = 0;  ///< confidence interval of mean2 - mean1
  double diff_high = 0;
};

/// Welch's unequal-variance t-test from summary statistics (mean, sample
/// standard deviation, count) of two samples. p = 1 when a side has fewer
/// than 2 values.
[[nodiscard]] Welch welch_t_test(double mean1, double sd1, double n1, double mean2, double sd2, double n2,
                                 double confidence = 0.95);

}  // namespace vmm::bench::stats
