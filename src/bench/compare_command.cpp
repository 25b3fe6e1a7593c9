// `vm bench compare BASELINE CURRENT`: the only place where errors become exit
// statuses (commands.hpp) and one-line "vm: " messages on stderr.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "bench/compare.hpp"
#include "bench/report.hpp"
#include "vmm/bench/commands.hpp"
#include "vmm/bench/config.hpp"
#include "vmm/bench/results.hpp"

namespace vmm::bench {
namespace {

/// Prints one line: a message must never spill onto a second line, which
/// scripts (and the tests) rely on.
void print_error(std::string message) {
  for (char& ch : message) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  fmt::print(stderr, "vm: {}\n", message);
}

Result<ResultSet> load_side(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return load_results_dir(path);
  return load_results(path);
}

/// REGRESSION_THRESHOLD / WARNING_THRESHOLD (percent) for the built-in
/// defaults: load_config applies them to a configuration file, and they must
/// not stop working where no file exists.
Result<void> apply_threshold_environment(Thresholds& t) {
  const auto read = [](const char* name, double& target) -> Result<void> {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return {};
    std::string value(text);
    if (value.back() == '%') value.pop_back();
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(v) || v <= 0 ||
        v >= 1000) {
      return make_error(ErrorKind::kInvalidArgument, "{}='{}' is not a percentage (e.g. {}=10 for 10%)", name,
                        text, name);
    }
    target = v;
    return {};
  };
  VMM_TRY(read("REGRESSION_THRESHOLD", t.regression_pct));
  VMM_TRY(read("WARNING_THRESHOLD", t.warning_pct));
  t.warning_pct = std::min(t.warning_pct, t.regression_pct);
  return {};
}

Result<BenchConfig> config_for(const std::string& path, bool given) {
  std::error_code ec;
  // A file named on the command line must exist: a typo would otherwise
  // compare with thresholds nobody chose.
  if (given || std::filesystem::exists(path, ec)) return load_config(path);
  // No configuration file: the built-in thresholds. A file that exists but
  // is malformed is an error from load_config, never replaced by these.
  BenchConfig config;
  VMM_TRY(apply_threshold_environment(config.thresholds));
  return config;
}

Result<void> write_file(const std::string& path, const std::string& text, bool append) {
  std::ofstream out(path, append ? std::ios::app : std::ios::trunc);
  if (!out) return make_error(ErrorKind::kIo, "{}: cannot write: {}", path, std::strerror(errno));
  out << text;
  out.flush();
  if (!out) return make_error(ErrorKind::kIo, "{}: write error: {}", path, std::strerror(errno));
  return {};
}

/// The Markdown and JSON outputs asked for, and the GitHub step summary.
Result<void> write_reports(const CompareArgs& args, const Comparison& comparison) {
  const std::string markdown = render_markdown(comparison);
  if (!args.markdown_out.empty()) VMM_TRY(write_file(args.markdown_out, markdown, false));
  if (!args.json_out.empty())
    VMM_TRY(write_file(args.json_out, render_json(comparison).dump(2) + "\n", false));
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary != nullptr && *summary != '\0') {
    VMM_TRY(write_file(summary, markdown + "\n", true));
  }
  return {};
}

}  // namespace

int cmd_compare(const CompareArgs& args) {
  auto config = config_for(args.config, args.config_given);
  if (!config) {
    print_error(config.error().message);
    return kExitBadInput;
  }
  auto baseline = load_side(args.baseline);
  if (!baseline) {
    print_error(baseline.error().message);
    return kExitBadInput;
  }
  auto current = load_side(args.current);
  if (!current) {
    print_error(current.error().message);
    return kExitBadInput;
  }

  Comparison comparison = compare(*baseline, *current, *config);
  comparison.forced = args.force;
  if (!comparison.comparable && !args.force) {
    // The reports still say why, for the pull-request comment.
    if (auto written = write_reports(args, comparison); !written) {
      print_error(written.error().message);
      return kExitBadInput;
    }
    print_error(fmt::format("not comparable: {}; refresh the baseline on this machine or use --force",
                            comparison.incompatibility));
    return kExitNotComparable;
  }

  fmt::print("{}", render_terminal(comparison, stdout_wants_colour()));
  std::fflush(stdout);
  if (auto written = write_reports(args, comparison); !written) {
    print_error(written.error().message);
    return kExitBadInput;
  }
  return comparison.exit_code();
}

}  // namespace vmm::bench
