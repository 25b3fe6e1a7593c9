// benches/benchmark.toml, read with toml++. Every key is checked: an unknown
// key, a wrong type or a value that makes no sense is an error that names the
// file, line and column, because a typo silently replaced by a default would
// change what a benchmark run measures or what counts as a regression.
#include "vmm/bench/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <string_view>

#include <toml++/toml.h>

namespace vmm::bench {
namespace {

/// Reads one parsed document; `path` only serves the error messages.
class Reader {
 public:
  explicit Reader(std::string path) : m_path(std::move(path)) {}

  template <typename... Args>
  [[nodiscard]] Error error_at(const toml::source_region& where, fmt::format_string<Args...> format,
                               Args&&... args) const {
    std::string message = fmt::format(format, std::forward<Args>(args)...);
    if (where.begin) {
      return make_error(ErrorKind::kBadFormat, "{}:{}:{}: {}", m_path, where.begin.line, where.begin.column,
                        message);
    }
    return make_error(ErrorKind::kBadFormat, "{}: {}", m_path, message);
  }

  [[nodiscard]] Result<double> number(const toml::node& node, const std::string& key) const {
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) {
      if (!std::isfinite(f->get())) return error_at(node.source(), "{} must be a finite number", key);
      return f->get();
    }
    return error_at(node.source(), "{} must be a number, not {}", key, type_name(node));
  }

  [[nodiscard]] Result<std::int64_t> integer(const toml::node& node, const std::string& key) const {
    if (const auto* i = node.as_integer()) return i->get();
    return error_at(node.source(), "{} must be an integer, not {}", key, type_name(node));
  }

  [[nodiscard]] Result<bool> boolean(const toml::node& node, const std::string& key) const {
    if (const auto* b = node.as_boolean()) return b->get();
    return error_at(node.source(), "{} must be true or false, not {}", key, type_name(node));
  }

  [[nodiscard]] Result<std::string> string(const toml::node& node, const std::string& key) const {
    if (const auto* s = node.as_string()) return s->get();
    return error_at(node.source(), "{} must be a string, not {}", key, type_name(node));
  }

  [[nodiscard]] Result<const toml::table*> table(const toml::node& node, const std::string& key) const {
    if (const auto* t = node.as_table()) return t;
    return error_at(node.source(), "{} must be a table, not {}", key, type_name(node));
  }

  [[nodiscard]] Error unknown_key(const toml::key& key, const std::string& where,
                                  std::string_view allowed) const {
    return error_at(key.source(), "unknown key '{}' in {} (allowed: {})", key.str(), where, allowed);
  }

  [[nodiscard]] const std::string& path() const { return m_path; }

 private:
  static std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
      case toml::node_type::table:
        return "a table";
      case toml::node_type::array:
        return "an array";
      case toml::node_type::string:
        return "a string";
      case toml::node_type::integer:
        return "an integer";
      case toml::node_type::floating_point:
        return "a floating-point number";
      case toml::node_type::boolean:
        return "a boolean";
      case toml::node_type::date:
      case toml::node_type::time:
      case toml::node_type::date_time:
        return "a date/time";
      case toml::node_type::none:
        break;
    }
    return "nothing";
  }

  std::string m_path;
};

bool is_suite_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

constexpr std::string_view kModeKeys =
    "repetitions, min_time_s, warmup_s, suites, filter, instructions, callgrind_iterations";

Result<ModeConfig> parse_mode(const Reader& r, const std::string& name, const toml::table& table) {
  ModeConfig mode;
  mode.name = name;
  const std::string prefix = "modes." + name + ".";
  for (auto&& [key, node] : table) {
    const std::string k(key.str());
    const std::string full = prefix + k;
    if (k == "repetitions") {
      auto v = r.integer(node, full);
      if (!v) return v.error();
      // Google Benchmark needs one repetition; far more is a typo, not a plan.
      if (*v < 1 || *v > 10000)
        return r.error_at(node.source(), "{} must be between 1 and 10000, not {}", full, *v);
      mode.repetitions = static_cast<int>(*v);
    } else if (k == "min_time_s") {
      auto v = r.number(node, full);
      if (!v) return v.error();
      if (*v <= 0 || *v > 3600)
        return r.error_at(node.source(), "{} must be in (0, 3600] seconds, not {}", full, *v);
      mode.min_time_s = *v;
    } else if (k == "warmup_s") {
      auto v = r.number(node, full);
      if (!v) return v.error();
      if (*v < 0 || *v > 3600)
        return r.error_at(node.source(), "{} must be in [0, 3600] seconds, not {}", full, *v);
      mode.warmup_s = *v;
    } else if (k == "suites") {
      const auto* array = node.as_array();
      if (!array) return r.error_at(node.source(), "{} must be an array of suite names", full);
      std::set<std::string> seen;
      for (const auto& item : *array) {
        auto s = r.string(item, full + "[]");
        if (!s) return s.error();
        if (!is_suite_name(*s)) {
          return r.error_at(item.source(), "{}: '{}' is not a suite name (letters, digits, '_')", full, *s);
        }
        if (!seen.insert(*s).second)
          return r.error_at(item.source(), "{}: suite '{}' listed twice", full, *s);
        mode.suites.push_back(*s);
      }
    } else if (k == "filter") {
      auto s = r.string(node, full);
      if (!s) return s.error();
      // Google Benchmark compiles the filter as a POSIX extended regex; a
      // leading '-' negates it. Check it here so a bad one fails before any run.
      std::string_view pattern = *s;
      if (!pattern.empty() && pattern.front() == '-') pattern.remove_prefix(1);
      // std::regex compiles by recursion: a pattern thousands of groups deep
      // would exhaust the stack, so length and nesting are bounded first.
      constexpr std::size_t kMaxFilterLength = 4096;
      constexpr int kMaxFilterNesting = 64;
      int depth = 0, deepest = 0;
      for (char c : pattern) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        deepest = std::max(deepest, depth);
      }
      if (pattern.size() > kMaxFilterLength || deepest > kMaxFilterNesting) {
        return r.error_at(node.source(),
                          "{}: a filter of {} characters and {} nested groups is past the limits ({}, {})",
                          full, pattern.size(), deepest, kMaxFilterLength, kMaxFilterNesting);
      }
      try {
        std::regex check(pattern.begin(), pattern.end(), std::regex::extended);
      } catch (const std::regex_error& e) {
        return r.error_at(node.source(), "{}: '{}' is not a valid regular expression ({})", full, *s,
                          e.what());
      }
      mode.filter = *s;
    } else if (k == "instructions") {
      auto v = r.boolean(node, full);
      if (!v) return v.error();
      mode.instructions = *v;
    } else if (k == "callgrind_iterations") {
      auto v = r.integer(node, full);
      if (!v) return v.error();
      if (*v < 1 || *v > 1000000) {
        return r.error_at(node.source(), "{} must be between 1 and 1000000, not {}", full, *v);
      }
      // The iteration count is part of the benchmark's name
      // ("BM_X/iterations:N"); names of different lengths allocate
      // differently before the benchmark starts, which moves later heap
      // blocks and changes malloc's path inside it: the difference of the
      // two runs would then include a few hundred instructions of malloc.
      if (std::to_string(*v).size() != std::to_string(2 * *v).size()) {
        return r.error_at(
            node.source(),
            "{} = {}: N and 2N must have the same number of digits (e.g. 4, 10, 20, 40), so both "
            "callgrind runs have benchmark names of the same length",
            full, *v);
      }
      mode.callgrind_iterations = static_cast<int>(*v);
    } else {
      return r.unknown_key(key, "modes." + name, kModeKeys);
    }
  }
  return mode;
}

constexpr std::string_view kThresholdKeys =
    "regression_pct, warning_pct, improvement_pct, instr_regression_pct, instr_warning_pct, "
    "instr_improvement_pct, noise_cv_pct, alpha, wall_time_gates";

/// A percentage: positive (or non-negative when `zero_ok`) and below 1000%.
Result<double> percentage(const Reader& r, const toml::node& node, const std::string& key, bool zero_ok) {
  auto v = r.number(node, key);
  if (!v) return v.error();
  if (*v < 0 || (*v == 0 && !zero_ok) || *v >= 1000) {
    return r.error_at(node.source(), "{} must be a percentage in {}0, 1000), not {}", key,
                      zero_ok ? "[" : "(", *v);
  }
  return *v;
}

/// After REGRESSION_THRESHOLD / WARNING_THRESHOLD: the same order as in the file.
Result<void> check_environment_order(const Thresholds& t) {
  if (t.warning_pct > t.regression_pct) {
    return make_error(ErrorKind::kInvalidArgument,
                      "the wall-time warning threshold ({}%) exceeds the regression threshold ({}%) after "
                      "REGRESSION_THRESHOLD/WARNING_THRESHOLD: set both",
                      t.warning_pct, t.regression_pct);
  }
  return {};
}

Result<Thresholds> parse_thresholds(const Reader& r, const toml::table& table) {
  Thresholds t;
  for (auto&& [key, node] : table) {
    const std::string k(key.str());
    const std::string full = "thresholds." + k;
    double* target = nullptr;
    bool zero_ok = false;
    if (k == "regression_pct") {
      target = &t.regression_pct;
    } else if (k == "warning_pct") {
      target = &t.warning_pct;
      zero_ok = true;
    } else if (k == "improvement_pct") {
      target = &t.improvement_pct;
      zero_ok = true;
    } else if (k == "instr_regression_pct") {
      target = &t.instr_regression_pct;
    } else if (k == "instr_warning_pct") {
      target = &t.instr_warning_pct;
      zero_ok = true;
    } else if (k == "instr_improvement_pct") {
      target = &t.instr_improvement_pct;
      zero_ok = true;
    } else if (k == "noise_cv_pct") {
      target = &t.noise_cv_pct;
    } else if (k == "alpha") {
      auto v = r.number(node, full);
      if (!v) return v.error();
      if (!(*v > 0 && *v < 1)) return r.error_at(node.source(), "{} must be in (0, 1), not {}", full, *v);
      t.alpha = *v;
      continue;
    } else if (k == "wall_time_gates") {
      auto v = r.boolean(node, full);
      if (!v) return v.error();
      t.wall_time_gates = *v;
      continue;
    } else {
      return r.unknown_key(key, "[thresholds]", kThresholdKeys);
    }
    auto v = percentage(r, node, full, zero_ok);
    if (!v) return v.error();
    *target = *v;
  }
  // Point at the warning key: it is the one that crossed the line.
  const auto where = [&](const char* key) -> const toml::source_region& {
    const toml::node* node = table.get(key);
    return node != nullptr ? node->source() : table.source();
  };
  if (t.warning_pct > t.regression_pct) {
    return r.error_at(where("warning_pct"),
                      "thresholds.warning_pct ({}%) must not exceed regression_pct ({}%)", t.warning_pct,
                      t.regression_pct);
  }
  if (t.instr_warning_pct > t.instr_regression_pct) {
    return r.error_at(where("instr_warning_pct"),
                      "thresholds.instr_warning_pct ({}%) must not exceed instr_regression_pct ({}%)",
                      t.instr_warning_pct, t.instr_regression_pct);
  }
  return t;
}

constexpr std::string_view kOverrideKeys = "regression_pct, instr_regression_pct, noise_cv_pct, skip";

Result<Override> parse_override(const Reader& r, const std::string& name, const toml::table& table) {
  Override o;
  const std::string prefix = fmt::format("overrides.\"{}\".", name);
  for (auto&& [key, node] : table) {
    const std::string k(key.str());
    const std::string full = prefix + k;
    if (k == "regression_pct" || k == "instr_regression_pct" || k == "noise_cv_pct") {
      auto v = percentage(r, node, full, false);
      if (!v) return v.error();
      std::optional<double>& target = k == "regression_pct"         ? o.regression_pct
                                      : k == "instr_regression_pct" ? o.instr_regression_pct
                                                                    : o.noise_cv_pct;
      target = *v;
    } else if (k == "skip") {
      auto v = r.boolean(node, full);
      if (!v) return v.error();
      o.skip = *v;
    } else {
      return r.unknown_key(key, fmt::format("[overrides.\"{}\"]", name), kOverrideKeys);
    }
  }
  return o;
}

Result<BenchConfig> parse_document(const Reader& r, const toml::table& root) {
  BenchConfig config;
  bool have_modes = false;
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (k == "modes") {
      auto modes = r.table(node, "modes");
      if (!modes) return modes.error();
      for (auto&& [mode_key, mode_node] : **modes) {
        const std::string name(mode_key.str());
        if (!is_suite_name(name)) {
          return r.error_at(mode_key.source(), "mode name '{}' must be letters, digits and '_'", name);
        }
        auto table = r.table(mode_node, "modes." + name);
        if (!table) return table.error();
        auto mode = parse_mode(r, name, **table);
        if (!mode) return mode.error();
        config.modes.emplace(name, std::move(mode).value());
      }
      have_modes = true;
    } else if (k == "thresholds") {
      auto table = r.table(node, "thresholds");
      if (!table) return table.error();
      auto thresholds = parse_thresholds(r, **table);
      if (!thresholds) return thresholds.error();
      config.thresholds = *thresholds;
    } else if (k == "overrides") {
      auto overrides = r.table(node, "overrides");
      if (!overrides) return overrides.error();
      for (auto&& [name_key, override_node] : **overrides) {
        const std::string name(name_key.str());
        if (name.empty()) return r.error_at(name_key.source(), "an override needs a benchmark name");
        auto table = r.table(override_node, fmt::format("overrides.\"{}\"", name));
        if (!table) return table.error();
        auto o = parse_override(r, name, **table);
        if (!o) return o.error();
        config.overrides.emplace(name, *o);
      }
    } else {
      return r.unknown_key(key, "the top level", "modes, thresholds, overrides");
    }
  }
  if (!have_modes || config.modes.empty()) {
    return make_error(ErrorKind::kBadFormat, "{}: no [modes.<name>] table (quick, ci, full)", r.path());
  }
  return config;
}

/// A percentage from the environment: "12", "12.5" or "12.5%".
Result<std::optional<double>> env_percentage(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::optional<double>{};
  std::string value(text);
  if (value.back() == '%') value.pop_back();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(v) || v < 0 ||
      v >= 1000) {
    return make_error(ErrorKind::kInvalidArgument, "{}='{}' is not a percentage (e.g. {}=10 for 10%)", name,
                      text, name);
  }
  return std::optional<double>{v};
}

Result<void> apply_environment(Thresholds& t) {
  auto regression = env_percentage("REGRESSION_THRESHOLD");
  if (!regression) return regression.error();
  auto warning = env_percentage("WARNING_THRESHOLD");
  if (!warning) return warning.error();
  if (*regression) {
    if (**regression == 0) {
      return make_error(ErrorKind::kInvalidArgument, "REGRESSION_THRESHOLD must be greater than 0");
    }
    t.regression_pct = **regression;
  }
  if (*warning) t.warning_pct = **warning;
  return check_environment_order(t);
}

}  // namespace

Result<ModeConfig> BenchConfig::mode(const std::string& name) const {
  std::string chosen = name;
  std::string source = "--mode";
  if (chosen.empty()) {
    const char* env = std::getenv("BENCHMARK_MODE");
    if (env != nullptr && *env != '\0') {
      chosen = env;
      source = "BENCHMARK_MODE";
    } else {
      chosen = "quick";
      source = "the default mode";
    }
  }
  if (auto it = modes.find(chosen); it != modes.end()) return it->second;
  std::string known;
  for (const auto& [mode_name, mode_config] : modes) known += (known.empty() ? "" : ", ") + mode_name;
  return make_error(ErrorKind::kInvalidArgument,
                    "unknown benchmark mode '{}' ({}); the configuration defines: {}", chosen, source, known);
}

Thresholds BenchConfig::thresholds_for(const std::string& benchmark) const {
  // Most general first, so that more specific overrides win field by field:
  // the family ("BM_GuestRamWriteRead" for "BM_GuestRamWriteRead/64"), the
  // name, then the same two qualified by the suite ("memory/BM_...").
  std::string suite;
  std::string name = benchmark;
  if (auto slash = benchmark.find('/'); slash != std::string::npos && benchmark.compare(0, 3, "BM_") != 0) {
    suite = benchmark.substr(0, slash);
    name = benchmark.substr(slash + 1);
  }
  const std::string family = name.substr(0, name.find('/'));
  std::vector<std::string> candidates = {family, name};
  if (!suite.empty()) {
    candidates.push_back(suite + "/" + family);
    candidates.push_back(suite + "/" + name);
  }
  Thresholds t = thresholds;
  std::string previous;
  for (const auto& key : candidates) {
    if (key == previous) continue;  // a name without arguments is its own family
    previous = key;
    auto it = overrides.find(key);
    if (it == overrides.end()) continue;
    const Override& o = it->second;
    if (o.regression_pct) t.regression_pct = *o.regression_pct;
    if (o.instr_regression_pct) t.instr_regression_pct = *o.instr_regression_pct;
    if (o.noise_cv_pct) t.noise_cv_pct = *o.noise_cv_pct;
  }
  // A tighter override regression threshold pulls the warning threshold
  // along: a warning above the regression line would never be reported.
  t.warning_pct = std::min(t.warning_pct, t.regression_pct);
  t.instr_warning_pct = std::min(t.instr_warning_pct, t.instr_regression_pct);
  return t;
}

Result<BenchConfig> load_config(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorKind::kIo, "{}: benchmark configuration not found (pass --config FILE)", path);
  }
  Reader reader(path);
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return reader.error_at(e.source(), "invalid TOML: {}", e.description());
  }
  auto config = parse_document(reader, root);
  if (!config) return config.error();
  VMM_TRY(apply_environment(config->thresholds));
  return config;
}

}  // namespace vmm::bench
