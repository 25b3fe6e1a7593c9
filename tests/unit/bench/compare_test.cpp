// `vm bench compare` below the command line: loading result files (the
// fixtures of tests/fixtures/bench, made by make_fixtures.py), the verdict
// rules, and the three reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <string>

#include "bench/compare.hpp"
#include "bench/report.hpp"
#include "vmm/bench/commands.hpp"
#include "vmm/bench/results.hpp"

namespace {

using namespace vmm::bench;
namespace fs = std::filesystem;

fs::path fixtures() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "fixtures" / "bench";
}

std::string fixture(const std::string& name) { return (fixtures() / name).string(); }

ResultSet load(const std::string& name) {
  auto r = load_results(fixture(name));
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::move(r).value() : ResultSet{};
}

std::string load_error(const std::string& path) {
  auto r = load_results(path);
  return r ? std::string("<ok>") : r.error().message;
}

const ComparisonRow& row(const Comparison& c, const std::string& name) {
  auto it =
      std::find_if(c.rows.begin(), c.rows.end(), [&](const ComparisonRow& r) { return r.name == name; });
  if (it == c.rows.end()) throw std::runtime_error("no row " + name);
  return *it;
}

/// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    m_path = fs::temp_directory_path() /
             ("vmm_compare_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() { fs::remove_all(m_path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const fs::path& path() const { return m_path; }
  void write(const std::string& name, const std::string& text) const { std::ofstream(m_path / name) << text; }

 private:
  fs::path m_path;
};

// --- Loading ----------------------------------------------------------------

TEST(BenchResults, LoadsGoogleBenchmarkOutputWithOurObject) {
  const ResultSet set = load("baseline.json");
  ASSERT_EQ(set.benchmarks.size(), 4u);
  ASSERT_TRUE(set.fingerprint);
  EXPECT_EQ(set.fingerprint->cpu, "Fixture CPU @ 2.00GHz");
  EXPECT_EQ(set.fingerprint->compiler, "GCC 12.2.0");
  EXPECT_EQ(set.fingerprint->libraries.at("benchmark"), "1.7.1");
  EXPECT_EQ(set.context.value("host_name", ""), "fixture-host");
  const Measurement& m = set.benchmarks.at("fixture/BM_Gamma/64");
  EXPECT_EQ(m.name, "BM_Gamma/64");
  EXPECT_EQ(m.suite, "fixture");
  EXPECT_EQ(m.samples_ns.size(), 10u);
  EXPECT_EQ(m.repetitions, 10);
  EXPECT_FALSE(m.aggregates_only);
  ASSERT_TRUE(m.instructions);
  EXPECT_DOUBLE_EQ(*m.instructions, 4000.0);
  ASSERT_TRUE(m.cv);
  EXPECT_LT(*m.cv, 0.05);  // a ratio, not scaled like a time
  ASSERT_TRUE(m.mean_ns);
  EXPECT_NEAR(*m.mean_ns, 400.0, 20.0);
  EXPECT_TRUE(m.counters.count("items_per_second"));
  EXPECT_FALSE(m.counters.count("iterations"));
  EXPECT_FALSE(m.counters.count("family_index"));
}

TEST(BenchResults, AggregatesOnlyKeepTheMedianAndTheSpread) {
  // Written in microseconds, without our "vmm" object.
  const ResultSet set = load("baseline_aggregates.json");
  EXPECT_FALSE(set.fingerprint);
  ASSERT_EQ(set.benchmarks.count("BM_Beta"), 1u);  // no suite: keyed by name
  const Measurement& m = set.benchmarks.at("BM_Beta");
  EXPECT_TRUE(m.suite.empty());
  EXPECT_TRUE(m.aggregates_only);
  ASSERT_EQ(m.samples_ns.size(), 1u);
  EXPECT_NEAR(m.samples_ns[0], 2500.0, 100.0);  // us -> ns
  EXPECT_EQ(m.repetitions, 10);
  ASSERT_TRUE(m.mean_ns && m.stddev_ns && m.cv);
  EXPECT_NEAR(*m.mean_ns, 2500.0, 100.0);
  EXPECT_NEAR(*m.stddev_ns, 25.0, 20.0);
  EXPECT_NEAR(*m.cv, 0.01, 0.008);
  EXPECT_FALSE(m.instructions);
}

TEST(BenchResults, RepetitionsOnlyAndFixedIterationNames) {
  const ResultSet set = load("current_repetitions_only.json");
  ASSERT_EQ(set.benchmarks.count("fixture/BM_Alpha"), 1u);  // "/iterations:1000/repeats:10" stripped
  const Measurement& m = set.benchmarks.at("fixture/BM_Alpha");
  EXPECT_EQ(m.name, "BM_Alpha");
  EXPECT_EQ(m.samples_ns.size(), 10u);
  EXPECT_FALSE(m.mean_ns);
  EXPECT_FALSE(m.cv);
  EXPECT_FALSE(m.aggregates_only);
  ASSERT_TRUE(m.instructions);
  EXPECT_DOUBLE_EQ(*m.instructions, 10000.0);
}

TEST(BenchResults, CanonicalNames) {
  EXPECT_EQ(canonical_benchmark_name("BM_TlbHitLoad/iterations:100"), "BM_TlbHitLoad");
  EXPECT_EQ(canonical_benchmark_name("BM_Ram/4096/iterations:20/repeats:5"), "BM_Ram/4096");
  EXPECT_EQ(canonical_benchmark_name("BM_Ram/64/iterations:20/real_time"), "BM_Ram/64/real_time");
  EXPECT_EQ(canonical_benchmark_name("BM_Ram/64/threads:2"), "BM_Ram/64/threads:2");
  EXPECT_EQ(canonical_benchmark_name("BM_Plain"), "BM_Plain");
  EXPECT_EQ(canonical_benchmark_name("BM_X/iterations:many"), "BM_X/iterations:many");  // not a count
}

TEST(BenchResults, BadInputsAreOneLineErrorsNamingTheFile) {
  const std::pair<const char*, const char*> cases[] = {
      {"empty.json", "empty file"},
      {"truncated.json", "truncated JSON"},
      {"invalid.json", "invalid JSON"},
      {"not_gbench.json", "not Google Benchmark output"},
      {"no_benchmarks.json", "no benchmark results"},
      {"no_real_time.json", "has no \"real_time\""},
      {"does_not_exist.json", "no such file"},
  };
  for (const auto& [name, phrase] : cases) {
    const std::string message = load_error(fixture(name));
    EXPECT_NE(message.find(name), std::string::npos) << message;
    EXPECT_NE(message.find(phrase), std::string::npos) << name << ": " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_NE(load_error(fixtures().string()).find("is a directory"), std::string::npos);
}

TEST(BenchResults, HostileFilesAreRefusedBeforeTheyAreRead) {
  // Nesting beyond kMaxJsonDepth (copying or printing 70,000 levels ran out
  // of stack), a file that never ends, one too large to be a result.
  TempDir dir;
  std::string deep = "{\"benchmarks\":[],\"context\":";
  for (int i = 0; i < 100000; ++i) deep += '[';
  for (int i = 0; i < 100000; ++i) deep += ']';
  deep += '}';
  dir.write("deep.json", deep);
  const std::string deep_error = load_error((dir.path() / "deep.json").string());
  EXPECT_NE(deep_error.find("nested deeper than"), std::string::npos) << deep_error;
  EXPECT_NE(load_error("/dev/zero").find("not a regular file"), std::string::npos);
  const fs::path huge = dir.path() / "huge.json";
  dir.write("huge.json", "{}");
  fs::resize_file(huge, kMaxJsonFileBytes + 1);  // sparse: no disk used
  const std::string huge_error = load_error(huge.string());
  EXPECT_NE(huge_error.find("larger than"), std::string::npos) << huge_error;
  std::string nested_ok = "{\"benchmarks\":[],\"context\":";
  for (int i = 0; i < kMaxJsonDepth - 2; ++i) nested_ok += '[';
  for (int i = 0; i < kMaxJsonDepth - 2; ++i) nested_ok += ']';
  nested_ok += '}';
  dir.write("ok.json", nested_ok);
  EXPECT_TRUE(read_json((dir.path() / "ok.json").string()).ok());
}

TEST(BenchResults, ImpossibleCountsAndTimesAreRefused) {
  // An instruction count of 0 or less would pass the gate whatever the
  // other side's count; a time of 0, below 0 or not finite is no measurement.
  TempDir dir;
  const nlohmann::json good = nlohmann::json::parse(std::ifstream(fixture("baseline.json")));
  auto with = [&](const std::string& name, const std::function<void(nlohmann::json&)>& change) {
    nlohmann::json j = good;
    change(j);
    dir.write(name, j.dump());
    return load_error((dir.path() / name).string());
  };
  const std::string first = good["vmm"]["instructions"].begin().key();
  for (double count : {0.0, -1.0}) {
    const std::string message =
        with("count.json", [&](nlohmann::json& j) { j["vmm"]["instructions"][first] = count; });
    EXPECT_NE(message.find("not a positive count"), std::string::npos) << message;
  }
  for (double time : {0.0, -5.0, 1e308}) {
    const std::string message =
        with("time.json", [&](nlohmann::json& j) { j["benchmarks"][0]["real_time"] = time; });
    EXPECT_NE(message.find("not a positive time up to a day"), std::string::npos) << message;
  }
  // A day per iteration is the limit, in any unit.
  const std::string days = with("days.json", [&](nlohmann::json& j) {
    j["benchmarks"][0]["real_time"] = 86401.0;
    j["benchmarks"][0]["time_unit"] = "s";
  });
  EXPECT_NE(days.find("86401 s, not a positive time up to a day"), std::string::npos) << days;
  EXPECT_EQ(with("day.json",
                 [&](nlohmann::json& j) {
                   j["benchmarks"][0]["real_time"] = 86400.0;
                   j["benchmarks"][0]["time_unit"] = "s";
                 }),
            "<ok>");
  EXPECT_EQ(load_error(fixture("baseline.json")), "<ok>");  // the untouched file loads
}

TEST(BenchResults, FieldsOfTheWrongTypeAreBadInputNotAnInternalError) {
  // nlohmann's value() throws on a field of another type: every field we
  // read is checked first, so the message names the file, entry and field.
  TempDir dir;
  const nlohmann::json good = nlohmann::json::parse(std::ifstream(fixture("baseline.json")));
  struct Case {
    const char* field;
    nlohmann::json value;
    const char* says;
  };
  const Case cases[] = {
      {"time_unit", 7, "\"time_unit\" is number, not a string"},
      {"run_type", nullptr, "\"run_type\" is null, not a string"},
      {"aggregate_name", nlohmann::json::array(), "\"aggregate_name\" is array, not a string"},
      {"error_occurred", "yes", "\"error_occurred\" is string, not true or false"},
      {"error_message", false, "\"error_message\" is boolean, not a string"},
      {"real_time", "1.0", "\"real_time\" is string, not a number"},
      {"repetitions", 2.5, "\"repetitions\" is number, not a count"},
      {"repetitions", 1e300, "\"repetitions\" is number, not a count"},
      {"iterations", -1, "\"iterations\" is number, not a count"},
      {"run_name", 1, "\"run_name\" is number, not a string"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = good;
    j["benchmarks"][1][c.field] = c.value;
    dir.write("typed.json", j.dump());
    const std::string message = load_error((dir.path() / "typed.json").string());
    EXPECT_NE(message.find(std::string("typed.json: benchmark entry 1: ") + c.says), std::string::npos)
        << c.field << ": " << message;
  }
  // A number no double holds fails in nlohmann's parser with another exception.
  dir.write("overflow.json", R"({"benchmarks": [{"name": "BM_A", "real_time": 1e309}]})");
  const std::string overflow = load_error((dir.path() / "overflow.json").string());
  EXPECT_NE(overflow.find("overflow.json: invalid JSON: number overflow"), std::string::npos) << overflow;
  // Google Benchmark counts iterations in an int64_t: fast benchmarks pass 2^31.
  nlohmann::json many = good;
  many["benchmarks"][1]["iterations"] = std::int64_t{5000000000};
  dir.write("many.json", many.dump());
  EXPECT_EQ(load_error((dir.path() / "many.json").string()), "<ok>");
  nlohmann::json j = good;
  j["benchmarks"][0] = 5;
  dir.write("entry.json", j.dump());
  EXPECT_NE(load_error((dir.path() / "entry.json").string()).find("benchmark entry 0 is not an object"),
            std::string::npos);
}

TEST(BenchResults, AFailedBenchmarkGatesAndItsInstructionCountIsDropped) {
  // A benchmark that reported an error measured nothing: an instruction
  // count written for it must not pass the gate on its own.
  TempDir dir;
  const nlohmann::json good = nlohmann::json::parse(std::ifstream(fixture("baseline.json")));
  nlohmann::json j = good;
  ASSERT_TRUE(j["vmm"]["instructions"].is_object());
  std::set<std::string> failed;
  for (nlohmann::json& e : j["benchmarks"]) {
    e["error_occurred"] = true;
    e["error_message"] = "guest faulted";
    failed.insert(canonical_benchmark_name(e.value("run_name", e["name"].get<std::string>())));
  }
  dir.write("all_failed.json", j.dump());
  const std::string all = load_error((dir.path() / "all_failed.json").string());
  EXPECT_NE(all.find("no benchmark results"), std::string::npos) << all;
  EXPECT_NE(all.find("guest faulted"), std::string::npos) << all;

  // One failed benchmark among good ones: a gating regression naming the error.
  j = good;
  const std::string victim = j["benchmarks"][0]["name"].get<std::string>();
  const std::string victim_key = canonical_benchmark_name(j["benchmarks"][0].value("run_name", victim));
  for (nlohmann::json& e : j["benchmarks"]) {
    if (canonical_benchmark_name(e.value("run_name", e["name"].get<std::string>())) != victim_key) continue;
    e["error_occurred"] = true;
    e["error_message"] = "guest faulted";
  }
  dir.write("one_failed.json", j.dump());
  auto baseline = load_results(fixture("baseline.json"));
  auto current = load_results((dir.path() / "one_failed.json").string());
  ASSERT_TRUE(baseline.ok() && current.ok());
  ASSERT_EQ(current->failed.size(), 1U);
  const std::string key = current->failed.begin()->first;
  EXPECT_EQ(current->benchmarks.count(key), 0U);  // its instruction count is gone with it
  const Comparison result = compare(*baseline, *current, BenchConfig{});
  EXPECT_EQ(result.overall(), Overall::kRegression);
  const auto row = std::find_if(result.rows.begin(), result.rows.end(),
                                [&](const ComparisonRow& r) { return r.name == key; });
  ASSERT_NE(row, result.rows.end());
  EXPECT_TRUE(row->gating);
  EXPECT_EQ(row->reason, "failed in the current run: guest faulted");
}

TEST(BenchResults, FailedBenchmarksAreSkipped) {
  TempDir dir;
  dir.write("errors.json", R"({"benchmarks": [
    {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "error_occurred": true,
     "error_message": "no /dev/kvm", "real_time": 0, "time_unit": "ns"},
    {"name": "BM_B", "run_name": "BM_B", "run_type": "iteration", "real_time": 2.5, "time_unit": "ms"}]})");
  auto set = load_results((dir.path() / "errors.json").string());
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->benchmarks.count("BM_A"), 0u);
  ASSERT_EQ(set->benchmarks.count("BM_B"), 1u);
  EXPECT_DOUBLE_EQ(set->benchmarks.at("BM_B").samples_ns.at(0), 2.5e6);

  dir.write("all_failed.json", R"({"benchmarks": [{"name": "BM_A", "error_occurred": true,
    "error_message": "no /dev/kvm"}]})");
  const std::string message = load_error((dir.path() / "all_failed.json").string());
  EXPECT_NE(message.find("1 failed"), std::string::npos) << message;
  EXPECT_NE(message.find("no /dev/kvm"), std::string::npos) << message;
}

TEST(BenchResults, DirectoryMergesSuitesAndSkipsOtherJson) {
  TempDir dir;
  fs::copy_file(fixture("baseline.json"), dir.path() / "fixture.json");
  // A second suite: the same file under another suite name.
  std::string text;
  {
    std::ifstream in(fixture("current_same_dist.json"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string suite_key = "\"suite\": \"fixture\"";
  text.replace(text.find(suite_key), suite_key.size(), "\"suite\": \"other\"");
  dir.write("other.json", text);
  dir.write("verdict.json", R"({"overall": "PASS", "rows": []})");  // not a result file
  dir.write("notes.txt", "not json at all");

  auto set = load_results_dir(dir.path().string());
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->benchmarks.size(), 8u);
  EXPECT_EQ(set->benchmarks.count("fixture/BM_Alpha"), 1u);
  EXPECT_EQ(set->benchmarks.count("other/BM_Alpha"), 1u);
  ASSERT_TRUE(set->fingerprint);

  // The same benchmark measured twice is ambiguous.
  fs::copy_file(fixture("current_same_dist.json"), dir.path() / "fixture_again.json");
  auto duplicate = load_results_dir(dir.path().string());
  ASSERT_FALSE(duplicate);
  EXPECT_NE(duplicate.error().message.find("appears in both"), std::string::npos)
      << duplicate.error().message;
}

TEST(BenchResults, DirectoryErrors) {
  TempDir dir;
  auto empty = load_results_dir(dir.path().string());
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no benchmark result files"), std::string::npos);

  fs::copy_file(fixture("truncated.json"), dir.path() / "a.json");
  auto truncated = load_results_dir(dir.path().string());
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().message.find("truncated JSON"), std::string::npos);
  fs::remove(dir.path() / "a.json");

  fs::copy_file(fixture("baseline.json"), dir.path() / "a.json");
  fs::copy_file(fixture("current_other_machine.json"), dir.path() / "b.json");
  auto mixed = load_results_dir(dir.path().string());
  ASSERT_FALSE(mixed);
  EXPECT_NE(mixed.error().message.find("different machines"), std::string::npos) << mixed.error().message;

  EXPECT_FALSE(load_results_dir((dir.path() / "nope").string()));
}

TEST(BenchResults, FingerprintRoundTrip) {
  Fingerprint f;
  f.cpu = "cpu";
  f.compiler = "GCC 12.2.0";
  f.build_type = "Release";
  f.commit = "abc";
  f.host = "h";
  f.libraries = {{"benchmark", "1.7.1"}, {"fmt", "9.1.0"}};
  const Fingerprint g = Fingerprint::from_json(f.to_json());
  EXPECT_EQ(g.cpu, f.cpu);
  EXPECT_EQ(g.compiler, f.compiler);
  EXPECT_EQ(g.build_type, f.build_type);
  EXPECT_EQ(g.commit, f.commit);
  EXPECT_EQ(g.host, f.host);
  EXPECT_EQ(g.libraries, f.libraries);
  // Lenient: missing fields are empty, odd types become text.
  const Fingerprint h = Fingerprint::from_json(nlohmann::json{{"cpu", 42}});
  EXPECT_EQ(h.cpu, "42");
  EXPECT_TRUE(h.compiler.empty());
}

// --- Verdicts ---------------------------------------------------------------

Comparison compare_fixtures(const std::string& baseline, const std::string& current,
                            BenchConfig config = {}) {
  return compare(load(baseline), load(current), config);
}

TEST(BenchCompare, IdenticalRunsAreStable) {
  const Comparison c = compare_fixtures("baseline.json", "baseline.json");
  ASSERT_EQ(c.rows.size(), 4u);
  for (const ComparisonRow& r : c.rows) {
    EXPECT_EQ(r.verdict, Verdict::kStable) << r.name << ": " << r.reason;
    EXPECT_DOUBLE_EQ(*r.change_pct, 0.0);
    EXPECT_DOUBLE_EQ(*r.instructions_change_pct, 0.0);
    EXPECT_GT(*r.q_value, 0.5);
    EXPECT_FALSE(r.gating);
  }
  EXPECT_TRUE(c.comparable);
  EXPECT_EQ(c.overall(), Overall::kPass);
  EXPECT_EQ(c.exit_code(), kExitOk);
}

TEST(BenchCompare, SameDistributionOtherSeedIsStable) {
  const Comparison c = compare_fixtures("baseline.json", "current_same_dist.json");
  for (const ComparisonRow& r : c.rows) EXPECT_EQ(r.verdict, Verdict::kStable) << r.name << ": " << r.reason;
  EXPECT_EQ(c.exit_code(), kExitOk);
}

TEST(BenchCompare, WallTimeShiftWithLowNoiseIsARegressionThatDoesNotGateByDefault) {
  const Comparison c = compare_fixtures("baseline.json", "current_wall_regression.json");
  const ComparisonRow& beta = row(c, "fixture/BM_Beta");
  EXPECT_EQ(beta.verdict, Verdict::kRegression) << beta.reason;
  EXPECT_EQ(beta.decided_by, Metric::kWallTime);
  EXPECT_EQ(beta.wall_test, WallTest::kMannWhitney);
  EXPECT_NEAR(*beta.change_pct, 15.0, 2.0);
  EXPECT_GT(*beta.ci_low_pct, 10.0);
  EXPECT_LT(*beta.ci_high_pct, 20.0);
  EXPECT_LT(*beta.q_value, 0.001);
  EXPECT_LT(*beta.cv_current_pct, 2.0);
  EXPECT_FALSE(beta.gating);
  EXPECT_EQ(c.rows.front().name, "fixture/BM_Beta");  // most severe first
  for (const ComparisonRow& r : c.rows) {
    if (r.name != "fixture/BM_Beta") {
      EXPECT_EQ(r.verdict, Verdict::kStable) << r.name;
    }
  }
  EXPECT_EQ(c.overall(), Overall::kWarning);
  EXPECT_EQ(c.exit_code(), kExitOk);

  BenchConfig gates;
  gates.thresholds.wall_time_gates = true;
  const Comparison g = compare_fixtures("baseline.json", "current_wall_regression.json", gates);
  EXPECT_TRUE(row(g, "fixture/BM_Beta").gating);
  EXPECT_EQ(g.exit_code(), kExitRegression);

  // A per-benchmark override above the shift turns it into a warning.
  BenchConfig lenient;
  lenient.overrides["fixture/BM_Beta"].regression_pct = 20.0;
  const Comparison l = compare_fixtures("baseline.json", "current_wall_regression.json", lenient);
  EXPECT_EQ(row(l, "fixture/BM_Beta").verdict, Verdict::kWarning);
}

TEST(BenchCompare, WallTimeShiftWithHighNoiseIsNoisy) {
  BenchConfig gates;
  gates.thresholds.wall_time_gates = true;  // even so: NOISY never gates
  const Comparison c = compare_fixtures("baseline.json", "current_noisy.json", gates);
  const ComparisonRow& beta = row(c, "fixture/BM_Beta");
  EXPECT_EQ(beta.verdict, Verdict::kNoisy) << beta.reason;
  EXPECT_GT(*beta.cv_current_pct, 10.0);
  EXPECT_NE(beta.reason.find("noisy"), std::string::npos);
  EXPECT_FALSE(beta.gating);
  EXPECT_EQ(c.count(Verdict::kRegression), 0u);
  EXPECT_EQ(c.exit_code(), kExitOk);

  // A suite known to be noisy may raise its own limit.
  gates.overrides["BM_Beta"].noise_cv_pct = 50.0;
  const Comparison raised = compare_fixtures("baseline.json", "current_noisy.json", gates);
  EXPECT_NE(row(raised, "fixture/BM_Beta").verdict, Verdict::kNoisy);
}

TEST(BenchCompare, InstructionCountsGate) {
  const Comparison c = compare_fixtures("baseline.json", "current_instr_regression.json");
  const ComparisonRow& alpha = row(c, "fixture/BM_Alpha");
  EXPECT_EQ(alpha.verdict, Verdict::kRegression) << alpha.reason;
  EXPECT_EQ(alpha.decided_by, Metric::kInstructions);
  EXPECT_NEAR(*alpha.instructions_change_pct, 2.0, 1e-9);
  EXPECT_TRUE(alpha.gating);
  EXPECT_EQ(row(c, "fixture/BM_Gamma/64").verdict, Verdict::kWarning);  // +0.7% > 0.5%
  EXPECT_EQ(row(c, "fixture/BM_Beta").verdict, Verdict::kImprovement);  // -3%
  EXPECT_EQ(row(c, "fixture/BM_Old").verdict, Verdict::kStable);
  EXPECT_EQ(c.gating_regressions(), 1u);
  EXPECT_EQ(c.overall(), Overall::kRegression);
  EXPECT_EQ(c.exit_code(), kExitRegression);
  // Severity order: REGRESSION, WARNING, IMPROVEMENT, STABLE.
  ASSERT_EQ(c.rows.size(), 4u);
  EXPECT_EQ(c.rows[0].verdict, Verdict::kRegression);
  EXPECT_EQ(c.rows[1].verdict, Verdict::kWarning);
  EXPECT_EQ(c.rows[2].verdict, Verdict::kImprovement);
  EXPECT_EQ(c.rows[3].verdict, Verdict::kStable);

  BenchConfig relaxed;
  relaxed.overrides["BM_Alpha"].instr_regression_pct = 3.0;
  const Comparison r = compare_fixtures("baseline.json", "current_instr_regression.json", relaxed);
  EXPECT_EQ(row(r, "fixture/BM_Alpha").verdict, Verdict::kWarning);
  EXPECT_EQ(r.exit_code(), kExitOk);
}

TEST(BenchCompare, MoreSevereMetricWins) {
  // Instructions +2% and a noisy wall time: the regression wins and gates.
  ResultSet base = load("baseline.json");
  ResultSet cur = load("current_noisy.json");
  cur.benchmarks.at("fixture/BM_Beta").instructions = 25500.0;
  const Comparison c = compare(base, cur, BenchConfig{});
  const ComparisonRow& beta = row(c, "fixture/BM_Beta");
  EXPECT_EQ(beta.verdict, Verdict::kRegression);
  EXPECT_EQ(beta.decided_by, Metric::kInstructions);
  EXPECT_EQ(beta.wall_verdict, Verdict::kNoisy);
  EXPECT_TRUE(beta.gating);

  // Instructions stable, wall time noisy: NOISY is the more severe.
  const Comparison n = compare_fixtures("baseline.json", "current_noisy.json");
  EXPECT_EQ(row(n, "fixture/BM_Beta").decided_by, Metric::kWallTime);
}

TEST(BenchCompare, NewAndMissing) {
  const Comparison c = compare_fixtures("baseline.json", "current_new_missing.json");
  const ComparisonRow& old_row = row(c, "fixture/BM_Old");
  EXPECT_EQ(old_row.verdict, Verdict::kMissing);
  EXPECT_TRUE(old_row.baseline_ns);
  EXPECT_FALSE(old_row.current_ns);
  const ComparisonRow& new_row = row(c, "fixture/BM_New");
  EXPECT_EQ(new_row.verdict, Verdict::kNew);
  EXPECT_TRUE(new_row.current_ns);
  EXPECT_EQ(c.exit_code(), kExitOk);
  EXPECT_EQ(c.rows[0].verdict, Verdict::kMissing);  // MISSING before NEW before STABLE
  EXPECT_EQ(c.rows[1].verdict, Verdict::kNew);
}

TEST(BenchCompare, AggregatesOnlyUseWelch) {
  const Comparison c = compare_fixtures("baseline_aggregates.json", "current_aggregates.json");
  const ComparisonRow& beta = row(c, "BM_Beta");
  EXPECT_EQ(beta.wall_test, WallTest::kWelch);
  EXPECT_EQ(beta.verdict, Verdict::kRegression) << beta.reason;
  EXPECT_NEAR(*beta.change_pct, 15.0, 2.0);
  EXPECT_LT(*beta.ci_low_pct, *beta.change_pct);
  EXPECT_GT(*beta.ci_high_pct, *beta.change_pct);
  for (const ComparisonRow& r : c.rows) {
    if (r.name != "BM_Beta") {
      EXPECT_EQ(r.verdict, Verdict::kStable) << r.name << ": " << r.reason;
    }
  }
  ASSERT_EQ(c.notes.size(), 1u);
  EXPECT_NE(c.notes[0].find("fingerprint"), std::string::npos);
}

TEST(BenchCompare, RepetitionsOnlyAgainstAFullBaseline) {
  const Comparison c = compare_fixtures("baseline.json", "current_repetitions_only.json");
  ASSERT_EQ(c.rows.size(), 4u);
  for (const ComparisonRow& r : c.rows) {
    EXPECT_EQ(r.verdict, Verdict::kStable) << r.name << ": " << r.reason;
    EXPECT_EQ(r.wall_test, WallTest::kMannWhitney);
  }
}

TEST(BenchCompare, SingleSamplesCannotBeTested) {
  ResultSet base;
  ResultSet cur;
  base.benchmarks["BM_One"].samples_ns = {100.0};
  cur.benchmarks["BM_One"].samples_ns = {150.0};
  const Comparison c = compare(base, cur, BenchConfig{});
  const ComparisonRow& one = row(c, "BM_One");
  EXPECT_EQ(one.verdict, Verdict::kStable);
  EXPECT_FALSE(one.q_value);
  EXPECT_NEAR(*one.change_pct, 50.0, 1e-9);
  EXPECT_NE(one.reason.find("too few repetitions"), std::string::npos) << one.reason;
}

TEST(BenchCompare, SkippedBenchmarks) {
  BenchConfig config;
  config.overrides["fixture/BM_Beta"].skip = true;
  const Comparison c = compare_fixtures("baseline.json", "current_wall_regression.json", config);
  EXPECT_EQ(c.rows.size(), 3u);
  EXPECT_EQ(c.count(Verdict::kRegression), 0u);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.back().find("fixture/BM_Beta"), std::string::npos);
}

TEST(BenchCompare, FingerprintsDecideComparability) {
  const Comparison c = compare_fixtures("baseline.json", "current_other_machine.json");
  EXPECT_FALSE(c.comparable);
  EXPECT_NE(c.incompatibility.find("Other CPU"), std::string::npos) << c.incompatibility;
  EXPECT_EQ(c.overall(), Overall::kNotComparable);
  EXPECT_EQ(c.exit_code(), kExitNotComparable);
  Comparison forced = c;
  forced.forced = true;
  EXPECT_EQ(forced.exit_code(), kExitOk);

  Fingerprint a;
  a.cpu = "x";
  a.compiler = "GCC 12.2.0";
  a.build_type = "Release";
  Fingerprint b = a;
  b.commit = "another commit";
  b.host = "another host";
  EXPECT_EQ(fingerprint_mismatch(a, b), "");  // commit and host do not matter
  b.compiler = "Clang 14.0.6";
  EXPECT_NE(fingerprint_mismatch(a, b).find("compiler"), std::string::npos);
  b = a;
  b.build_type = "Debug";
  EXPECT_NE(fingerprint_mismatch(a, b).find("build type"), std::string::npos);
  EXPECT_EQ(fingerprint_mismatch(a, std::nullopt), "");  // unknown: not checked
}

/// Synthetic result sets: `count` benchmarks of `repetitions` log-normal samples.
ResultSet synthetic(std::mt19937_64& rng, int count, int repetitions, double cv, double shift = 0.0) {
  ResultSet set;
  std::lognormal_distribution<double> noise(0.0, cv);
  for (int b = 0; b < count; ++b) {
    Measurement& m = set.benchmarks["BM_" + std::to_string(b)];
    m.name = "BM_" + std::to_string(b);
    for (int i = 0; i < repetitions; ++i)
      m.samples_ns.push_back(1000.0 * (b + 1) * (1.0 + shift) * noise(rng));
  }
  return set;
}

TEST(BenchCompare, AaRunsDoNotCryWolf) {
  // 200 A/A comparisons of 20 benchmarks with 10 repetitions each. At 1% and
  // 3% noise not one REGRESSION or WARNING. At 8%, just under the NOISY
  // limit, the Benjamini-Hochberg guarantee: under the global null at most
  // alpha = 5% of runs flag anything (measured: 3 of 4000 benchmarks).
  std::mt19937_64 rng(2024);
  for (double cv : {0.01, 0.03, 0.08}) {
    std::size_t flagged = 0;
    std::size_t flagged_runs = 0;
    for (int run = 0; run < 200; ++run) {
      const Comparison c = compare(synthetic(rng, 20, 10, cv), synthetic(rng, 20, 10, cv), BenchConfig{});
      const std::size_t n = c.count(Verdict::kRegression) + c.count(Verdict::kWarning);
      flagged += n;
      flagged_runs += n > 0 ? 1 : 0;
    }
    if (cv < 0.05) {
      EXPECT_EQ(flagged, 0u) << "cv " << cv;
    } else {
      EXPECT_LE(flagged_runs, 10u) << "cv " << cv;
    }
  }
}

TEST(BenchCompare, TooFewRepetitionsAreReported) {
  // 5 repetitions: the smallest exact p is 2/252 = 0.0079, above 0.05 / 20.
  std::mt19937_64 rng(5);
  ResultSet base = synthetic(rng, 20, 5, 0.01);
  ResultSet cur = synthetic(rng, 20, 5, 0.01);
  for (double& v : cur.benchmarks.at("BM_3").samples_ns) v *= 1.15;
  const Comparison c = compare(base, cur, BenchConfig{});
  EXPECT_EQ(row(c, "BM_3").verdict, Verdict::kStable);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_NE(c.notes.back().find("too few repetitions"), std::string::npos) << c.notes.back();
  // 10 repetitions are enough, and say nothing.
  const Comparison ten = compare(synthetic(rng, 20, 10, 0.01), synthetic(rng, 20, 10, 0.01), BenchConfig{});
  for (const std::string& note : ten.notes)
    EXPECT_EQ(note.find("too few repetitions"), std::string::npos) << note;
}

TEST(BenchCompare, RealShiftsAreFound) {
  // +15% at 1% noise in one benchmark of 20: found in every run despite the
  // multiple-testing correction.
  std::mt19937_64 rng(99);
  for (int run = 0; run < 50; ++run) {
    ResultSet base = synthetic(rng, 20, 10, 0.01);
    ResultSet cur = synthetic(rng, 20, 10, 0.01);
    for (double& v : cur.benchmarks.at("BM_3").samples_ns) v *= 1.15;
    const Comparison c = compare(base, cur, BenchConfig{});
    EXPECT_EQ(row(c, "BM_3").verdict, Verdict::kRegression) << row(c, "BM_3").reason;
    EXPECT_EQ(c.count(Verdict::kRegression), 1u);
  }
}

// --- Reports ----------------------------------------------------------------

TEST(BenchReport, MarkdownSortedBySeverityWithSummary) {
  const Comparison c = compare_fixtures("baseline.json", "current_instr_regression.json");
  const std::string md = render_markdown(c);
  EXPECT_NE(md.find("REGRESSION**: 1 gating regression"), std::string::npos) << md;
  EXPECT_NE(md.find("| Benchmark | Verdict | Wall time change [CI] | q | Instructions change |"),
            std::string::npos);
  const auto alpha = md.find("`fixture/BM_Alpha`");
  const auto gamma = md.find("`fixture/BM_Gamma/64`");
  const auto beta = md.find("`fixture/BM_Beta`");
  const auto old_row = md.find("`fixture/BM_Old`");
  ASSERT_NE(alpha, std::string::npos);
  EXPECT_LT(alpha, gamma);
  EXPECT_LT(gamma, beta);
  EXPECT_LT(beta, old_row);
  EXPECT_NE(md.find("+2.00%"), std::string::npos);
  EXPECT_NE(md.find("1 stable benchmark"), std::string::npos);
}

TEST(BenchReport, MarkdownWhenNotComparable) {
  const Comparison c = compare_fixtures("baseline.json", "current_other_machine.json");
  const std::string md = render_markdown(c);
  EXPECT_NE(md.find("NOT COMPARABLE"), std::string::npos) << md;
  EXPECT_NE(md.find("--force"), std::string::npos);
}

TEST(BenchReport, TerminalColoursOnlyWhenAsked) {
  const Comparison c = compare_fixtures("baseline.json", "current_instr_regression.json");
  const std::string plain = render_terminal(c, false);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(plain.find("REGRESSION*"), std::string::npos);
  EXPECT_NE(plain.find("Result: REGRESSION"), std::string::npos);
  const std::string coloured = render_terminal(c, true);
  EXPECT_NE(coloured.find("\033[1;31mREGRESSION"), std::string::npos);
}

TEST(BenchReport, JsonVerdict) {
  const Comparison c = compare_fixtures("baseline.json", "current_new_missing.json");
  const nlohmann::json j = render_json(c);
  EXPECT_EQ(j["overall"], "PASS");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["counts"]["NEW"], 1);
  EXPECT_EQ(j["counts"]["MISSING"], 1);
  EXPECT_EQ(j["counts"]["STABLE"], 3);
  EXPECT_EQ(j["counts"]["REGRESSION"], 0);
  ASSERT_EQ(j["rows"].size(), 5u);
  EXPECT_EQ(j["rows"][0]["verdict"], "MISSING");
  EXPECT_TRUE(j["rows"][0]["current_ns"].is_null());
  EXPECT_TRUE(j["rows"][0]["q"].is_null());
  EXPECT_EQ(j["rows"][2]["wall_test"], "mann-whitney");
  EXPECT_TRUE(j["rows"][2]["q"].is_number());
  EXPECT_EQ(j["baseline_fingerprint"]["cpu"], "Fixture CPU @ 2.00GHz");
}

TEST(BenchReport, Durations) {
  EXPECT_EQ(format_duration(850.0), "850 ns");
  EXPECT_EQ(format_duration(1000.0, false), "1.00 us");
  EXPECT_EQ(format_duration(12345.0), "12.3 µs");
  EXPECT_EQ(format_duration(2.5e6), "2.50 ms");
  EXPECT_EQ(format_duration(3.2e9), "3.20 s");
}

}  // namespace
