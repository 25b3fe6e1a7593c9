// `vm bench baseline --update`: stores the result files of a run as the
// baselines benches/baselines/<suite>.json, which `vm bench compare` and
// scripts/detect_regression.sh compare later runs against. Every input is
// validated before anything is written, so a bad results directory never
// leaves half of the baselines replaced.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "bench/fingerprint.hpp"
#include "vmm/bench/commands.hpp"

#include "gbench_format.hpp"
#include "vmm/bench/results.hpp"

namespace vmm::bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// One result file ready to become a baseline.
struct Pending {
  fs::path source;
  std::string suite;
  json contents;
  std::size_t benchmarks = 0;
  bool fingerprint_added = false;
};

/// Validates one file; nullopt for JSON that is not benchmark output (a
/// verdict or other file written next to the results).
Result<std::optional<Pending>> prepare(const fs::path& path, const Fingerprint& here) {
  auto j = read_json(path.string());
  if (!j) return j.error();
  if (!j->is_object() || !j->contains("benchmarks")) return std::optional<Pending>{};
  auto set = load_results(path.string());
  if (!set) return set.error();
  // A baseline with a failed benchmark would make every later run of it
  // look like a new benchmark, or hide that it fails.
  for (const auto& b : (*j)["benchmarks"]) {
    if (b.is_object() && b.value("error_occurred", false)) {
      return make_error(ErrorKind::kBadFormat,
                        "{}: benchmark {} failed ({}); fix it before storing a baseline", path.string(),
                        b.value("name", "?"), b.value("error_message", "error"));
    }
  }
  Pending p;
  p.source = path;
  p.benchmarks = set->benchmarks.size();
  json& vmm = (*j)["vmm"];
  if (!vmm.is_object()) vmm = json::object();
  p.suite = vmm.contains("suite") && vmm["suite"].is_string() ? vmm["suite"].get<std::string>()
                                                              : path.stem().string();
  // The suite names the baseline's file: a name that could leave the
  // baseline directory ("../x", "/tmp/x", "") is not a suite.
  const bool file_name = !p.suite.empty() && p.suite != "." && p.suite != ".." &&
                         std::all_of(p.suite.begin(), p.suite.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
                         });
  if (!file_name) {
    return make_error(ErrorKind::kBadFormat,
                      "{}: suite '{}' is not a file name (letters, digits, '_', '-', '.')", path.string(),
                      p.suite);
  }
  vmm["suite"] = p.suite;
  if (!set->fingerprint) {
    // Plain Google Benchmark output: baselines are taken right after the run
    // on the machine that ran it, so this machine's fingerprint is the one.
    vmm["fingerprint"] = here.to_json();
    p.fingerprint_added = true;
  }
  p.contents = std::move(j).value();
  return std::optional<Pending>{std::move(p)};
}

Result<std::vector<Pending>> prepare_all(const BaselineArgs& args) {
  std::error_code ec;
  if (!fs::is_directory(args.results_dir, ec)) {
    return make_error(ErrorKind::kIo, "{}: no results directory (run `vm bench run` first)",
                      args.results_dir);
  }
  // Also checks that all files come from one machine and build.
  auto merged = load_results_dir(args.results_dir);
  if (!merged) return merged.error();

  std::vector<fs::path> files;
  for (fs::directory_iterator it(args.results_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return make_error(ErrorKind::kIo, "{}: cannot list: {}", args.results_dir, ec.message());
  std::sort(files.begin(), files.end());

  const Fingerprint here = current_fingerprint(json::object(), {}, ".");
  std::vector<Pending> pending;
  for (const auto& file : files) {
    auto p = prepare(file, here);
    if (!p) return p.error();
    if (!*p) continue;
    auto clash = std::find_if(pending.begin(), pending.end(),
                              [&](const Pending& q) { return q.suite == (*p)->suite; });
    if (clash != pending.end()) {
      return make_error(ErrorKind::kBadFormat, "{} and {} are both results of suite {}",
                        clash->source.string(), file.string(), (*p)->suite);
    }
    pending.push_back(std::move(**p));
  }
  if (pending.empty()) return make_error(ErrorKind::kBadFormat, "{}: no result files", args.results_dir);
  return pending;
}

}  // namespace

int cmd_baseline(const BaselineArgs& args) {
  if (!args.update) {
    fmt::print(stderr,
               "vm: bench baseline needs --update (it replaces {}/<suite>.json with the results in {})\n",
               args.baseline_dir, args.results_dir);
    return kExitBadInput;
  }
  auto pending = prepare_all(args);
  if (!pending) {
    fmt::print(stderr, "vm: {}\n", pending.error().message);
    return kExitBadInput;
  }
  std::error_code ec;
  fs::create_directories(args.baseline_dir, ec);
  if (ec) {
    fmt::print(stderr, "vm: {}: {}\n", args.baseline_dir, ec.message());
    return kExitBadInput;
  }
  for (const Pending& p : *pending) {
    const fs::path target = fs::path(args.baseline_dir) / (p.suite + ".json");
    if (auto written = write_file_atomically(target, p.contents.dump(2) + "\n"); !written) {
      fmt::print(stderr, "vm: {}\n", written.error().message);
      return kExitBadInput;
    }
    const json& f = p.contents["vmm"]["fingerprint"];
    fmt::print(stderr, "vm: wrote {} ({} benchmarks; {}, {}, {}, commit {}){}\n", target.string(),
               p.benchmarks, f.value("cpu", "?"), f.value("compiler", "?"), f.value("build_type", "?"),
               f.value("commit", "?"),
               p.fingerprint_added ? "; it had no fingerprint: recorded this machine's" : "");
    if (f.value("commit", "").find("-dirty") != std::string::npos) {
      fmt::print(stderr, "vm: note: {} was measured with uncommitted changes\n", target.string());
    }
  }
  return kExitOk;
}

}  // namespace vmm::bench
