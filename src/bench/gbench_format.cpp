#include "gbench_format.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

namespace vmm::bench {
namespace {

/// Keys of a Google Benchmark entry that are not counters.
constexpr const char* kStandardKeys[] = {"name",
                                         "family_index",
                                         "per_family_instance_index",
                                         "run_name",
                                         "run_type",
                                         "repetitions",
                                         "repetition_index",
                                         "threads",
                                         "iterations",
                                         "real_time",
                                         "cpu_time",
                                         "time_unit",
                                         "aggregate_name",
                                         "aggregate_unit",
                                         "error_occurred",
                                         "error_message",
                                         "label",
                                         "big_o",
                                         "rms",
                                         "complexity_n"};

}  // namespace

bool is_standard_key(const std::string& key) {
  return std::any_of(std::begin(kStandardKeys), std::end(kStandardKeys),
                     [&](const char* k) { return key == k; });
}

/// Nanoseconds per unit of Google Benchmark's "time_unit", 0 if unknown.
double ns_per_unit(const std::string& unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  return 0.0;
}

Result<void> write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out.flush()) return make_error(ErrorKind::kIo, "{}: cannot write", temporary.string());
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) return make_error(ErrorKind::kIo, "{}: {}", path.string(), ec.message());
  return {};
}

}  // namespace vmm::bench
