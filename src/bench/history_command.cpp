// `vm bench history`: append the results of one run to the sharded history,
// detect change points in every benchmark's series and write the trend page.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "bench/history.hpp"
#include "vmm/bench/commands.hpp"
#include "vmm/bench/results.hpp"

namespace vmm::bench {
namespace {

// Used when a result file has no context.date (not Google Benchmark's own output).
std::string now_utc_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
  return text;
}

Result<void> write_file(const std::string& path, const std::string& content) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return make_error(ErrorKind::kIo, "cannot create {}: {}", parent.string(), ec.message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return make_error(ErrorKind::kIo, "cannot write {}", path);
  return {};
}

int fail(const Error& error) {
  fmt::print(stderr, "vm: bench history: {}\n", error.message);
  return kExitBadInput;
}

}  // namespace

int cmd_history(const HistoryArgs& args) {
  auto results = load_results_dir(args.results_dir);
  if (!results) return fail(results.error());
  const std::vector<HistoryRecord> records = records_from_results(*results, now_utc_iso8601());
  if (records.empty()) {
    return fail(make_error(ErrorKind::kBadFormat, "{}: no benchmark results to record", args.results_dir));
  }

  auto appended = append_history(args.data_dir, records);
  if (!appended) return fail(appended.error());
  auto history = read_history(args.data_dir);
  if (!history) return fail(history.error());

  const std::vector<BenchmarkSeries> series = build_series(*history);
  if (auto written = write_file(args.html_out, render_history_html(series)); !written) {
    return fail(written.error());
  }

  std::size_t changes = 0;
  for (const BenchmarkSeries& s : series) {
    for (const ChangePoint& c : s.change_points) {
      fmt::print("change point: {}\n", describe_change_point(s, c));
      ++changes;
    }
  }
  fmt::print("bench history: {} new lines in {} ({} records, {} benchmarks, {} change point{}); wrote {}\n",
             *appended, args.data_dir, history->size(), series.size(), changes, changes == 1 ? "" : "s",
             args.html_out);
  return kExitOk;
}

}  // namespace vmm::bench
