// `vm bench run`: finds every bench_<suite> executable, runs it for wall time
// (Google Benchmark, repetitions from the mode), then counts instructions per
// iteration under callgrind, and writes <out>/<suite>.json (Google Benchmark's
// file plus our "vmm" object, see results.hpp) and <out>/report.md.
//
// Instruction counts: each benchmark runs alone under callgrind with a fixed
// iteration count N (VMM_BENCH_ITERATIONS, see benches/support/bench_main.hpp)
// and again with 2N; collection is on only inside the benchmark function, and
// (Ir(2N) - Ir(N)) / N cancels what the function does once (its setup). The
// child gets a fixed environment, working directory and argv[0], so the
// process image, and with it every address and alignment, is the same on
// every run: the count of one binary is then identical run after run.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "bench/fingerprint.hpp"
#include "vmm/bench/commands.hpp"

#include "gbench_format.hpp"
#include "vmm/bench/config.hpp"
#include "vmm/bench/results.hpp"

namespace vmm::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kIterationsVariable = "VMM_BENCH_ITERATIONS";
// Callgrind collects inside functions matching these: every benchmark
// function (the second pattern: those of BENCHMARK_CAPTURE, with arguments
// after the state), and only the function itself, not a lambda defined in it,
// whose name also contains "BM_" and would toggle collection off again.
// Google Benchmark's FunctionBenchmark::Run would catch any name, but it
// tail-calls the benchmark, so callgrind never sees it as a frame.
constexpr const char* kToggleCollect[] = {"*BM_*(benchmark::State&)", "*BM_*(benchmark::State&, *)"};

struct Suite {
  std::string name;
  fs::path executable;
};

/// What happened to one suite, for the summary and the report.
struct SuiteOutcome {
  std::string name;
  std::string failure;  ///< empty: ok
  bool skipped = false;
  double wall_seconds = 0;
  double callgrind_seconds = 0;
  json results;  ///< the merged result file
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format_seconds(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  return fmt::format("{}m{:02.0f}s", static_cast<int>(s / 60), std::fmod(s, 60.0));
}

std::string format_count(double value) {
  // Thousands separators: instruction counts are read digit by digit.
  const auto whole = static_cast<long long>(std::llround(std::floor(value)));
  std::string digits = std::to_string(whole);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  const double fraction = value - std::floor(value);
  if (fraction > 0.005) out += fmt::format("{:.2f}", fraction).substr(1);
  return out;
}

Result<fs::path> locate_bench_dir(const RunArgs& args) {
  std::error_code ec;
  if (!args.bench_dir.empty()) {
    if (!fs::is_directory(args.bench_dir, ec)) {
      return make_error(ErrorKind::kIo, "{}: --bench-dir is not a directory", args.bench_dir);
    }
    return fs::absolute(args.bench_dir);
  }
  // vm is build/<preset>/vm and the suites build/<preset>/benches/bench_<suite>.
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return make_error(ErrorKind::kIo, "cannot locate the vm executable: pass --bench-dir DIR");
  fs::path dir = self.parent_path() / "benches";
  if (!fs::is_directory(dir, ec)) {
    return make_error(ErrorKind::kIo,
                      "{}: no bench executables next to vm (build them, or pass --bench-dir DIR)",
                      dir.string());
  }
  return dir;
}

Result<std::vector<Suite>> discover_suites(const fs::path& dir) {
  std::vector<Suite> suites;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.rfind("bench_", 0) != 0 || file.size() == 6) continue;
    if (file.find('.') != std::string::npos) continue;  // bench_x.json, bench_x.log...
    if (!it->is_regular_file(ec)) continue;
    if ((it->status(ec).permissions() & fs::perms::owner_exec) == fs::perms::none) continue;
    suites.push_back(Suite{file.substr(6), it->path()});
  }
  if (ec) return make_error(ErrorKind::kIo, "{}: cannot list: {}", dir.string(), ec.message());
  std::sort(suites.begin(), suites.end(), [](const Suite& a, const Suite& b) { return a.name < b.name; });
  if (suites.empty()) {
    return make_error(ErrorKind::kIo, "{}: no bench_<suite> executables (build the benches first)",
                      dir.string());
  }
  return suites;
}

Result<std::vector<Suite>> select_suites(const std::vector<Suite>& found,
                                         const std::vector<std::string>& wanted, const std::string& source) {
  if (wanted.empty()) return found;
  std::vector<Suite> selected;
  for (const auto& name : wanted) {
    auto it = std::find_if(found.begin(), found.end(), [&](const Suite& s) { return s.name == name; });
    if (it == found.end()) {
      std::string known;
      for (const auto& s : found) known += (known.empty() ? "" : ", ") + s.name;
      return make_error(ErrorKind::kInvalidArgument, "{} names suite '{}', which was not found (found: {})",
                        source, name, known);
    }
    if (std::none_of(selected.begin(), selected.end(), [&](const Suite& s) { return s.name == name; })) {
      selected.push_back(*it);
    }
  }
  return selected;
}

/// A benchmark name as a POSIX extended regex matching only itself.
std::string escape_regex(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

/// The benchmark names a suite runs with `filter` (no fixed iteration count,
/// so without the "/iterations:N" suffix).
Result<std::vector<std::string>> list_benchmarks(const Suite& suite, const std::string& filter) {
  std::vector<std::string> argv = {suite.executable.string(), "--benchmark_list_tests=true"};
  if (!filter.empty()) argv.push_back("--benchmark_filter=" + filter);
  auto listing = capture_output(argv);
  if (!listing) return listing.error();
  std::vector<std::string> names;
  std::istringstream lines(*listing);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // canonical: a VMM_BENCH_ITERATIONS in our environment would add "/iterations:N".
    if (!line.empty()) names.push_back(canonical_benchmark_name(line));
  }
  return names;
}

/// The entries of a Google Benchmark result that reported an error.
std::vector<std::string> benchmark_errors(const json& results) {
  std::vector<std::string> errors;
  if (!results.contains("benchmarks") || !results["benchmarks"].is_array())
    return {"no \"benchmarks\" array"};
  for (const auto& b : results["benchmarks"]) {
    if (b.value("error_occurred", false)) {
      errors.push_back(fmt::format("{}: {}", b.value("name", "?"), b.value("error_message", "error")));
    }
  }
  return errors;
}

Result<json> run_wall_time(const Suite& suite, const ModeConfig& mode, const fs::path& partial) {
  std::vector<std::string> argv = {suite.executable.string(),
                                   "--benchmark_out=" + partial.string(),
                                   "--benchmark_out_format=json",
                                   fmt::format("--benchmark_repetitions={}", mode.repetitions),
                                   fmt::format("--benchmark_min_time={}", mode.min_time_s),
                                   fmt::format("--benchmark_min_warmup_time={}", mode.warmup_s),
                                   "--benchmark_display_aggregates_only=true"};
  if (!mode.filter.empty()) argv.push_back("--benchmark_filter=" + mode.filter);
  ChildSpec spec;
  spec.argv = argv;
  // A stray VMM_BENCH_ITERATIONS would turn the wall-time run into fixed iterations.
  spec.environment = environment_with({kIterationsVariable}, {});
  spec.stdout_to_stderr = true;
  auto status = run_child(spec);
  if (!status) return status.error();
  if (!status->ok())
    return make_error(ErrorKind::kIo, "{} {}", suite.executable.filename().string(), status->describe());
  auto results = read_json(partial.string());
  if (!results) return results.error();
  if (auto errors = benchmark_errors(*results); !errors.empty()) {
    return make_error(ErrorKind::kBadFormat, "{} benchmark(s) failed: {}", errors.size(), errors.front());
  }
  return results;
}

/// "totals:" (or "summary:") of a callgrind output file: the instructions
/// executed while collection was on.
Result<double> callgrind_total(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::kIo, "{}: callgrind wrote no output", path.string());
  std::string line;
  std::optional<double> summary;
  while (std::getline(in, line)) {
    for (const char* key : {"totals:", "summary:"}) {
      if (line.rfind(key, 0) != 0) continue;
      std::istringstream fields(line.substr(std::strlen(key)));
      double value;
      if (!(fields >> value))
        return make_error(ErrorKind::kBadFormat, "{}: bad line '{}'", path.string(), line);
      if (std::string_view(key) == "totals:") return value;
      summary = value;
    }
  }
  if (summary) return *summary;
  return make_error(ErrorKind::kBadFormat, "{}: no totals: or summary: line", path.string());
}

/// One callgrind run: one benchmark at one fixed iteration count.
struct CallgrindTask {
  std::size_t benchmark = 0;  ///< index into the name list
  int iterations = 0;
  fs::path base;  ///< output files are base + ".callgrind.out", ".log", ".json"
  double total = 0;
  std::string error;
};

/// Checks the run measured what we asked: one benchmark, named `name`, with
/// exactly `iterations` iterations (a filter that matched nothing would
/// otherwise count zero instructions and pass for a real figure).
Result<void> check_callgrind_run(const fs::path& stdout_json, const std::string& name, int iterations) {
  auto j = read_json(stdout_json.string());
  if (!j) return j.error();
  if (auto errors = benchmark_errors(*j); !errors.empty())
    return make_error(ErrorKind::kBadFormat, "{}", errors.front());
  int runs = 0;
  for (const auto& b : (*j)["benchmarks"]) {
    if (b.value("run_type", "iteration") != "iteration") continue;
    ++runs;
    const std::string run_name = canonical_benchmark_name(b.value("run_name", b.value("name", "")));
    if (run_name != name) return make_error(ErrorKind::kBadFormat, "ran {} instead of {}", run_name, name);
    if (b.value("iterations", std::int64_t{0}) != iterations) {
      return make_error(ErrorKind::kBadFormat, "ran {} iterations instead of {} ({} ignored?)",
                        b.value("iterations", std::int64_t{0}), iterations, kIterationsVariable);
    }
  }
  if (runs != 1) return make_error(ErrorKind::kBadFormat, "the filter selected {} runs instead of 1", runs);
  return {};
}

void run_callgrind_task(CallgrindTask& task, const Suite& suite, const std::string& name,
                        const std::string& valgrind) {
  const fs::path out_file = task.base.string() + ".callgrind.out";
  const fs::path log_file = task.base.string() + ".log";
  const fs::path json_file = task.base.string() + ".json";
  ChildSpec spec;
  spec.program = valgrind;
  spec.argv = {"valgrind",
               "--tool=callgrind",
               "--smc-check=all",  // JIT-generated code is counted too
               "--collect-atstart=no",
               std::string("--toggle-collect=") + kToggleCollect[0],
               std::string("--toggle-collect=") + kToggleCollect[1],
               "--callgrind-out-file=" + out_file.string(),
               "./" + suite.executable.filename().string(),
               "--benchmark_filter=^" + escape_regex(name) + "(/iterations:[0-9]+)?$",
               "--benchmark_repetitions=1",
               "--benchmark_min_warmup_time=0",  // a time-based warm-up would make the count vary
               "--benchmark_format=json"};
  // Fixed width, so that N and 2N make environments of the same size.
  std::vector<std::string> env = {fmt::format("{}={:010}", kIterationsVariable, task.iterations)};
  for (const char* keep : {"LD_LIBRARY_PATH", "VALGRIND_LIB"}) {
    if (const char* v = std::getenv(keep)) env.push_back(fmt::format("{}={}", keep, v));
  }
  spec.environment = env;
  spec.working_dir = suite.executable.parent_path().string();
  spec.stdout_path = json_file.string();
  spec.stderr_path = log_file.string();
  auto status = run_child(spec);
  if (!status) {
    task.error = status.error().message;
    return;
  }
  if (!status->ok()) {
    task.error = fmt::format("valgrind {} (see {})", status->describe(), log_file.string());
    return;
  }
  if (auto checked = check_callgrind_run(json_file, name, task.iterations); !checked) {
    task.error = fmt::format("{} (see {})", checked.error().message, json_file.string());
    return;
  }
  auto total = callgrind_total(out_file);
  if (!total) {
    task.error = total.error().message;
    return;
  }
  task.total = *total;
  std::error_code ec;
  fs::remove(json_file, ec);  // checked; the callgrind output and log stay for callgrind_annotate
}

/// File-name-safe form of a benchmark name ("BM_X/64" -> "BM_X_64").
std::string file_stem(std::string_view name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  return out;
}

struct InstructionCounts {
  std::map<std::string, double> per_iteration;
  std::vector<std::string> failures;
};

InstructionCounts count_instructions(const Suite& suite, const std::vector<std::string>& names,
                                     const ModeConfig& mode, const std::string& valgrind,
                                     const fs::path& work_dir) {
  const int n = mode.callgrind_iterations;
  std::vector<CallgrindTask> tasks;
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (int iterations : {n, 2 * n}) {
      CallgrindTask& task = tasks.emplace_back();
      task.benchmark = i;
      task.iterations = iterations;
      task.base = work_dir / fmt::format("{}.{}", file_stem(names[i]), iterations);
    }
  }
  // Callgrind counts instructions, not time: running one per core changes no
  // figure, it only shortens the pass.
  const std::size_t jobs = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, tasks.size());
  std::atomic<std::size_t> next{0};
  std::mutex print_mutex;
  std::vector<int> done(names.size(), 0);
  InstructionCounts counts;
  auto worker = [&] {
    for (std::size_t t = next++; t < tasks.size(); t = next++) {
      CallgrindTask& task = tasks[t];
      run_callgrind_task(task, suite, names[task.benchmark], valgrind);
      std::lock_guard lock(print_mutex);
      if (!task.error.empty()) {
        fmt::print(stderr, "  callgrind {} (N={}) FAILED: {}\n", names[task.benchmark], task.iterations,
                   task.error);
      } else if (++done[task.benchmark] == 2) {
        const CallgrindTask& a = tasks[2 * task.benchmark];
        const CallgrindTask& b = tasks[2 * task.benchmark + 1];
        fmt::print(stderr, "  callgrind {}: {} instructions/iteration\n", names[task.benchmark],
                   format_count((b.total - a.total) / n));
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t j = 0; j < jobs; ++j) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  for (std::size_t i = 0; i < names.size(); ++i) {
    const CallgrindTask& a = tasks[2 * i];
    const CallgrindTask& b = tasks[2 * i + 1];
    if (!a.error.empty() || !b.error.empty()) {
      counts.failures.push_back(fmt::format("{}: {}", names[i], !a.error.empty() ? a.error : b.error));
    } else if (a.total == 0) {
      counts.failures.push_back(fmt::format(
          "{}: callgrind counted nothing: a benchmark function must be named BM_* and take benchmark::State& "
          "first",
          names[i]));
    } else if (b.total < a.total) {
      counts.failures.push_back(fmt::format("{}: {} iterations counted fewer instructions than {} ({} < {})",
                                            names[i], 2 * n, n, b.total, a.total));
    } else {
      counts.per_iteration[names[i]] = (b.total - a.total) / n;
    }
  }
  return counts;
}

// ---------------------------------------------------------------- report

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

std::string format_time_ns(double ns) {
  if (ns < 1e3) return fmt::format("{:.1f} ns", ns);
  if (ns < 1e6) return fmt::format("{:.2f} µs", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.2f} ms", ns / 1e6);
  return fmt::format("{:.2f} s", ns / 1e9);
}

std::string format_rate(double value, const char* unit, bool binary) {
  const double step = binary ? 1024.0 : 1000.0;
  const char* prefixes[] = {"", binary ? "Ki" : "k", binary ? "Mi" : "M", binary ? "Gi" : "G",
                            binary ? "Ti" : "T"};
  int p = 0;
  while (std::abs(value) >= step && p < 4) {
    value /= step;
    ++p;
  }
  // "8 GiB/s" but "1.07G items/s": an SI prefix glued to a word reads badly.
  if (binary) return fmt::format("{:.3g} {}{}", value, prefixes[p], unit);
  return fmt::format("{:.3g}{} {}", value, prefixes[p], unit);
}

/// One Markdown table of a suite: medians over the repetitions, computed here
/// from the per-repetition entries (with 1 repetition there are no aggregates).
std::string suite_table(const json& results) {
  struct Row {
    std::vector<double> times_ns;
    std::map<std::string, std::vector<double>> counters;
  };
  std::vector<std::string> order;
  std::map<std::string, Row> rows;
  for (const auto& b : results.value("benchmarks", json::array())) {
    if (b.value("run_type", "iteration") != "iteration") continue;
    const std::string name = canonical_benchmark_name(b.value("run_name", b.value("name", "")));
    if (!rows.count(name)) order.push_back(name);
    Row& row = rows[name];
    row.times_ns.push_back(b.value("real_time", 0.0) * ns_per_unit(b.value("time_unit", "ns")));
    for (const auto& item : b.items()) {
      const std::string& key = item.key();  // a named variable: Clang 14 cannot capture structured bindings
      const json& value = item.value();
      if (!value.is_number()) continue;
      if (is_standard_key(key)) continue;
      row.counters[key].push_back(value.get<double>());
    }
  }
  json instructions = json::object();
  if (results.contains("vmm") && results["vmm"].contains("instructions"))
    instructions = results["vmm"]["instructions"];
  for (const auto& [name, count] : instructions.items()) {
    if (!rows.count(name)) order.push_back(name);
    rows[name];
  }

  std::string table =
      "| Benchmark | Median time | CV | Throughput | Instructions/iteration |\n"
      "|---|---:|---:|---|---:|\n";
  for (const auto& name : order) {
    const Row& row = rows[name];
    std::string time = "–";
    std::string cv = "–";
    if (!row.times_ns.empty()) {
      time = format_time_ns(median(row.times_ns));
      if (row.times_ns.size() > 1) {
        double mean = 0;
        for (double t : row.times_ns) mean += t;
        mean /= static_cast<double>(row.times_ns.size());
        double var = 0;
        for (double t : row.times_ns) var += (t - mean) * (t - mean);
        var /= static_cast<double>(row.times_ns.size() - 1);
        cv = mean > 0 ? fmt::format("{:.1f}%", 100 * std::sqrt(var) / mean) : "–";
      }
    }
    std::vector<std::string> throughput;
    for (const auto& [key, values] : row.counters) {
      const double m = median(values);
      if (key == "items_per_second") {
        throughput.push_back(format_rate(m, "items/s", false));
      } else if (key == "bytes_per_second") {
        throughput.push_back(format_rate(m, "B/s", true));
      } else if (key == "guest_MIPS") {
        throughput.push_back(fmt::format("{:.1f} guest MIPS", m));
      } else {
        throughput.push_back(fmt::format("{} {:.4g}", key, m));
      }
    }
    std::string joined;
    for (const auto& t : throughput) joined += (joined.empty() ? "" : ", ") + t;
    std::string instr = "–";
    if (instructions.contains(name) && instructions[name].is_number()) {
      instr = format_count(instructions[name].get<double>());
    }
    table +=
        fmt::format("| {} | {} | {} | {} | {} |\n", name, time, cv, joined.empty() ? "–" : joined, instr);
  }
  return table;
}

/// Text for a Markdown table cell: a '|' would end the cell.
std::string table_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string render_report(const ModeConfig& mode, bool instructions, const Fingerprint& fingerprint,
                          const std::vector<SuiteOutcome>& outcomes) {
  std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::string md = "# Benchmark results\n\n";
  md += fmt::format("Mode **{}**: {} repetition(s), min time {} s, warm-up {} s", mode.name, mode.repetitions,
                    mode.min_time_s, mode.warmup_s);
  if (!mode.filter.empty()) md += fmt::format(", filter `{}`", mode.filter);
  md += instructions ? fmt::format("; instructions from callgrind at {} and {} iterations.\n\n",
                                   mode.callgrind_iterations, 2 * mode.callgrind_iterations)
                     : "; no instruction counts.\n\n";
  md += fmt::format("{} · {} · {} · commit `{}` · {} · {}\n\n", fingerprint.cpu, fingerprint.compiler,
                    fingerprint.build_type, fingerprint.commit, fingerprint.host, date);
  md += "| Suite | Status | Wall-time pass | Callgrind pass |\n|---|---|---:|---:|\n";
  for (const auto& o : outcomes) {
    std::string status = o.skipped           ? "skipped (no benchmark matches the filter)"
                         : o.failure.empty() ? "ok"
                                             : "**FAILED**: " + table_cell(o.failure);
    md += fmt::format("| {} | {} | {} | {} |\n", o.name, status, format_seconds(o.wall_seconds),
                      instructions ? format_seconds(o.callgrind_seconds) : "–");
  }
  for (const auto& o : outcomes) {
    if (o.results.is_null()) continue;
    md += fmt::format("\n## {}\n\n{}", o.name, suite_table(o.results));
  }
  return md;
}

/// Runs one suite; the outcome records a failure instead of stopping the run.
SuiteOutcome run_suite(const Suite& suite, const ModeConfig& mode, bool instructions,
                       const std::string& valgrind, const Fingerprint& base_fingerprint,
                       const fs::path& out_dir) {
  SuiteOutcome outcome;
  outcome.name = suite.name;
  const fs::path partial = out_dir / (suite.name + ".json.partial");
  const fs::path failed = out_dir / (suite.name + ".json.failed");
  const fs::path final_path = out_dir / (suite.name + ".json");

  auto names = list_benchmarks(suite, mode.filter);
  if (!names) {
    outcome.failure = "cannot list its benchmarks: " + names.error().message;
    return outcome;
  }
  if (names->empty()) {
    outcome.skipped = true;
    fmt::print(stderr, "  no benchmark of {} matches the filter '{}': skipped\n", suite.name, mode.filter);
    return outcome;
  }

  auto start = Clock::now();
  auto results = run_wall_time(suite, mode, partial);
  outcome.wall_seconds = seconds_since(start);
  std::error_code ec;
  if (!results) {
    outcome.failure = "wall-time run: " + results.error().message;
    if (fs::exists(partial, ec)) fs::rename(partial, failed, ec);
    return outcome;
  }

  json vmm = {{"suite", suite.name}, {"mode", mode.name}};
  Fingerprint fingerprint = base_fingerprint;
  fingerprint.libraries =
      library_versions(results->value("context", json::object()), suite.executable.string());
  vmm["fingerprint"] = fingerprint.to_json();

  if (instructions) {
    start = Clock::now();
    const fs::path work_dir = out_dir / "callgrind" / suite.name;
    fs::create_directories(work_dir, ec);
    InstructionCounts counts = count_instructions(suite, *names, mode, valgrind, work_dir);
    outcome.callgrind_seconds = seconds_since(start);
    vmm["callgrind_iterations"] = mode.callgrind_iterations;
    vmm["instructions"] = counts.per_iteration;
    if (!counts.failures.empty()) {
      outcome.failure = fmt::format("callgrind failed for {} benchmark(s): {}", counts.failures.size(),
                                    counts.failures.front());
    }
  }
  (*results)["vmm"] = vmm;
  outcome.results = *results;
  auto written =
      write_file_atomically(outcome.failure.empty() ? final_path : failed, results->dump(2) + "\n");
  fs::remove(partial, ec);
  if (!written && outcome.failure.empty()) outcome.failure = written.error().message;
  if (!outcome.failure.empty()) outcome.results = nullptr;  // a failed suite has no results in the report
  return outcome;
}

}  // namespace

int cmd_run(const RunArgs& args) {
  const auto run_start = Clock::now();
  auto config = load_config(args.config);
  if (!config) {
    fmt::print(stderr, "vm: {}\n", config.error().message);
    return 2;
  }
  auto mode = config->mode(args.mode);
  if (!mode) {
    fmt::print(stderr, "vm: {}\n", mode.error().message);
    return 2;
  }
  auto bench_dir = locate_bench_dir(args);
  if (!bench_dir) {
    fmt::print(stderr, "vm: {}\n", bench_dir.error().message);
    return 2;
  }
  auto found = discover_suites(*bench_dir);
  if (!found) {
    fmt::print(stderr, "vm: {}\n", found.error().message);
    return 2;
  }
  auto suites = !args.suites.empty() ? select_suites(*found, args.suites, "--suite")
                                     : select_suites(*found, mode->suites, "mode " + mode->name);
  if (!suites) {
    fmt::print(stderr, "vm: {}\n", suites.error().message);
    return 2;
  }
  const bool instructions = mode->instructions && !args.no_instructions;
  std::string valgrind;
  if (instructions) {
    auto path = find_in_path("valgrind");
    if (!path) {
      fmt::print(stderr,
                 "vm: valgrind not found: install it for instruction counts, or pass --no-instructions\n");
      return 2;
    }
    valgrind = *path;
  }

  const fs::path out_dir = fs::absolute(args.out_dir);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir, ec)) {
    fmt::print(stderr, "vm: {}: cannot create the results directory\n", out_dir.string());
    return 2;
  }
  // The directory holds one run: results of an earlier run (of a suite not
  // selected now) would otherwise be compared as if they were current.
  for (const Suite& s : *found) {
    for (const char* suffix : {".json", ".json.failed", ".json.partial"}) {
      const fs::path stale = out_dir / (s.name + suffix);
      const bool selected = std::any_of(suites->begin(), suites->end(),
                                        [&](const Suite& chosen) { return chosen.name == s.name; });
      if (fs::remove(stale, ec) && !selected && std::string_view(suffix) == ".json") {
        fmt::print(stderr, "vm: removed {} of an earlier run (suite {} is not run now)\n", stale.string(),
                   s.name);
      }
    }
    fs::remove_all(out_dir / "callgrind" / s.name, ec);
  }

  const std::string source_dir = fs::absolute(args.config).parent_path().string();
  const Fingerprint fingerprint =
      current_fingerprint(json::object(), suites->front().executable.string(), source_dir);
  fmt::print(stderr, "vm bench run: mode {}, {} suite(s) from {}, results in {}\n", mode->name,
             suites->size(), bench_dir->string(), out_dir.string());

  std::vector<SuiteOutcome> outcomes;
  for (std::size_t i = 0; i < suites->size(); ++i) {
    const Suite& suite = (*suites)[i];
    fmt::print(stderr, "==> [{}/{}] {}\n", i + 1, suites->size(), suite.name);
    outcomes.push_back(run_suite(suite, *mode, instructions, valgrind, fingerprint, out_dir));
    const SuiteOutcome& o = outcomes.back();
    fmt::print(stderr, "==> {} {} (wall time {}, callgrind {})\n", suite.name,
               o.skipped           ? "skipped"
               : o.failure.empty() ? "ok"
                                   : "FAILED: " + o.failure,
               format_seconds(o.wall_seconds),
               instructions ? format_seconds(o.callgrind_seconds) : "skipped");
  }

  const fs::path report = out_dir / "report.md";
  if (auto written = write_file_atomically(report, render_report(*mode, instructions, fingerprint, outcomes));
      !written) {
    fmt::print(stderr, "vm: {}\n", written.error().message);
  }
  std::vector<std::string> failed;
  for (const auto& o : outcomes) {
    if (!o.failure.empty()) failed.push_back(o.name);
  }
  fmt::print(stderr, "vm bench run: {} suite(s) in {}; report {}\n", outcomes.size(),
             format_seconds(seconds_since(run_start)), report.string());
  if (!failed.empty()) {
    std::string list;
    for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
    fmt::print(stderr, "vm bench run: FAILED suite(s): {}\n", list);
    return 1;
  }
  return 0;
}

}  // namespace vmm::bench
