// The statistics of `vm bench compare` against reference values: exact
// p-values from a full enumeration of the permutation distribution, the
// normal approximation as scipy.stats.mannwhitneyu computes it (scipy 1.7+,
// method="auto"), Benjamini-Hochberg as R's p.adjust(method = "BH"). The
// references were computed with the Python standard library (scipy was not
// available): see the comments for the formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "bench/statistics.hpp"

namespace {

using namespace vmm::bench::stats;

TEST(Statistics, MedianMeanStddev) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2.0);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_TRUE(std::isnan(median({})));
  EXPECT_DOUBLE_EQ(mean({1, 2, 3, 4}), 2.5);
  // Sample standard deviation (n - 1): of 2, 4, 4, 4, 5, 5, 7, 9 it is sqrt(32 / 7).
  EXPECT_NEAR(stddev({2, 4, 4, 4, 5, 5, 7, 9}), std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_DOUBLE_EQ(stddev({5}), 0.0);
  EXPECT_NEAR(coefficient_of_variation({2, 4, 4, 4, 5, 5, 7, 9}), std::sqrt(32.0 / 7.0) / 5.0, 1e-12);
  EXPECT_DOUBLE_EQ(coefficient_of_variation({7}), 0.0);
}

TEST(Statistics, NormalAndStudentDistributions) {
  EXPECT_NEAR(normal_cdf(0.0), 0.5, 1e-15);
  EXPECT_NEAR(normal_cdf(1.959963984540054), 0.975, 1e-12);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(normal_quantile(0.025), -1.959963984540054, 1e-9);
  // t(0.975; 10) = 2.228138851986 in every table.
  EXPECT_NEAR(student_t_cdf(2.228138851986, 10), 0.975, 1e-9);
  EXPECT_NEAR(student_t_cdf(-2.228138851986, 10), 0.025, 1e-9);
  EXPECT_NEAR(student_t_cdf(0.0, 3), 0.5, 1e-12);
}

TEST(Statistics, MannWhitneyExactCompleteSeparation) {
  // U = 0: the most extreme of C(10, 5) = 252 arrangements, on both sides: 2/252.
  const MannWhitney r = mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0.0);
  EXPECT_NEAR(r.p, 0.007936507936507936, 1e-12);
  // Symmetric in the order of the samples.
  EXPECT_NEAR(mann_whitney({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}).p, r.p, 1e-15);
}

TEST(Statistics, MannWhitneyExactTextbook) {
  // U = 17 of 20; exact two-sided p = 2 P(U >= 17) = 14/126 (enumeration).
  const MannWhitney r = mann_whitney({19, 22, 16, 29, 24}, {20, 11, 17, 12});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 17.0);
  EXPECT_NEAR(r.p, 0.1111111111111111, 1e-12);
}

TEST(Statistics, MannWhitneyExactMatchesTable) {
  EXPECT_NEAR(mann_whitney_exact_cdf(5, 5, 2), 4.0 / 252.0, 1e-15);  // U = 0, 1, 2: 1 + 1 + 2 of 252
  EXPECT_NEAR(mann_whitney_exact_cdf(3, 4, 12), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(mann_whitney_exact_cdf(3, 4, -1), 0.0);
  // Lower critical values of two-sided 5% tables (P(U <= c) <= 0.025).
  EXPECT_EQ(mann_whitney_lower_critical(5, 5, 0.025), 2);
  EXPECT_EQ(mann_whitney_lower_critical(8, 8, 0.025), 13);
  EXPECT_EQ(mann_whitney_lower_critical(10, 10, 0.025), 23);
  EXPECT_EQ(mann_whitney_lower_critical(6, 9, 0.025), 10);
  EXPECT_EQ(mann_whitney_lower_critical(4, 4, 0.025), 0);
  EXPECT_EQ(mann_whitney_lower_critical(3, 3, 0.025), -1);  // no 95% interval possible
  // Normal approximation for larger samples: 20 x 20 has c = 127 in tables.
  EXPECT_NEAR(mann_whitney_lower_critical(20, 20, 0.025), 127, 1);
}

TEST(Statistics, MannWhitneyScipyDocumentationExampleWithTies) {
  // scipy.stats.mannwhitneyu documentation (male vs female): U = 58,
  // p = 0.13291945818531886 (asymptotic: the samples have ties).
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const MannWhitney r = mann_whitney(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 58.0);
  EXPECT_NEAR(r.p, 0.13291945818531886, 1e-12);
}

TEST(Statistics, MannWhitneyNormalApproximationWithTieAndContinuityCorrection) {
  // Ties across the samples: z = (U_max - n1 n2 / 2 - 0.5) / sigma_tie.
  const MannWhitney ties =
      mann_whitney({1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4, 5, 5, 6, 7, 8, 12, 13, 14, 15, 16});
  EXPECT_FALSE(ties.exact);
  EXPECT_DOUBLE_EQ(ties.u, 42.5);
  EXPECT_NEAR(ties.p, 0.09335344191055549, 1e-12);

  // More than kExactMaxSamples: approximate even without ties.
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 1; i <= 15; ++i) x.push_back(i);
  for (int i = 1; i <= 12; ++i) y.push_back(i + 6.5);
  const MannWhitney large = mann_whitney(x, y);
  EXPECT_FALSE(large.exact);
  EXPECT_DOUBLE_EQ(large.u, 36.0);
  EXPECT_NEAR(large.p, 0.009040133006019462, 1e-12);
}

TEST(Statistics, MannWhitneyTinyAndDegenerateSamples) {
  EXPECT_DOUBLE_EQ(mann_whitney({1.0}, {2.0}).p, 1.0);  // n = 1 per side: no test possible
  EXPECT_DOUBLE_EQ(mann_whitney({}, {1.0, 2.0}).p, 1.0);
  EXPECT_DOUBLE_EQ(mann_whitney({5, 5, 5}, {5, 5, 5}).p, 1.0);  // all equal: zero variance
  EXPECT_DOUBLE_EQ(mann_whitney({1, 2, 3}, {1, 2, 3}).p, 1.0);
  // Two against two, completely separated: 2/6, never significant.
  EXPECT_NEAR(mann_whitney({1, 2}, {3, 4}).p, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(2, 2), 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 2.0 / 252.0, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(10, 10), 2.0 / 184756.0, 1e-15);
  EXPECT_DOUBLE_EQ(mann_whitney_min_p(1, 1), 1.0);
}

TEST(Statistics, BenjaminiHochbergSmallVector) {
  const std::vector<double> q = benjamini_hochberg({0.01, 0.04, 0.03, 0.005});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NEAR(q[0], 0.02, 1e-15);
  EXPECT_NEAR(q[1], 0.04, 1e-15);
  EXPECT_NEAR(q[2], 0.04, 1e-15);
  EXPECT_NEAR(q[3], 0.02, 1e-15);
}

TEST(Statistics, BenjaminiHochbergPaperExample) {
  // The 15 p-values of Benjamini & Hochberg (1995): at FDR 0.05 the first
  // four are discoveries. Adjusted values as R's p.adjust(p, "BH").
  const std::vector<double> p = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
                                 0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
  const std::vector<double> expected = {
      0.0015, 0.003,  0.0095, 0.035625,           0.0603,   0.063857142857142857, 0.063857142857142857,
      0.0645, 0.0765, 0.486,  0.5811818181818182, 0.714875, 0.7532307692307694,   0.8132142857142857,
      1.0};
  const std::vector<double> q = benjamini_hochberg(p);
  ASSERT_EQ(q.size(), p.size());
  int discoveries = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_NEAR(q[i], expected[i], 1e-12) << i;
    discoveries += q[i] < 0.05 ? 1 : 0;
  }
  EXPECT_EQ(discoveries, 4);
}

TEST(Statistics, BenjaminiHochbergIgnoresMissingTests) {
  const double nan = std::nan("");
  const std::vector<double> q = benjamini_hochberg({0.01, nan, 0.04});
  EXPECT_NEAR(q[0], 0.02, 1e-15);  // family of 2, not 3
  EXPECT_TRUE(std::isnan(q[1]));
  EXPECT_NEAR(q[2], 0.04, 1e-15);
  EXPECT_TRUE(benjamini_hochberg({}).empty());
}

TEST(Statistics, HodgesLehmannRatioOfAConstantFactor) {
  // current = 1.2 x baseline: the pairwise ratios are 1.2 b_j / b_i, whose
  // median is 1.2 (the ratios are symmetric around 1 in log scale).
  std::vector<double> baseline;
  std::vector<double> current;
  for (int i = 1; i <= 10; ++i) {
    baseline.push_back(i);
    current.push_back(1.2 * i);
  }
  const Shift s = hodges_lehmann_ratio(baseline, current, 0.95);
  EXPECT_NEAR(s.estimate, 0.2, 1e-12);
  // Order statistics 24 and 77 of the 100 sorted ratios (c = 23).
  EXPECT_NEAR(s.low, -0.4, 1e-12);
  EXPECT_NEAR(s.high, 1.4, 1e-12);
  EXPECT_DOUBLE_EQ(s.confidence, 0.95);
}

TEST(Statistics, HodgesLehmannSmallSamplesAndTightShift) {
  // 3 x 3: no 95% interval exists; the whole range is reported, confidence 0.
  const Shift small = hodges_lehmann_ratio({10, 20, 30}, {11, 22, 33});
  EXPECT_NEAR(small.estimate, 0.1, 1e-12);
  EXPECT_NEAR(small.low, 11.0 / 30.0 - 1.0, 1e-12);
  EXPECT_NEAR(small.high, 33.0 / 10.0 - 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(small.confidence, 0.0);

  // Low noise, +15%: the interval is narrow and excludes 0.
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(0.0, 0.01);
  std::vector<double> baseline;
  std::vector<double> current;
  for (int i = 0; i < 10; ++i) {
    baseline.push_back(1000.0 * (1.0 + noise(rng)));
    current.push_back(1150.0 * (1.0 + noise(rng)));
  }
  const Shift s = hodges_lehmann_ratio(baseline, current);
  EXPECT_NEAR(s.estimate, 0.15, 0.02);
  EXPECT_GT(s.low, 0.10);
  EXPECT_LT(s.high, 0.20);
  EXPECT_LE(s.low, s.estimate);
  EXPECT_GE(s.high, s.estimate);

  EXPECT_TRUE(std::isnan(hodges_lehmann_ratio({}, {1.0}).estimate));
  EXPECT_TRUE(std::isnan(hodges_lehmann_ratio({0.0, 1.0}, {1.0}).estimate));
}

TEST(Statistics, WelchFromSummaries) {
  // t = 2 / sqrt(0.4 + 0.75), Welch-Satterthwaite df = 19.19; p from a
  // numerical integration of Student's density.
  const Welch w = welch_t_test(10, 2, 10, 12, 3, 12);
  EXPECT_NEAR(w.t, 1.8650096164806276, 1e-12);
  EXPECT_NEAR(w.df, 19.190545987541217, 1e-9);
  EXPECT_NEAR(w.p, 0.07754643869144652, 1e-8);
  EXPECT_LT(w.diff_low, 0.0);  // p > 0.05: the 95% interval contains 0
  EXPECT_GT(w.diff_high, 2.0);
  EXPECT_NEAR((w.diff_low + w.diff_high) / 2.0, 2.0, 1e-9);

  EXPECT_DOUBLE_EQ(welch_t_test(10, 1, 1, 12, 1, 5).p, 1.0);  // one repetition: no test
  EXPECT_DOUBLE_EQ(welch_t_test(10, 0, 5, 10, 0, 5).p, 1.0);
  EXPECT_DOUBLE_EQ(welch_t_test(10, 0, 5, 11, 0, 5).p, 0.0);
}

TEST(Statistics, MannWhitneyFalsePositiveRateUnderTheNull) {
  // A/A: two samples of one distribution. The test must reject at about its
  // level, not more (the exact test is conservative for discrete U).
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> time(0.0, 0.05);
  int rejections = 0;
  constexpr int kTrials = 2000;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> a(10);
    std::vector<double> b(10);
    for (double& v : a) v = time(rng);
    for (double& v : b) v = time(rng);
    rejections += mann_whitney(a, b).p < 0.05 ? 1 : 0;
  }
  EXPECT_LT(rejections, kTrials * 0.065);
  EXPECT_GT(rejections, kTrials * 0.02);
}

}  // namespace
