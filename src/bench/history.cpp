#include "bench/history.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "bench/statistics.hpp"

namespace vmm::bench {
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Records

namespace {

Result<std::string> string_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    return make_error(ErrorKind::kBadFormat, "field \"{}\" is missing or not a string", name);
  }
  return it->get<std::string>();
}

Result<double> number_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) {
    return make_error(ErrorKind::kBadFormat, "field \"{}\" is missing or not a number", name);
  }
  return it->get<double>();
}

// A number that may be null or missing (a run without wall time or without a callgrind pass).
Result<std::optional<double>> optional_number_field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::optional<double>{};
  if (!it->is_number()) return make_error(ErrorKind::kBadFormat, "field \"{}\" is not a number", name);
  return std::optional<double>{it->get<double>()};
}

// The line written to a shard: fields in the documented order, one line.
std::string record_line(const HistoryRecord& r) {
  nlohmann::ordered_json j;
  j["timestamp"] = r.timestamp;
  j["commit"] = r.commit;
  j["suite"] = r.suite;
  j["benchmark"] = r.benchmark;
  j["median_ns"] = r.median_ns ? nlohmann::ordered_json(*r.median_ns) : nlohmann::ordered_json(nullptr);
  j["cv"] = r.cv;
  j["instructions"] =
      r.instructions ? nlohmann::ordered_json(*r.instructions) : nlohmann::ordered_json(nullptr);
  j["fingerprint_id"] = r.fingerprint_id;
  return j.dump();
}

}  // namespace

nlohmann::json HistoryRecord::to_json() const { return nlohmann::json::parse(record_line(*this)); }

Result<HistoryRecord> HistoryRecord::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return make_error(ErrorKind::kBadFormat, "not a JSON object");
  HistoryRecord r;
  auto timestamp = string_field(j, "timestamp");
  if (!timestamp) return timestamp.error();
  auto commit = string_field(j, "commit");
  if (!commit) return commit.error();
  auto suite = string_field(j, "suite");
  if (!suite) return suite.error();
  auto benchmark = string_field(j, "benchmark");
  if (!benchmark) return benchmark.error();
  auto fingerprint = string_field(j, "fingerprint_id");
  if (!fingerprint) return fingerprint.error();
  auto cv = number_field(j, "cv");
  if (!cv) return cv.error();
  r.timestamp = *timestamp;
  r.commit = *commit;
  r.suite = *suite;
  r.benchmark = *benchmark;
  r.fingerprint_id = *fingerprint;
  r.cv = *cv;
  auto median = optional_number_field(j, "median_ns");
  if (!median) return median.error();
  r.median_ns = *median;
  auto instructions = optional_number_field(j, "instructions");
  if (!instructions) return instructions.error();
  r.instructions = *instructions;
  if (!r.median_ns && !r.instructions) {
    return make_error(ErrorKind::kBadFormat, "neither \"median_ns\" nor \"instructions\" is set");
  }
  if (r.suite.empty() || r.benchmark.empty()) {
    return make_error(ErrorKind::kBadFormat, "empty suite or benchmark name");
  }
  return r;
}

std::string fingerprint_id(const std::optional<Fingerprint>& fingerprint) {
  if (!fingerprint) return "unknown";
  // FNV-1a: stable across compilers and runs, unlike std::hash.
  std::uint64_t hash = 14695981039346656037ULL;
  auto feed = [&hash](const std::string& text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;  // field separator, so ("ab","c") and ("a","bc") differ
    hash *= 1099511628211ULL;
  };
  feed(fingerprint->cpu);
  feed(fingerprint->compiler);
  feed(fingerprint->build_type);
  return fmt::format("{:016x}", hash);
}

namespace {

double median_of(std::vector<double> values) {
  return values.empty() ? 0.0 : stats::median(std::move(values));
}

}  // namespace

std::vector<HistoryRecord> records_from_results(const ResultSet& results,
                                                const std::string& fallback_timestamp) {
  std::string timestamp = fallback_timestamp;
  if (results.context.is_object()) {
    if (auto it = results.context.find("date"); it != results.context.end() && it->is_string()) {
      timestamp = it->get<std::string>();
    }
  }
  std::string commit = results.fingerprint ? results.fingerprint->commit : std::string();
  std::string id = fingerprint_id(results.fingerprint);

  std::vector<HistoryRecord> records;
  for (const auto& [key, m] : results.benchmarks) {
    if (m.samples_ns.empty() && !m.instructions) continue;  // nothing measured
    HistoryRecord r;
    r.timestamp = timestamp;
    r.commit = commit;
    r.suite = m.suite.empty() ? "default" : m.suite;
    r.benchmark = m.name.empty() ? key : m.name;
    if (!m.samples_ns.empty()) r.median_ns = stats::median(m.samples_ns);
    // Google Benchmark's own cv when the file has it (it also covers
    // aggregates-only files, whose samples are just the median).
    const double cv = m.cv ? *m.cv : stats::coefficient_of_variation(m.samples_ns);
    r.cv = std::isfinite(cv) ? cv : 0.0;
    r.instructions = m.instructions;
    r.fingerprint_id = id;
    records.push_back(std::move(r));
  }
  return records;
}

// ---------------------------------------------------------------------------
// Shards

namespace {

// A suite name becomes a directory name: keep it to a safe alphabet so a
// result file cannot write outside the history directory.
std::string suite_directory_name(const std::string& suite) {
  std::string name;
  for (char c : suite) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || c == '.';
    name += safe ? c : '_';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

// The number of a shard file name "NNNNNN.jsonl", or nullopt for other files.
std::optional<std::uint64_t> shard_number(const fs::path& path) {
  if (path.extension() != ".jsonl") return std::nullopt;
  std::string stem = path.stem().string();
  if (stem.empty() || stem.size() > 18) return std::nullopt;
  if (!std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoull(stem);
}

std::string shard_file_name(std::uint64_t number) { return fmt::format("{:06}.jsonl", number); }

// Lines of a shard, counting a last line without its newline.
std::size_t count_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::size_t lines = 0;
  char last = '\n';
  for (char c; in.get(c);) {
    if (c == '\n') ++lines;
    last = c;
  }
  if (last != '\n') ++lines;
  return lines;
}

Result<std::vector<HistoryRecord>> read_shard(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, "cannot read {}", path);
  std::vector<HistoryRecord> records;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return make_error(ErrorKind::kBadFormat, "{}:{}: invalid JSON", path, number);
    auto record = HistoryRecord::from_json(j);
    if (!record) return make_error(ErrorKind::kBadFormat, "{}:{}: {}", path, number, record.error().message);
    records.push_back(std::move(record.value()));
  }
  if (in.bad()) return make_error(ErrorKind::kIo, "cannot read {}", path);
  return records;
}

Result<std::vector<HistoryRecord>> read_suite(const std::string& suite_dir) {
  std::vector<HistoryRecord> records;
  for (const std::string& shard : list_shards(suite_dir)) {
    auto part = read_shard(shard);
    if (!part) return part.error();
    records.insert(records.end(), std::make_move_iterator(part->begin()),
                   std::make_move_iterator(part->end()));
  }
  return records;
}

using RecordKey = std::tuple<std::string, std::string, std::string>;  // benchmark, timestamp, commit

RecordKey key_of(const HistoryRecord& r) { return {r.benchmark, r.timestamp, r.commit}; }

Result<std::size_t> append_suite(const fs::path& suite_dir, const std::vector<const HistoryRecord*>& records,
                                 const ShardPolicy& policy) {
  std::error_code ec;
  fs::create_directories(suite_dir, ec);
  if (ec) return make_error(ErrorKind::kIo, "cannot create {}: {}", suite_dir.string(), ec.message());

  auto existing = read_suite(suite_dir.string());
  if (!existing) return existing.error();
  std::set<RecordKey> seen;
  for (const HistoryRecord& r : *existing) seen.insert(key_of(r));

  std::vector<std::string> shards = list_shards(suite_dir.string());
  std::uint64_t current = 1;
  std::size_t lines = 0;
  if (!shards.empty()) {
    current = *shard_number(shards.back());
    lines = count_lines(shards.back());
  }
  const std::size_t max_lines = std::max<std::size_t>(policy.max_lines, 1);

  std::ofstream out;
  std::size_t written = 0;
  for (const HistoryRecord* r : records) {
    if (!seen.insert(key_of(*r)).second) continue;
    if (lines >= max_lines) {  // the shard is full: it is closed for good
      out.close();
      ++current;
      lines = 0;
    }
    if (!out.is_open()) {
      fs::path path = suite_dir / shard_file_name(current);
      out.open(path, std::ios::binary | std::ios::app);
      if (!out) return make_error(ErrorKind::kIo, "cannot write {}", path.string());
    }
    out << record_line(*r) << '\n';
    if (!out)
      return make_error(ErrorKind::kIo, "cannot write {}", (suite_dir / shard_file_name(current)).string());
    ++lines;
    ++written;
  }
  out.close();

  if (policy.max_shards > 0) {
    shards = list_shards(suite_dir.string());
    for (std::size_t i = 0; i + policy.max_shards < shards.size(); ++i) {
      fs::remove(shards[i], ec);
      if (ec) return make_error(ErrorKind::kIo, "cannot remove old shard {}: {}", shards[i], ec.message());
    }
  }
  return written;
}

}  // namespace

std::vector<std::string> list_shards(const std::string& suite_dir) {
  std::vector<std::pair<std::uint64_t, std::string>> numbered;
  std::error_code ec;
  for (fs::directory_iterator it(suite_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (auto number = shard_number(it->path())) numbered.emplace_back(*number, it->path().string());
  }
  std::sort(numbered.begin(), numbered.end());
  std::vector<std::string> paths;
  for (auto& entry : numbered) paths.push_back(std::move(entry.second));
  return paths;
}

Result<std::size_t> append_history(const std::string& data_dir, const std::vector<HistoryRecord>& records,
                                   const ShardPolicy& policy) {
  std::map<std::string, std::vector<const HistoryRecord*>> by_suite;
  for (const HistoryRecord& r : records) by_suite[suite_directory_name(r.suite)].push_back(&r);
  std::size_t written = 0;
  for (const auto& [suite, suite_records] : by_suite) {
    auto n = append_suite(fs::path(data_dir) / suite, suite_records, policy);
    if (!n) return n.error();
    written += *n;
  }
  return written;
}

Result<std::vector<HistoryRecord>> read_history(const std::string& data_dir) {
  std::vector<HistoryRecord> records;
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) return records;
  if (!fs::is_directory(data_dir, ec))
    return make_error(ErrorKind::kBadFormat, "{} is not a directory", data_dir);
  std::vector<std::string> suites;
  for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) suites.push_back(it->path().string());
  }
  if (ec) return make_error(ErrorKind::kIo, "cannot list {}: {}", data_dir, ec.message());
  std::sort(suites.begin(), suites.end());
  for (const std::string& suite : suites) {
    auto part = read_suite(suite);
    if (!part) return part.error();
    records.insert(records.end(), std::make_move_iterator(part->begin()),
                   std::make_move_iterator(part->end()));
  }
  return records;
}

// ---------------------------------------------------------------------------
// Change points

namespace {

struct WindowTest {
  bool passes = false;
  double p_value = 1.0;
  double before = 0.0;
  double after = 0.0;
};

// Robust standard deviation of the noise of a whole series, from the
// differences of consecutive points: a step or an outlier changes only one or
// two of them, so neither inflates the estimate (unlike the spread of the
// values), and every point contributes (unlike the spread of one window).
double noise_sigma(std::span<const double> values) {
  if (values.size() < 3) return 0.0;
  std::vector<double> differences;
  for (std::size_t i = 1; i < values.size(); ++i) differences.push_back(std::abs(values[i] - values[i - 1]));
  return 1.4826 * median_of(std::move(differences)) / std::sqrt(2.0);
}

WindowTest test_windows(std::span<const double> left, std::span<const double> right, double sigma,
                        const ChangePointOptions& options) {
  WindowTest result;
  result.before = median_of({left.begin(), left.end()});
  result.after = median_of({right.begin(), right.end()});
  const double step = std::abs(result.after - result.before);
  if (step == 0.0) return result;
  result.p_value = stats::mann_whitney({left.begin(), left.end()}, {right.begin(), right.end()}).p;
  const double level = std::abs(result.before);
  const bool large_relative = level == 0.0 || step / level >= options.min_relative_step;
  // Standard error of the difference of two medians of normal noise.
  const double standard_error =
      1.2533 * sigma *
      std::sqrt(1.0 / static_cast<double>(left.size()) + 1.0 / static_cast<double>(right.size()));
  const bool above_noise = step >= options.min_step_z * standard_error;
  // Most points of each window must sit on their own side of the midpoint
  // between the levels: a median can follow a minority of shifted points
  // (three runs at a new level in a window of four, or one outlier in a
  // short window at the edge of the series), a level seen in min_points runs
  // cannot.
  const double midpoint = (result.before + result.after) / 2.0;
  const bool rising = result.after > result.before;
  const auto supported = [&](std::span<const double> window, bool below) {
    const auto n = static_cast<std::size_t>(std::count_if(
        window.begin(), window.end(), [&](double v) { return below ? v < midpoint : v > midpoint; }));
    return n >= options.min_points &&
           static_cast<double>(n) >= options.min_support * static_cast<double>(window.size());
  };
  const bool separated = supported(left, rising) && supported(right, !rising);
  result.passes = result.p_value < options.alpha && large_relative && above_noise && separated;
  return result;
}

// Sum of absolute deviations of values[a, t) from their median plus those of
// values[t, b) from theirs: the L1 cost of modelling the region as two
// levels split at t (robust to an outlier, like everything here).
double split_cost(std::span<const double> values, std::size_t a, std::size_t t, std::size_t b) {
  double cost = 0.0;
  for (auto [begin, end] : {std::pair{a, t}, std::pair{t, b}}) {
    const std::span<const double> part = values.subspan(begin, end - begin);
    const double level = median_of({part.begin(), part.end()});
    for (double v : part) cost += std::abs(v - level);
  }
  return cost;
}

void segment_change_points(std::span<const double> values, std::size_t lo, std::size_t hi, double sigma,
                           const ChangePointOptions& options, std::vector<ChangePoint>& out) {
  const std::size_t min_points = std::max<std::size_t>(options.min_points, 2);
  const std::size_t window = std::max(options.window, min_points);
  if (hi - lo < 2 * min_points) return;

  auto test_at = [&](std::size_t t) {
    const std::size_t left_begin = t - std::min(window, t - lo);
    const std::size_t right_end = t + std::min(window, hi - t);
    return test_windows(values.subspan(left_begin, t - left_begin), values.subspan(t, right_end - t), sigma,
                        options);
  };

  // The most significant split of the segment.
  std::optional<std::size_t> best;
  WindowTest best_test;
  for (std::size_t t = lo + min_points; t + min_points <= hi; ++t) {
    WindowTest test = test_at(t);
    if (test.passes && (!best || test.p_value < best_test.p_value)) {
      best = t;
      best_test = test;
    }
  }
  if (!best) return;

  // Splits next to the step can be as significant (a boundary point that
  // happens to lie between the levels still separates perfectly): place the
  // step where two levels fit the points around it best.
  const std::size_t region_begin = *best - std::min(window, *best - lo);
  const std::size_t region_end = *best + std::min(window, hi - *best);
  std::size_t at = *best;
  double best_cost = split_cost(values, region_begin, at, region_end);
  for (std::size_t t = std::max(region_begin + min_points, *best - (min_points - 1));
       t <= std::min(region_end - min_points, *best + (min_points - 1)); ++t) {
    const double cost = split_cost(values, region_begin, t, region_end);
    if (cost < best_cost) {
      if (WindowTest test = test_at(t); test.passes) {
        at = t;
        best_cost = cost;
        best_test = test;
      }
    }
  }

  const double relative =
      best_test.before != 0.0 ? (best_test.after - best_test.before) / std::abs(best_test.before) : 0.0;
  out.push_back(ChangePoint{at, best_test.before, best_test.after, relative, best_test.p_value});
  segment_change_points(values, lo, at, sigma, options, out);
  segment_change_points(values, at, hi, sigma, options, out);
}

}  // namespace

std::vector<ChangePoint> detect_change_points(std::span<const double> values,
                                              const ChangePointOptions& options) {
  std::vector<ChangePoint> points;
  segment_change_points(values, 0, values.size(), noise_sigma(values), options, points);
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  return points;
}

std::vector<BenchmarkSeries> build_series(const std::vector<HistoryRecord>& records) {
  std::map<std::string, std::vector<const HistoryRecord*>> grouped;
  for (const HistoryRecord& r : records) grouped[r.suite + "/" + r.benchmark].push_back(&r);

  std::vector<BenchmarkSeries> all;
  for (const auto& [key, group] : grouped) {
    BenchmarkSeries s;
    s.suite = group.front()->suite;
    s.benchmark = group.front()->benchmark;
    const bool use_instructions = group.back()->instructions.has_value();
    s.metric = use_instructions ? "instructions" : "median_ns";
    for (const HistoryRecord* r : group) {
      const std::optional<double>& value = use_instructions ? r->instructions : r->median_ns;
      if (!value) continue;
      s.values.push_back(*value);
      s.points.push_back(*r);
    }
    ChangePointOptions options;
    options.min_relative_step = use_instructions ? 0.01 : 0.03;
    s.change_points = detect_change_points(s.values, options);
    all.push_back(std::move(s));
  }
  return all;
}

// ---------------------------------------------------------------------------
// Text

namespace {

// Compact numbers for axes and tables: 8210 -> "8,210", 1.5e6 -> "1.50M".
std::string format_value(double v) {
  const double a = std::abs(v);
  if (a >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g}k", v / 1e3);
  if (a >= 100 || v == std::floor(v)) {
    std::string digits = fmt::format("{:.0f}", std::abs(v));
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
      grouped += digits[i];
    }
    return (v < 0 ? "-" : "") + grouped;
  }
  return fmt::format("{:.3g}", v);
}

std::string format_percent(double ratio) { return fmt::format("{:+.1f}%", ratio * 100.0); }

std::string metric_unit(const std::string& metric) {
  return metric == "instructions" ? "instructions / iteration" : "median ns / iteration";
}

std::string short_commit(const std::string& commit) {
  return commit.substr(0, std::min<std::size_t>(commit.size(), 10));
}

std::string short_date(const std::string& timestamp) {
  return timestamp.substr(0, std::min<std::size_t>(timestamp.size(), 10));
}

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// An id usable in a URL fragment.
std::string anchor_id(const std::string& key) {
  std::string id = "bench-";
  for (char c : key) {
    bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    id += safe ? c : '-';
  }
  return id;
}

bool environment_changed(const BenchmarkSeries& s, std::size_t index) {
  return index > 0 && index < s.points.size() &&
         s.points[index].fingerprint_id != s.points[index - 1].fingerprint_id;
}

}  // namespace

std::string describe_change_point(const BenchmarkSeries& s, const ChangePoint& c) {
  std::string where = fmt::format("run {} of {}", c.index + 1, s.values.size());
  if (c.index < s.points.size()) {
    const HistoryRecord& r = s.points[c.index];
    where += fmt::format(" ({}", short_date(r.timestamp));
    if (!r.commit.empty()) where += ", commit " + short_commit(r.commit);
    where += ")";
  }
  return fmt::format("{}: {} {} ({} -> {}) at {}{}", s.key(), s.metric, format_percent(c.relative_change),
                     format_value(c.before), format_value(c.after), where,
                     environment_changed(s, c.index) ? "; the machine or build changed there" : "");
}

// ---------------------------------------------------------------------------
// HTML

namespace {

constexpr double kChartWidth = 760;
constexpr double kChartHeight = 280;
constexpr double kMarginLeft = 84;
constexpr double kMarginRight = 24;
constexpr double kMarginTop = 36;
constexpr double kMarginBottom = 56;

// 1, 2 or 5 times a power of ten: readable tick spacing.
double nice_step(double range, int target_ticks) {
  const double raw = range / target_ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  double nice = 10.0;
  if (fraction <= 1.0) {
    nice = 1.0;
  } else if (fraction <= 2.0) {
    nice = 2.0;
  } else if (fraction <= 5.0) {
    nice = 5.0;
  }
  return nice * magnitude;
}

std::string fixed(double v) { return fmt::format("{:.1f}", v); }

std::string render_chart(const BenchmarkSeries& s) {
  const std::size_t n = s.values.size();
  const double plot_w = kChartWidth - kMarginLeft - kMarginRight;
  const double plot_h = kChartHeight - kMarginTop - kMarginBottom;

  double lo = *std::min_element(s.values.begin(), s.values.end());
  double hi = *std::max_element(s.values.begin(), s.values.end());
  if (hi - lo < std::abs(hi) * 1e-6 || hi == lo) {  // a flat line: show +-5% around it
    const double pad = std::max(std::abs(hi) * 0.05, 1.0);
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(hi - lo, 5);
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;

  auto x_of = [&](std::size_t i) {
    return n <= 1 ? kMarginLeft + plot_w / 2
                  : kMarginLeft + plot_w * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y_of = [&](double v) { return kMarginTop + plot_h * (1.0 - (v - lo) / (hi - lo)); };

  std::string key = s.key();
  std::string out;
  out += fmt::format(
      "<svg class=\"trend-chart\" data-benchmark=\"{}\" data-metric=\"{}\" data-points=\"{}\" "
      "data-change-points=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\">\n",
      escape_html(key), s.metric, n, s.change_points.size(), kChartWidth, kChartHeight, kChartWidth,
      kChartHeight);
  out += fmt::format("<title>{} ({})</title>\n", escape_html(key), metric_unit(s.metric));
  out += fmt::format("<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/>\n", kChartWidth,
                     kChartHeight);
  out +=
      fmt::format("<text class=\"chart-title\" x=\"{}\" y=\"22\">{}</text>\n", kMarginLeft, escape_html(key));

  // Grid and y axis ticks.
  for (double v = lo; v <= hi + step / 2; v += step) {
    const double y = y_of(v);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", kMarginLeft,
                       fixed(y), kMarginLeft + plot_w, fixed(y));
    out += fmt::format("<text class=\"tick y-tick\" x=\"{}\" y=\"{}\">{}</text>\n", kMarginLeft - 6,
                       fixed(y + 4), format_value(v));
  }
  // Axes.
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", kMarginLeft,
                     kMarginTop, kMarginTop + plot_h);
  out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>\n", kMarginLeft,
                     kMarginTop + plot_h, kMarginLeft + plot_w);
  // X ticks: at most 6 runs, labelled by date.
  const std::size_t x_ticks = std::min<std::size_t>(n, 6);
  for (std::size_t k = 0; k < x_ticks; ++k) {
    const std::size_t i = x_ticks == 1 ? 0 : k * (n - 1) / (x_ticks - 1);
    const double x = x_of(i);
    out += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", fixed(x),
                       kMarginTop + plot_h, kMarginTop + plot_h + 4);
    // The last label ends at its tick so it stays inside the chart.
    const char* anchor = (k + 1 == x_ticks && x_ticks > 1) ? " x-tick-last" : "";
    out += fmt::format("<text class=\"tick x-tick{}\" x=\"{}\" y=\"{}\">{}</text>\n", anchor, fixed(x),
                       kMarginTop + plot_h + 17, escape_html(short_date(s.points[i].timestamp)));
  }
  out += fmt::format("<text class=\"axis-label\" x=\"{}\" y=\"{}\">run (oldest to newest, {} runs)</text>\n",
                     fixed(kMarginLeft + plot_w / 2), kChartHeight - 10, n);
  out += fmt::format("<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"{}\" y=\"16\">{}</text>\n",
                     fixed(-(kMarginTop + plot_h / 2)), metric_unit(s.metric));

  // Where the machine or build changed: values on either side are not comparable.
  for (std::size_t i = 1; i < n; ++i) {
    if (!environment_changed(s, i)) continue;
    const double x = (x_of(i - 1) + x_of(i)) / 2;
    out += fmt::format(
        "<line class=\"env-change\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"><title>machine or build "
        "changed"
        "</title></line>\n",
        fixed(x), kMarginTop, kMarginTop + plot_h);
  }

  // The level of each segment between change points.
  std::vector<std::size_t> bounds{0};
  for (const ChangePoint& c : s.change_points) bounds.push_back(c.index);
  bounds.push_back(n);
  for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
    std::vector<double> segment(s.values.begin() + static_cast<std::ptrdiff_t>(bounds[b]),
                                s.values.begin() + static_cast<std::ptrdiff_t>(bounds[b + 1]));
    if (segment.empty()) continue;
    const double y = y_of(median_of(segment));
    out += fmt::format("<line class=\"level\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       fixed(x_of(bounds[b])), fixed(y), fixed(x_of(bounds[b + 1] - 1)), fixed(y));
  }

  // Change points: a vertical marker before the first point of the new level.
  for (const ChangePoint& c : s.change_points) {
    const double x = (x_of(c.index - 1) + x_of(c.index)) / 2;
    out += fmt::format(
        "<g class=\"change-point\" data-index=\"{}\"><title>{}</title>"
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text></g>\n",
        c.index, escape_html(describe_change_point(s, c)), fixed(x), kMarginTop, fixed(x),
        kMarginTop + plot_h, fixed(x + 4), kMarginTop + 12, format_percent(c.relative_change));
  }

  // The series itself.
  std::string path;
  for (std::size_t i = 0; i < n; ++i) {
    path += fmt::format("{}{} {}", i == 0 ? "M" : " L", fixed(x_of(i)), fixed(y_of(s.values[i])));
  }
  if (n == 1) path += fmt::format(" h 0.1");  // a lone point still draws (round caps)
  out += fmt::format("<path class=\"series\" d=\"{}\"/>\n", path);
  for (std::size_t i = 0; i < n; ++i) {
    const HistoryRecord& r = s.points[i];
    out += fmt::format(
        "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"3\"><title>run {}: {} {}, {}{}</title></circle>\n",
        fixed(x_of(i)), fixed(y_of(s.values[i])), i + 1, format_value(s.values[i]),
        s.metric == "instructions" ? "instructions" : "ns", escape_html(r.timestamp),
        r.commit.empty() ? "" : ", commit " + escape_html(short_commit(r.commit)));
  }
  out += "</svg>\n";
  return out;
}

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; background: #fafafa; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
p.note { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 16px 0 32px; background: #fff; }
th, td { border: 1px solid #ddd; padding: 4px 10px; text-align: left; font-size: 0.92em; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #c62828; } .down { color: #2e7d32; } .none { color: #888; }
section.chart { margin-bottom: 28px; }
svg.trend-chart { display: block; max-width: 100%; height: auto; border: 1px solid #ddd; }
svg.trend-chart .background { fill: #fff; }
svg.trend-chart .chart-title { font-size: 15px; font-weight: 600; fill: #222; }
svg.trend-chart .grid { stroke: #eee; stroke-width: 1; }
svg.trend-chart .axis { stroke: #555; stroke-width: 1; }
svg.trend-chart .tick { font-size: 11px; fill: #555; }
svg.trend-chart .y-tick { text-anchor: end; }
svg.trend-chart .x-tick { text-anchor: middle; }
svg.trend-chart .x-tick-last { text-anchor: end; }
svg.trend-chart .axis-label { font-size: 12px; fill: #333; text-anchor: middle; }
svg.trend-chart .series { fill: none; stroke: #1f77b4; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg.trend-chart .point { fill: #1f77b4; }
svg.trend-chart .level { stroke: #ff9800; stroke-width: 2; stroke-dasharray: 6 4; }
svg.trend-chart .change-point line { stroke: #d62728; stroke-width: 2; stroke-dasharray: 4 3; }
svg.trend-chart .change-point text { font-size: 12px; font-weight: 600; fill: #d62728; }
svg.trend-chart .env-change { stroke: #999; stroke-width: 1; stroke-dasharray: 2 3; }
)";

}  // namespace

std::string render_history_html(const std::vector<BenchmarkSeries>& series) {
  std::size_t total_changes = 0;
  for (const BenchmarkSeries& s : series) total_changes += s.change_points.size();

  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>vm benchmark history</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<h1>vm benchmark history</h1>\n";
  out += fmt::format(
      "<p class=\"note\">{} benchmark{}, {} change point{}. Generated by <code>vm bench history</code>. "
      "Instruction "
      "counts (callgrind, deterministic) are charted when a run has them, else the median wall time. Red "
      "dashed "
      "lines mark change points (a step in the level, not a single outlier); orange dashed lines the level "
      "of each "
      "segment; grey dotted lines a change of machine or build.</p>\n",
      series.size(), series.size() == 1 ? "" : "s", total_changes, total_changes == 1 ? "" : "s");

  if (series.empty()) {
    out += "<p>No benchmark history yet.</p>\n</body>\n</html>\n";
    return out;
  }

  out +=
      "<table class=\"index\">\n<thead><tr><th>Benchmark</th><th>Metric</th><th>Runs</th><th>Latest</th>"
      "<th>Latest change point</th></tr></thead>\n<tbody>\n";
  for (const BenchmarkSeries& s : series) {
    std::string change = "<span class=\"none\">none</span>";
    if (!s.change_points.empty()) {
      const ChangePoint& c = s.change_points.back();
      change =
          fmt::format("<span class=\"{}\">{}</span> at run {} ({}){}", c.relative_change > 0 ? "up" : "down",
                      format_percent(c.relative_change), c.index + 1,
                      escape_html(short_date(s.points[c.index].timestamp)),
                      s.change_points.size() > 1 ? fmt::format("; {} in all", s.change_points.size()) : "");
    }
    out += fmt::format(
        "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td>{}</td></tr>\n",
        anchor_id(s.key()), escape_html(s.key()), s.metric, s.values.size(),
        s.values.empty() ? "-" : format_value(s.values.back()), change);
  }
  out += "</tbody>\n</table>\n";

  for (const BenchmarkSeries& s : series) {
    if (s.values.empty()) continue;
    out += fmt::format("<section class=\"chart\" id=\"{}\">\n", anchor_id(s.key()));
    out += render_chart(s);
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace vmm::bench
