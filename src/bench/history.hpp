#pragma once
// The performance history behind `vm bench history`: a sharded JSON Lines
// store of past runs, change-point detection on each benchmark's series and
// the self-contained HTML trend page.
//
// Storage layout (the files are committed, so they must stay small and diff
// well):
//   <data_dir>/<suite>/<NNNNNN>.jsonl   e.g. .github/perf-data/memory/000003.jsonl
// One line per (run, benchmark):
//   {"timestamp": "2024-03-02T10:20:30+00:00", "commit": "abc123", "suite": "memory",
//    "benchmark": "BM_TlbHitLoad", "median_ns": 12.5, "cv": 0.01, "instructions": 8210.0,
//    "fingerprint_id": "3f2a9c01b7d4e5f6"}
// ("instructions" is null when the run had no callgrind pass, "median_ns" when
// it had only one.)
// Shards are numbered from 000001 and hold at most ShardPolicy::max_lines
// lines: the last shard is appended to until it is full, then the next one is
// started, so no file grows without bound and old shards never change (small
// git diffs). Sharding by line count rather than by month keeps the bound
// independent of how often CI runs. Retention: only the newest
// ShardPolicy::max_shards shards of a suite are kept; older ones are deleted
// when a new shard is started.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmm/bench/results.hpp"
#include "vmm/core/result.hpp"

namespace vmm::bench {

/// One benchmark of one run, as stored in a shard line.
struct HistoryRecord {
  std::string timestamp;  ///< when the run was made (ISO 8601, from Google Benchmark's context.date)
  std::string commit;
  std::string suite;
  std::string benchmark;
  std::optional<double> median_ns;     ///< median real time per iteration over the repetitions
  double cv = 0.0;                     ///< coefficient of variation of those repetitions
  std::optional<double> instructions;  ///< callgrind instructions per iteration
  std::string fingerprint_id;          ///< hash of what makes runs comparable (cpu, compiler, build type)

  [[nodiscard]] nlohmann::json to_json() const;
  static Result<HistoryRecord> from_json(const nlohmann::json& j);

  friend bool operator==(const HistoryRecord&, const HistoryRecord&) = default;
};

struct ShardPolicy {
  std::size_t max_lines = 1000;  ///< lines per shard; a full shard is never written again
  std::size_t max_shards = 24;   ///< shards kept per suite (retention); 0 keeps all
};

/// A short, stable id of the fields of a fingerprint that affect speed:
/// runs with different ids are not comparable.
std::string fingerprint_id(const std::optional<Fingerprint>& fingerprint);

/// The records of one run: one per benchmark of the result set. The timestamp
/// is the run's context.date, else `fallback_timestamp`.
std::vector<HistoryRecord> records_from_results(const ResultSet& results,
                                                const std::string& fallback_timestamp);

/// Appends records to the shards of their suites. Records already in the
/// history (same suite, benchmark, timestamp and commit) are skipped, so
/// appending the same results twice changes nothing. Returns how many lines
/// were written.
Result<std::size_t> append_history(const std::string& data_dir, const std::vector<HistoryRecord>& records,
                                   const ShardPolicy& policy = {});

/// Every record of the history, suite by suite (sorted by name), each suite in
/// the order it was appended. A missing directory is an empty history; an
/// unreadable or invalid line is an error naming file and line.
Result<std::vector<HistoryRecord>> read_history(const std::string& data_dir);

/// The shard files of one suite, oldest first.
std::vector<std::string> list_shards(const std::string& suite_dir);

struct ChangePointOptions {
  std::size_t window = 8;           ///< points compared on each side of a candidate
  std::size_t min_points = 4;       ///< fewest points on each side (so a lone outlier is never a segment)
  double alpha = 0.01;              ///< Mann-Whitney significance level
  double min_relative_step = 0.02;  ///< smallest |after - before| / before reported
  double min_step_z = 4.0;    ///< the step must exceed this many standard errors of the noise (robust sigma)
  double min_support = 0.75;  ///< share of each window on its own side of the midpoint between the levels
};

/// A step in the mean: points [index, ...) sit at a different level than the
/// points before index.
struct ChangePoint {
  std::size_t index = 0;  ///< first point of the new level
  double before = 0.0;    ///< median of the window before
  double after = 0.0;     ///< median of the window after
  double relative_change = 0.0;
  double p_value = 1.0;
};

/// Finds the steps of a series by robust binary segmentation: in each segment
/// the candidate split whose two windows (at most `window` points each,
/// clipped to the segment) differ most by a Mann-Whitney test is accepted
/// when the test is significant, the step in medians is large both relative
/// to the level and to the noise (sigma from the median absolute difference
/// of consecutive points) and most points of each window sit on their own
/// side of the step; then both halves are searched again. Ranks and medians make a single outlier unable to
/// move either window, so spikes are not reported. Sorted by index.
std::vector<ChangePoint> detect_change_points(std::span<const double> values,
                                              const ChangePointOptions& options = {});

/// One benchmark's history as charted and analysed.
struct BenchmarkSeries {
  std::string suite;
  std::string benchmark;
  std::string metric;  ///< "instructions" or "median_ns"
  std::vector<double> values;
  std::vector<HistoryRecord> points;  ///< the records behind values, same order (never empty)
  std::vector<ChangePoint> change_points;

  [[nodiscard]] std::string key() const { return suite + "/" + benchmark; }
};

/// Groups records by suite/benchmark (sorted by key) and detects change
/// points. The metric is instructions when the latest record has them (then
/// only records with instructions are used: counts are deterministic, wall
/// time is not), else the median wall time. The smallest step reported is 1%
/// for instruction counts and 3% for wall time (shared CI machines).
std::vector<BenchmarkSeries> build_series(const std::vector<HistoryRecord>& records);

/// The trend page: one self-contained HTML document (inline CSS and SVG, no
/// scripts, fonts or other resources) with an index table and one
/// <svg class="trend-chart" data-benchmark="suite/name"> per series.
std::string render_history_html(const std::vector<BenchmarkSeries>& series);

/// One line describing a change point, e.g.
/// "memory/BM_TlbHitLoad: instructions +12.3% (8210 -> 9220) at run 17, 2024-03-02 commit abc1234".
std::string describe_change_point(const BenchmarkSeries& series, const ChangePoint& change);

}  // namespace vmm::bench
