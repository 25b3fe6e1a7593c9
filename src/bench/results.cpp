// Reading Google Benchmark 1.7.1 JSON output (plus our "vmm" object) into a
// ResultSet. Every error names the file and fits on one line: `vm bench
// compare` prints it as is.
#include "vmm/bench/results.hpp"

#include "gbench_format.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "bench/statistics.hpp"

namespace vmm::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// Collected entries of one benchmark before they become a Measurement.
struct Pending {
  std::string name;
  std::vector<double> samples_ns;
  std::map<std::string, std::vector<double>> counters;  ///< per repetition
  std::map<std::string, double> median_counters;        ///< from the "median" aggregate
  std::optional<double> mean_ns, median_ns, stddev_ns, cv;
  int repetitions = 0;
};

/// The message of a parse error without nlohmann's "[json.exception...] " tag.
std::string parse_error_text(const json::exception& e) {
  std::string text = e.what();
  if (const auto close = text.find("] ");
      text.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
    text.erase(0, close + 2);
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

Result<std::string> read_text(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(ErrorKind::kIo, "{}: no such file", path);
  if (fs::is_directory(path, ec))
    return make_error(ErrorKind::kIo, "{}: is a directory, not a result file", path);
  // Result files are megabytes at most; /dev/zero or a sparse file would
  // otherwise be read until memory runs out.
  if (!fs::is_regular_file(path, ec)) return make_error(ErrorKind::kIo, "{}: not a regular file", path);
  if (fs::file_size(path, ec) > kMaxJsonFileBytes) {
    return make_error(ErrorKind::kBadFormat, "{}: larger than {} MiB, not a benchmark file", path,
                      kMaxJsonFileBytes >> 20);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kIo, "{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(ErrorKind::kIo, "{}: read error", path);
  return text.str();
}

/// `text` (the contents of `path`) as JSON nested at most kMaxJsonDepth deep.
Result<json> parse_json(const std::string& text, const std::string& path) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return make_error(ErrorKind::kBadFormat, "{}: empty file, not a benchmark result", path);
  }
  // Deep nesting is refused while parsing: copying or printing a value tens
  // of thousands of levels deep recurses until the stack runs out.
  bool too_deep = false;
  const json::parser_callback_t depth_guard = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  };
  try {
    json parsed = json::parse(text, depth_guard);
    if (too_deep) {
      return make_error(ErrorKind::kBadFormat, "{}: JSON nested deeper than {} levels, not a benchmark file",
                        path, kMaxJsonDepth);
    }
    return parsed;
  } catch (const json::parse_error& e) {
    if (e.byte >= text.size()) {
      return make_error(ErrorKind::kBadFormat, "{}: truncated JSON: {}", path, parse_error_text(e));
    }
    return make_error(ErrorKind::kBadFormat, "{}: invalid JSON: {}", path, parse_error_text(e));
  } catch (const json::exception& e) {
    // A number too large for a double (1e309) is out_of_range, not a parse_error.
    return make_error(ErrorKind::kBadFormat, "{}: invalid JSON: {}", path, parse_error_text(e));
  }
}

/// The fields of a Google Benchmark entry that we read, with their types.
enum class FieldType { kString, kBoolean, kNumber, kCount, kIterations };
struct Field {
  const char* key;
  FieldType type;
};
constexpr Field kEntryFields[] = {
    {"name", FieldType::kString},
    {"run_name", FieldType::kString},
    {"run_type", FieldType::kString},
    {"aggregate_name", FieldType::kString},
    {"time_unit", FieldType::kString},
    {"error_message", FieldType::kString},
    {"error_occurred", FieldType::kBoolean},
    {"real_time", FieldType::kNumber},
    {"cpu_time", FieldType::kNumber},
    {"iterations", FieldType::kIterations},
    {"repetitions", FieldType::kCount},
};

bool has_type(const json& value, FieldType type) {
  switch (type) {
    case FieldType::kString:
      return value.is_string();
    case FieldType::kBoolean:
      return value.is_boolean();
    case FieldType::kNumber:
      return value.is_number();
    case FieldType::kCount:
      // An int for Google Benchmark too; a fraction or 1e300 is no count.
      return value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
             value.get<std::int64_t>() <= std::numeric_limits<int>::max();
    case FieldType::kIterations:  // an int64_t: fast benchmarks pass 2^31
      return value.is_number_integer() && value.get<std::int64_t>() >= 0;
  }
  return false;
}

const char* type_name(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "a string";
    case FieldType::kBoolean:
      return "true or false";
    case FieldType::kNumber:
      return "a number";
    case FieldType::kCount:
    case FieldType::kIterations:
      return "a count";
  }
  return "?";
}

/// Every entry of a "benchmarks" array is an object whose fields have
/// Google Benchmark's types, so that reading them cannot throw.
Result<void> check_entries(const json& j, const std::string& path) {
  if (!j.is_object() || !j.contains("benchmarks") || !j["benchmarks"].is_array()) return {};
  const json& entries = j["benchmarks"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    if (!e.is_object()) {
      return make_error(ErrorKind::kBadFormat, "{}: benchmark entry {} is not an object", path, i);
    }
    for (const Field& field : kEntryFields) {
      const auto it = e.find(field.key);
      if (it == e.end() || has_type(*it, field.type)) continue;
      return make_error(ErrorKind::kBadFormat, "{}: benchmark entry {}: \"{}\" is {}, not {}", path, i,
                        field.key, std::string(it->type_name()), type_name(field.type));
    }
  }
  return {};
}

}  // namespace

Result<json> read_json(const std::string& path) {
  auto text = read_text(path);
  if (!text) return text.error();
  auto j = parse_json(*text, path);
  if (!j) return j.error();
  if (auto checked = check_entries(*j, path); !checked) return checked.error();
  return j;
}

namespace {

bool is_google_benchmark_output(const json& j) {
  return j.is_object() && j.contains("benchmarks") && j["benchmarks"].is_array();
}

Result<ResultSet> parse_results(const json& j, const std::string& path) {
  const auto not_gbench = [&](const std::string& why) {
    return make_error(ErrorKind::kBadFormat, "{}: not Google Benchmark output ({})", path, why);
  };
  if (!is_google_benchmark_output(j)) return not_gbench("no \"benchmarks\" array");

  ResultSet set;
  if (j.contains("context")) set.context = j["context"];

  std::string suite;
  std::map<std::string, double> instructions;
  if (j.contains("vmm")) {
    const json& vmm = j["vmm"];
    if (!vmm.is_object()) return make_error(ErrorKind::kBadFormat, "{}: \"vmm\" is not an object", path);
    if (vmm.contains("suite")) {
      if (!vmm["suite"].is_string())
        return make_error(ErrorKind::kBadFormat, "{}: vmm.suite is not a string", path);
      suite = vmm["suite"].get<std::string>();
    }
    if (vmm.contains("fingerprint") && !vmm["fingerprint"].is_null()) {
      if (!vmm["fingerprint"].is_object()) {
        return make_error(ErrorKind::kBadFormat, "{}: vmm.fingerprint is not an object", path);
      }
      set.fingerprint = Fingerprint::from_json(vmm["fingerprint"]);
    }
    if (vmm.contains("instructions") && !vmm["instructions"].is_null()) {
      if (!vmm["instructions"].is_object()) {
        return make_error(ErrorKind::kBadFormat, "{}: vmm.instructions is not an object", path);
      }
      for (const auto& [name, value] : vmm["instructions"].items()) {
        if (!value.is_number()) {
          return make_error(ErrorKind::kBadFormat, "{}: vmm.instructions.{} is not a number", path, name);
        }
        // A count of 0 or less would pass the instruction gate whatever the
        // other side's count is.
        const double count = value.get<double>();
        if (!std::isfinite(count) || count <= 0) {
          return make_error(ErrorKind::kBadFormat, "{}: vmm.instructions.{} is {}, not a positive count",
                            path, name, count);
        }
        instructions[canonical_benchmark_name(name)] = count;
      }
    }
  }

  std::vector<Pending> pending;  // in file order
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::string> failed;  // canonical name -> message
  std::string first_failure;
  const json& entries = j["benchmarks"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
      return not_gbench(fmt::format("benchmark entry {} has no \"name\"", i));
    }
    const auto entry_name = e["name"].get<std::string>();
    const std::string aggregate = e.value("aggregate_name", "");
    const bool is_aggregate = e.value("run_type", "iteration") == "aggregate";
    std::string run_name;
    if (e.contains("run_name") && e["run_name"].is_string()) {
      run_name = e["run_name"].get<std::string>();
    } else {
      // Before run_name existed an aggregate was only "<run>_<aggregate>".
      run_name = entry_name;
      const std::string suffix = "_" + aggregate;
      if (is_aggregate && !aggregate.empty() && run_name.size() > suffix.size() &&
          run_name.compare(run_name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        run_name.erase(run_name.size() - suffix.size());
      }
    }
    const std::string name = canonical_benchmark_name(run_name);
    if (e.value("error_occurred", false)) {
      // A benchmark that called SkipWithError measured nothing.
      const std::string message = e.value("error_message", "error");
      if (failed.empty()) first_failure = fmt::format("{}: {}", entry_name, message);
      failed.try_emplace(name, message);
      continue;
    }
    if (!e.contains("real_time")) {
      return not_gbench(fmt::format("benchmark \"{}\" has no \"real_time\"", entry_name));
    }
    const std::string unit = e.value("time_unit", "ns");
    const double scale = ns_per_unit(unit);
    if (scale == 0.0) {
      return make_error(ErrorKind::kBadFormat, "{}: benchmark \"{}\" has an unknown time_unit \"{}\"", path,
                        entry_name, unit);
    }
    auto [it, inserted] = index.try_emplace(name, pending.size());
    if (inserted) {
      pending.emplace_back();
      pending.back().name = name;
    }
    Pending& p = pending[it->second];
    p.repetitions = std::max(p.repetitions, e.value("repetitions", 0));
    const double real_time = e["real_time"].get<double>();
    // A time (a repetition, a mean, a median) is positive; other aggregates
    // (stddev, cv, a fit's RMS) may be 0. Anything else, or a time longer
    // than a day per iteration, is no measurement and would make the
    // statistics meaningless.
    const bool spread = is_aggregate && aggregate != "mean" && aggregate != "median";
    if (!std::isfinite(real_time) || real_time < 0 || (real_time == 0 && !spread) ||
        real_time * scale > kMaxTimeNs) {
      return make_error(ErrorKind::kBadFormat,
                        "{}: benchmark \"{}\" has a real_time of {} {}, not a positive time up to a day",
                        path, entry_name, real_time, unit);
    }

    if (!is_aggregate) {
      p.samples_ns.push_back(real_time * scale);
      for (const auto& [key, value] : e.items()) {
        if (value.is_number() && !is_standard_key(key)) p.counters[key].push_back(value.get<double>());
      }
      continue;
    }
    // Google Benchmark's cv is a ratio ("aggregate_unit": "percentage")
    // written with the time unit of the run: never scale it.
    if (aggregate == "mean") {
      p.mean_ns = real_time * scale;
    } else if (aggregate == "median") {
      p.median_ns = real_time * scale;
      for (const auto& [key, value] : e.items()) {
        if (value.is_number() && !is_standard_key(key)) p.median_counters[key] = value.get<double>();
      }
    } else if (aggregate == "stddev") {
      p.stddev_ns = real_time * scale;
    } else if (aggregate == "cv") {
      p.cv = real_time;
    }
    // Other aggregates (BigO, RMS, user statistics) do not describe time per iteration.
  }

  for (Pending& p : pending) {
    Measurement m;
    m.name = p.name;
    m.suite = suite;
    m.mean_ns = p.mean_ns;
    m.stddev_ns = p.stddev_ns;
    m.cv = p.cv;
    if (!p.samples_ns.empty()) {
      m.samples_ns = std::move(p.samples_ns);
      for (auto& [key, values] : p.counters) m.counters[key] = stats::median(values);
      m.repetitions = std::max(p.repetitions, static_cast<int>(m.samples_ns.size()));
    } else if (p.median_ns || p.mean_ns) {
      // Aggregates only: the median stands for the repetitions it summarises.
      m.samples_ns.push_back(p.median_ns ? *p.median_ns : *p.mean_ns);
      m.counters = std::move(p.median_counters);
      m.repetitions = std::max(p.repetitions, 1);
      m.aggregates_only = true;
      if (!m.cv && m.mean_ns && m.stddev_ns && *m.mean_ns > 0.0) m.cv = *m.stddev_ns / *m.mean_ns;
    } else {
      continue;  // only aggregates we do not use
    }
    if (auto found = instructions.find(m.name); found != instructions.end()) {
      m.instructions = found->second;
      instructions.erase(found);
    }
    const std::string key = suite.empty() ? m.name : suite + "/" + m.name;
    set.benchmarks.emplace(key, std::move(m));
  }
  // Instruction counts of benchmarks without wall time still compare; a
  // failed benchmark's count is dropped: a gate on it alone would pass.
  for (const auto& [name, count] : instructions) {
    if (failed.count(name) != 0) continue;
    Measurement m;
    m.name = name;
    m.suite = suite;
    m.instructions = count;
    set.benchmarks.emplace(suite.empty() ? name : fmt::format("{}/{}", suite, name), std::move(m));
  }

  for (const auto& [name, message] : failed) {
    const std::string key = suite.empty() ? name : fmt::format("{}/{}", suite, name);
    set.benchmarks.erase(key);
    Measurement m;
    m.name = name;
    m.suite = suite;
    m.error = message;
    set.failed.emplace(key, std::move(m));
  }
  if (set.benchmarks.empty()) {
    if (!failed.empty()) {
      return make_error(ErrorKind::kBadFormat, "{}: no benchmark results ({} failed; first: {})", path,
                        failed.size(), first_failure);
    }
    return make_error(ErrorKind::kBadFormat, "{}: no benchmark results", path);
  }
  return set;
}

/// One file; nullopt for valid JSON that is not Google Benchmark output when
/// skip_foreign (other JSON files in a results directory, e.g. a verdict).
Result<std::optional<ResultSet>> load_file(const std::string& path, bool skip_foreign) {
  auto j = read_json(path);
  if (!j) return j.error();
  if (skip_foreign && !is_google_benchmark_output(*j)) return std::optional<ResultSet>{};
  auto set = parse_results(*j, path);
  if (!set) return set.error();
  return std::optional<ResultSet>{std::move(set).value()};
}

/// "cpu 'a' vs 'b'" for the first speed-relevant field that differs, or "".
std::string fingerprint_difference(const Fingerprint& a, const Fingerprint& b) {
  if (a.cpu != b.cpu) return fmt::format("cpu '{}' vs '{}'", a.cpu, b.cpu);
  if (a.compiler != b.compiler) return fmt::format("compiler '{}' vs '{}'", a.compiler, b.compiler);
  if (a.build_type != b.build_type) return fmt::format("build type '{}' vs '{}'", a.build_type, b.build_type);
  return {};
}

}  // namespace

std::string canonical_benchmark_name(const std::string& run_name) {
  // Fixed-iteration runs (the callgrind pass) and explicit repetition counts
  // change the name but not what is measured.
  std::string out;
  std::size_t start = 0;
  while (start <= run_name.size()) {
    const std::size_t slash = run_name.find('/', start);
    const std::size_t end = slash == std::string::npos ? run_name.size() : slash;
    const std::string part = run_name.substr(start, end - start);
    const auto numeric_option = [&](const char* prefix) {
      const std::size_t n = std::strlen(prefix);
      return part.size() > n && part.compare(0, n, prefix) == 0 &&
             std::all_of(part.begin() + static_cast<std::ptrdiff_t>(n), part.end(),
                         [](char c) { return c >= '0' && c <= '9'; });
    };
    if (start == 0 || !(numeric_option("iterations:") || numeric_option("repeats:"))) {
      if (start != 0) out += '/';
      out += part;
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

nlohmann::json Fingerprint::to_json() const {
  return json{{"cpu", cpu},       {"compiler", compiler}, {"build_type", build_type},
              {"commit", commit}, {"host", host},         {"libraries", libraries}};
}

Fingerprint Fingerprint::from_json(const nlohmann::json& j) {
  // Lenient: a fingerprint only informs the comparability check, so a field
  // of an unexpected type becomes its JSON text rather than an error.
  const auto text = [](const json& v) -> std::string {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    return v.dump();
  };
  Fingerprint f;
  if (!j.is_object()) return f;
  if (j.contains("cpu")) f.cpu = text(j["cpu"]);
  if (j.contains("compiler")) f.compiler = text(j["compiler"]);
  if (j.contains("build_type")) f.build_type = text(j["build_type"]);
  if (j.contains("commit")) f.commit = text(j["commit"]);
  if (j.contains("host")) f.host = text(j["host"]);
  if (j.contains("libraries") && j["libraries"].is_object()) {
    for (const auto& [name, version] : j["libraries"].items()) f.libraries[name] = text(version);
  }
  return f;
}

Result<ResultSet> load_results(const std::string& path) {
  auto set = load_file(path, false);
  if (!set) return set.error();
  return std::move(**set);
}

Result<ResultSet> load_results_dir(const std::string& directory) {
  std::error_code ec;
  if (!fs::exists(directory, ec)) return make_error(ErrorKind::kIo, "{}: no such directory", directory);
  if (!fs::is_directory(directory, ec)) return make_error(ErrorKind::kIo, "{}: not a directory", directory);
  std::vector<std::string> files;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && !fs::is_directory(it->path(), ec))
      files.push_back(it->path().string());
  }
  if (ec) return make_error(ErrorKind::kIo, "{}: cannot list: {}", directory, ec.message());
  std::sort(files.begin(), files.end());  // deterministic merge order

  ResultSet merged;
  std::string fingerprint_file;
  std::map<std::string, std::string> source;  // benchmark key -> file
  for (const std::string& file : files) {
    auto loaded = load_file(file, true);
    if (!loaded) return loaded.error();
    if (!*loaded) continue;
    ResultSet& set = **loaded;
    if (set.fingerprint) {
      if (!merged.fingerprint) {
        merged.fingerprint = set.fingerprint;
        fingerprint_file = file;
      } else if (auto diff = fingerprint_difference(*merged.fingerprint, *set.fingerprint); !diff.empty()) {
        return make_error(ErrorKind::kBadFormat,
                          "{}: results from different machines or builds ({} in {} and {})", directory, diff,
                          fingerprint_file, file);
      }
    }
    if (merged.context.is_null()) merged.context = set.context;
    merged.failed.insert(set.failed.begin(), set.failed.end());
    for (auto& [key, m] : set.benchmarks) {
      auto [it, inserted] = merged.benchmarks.try_emplace(key, m);
      if (inserted) {
        source[key] = file;
        continue;
      }
      // The same benchmark twice is only fine when the files measured
      // different things (wall time in one, instruction counts in the other).
      Measurement& have = it->second;
      const bool both_timed = !have.samples_ns.empty() && !m.samples_ns.empty();
      const bool both_counted = have.instructions && m.instructions;
      if (both_timed || both_counted) {
        return make_error(ErrorKind::kBadFormat, "{}: benchmark {} appears in both {} and {}", directory, key,
                          source[key], file);
      }
      if (have.samples_ns.empty()) {
        std::optional<double> instructions = have.instructions;
        have = m;
        if (!have.instructions) have.instructions = instructions;
      } else if (m.instructions) {
        have.instructions = m.instructions;
      }
    }
  }
  // A benchmark that failed in one file measured nothing, whatever another
  // file counted for it.
  for (const auto& [key, m] : merged.failed) merged.benchmarks.erase(key);
  if (merged.benchmarks.empty()) {
    return make_error(ErrorKind::kBadFormat, "{}: no benchmark result files (*.json)", directory);
  }
  return merged;
}

}  // namespace vmm::bench
