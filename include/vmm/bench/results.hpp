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
};

struct ResultSet {
  std::optional<Fingerprint> fingerprint;
  std::map<std::string, Measurement> benchmarks;  ///< keyed by "suite/name" when a suite is known, else name
  nlohmann::json context;                         ///< Google Benchmark's "context" object, kept for reports
};

/// Reads one result file. Errors (missing file, invalid or truncated JSON,
/// not Google Benchmark output, no benchmarks) have a one-line message.
Result<ResultSet> load_results(const std::string& path);

/// Reads every *.json result file of a directory and merges them.
Result<ResultSet> load_results_dir(const std::string& directory);

}  // namespace vmm::bench
