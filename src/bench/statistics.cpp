#include "bench/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vmm::bench::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Number of arrangements of n1 x's and n2 y's giving each value of U (pairs
/// with x > y): the last (largest) value is either an x, which beats all n2
/// y's, or a y, which beats nothing. Exact in double up to C(2^53): far more
/// than the sample sizes this is used for.
std::vector<double> u_counts(std::size_t n1, std::size_t n2) {
  std::vector<std::vector<std::vector<double>>> c(n1 + 1, std::vector<std::vector<double>>(n2 + 1));
  for (std::size_t i = 0; i <= n1; ++i) {
    for (std::size_t j = 0; j <= n2; ++j) {
      std::vector<double>& v = c[i][j];
      v.assign(i * j + 1, 0.0);
      if (i == 0 || j == 0) {
        v[0] = 1.0;
        continue;
      }
      const std::vector<double>& x_last = c[i - 1][j];
      const std::vector<double>& y_last = c[i][j - 1];
      for (std::size_t u = 0; u < v.size(); ++u) {
        if (u >= j && u - j < x_last.size()) v[u] += x_last[u - j];
        if (u < y_last.size()) v[u] += y_last[u];
      }
    }
  }
  return c[n1][n2];
}

/// Continued fraction of the regularized incomplete beta function (Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 500;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}

/// Regularized incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

/// Two-sided tail probability P(|T| >= |t|) of Student's t.
double student_t_two_sided(double t, double df) { return incomplete_beta(df / 2.0, 0.5, df / (df + t * t)); }

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return kNaN;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double stddev(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  double sum = 0.0;
  for (double v : values) sum += (v - m) * (v - m);
  return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

double coefficient_of_variation(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  const double m = mean(values);
  if (m == 0.0) return kNaN;
  return stddev(values) / std::fabs(m);
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) return kNaN;
  // Bisection on the distribution function: slow next to a rational
  // approximation but exact to double precision, and called a handful of
  // times per comparison.
  double lo = -40.0;
  double hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = (lo + hi) / 2.0;
    if (normal_cdf(mid) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2.0;
}

double student_t_cdf(double t, double df) {
  const double tail = 0.5 * student_t_two_sided(t, df);
  return t > 0.0 ? 1.0 - tail : tail;
}

double mann_whitney_exact_cdf(std::size_t n1, std::size_t n2, double u) {
  if (u < 0.0) return 0.0;
  const std::vector<double> counts = u_counts(n1, n2);
  const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
  const auto last = std::min(counts.size() - 1, static_cast<std::size_t>(std::floor(u)));
  double below = 0.0;
  for (std::size_t k = 0; k <= last; ++k) below += counts[k];
  return std::min(1.0, below / total);
}

MannWhitney mann_whitney(const std::vector<double>& x, const std::vector<double>& y) {
  MannWhitney result;
  const std::size_t n1 = x.size();
  const std::size_t n2 = y.size();
  if (n1 == 0 || n2 == 0) return result;

  // Average ranks of the pooled sample, and the tie term sum(t^3 - t).
  std::vector<std::pair<double, bool>> pooled;  // value, from x
  pooled.reserve(n1 + n2);
  for (double v : x) pooled.emplace_back(v, true);
  for (double v : y) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum_x = 0.0;
  double tie_term = 0.0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    const auto t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) rank_sum_x += average_rank;
    }
    i = j;
  }
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  const double u1 = rank_sum_x - dn1 * (dn1 + 1.0) / 2.0;
  const double u2 = dn1 * dn2 - u1;
  const double u_max = std::max(u1, u2);
  result.u = u1;

  if (tie_term == 0.0 && n1 <= kExactMaxSamples && n2 <= kExactMaxSamples) {
    // P(U >= u_max) = 1 - P(U <= u_max - 1); doubled for two sides.
    result.exact = true;
    result.p = std::min(1.0, 2.0 * (1.0 - mann_whitney_exact_cdf(n1, n2, u_max - 1.0)));
    return result;
  }
  const double n = dn1 + dn2;
  const double mu = dn1 * dn2 / 2.0;
  const double variance = dn1 * dn2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
  if (!(variance > 0.0)) return result;  // every value equal: nothing to tell apart
  const double z = (u_max - mu - 0.5) / std::sqrt(variance);
  result.p = std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
  return result;
}

double mann_whitney_min_p(std::size_t n1, std::size_t n2) {
  std::vector<double> x;
  std::vector<double> y;
  for (std::size_t i = 0; i < n1; ++i) x.push_back(static_cast<double>(i));
  for (std::size_t i = 0; i < n2; ++i) y.push_back(static_cast<double>(n1 + i));
  return mann_whitney(x, y).p;
}

std::vector<double> benjamini_hochberg(const std::vector<double>& p) {
  std::vector<double> q(p.size(), kNaN);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  const auto m = static_cast<double>(order.size());
  double running_min = 1.0;
  for (std::size_t rank = order.size(); rank > 0; --rank) {
    const std::size_t i = order[rank - 1];
    running_min = std::min(running_min, p[i] * m / static_cast<double>(rank));
    q[i] = running_min;
  }
  return q;
}

long mann_whitney_lower_critical(std::size_t n1, std::size_t n2, double tail) {
  if (n1 == 0 || n2 == 0) return -1;
  if (n1 <= kExactMaxSamples && n2 <= kExactMaxSamples) {
    const std::vector<double> counts = u_counts(n1, n2);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    long critical = -1;
    double below = 0.0;
    for (std::size_t u = 0; u < counts.size(); ++u) {
      below += counts[u];
      if (below / total > tail) break;
      critical = static_cast<long>(u);
    }
    return critical;
  }
  const double dn1 = static_cast<double>(n1);
  const double dn2 = static_cast<double>(n2);
  const double mu = dn1 * dn2 / 2.0;
  const double sigma = std::sqrt(dn1 * dn2 * (dn1 + dn2 + 1.0) / 12.0);
  // P(U <= u) ~ Phi((u + 0.5 - mu) / sigma) <= tail.
  const double critical = std::floor(mu - 0.5 + normal_quantile(tail) * sigma);
  return critical < 0.0 ? -1 : static_cast<long>(critical);
}

Shift hodges_lehmann_ratio(const std::vector<double>& baseline, const std::vector<double>& current,
                           double confidence) {
  Shift shift{kNaN, kNaN, kNaN, 0.0};
  if (baseline.empty() || current.empty()) return shift;
  std::vector<double> ratios;
  ratios.reserve(baseline.size() * current.size());
  for (double b : baseline) {
    if (!(b > 0.0)) return shift;
    for (double c : current) {
      if (!(c > 0.0)) return shift;
      ratios.push_back(c / b);
    }
  }
  std::sort(ratios.begin(), ratios.end());
  shift.estimate = median(ratios) - 1.0;
  const long critical =
      mann_whitney_lower_critical(baseline.size(), current.size(), (1.0 - confidence) / 2.0);
  if (critical < 0) {
    // Too few samples for the nominal level: report the whole range, flagged
    // by confidence 0, rather than an interval that claims too much.
    shift.low = ratios.front() - 1.0;
    shift.high = ratios.back() - 1.0;
    return shift;
  }
  const auto k = static_cast<std::size_t>(critical);
  shift.low = ratios[k] - 1.0;
  shift.high = ratios[ratios.size() - 1 - k] - 1.0;
  shift.confidence = confidence;
  return shift;
}

Welch welch_t_test(double mean1, double sd1, double n1, double mean2, double sd2, double n2,
                   double confidence) {
  Welch result;
  result.diff_low = result.diff_high = kNaN;
  if (n1 < 2.0 || n2 < 2.0) return result;
  const double v1 = sd1 * sd1 / n1;
  const double v2 = sd2 * sd2 / n2;
  const double se = std::sqrt(v1 + v2);
  const double diff = mean2 - mean1;
  if (!(se > 0.0)) {
    // No spread at all: any difference is certain.
    result.p = diff == 0.0 ? 1.0 : 0.0;
    result.diff_low = result.diff_high = diff;
    return result;
  }
  result.t = diff / se;
  result.df = (v1 + v2) * (v1 + v2) / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
  result.p = std::clamp(student_t_two_sided(result.t, result.df), 0.0, 1.0);
  // Critical t of the two-sided interval, by bisection on the tail.
  double lo = 0.0;
  double hi = 1e6;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2.0;
    if (student_t_two_sided(mid, result.df) > 1.0 - confidence) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double t_critical = (lo + hi) / 2.0;
  result.diff_low = diff - t_critical * se;
  result.diff_high = diff + t_critical * se;
  return result;
}

}  // namespace vmm::bench::stats
