#pragma once
// Facts about Google Benchmark's JSON output and small file helpers shared by
// the `vm bench` commands.
#include <filesystem>
#include <string>

#include "vmm/core/result.hpp"

namespace vmm::bench {

/// True for the keys of a Google Benchmark entry that are not counters
/// ("name", "real_time", "time_unit"...).
bool is_standard_key(const std::string& key);

/// Nanoseconds per unit of Google Benchmark's "time_unit", 0 if unknown.
double ns_per_unit(const std::string& unit);

/// Writes `text` to a temporary file beside `path`, then renames it: readers
/// never see a half-written result or baseline.
Result<void> write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace vmm::bench
