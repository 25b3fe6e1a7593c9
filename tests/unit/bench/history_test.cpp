#include "bench/history.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace vmm::bench {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    m_path = fs::path(::testing::TempDir()) / (std::string("history_test_") + info->name());
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::string str() const { return m_path.string(); }
  [[nodiscard]] fs::path path() const { return m_path; }

 private:
  fs::path m_path;
};

HistoryRecord record(int run, const std::string& benchmark = "BM_A", const std::string& suite = "memory") {
  HistoryRecord r;
  r.timestamp = "2024-03-" + std::to_string(10 + run) + "T06:00:00+00:00";
  r.commit = "c" + std::to_string(run);
  r.suite = suite;
  r.benchmark = benchmark;
  r.median_ns = 100.0 + run;
  r.cv = 0.01;
  r.instructions = 1000.0 + run;
  r.fingerprint_id = "0123456789abcdef";
  return r;
}

std::vector<HistoryRecord> runs(int first, int count) {
  std::vector<HistoryRecord> records;
  for (int i = first; i < first + count; ++i) records.push_back(record(i));
  return records;
}

std::size_t lines_of(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Gaussian noise from mt19937 (whose output the standard fixes) by
// Box-Muller, so the series are the same with every standard library.
std::vector<double> noisy(std::size_t n, double level, double sigma, std::uint32_t seed) {
  std::mt19937 gen(seed);
  auto uniform = [&gen] { return (static_cast<double>(gen()) + 1.0) / 4294967297.0; };
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    const double z = std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * M_PI * uniform());
    values.push_back(level + sigma * z);
  }
  return values;
}

// ---------------------------------------------------------------------------
// Storage

TEST(HistoryStorage, ShardIsClosedAtItsBound) {
  TempDir dir;
  const ShardPolicy policy{.max_lines = 5, .max_shards = 0};
  auto written = append_history(dir.str(), runs(0, 12), policy);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, 12u);

  auto shards = list_shards((dir.path() / "memory").string());
  ASSERT_EQ(shards.size(), 3u);
  EXPECT_EQ(fs::path(shards[0]).filename(), "000001.jsonl");
  EXPECT_EQ(fs::path(shards[2]).filename(), "000003.jsonl");
  EXPECT_EQ(lines_of(shards[0]), 5u);
  EXPECT_EQ(lines_of(shards[1]), 5u);
  EXPECT_EQ(lines_of(shards[2]), 2u);

  // Full shards are never written again; the open one fills up first.
  const std::string first = read_all(shards[0]);
  ASSERT_TRUE(append_history(dir.str(), runs(12, 4), policy));
  shards = list_shards((dir.path() / "memory").string());
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_EQ(read_all(shards[0]), first);
  EXPECT_EQ(lines_of(shards[2]), 5u);
  EXPECT_EQ(lines_of(shards[3]), 1u);

  auto history = read_history(dir.str());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 16u);
  for (int i = 0; i < 16; ++i) EXPECT_EQ((*history)[static_cast<std::size_t>(i)], record(i)) << i;
}

TEST(HistoryStorage, ShardsSortNumericallyPastSixDigits) {
  TempDir dir;
  fs::create_directories(dir.path() / "memory");
  std::ofstream(dir.path() / "memory" / "999999.jsonl") << record(0).to_json().dump() << '\n';
  std::ofstream(dir.path() / "memory" / "1000000.jsonl") << record(1).to_json().dump() << '\n';
  std::ofstream(dir.path() / "memory" / "notes.txt") << "not a shard\n";
  auto shards = list_shards((dir.path() / "memory").string());
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(fs::path(shards[0]).filename(), "999999.jsonl");
  EXPECT_EQ(fs::path(shards[1]).filename(), "1000000.jsonl");
}

TEST(HistoryStorage, RetentionKeepsTheNewestShards) {
  TempDir dir;
  const ShardPolicy policy{.max_lines = 2, .max_shards = 2};
  ASSERT_TRUE(append_history(dir.str(), runs(0, 7), policy));  // shards of 2, 2, 2, 1 lines
  auto shards = list_shards((dir.path() / "memory").string());
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(fs::path(shards[0]).filename(), "000003.jsonl");
  EXPECT_EQ(fs::path(shards[1]).filename(), "000004.jsonl");
  auto history = read_history(dir.str());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ(history->front(), record(4));
  EXPECT_EQ(history->back(), record(6));
}

TEST(HistoryStorage, RoundTripKeepsEveryField) {
  TempDir dir;
  std::vector<HistoryRecord> records;
  HistoryRecord a = record(1, "BM_GuestRamWriteRead/4096");
  a.instructions.reset();  // a run without the callgrind pass
  HistoryRecord b = record(2, "BM_\"quoted\" \\ name", "cross_arch");
  b.median_ns.reset();  // instruction counts only
  b.cv = 0.0;
  HistoryRecord c = record(3);
  c.median_ns = 1.0 / 3.0;  // needs every digit to survive
  c.instructions = 123456789012.0;
  records = {a, b, c};
  auto written = append_history(dir.str(), records);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(*written, 3u);

  auto history = read_history(dir.str());
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_EQ(history->size(), 3u);
  // Suites in name order, each in append order.
  EXPECT_EQ((*history)[0], b);
  EXPECT_EQ((*history)[1], a);
  EXPECT_EQ((*history)[2], c);

  // One JSON object per line with the documented fields.
  const std::string line = read_all((dir.path() / "memory" / "000001.jsonl").string());
  EXPECT_EQ(line.rfind("{\"timestamp\":", 0), 0u) << line;
  EXPECT_NE(line.find("\"instructions\":null"), std::string::npos);
  EXPECT_NE(line.find("\"fingerprint_id\":\"0123456789abcdef\""), std::string::npos);
}

TEST(HistoryStorage, AppendingTheSameRunTwiceChangesNothing) {
  TempDir dir;
  ASSERT_TRUE(append_history(dir.str(), runs(0, 3)));
  auto again = append_history(dir.str(), runs(0, 3));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
  auto history = read_history(dir.str());
  ASSERT_TRUE(history);
  EXPECT_EQ(history->size(), 3u);
}

TEST(HistoryStorage, SuiteNamesCannotEscapeTheDirectory) {
  TempDir dir;
  fs::create_directories(dir.path() / "data");
  ASSERT_TRUE(append_history((dir.path() / "data").string(), {record(0, "BM_A", "../evil")}));
  EXPECT_FALSE(fs::exists(dir.path() / "evil"));
  EXPECT_TRUE(fs::exists(dir.path() / "data" / ".._evil" / "000001.jsonl"));
}

TEST(HistoryStorage, MissingDirectoryIsAnEmptyHistory) {
  TempDir dir;
  auto history = read_history((dir.path() / "nothing").string());
  ASSERT_TRUE(history);
  EXPECT_TRUE(history->empty());
}

TEST(HistoryStorage, InvalidLineNamesFileAndLine) {
  TempDir dir;
  ASSERT_TRUE(append_history(dir.str(), runs(0, 2)));
  std::ofstream(dir.path() / "memory" / "000001.jsonl", std::ios::app) << "{\"timestamp\": 3}\n";
  auto history = read_history(dir.str());
  ASSERT_FALSE(history);
  EXPECT_NE(history.error().message.find("000001.jsonl:3"), std::string::npos) << history.error().message;
  EXPECT_NE(history.error().message.find("timestamp"), std::string::npos) << history.error().message;

  std::ofstream(dir.path() / "memory" / "000001.jsonl", std::ios::trunc) << "{\"truncated\n";
  history = read_history(dir.str());
  ASSERT_FALSE(history);
  EXPECT_NE(history.error().message.find("000001.jsonl:1: invalid JSON"), std::string::npos);
}

TEST(HistoryRecords, FromResults) {
  ResultSet results;
  results.context = {{"date", "2024-03-02T10:20:30+00:00"}};
  results.fingerprint = Fingerprint{"cpu", "GCC 12.2.0", "Release", "abc123", "host", {}};
  Measurement timed;
  timed.name = "BM_TlbHitLoad";
  timed.suite = "memory";
  timed.samples_ns = {10.0, 12.0, 11.0};
  timed.instructions = 8210.0;
  Measurement counted;
  counted.name = "BM_CountOnly";
  counted.suite = "memory";
  counted.instructions = 99.0;
  Measurement empty;
  empty.name = "BM_Nothing";
  results.benchmarks = {
      {"memory/BM_TlbHitLoad", timed}, {"memory/BM_CountOnly", counted}, {"BM_Nothing", empty}};

  auto records = records_from_results(results, "fallback");
  ASSERT_EQ(records.size(), 2u);
  const HistoryRecord& count_only = records[0];  // map order: "memory/BM_CountOnly" first
  const HistoryRecord& r = records[1];
  EXPECT_EQ(r.timestamp, "2024-03-02T10:20:30+00:00");
  EXPECT_EQ(r.commit, "abc123");
  EXPECT_EQ(r.suite, "memory");
  EXPECT_EQ(r.benchmark, "BM_TlbHitLoad");
  ASSERT_TRUE(r.median_ns);
  EXPECT_DOUBLE_EQ(*r.median_ns, 11.0);
  EXPECT_NEAR(r.cv, 1.0 / 11.0, 1e-12);
  EXPECT_EQ(r.instructions, 8210.0);
  EXPECT_EQ(r.fingerprint_id, fingerprint_id(results.fingerprint));
  EXPECT_FALSE(count_only.median_ns);
  EXPECT_EQ(count_only.instructions, 99.0);

  results.context = nlohmann::json::object();
  EXPECT_EQ(records_from_results(results, "fallback").front().timestamp, "fallback");
}

TEST(HistoryRecords, FingerprintIdIgnoresCommitAndHost) {
  Fingerprint a{"cpu", "GCC 12.2.0", "Release", "abc", "host-a", {}};
  Fingerprint b{"cpu", "GCC 12.2.0", "Release", "def", "host-b", {}};
  Fingerprint c{"cpu", "Clang 14", "Release", "abc", "host-a", {}};
  EXPECT_EQ(fingerprint_id(a), fingerprint_id(b));
  EXPECT_NE(fingerprint_id(a), fingerprint_id(c));
  EXPECT_EQ(fingerprint_id(a).size(), 16u);
  EXPECT_EQ(fingerprint_id(std::nullopt), "unknown");
}

// ---------------------------------------------------------------------------
// Change points

TEST(ChangePoints, CleanStepIsFoundAtItsIndex) {
  std::vector<double> values = noisy(20, 100.0, 1.0, 1);
  std::vector<double> after = noisy(20, 110.0, 1.0, 2);
  values.insert(values.end(), after.begin(), after.end());
  auto points = detect_change_points(values);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].index, 20u);
  EXPECT_NEAR(points[0].relative_change, 0.10, 0.02);
  EXPECT_LT(points[0].p_value, 0.01);
}

TEST(ChangePoints, DeterministicStepIsFoundAtEveryPosition) {
  // Instruction counts: no noise at all. The step is found as soon as
  // min_points runs show the new level, and always at the right run.
  for (std::size_t at = 4; at <= 26; ++at) {
    std::vector<double> values(30, 8210.0);
    for (std::size_t i = at; i < values.size(); ++i) values[i] = 9350.0;
    auto points = detect_change_points(values);
    ASSERT_EQ(points.size(), 1u) << "step at " << at;
    EXPECT_EQ(points[0].index, at);
    EXPECT_DOUBLE_EQ(points[0].before, 8210.0);
    EXPECT_DOUBLE_EQ(points[0].after, 9350.0);
  }
}

TEST(ChangePoints, StepNeedsMinPointsOnEachSide) {
  std::vector<double> values(20, 100.0);
  for (std::size_t i = 17; i < values.size(); ++i) values[i] = 150.0;  // only 3 runs at the new level
  EXPECT_TRUE(detect_change_points(values).empty());
}

TEST(ChangePoints, SingleSpikeIsNotAChangePoint) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    for (std::size_t at : {0u, 5u, 15u, 28u, 29u}) {
      std::vector<double> values = noisy(30, 100.0, 1.0, seed);
      values[at] = 250.0;
      EXPECT_TRUE(detect_change_points(values).empty()) << "seed " << seed << ", spike at " << at;
      values[at] = 10.0;  // a dip as well
      EXPECT_TRUE(detect_change_points(values).empty()) << "seed " << seed << ", dip at " << at;
    }
  }
  std::vector<double> deterministic(30, 8210.0);
  deterministic[12] = 9999.0;
  EXPECT_TRUE(detect_change_points(deterministic).empty());
}

TEST(ChangePoints, FlatNoisySeriesHasNone) {
  for (std::uint32_t seed = 1; seed <= 50; ++seed) {
    std::vector<double> values = noisy(60, 100.0, 3.0, seed);  // 3% noise, like wall time on CI
    auto points = detect_change_points(values, {.min_relative_step = 0.03});
    EXPECT_TRUE(points.empty()) << "seed " << seed << ": change at " << points.front().index;
  }
  std::vector<double> constant(40, 412.0);
  EXPECT_TRUE(detect_change_points(constant).empty());
}

TEST(ChangePoints, SmallStepBelowTheMinimumIsIgnored) {
  std::vector<double> values(30, 1000.0);
  for (std::size_t i = 15; i < values.size(); ++i) values[i] = 1005.0;  // +0.5%
  EXPECT_TRUE(detect_change_points(values, {.min_relative_step = 0.01}).empty());
  EXPECT_EQ(detect_change_points(values, {.min_relative_step = 0.001}).size(), 1u);
}

TEST(ChangePoints, SeveralStepsAreAllFound) {
  std::vector<double> values = noisy(15, 100.0, 1.0, 3);
  for (double v : noisy(10, 120.0, 1.0, 4)) values.push_back(v);
  for (double v : noisy(15, 90.0, 1.0, 5)) values.push_back(v);
  auto points = detect_change_points(values);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].index, 15u);
  EXPECT_EQ(points[1].index, 25u);
  EXPECT_GT(points[0].relative_change, 0.0);
  EXPECT_LT(points[1].relative_change, 0.0);
}

TEST(ChangePoints, ShortSeriesHasNone) {
  EXPECT_TRUE(detect_change_points(std::vector<double>{}).empty());
  EXPECT_TRUE(detect_change_points(std::vector<double>{1, 1, 1, 9, 9, 9}).empty());
}

TEST(HistorySeries, MetricIsInstructionsWhenTheLatestRunHasThem) {
  std::vector<HistoryRecord> records;
  for (int i = 0; i < 12; ++i) {
    HistoryRecord r = record(i, "BM_Counted");
    r.instructions = i < 6 ? 1000.0 : 1200.0;
    records.push_back(r);
    HistoryRecord t = record(i, "BM_Timed");
    t.instructions.reset();
    records.push_back(t);
  }
  records[0].instructions.reset();  // an early run without the callgrind pass
  auto series = build_series(records);
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(series[0].key(), "memory/BM_Counted");
  EXPECT_EQ(series[0].metric, "instructions");
  EXPECT_EQ(series[0].values.size(), 11u);
  ASSERT_EQ(series[0].change_points.size(), 1u);
  EXPECT_EQ(series[0].change_points[0].index, 5u);  // run 6 of the 11 with counts
  EXPECT_EQ(series[1].metric, "median_ns");
  EXPECT_EQ(series[1].values.size(), 12u);
  EXPECT_NE(describe_change_point(series[0], series[0].change_points[0])
                .find("memory/BM_Counted: instructions +20.0%"),
            std::string::npos)
      << describe_change_point(series[0], series[0].change_points[0]);
}

// ---------------------------------------------------------------------------
// HTML

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(HistoryHtml, OneChartPerBenchmark) {
  std::vector<HistoryRecord> records;
  for (int i = 0; i < 12; ++i) {
    HistoryRecord a = record(i, "BM_A");
    a.instructions = i < 6 ? 1000.0 : 1300.0;
    records.push_back(a);
    records.push_back(record(i, "BM_<b>&\"c\"", "cross_arch"));
    records.push_back(record(i, "BM_Single", "other"));
  }
  auto series = build_series(records);
  const std::string html = render_history_html(series);

  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<svg class=\"trend-chart\""), series.size());
  EXPECT_EQ(count(html, "<svg"), series.size());
  EXPECT_NE(html.find("data-benchmark=\"memory/BM_A\""), std::string::npos);
  EXPECT_NE(html.find("data-benchmark=\"cross_arch/BM_&lt;b&gt;&amp;&quot;c&quot;\""), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);  // names are escaped everywhere
  EXPECT_EQ(count(html, "<path class=\"series\" d=\"M"), series.size());
  EXPECT_EQ(count(html, "class=\"change-point\""), 1u);
  EXPECT_NE(html.find("+30.0%"), std::string::npos);
  // An index row per benchmark.
  EXPECT_EQ(count(html, "<tr><td><a href=\"#bench-"), series.size());

  // Self-contained: nothing to fetch.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
}

TEST(HistoryHtml, SinglePointAndEmptyHistory) {
  auto series = build_series({record(0)});
  const std::string html = render_history_html(series);
  EXPECT_EQ(count(html, "<svg class=\"trend-chart\""), 1u);
  EXPECT_NE(html.find("<path class=\"series\" d=\"M"), std::string::npos);

  const std::string empty = render_history_html({});
  EXPECT_EQ(count(empty, "<svg"), 0u);
  EXPECT_NE(empty.find("No benchmark history yet"), std::string::npos);
}

}  // namespace
}  // namespace vmm::bench
