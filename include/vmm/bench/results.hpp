#pragma once
// The data model of `vm bench`: what one run of one or more Google Benchmark
// suites measured. Files are Google Benchmark's JSON output (`--benchmark_out`)
// with one extra top-level object, "vmm", that holds what Google Benchmark
// does not know: the environment fingerprint and callgrind instruction counts.
//
// Example of the extra object:
//   "vmm": {"suite": "memory",
//           "fingerprint": {"cpu": "...", "compiler": "GCC 12.2.0", "build_type": "RelWithDebInfo",
//                           "libraries": {"benchmark": "1.7.1", ...}, "commit": "abc123", "host": "..."},
//           "instructions": {"BM_TlbHitLoad": 8210.0, ...}}   // per iteration, from callgrind
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmm/core/result.hpp"

namespace vmm::bench {

/// Where a measurement was made; two runs are comparable when the fields
/// that affect speed (cpu, compiler, build_type) agree.
struct Fingerprint {
  std::string cpu;
  std::string compiler;
  std::string build_type;
  std::string commit;
  std::string host;
  std::map<std::string, std::string> libraries;

  [[nodiscard]] nlohmann::json to_json() const;
  static Fingerprint from_json(const nlohmann::json& j);
};

/// One benchmark (one Google Benchmark run_name) in one result file.
struct Measurement {
  std::string name;                        ///< run_name, e.g. "BM_GuestRamWriteRead/4096"
  std::string suite;                       ///< e.g. "memory"
  std::vector<double> samples_ns;          ///< real time per iteration of each repetition, in ns
  std::optional<double> instructions;      ///< callgrind instructions per iteration
  std::map<std::string, double> counters;  ///< user counters and items/bytes per second (medians)

  // Google Benchmark's own aggregates of real time, when the file has them.
  // With --benchmark_report_aggregates_only they are all there is: samples_ns
  // then holds the median alone, and these let a comparison still judge the
  // spread (Welch's t-test instead of Mann-Whitney).
  std::optional<double> mean_ns;
  std::optional<double> stddev_ns;
  std::optional<double> cv;  ///< stddev / mean as a fraction, like Google Benchmark's "cv" aggregate
  int repetitions = 0;       ///< repetitions run; more than samples_ns.size() when only aggregates were kept
  bool aggregates_only = false;
  std::string error;  ///< why it measured nothing (in ResultSet::failed only)
};

struct ResultSet {
  std::optional<Fingerprint> fingerprint;
  std::map<std::string, Measurement> benchmarks;  ///< keyed by "suite/name" when a suite is known, else name
  nlohmann::json context;                         ///< Google Benchmark's "context" object, kept for reports
  /// Benchmarks that reported an error (SkipWithError), keyed like
  /// `benchmarks`, with name, suite and `error` set. They measured nothing:
  /// any instruction count of theirs is dropped.
  std::map<std::string, Measurement> failed;
};

/// A Google Benchmark run_name without the "/iterations:N" and "/repeats:N"
/// parts, so fixed-iteration (callgrind) and normal runs of one benchmark match.
std::string canonical_benchmark_name(const std::string& run_name);

/// Reads one result file. Errors (missing file, invalid or truncated JSON,
/// not Google Benchmark output, no benchmarks) have a one-line message.
/// Benchmark files (results, baselines) are JSON of at most this size and nesting.
inline constexpr std::uint64_t kMaxJsonFileBytes = std::uint64_t{256} << 20;
inline constexpr int kMaxJsonDepth = 64;
/// A time per iteration longer than a day is no benchmark measurement.
inline constexpr double kMaxTimeNs = 86400e9;
/// A benchmark file: a regular file of at most kMaxJsonFileBytes, JSON nested
/// at most kMaxJsonDepth deep and, when it has a "benchmarks" array, entries
/// whose fields have Google Benchmark's types (so reading them cannot throw).
Result<nlohmann::json> read_json(const std::string& path);

Result<ResultSet> load_results(const std::string& path);

/// Reads every *.json result file of a directory and merges them. JSON files
/// that are not Google Benchmark output (a verdict written next to the
/// results) are skipped; invalid JSON is an error as for one file.
Result<ResultSet> load_results_dir(const std::string& directory);

}  // namespace vmm::bench
