// benches/benchmark.toml parsing: the real file loads, every malformed case is
// an error naming the key and its line, environment overrides apply.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "vmm/bench/config.hpp"

namespace {

using vmm::ErrorKind;
using vmm::bench::BenchConfig;
using vmm::bench::load_config;

namespace fs = std::filesystem;

constexpr const char* kEnvironment[] = {"BENCHMARK_MODE", "REGRESSION_THRESHOLD", "WARNING_THRESHOLD"};

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The developer's shell may set them: every test starts without.
    for (const char* name : kEnvironment) ::unsetenv(name);
    m_dir = fs::temp_directory_path() / ("vmm_config_test_" + std::to_string(::getpid()));
    fs::create_directories(m_dir);
  }
  void TearDown() override {
    for (const char* name : kEnvironment) ::unsetenv(name);
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  /// Writes `text` to a fresh file and returns its path.
  std::string write(const std::string& text) {
    const fs::path path = m_dir / ("config" + std::to_string(m_count++) + ".toml");
    std::ofstream(path) << text;
    return path.string();
  }

  /// The error message of loading `text`; fails the test if it loads.
  std::string error_of(const std::string& text) {
    auto config = load_config(write(text));
    if (config) {
      ADD_FAILURE() << "expected an error for:\n" << text;
      return {};
    }
    return config.error().message;
  }

 private:
  fs::path m_dir;
  int m_count = 0;
};

constexpr const char* kMinimal = "[modes.quick]\nrepetitions = 2\n";

TEST_F(ConfigTest, RepositoryConfigLoads) {
  const fs::path path = fs::path(__FILE__).parent_path() / "../../../benches/benchmark.toml";
  auto config = load_config(path.string());
  ASSERT_TRUE(config) << config.error().message;
  for (const char* mode : {"quick", "ci", "full"}) EXPECT_TRUE(config->modes.count(mode)) << mode;
  EXPECT_EQ(config->modes.at("full").repetitions, 20);
  EXPECT_DOUBLE_EQ(config->modes.at("full").min_time_s, 0.5);
  // One N everywhere: instruction counts of a quick run compare with a ci baseline.
  EXPECT_EQ(config->modes.at("quick").callgrind_iterations, config->modes.at("ci").callgrind_iterations);
  EXPECT_EQ(config->modes.at("full").callgrind_iterations, config->modes.at("ci").callgrind_iterations);
  EXPECT_DOUBLE_EQ(config->thresholds.regression_pct, 10.0);
  EXPECT_DOUBLE_EQ(config->thresholds.warning_pct, 5.0);
  EXPECT_DOUBLE_EQ(config->thresholds.improvement_pct, 5.0);
  EXPECT_DOUBLE_EQ(config->thresholds.instr_regression_pct, 1.0);
  EXPECT_DOUBLE_EQ(config->thresholds.alpha, 0.05);
  EXPECT_FALSE(config->thresholds.wall_time_gates);
  EXPECT_FALSE(config->overrides.empty());
}

TEST_F(ConfigTest, EveryKeyIsRead) {
  auto config = load_config(write(R"(
[modes.ci]
repetitions = 7
min_time_s = 0.25
warmup_s = 1
suites = ["memory", "cross_arch"]
filter = "BM_Tlb.*|-BM_X"
instructions = false
callgrind_iterations = 40

[thresholds]
regression_pct = 12
warning_pct = 6.5
improvement_pct = 4
instr_regression_pct = 2
instr_warning_pct = 1
instr_improvement_pct = 1.5
noise_cv_pct = 8
alpha = 0.01
wall_time_gates = true

[overrides."memory/BM_TlbMissLoad"]
regression_pct = 30
instr_regression_pct = 3
noise_cv_pct = 25
skip = true
)"));
  ASSERT_TRUE(config) << config.error().message;
  const auto& ci = config->modes.at("ci");
  EXPECT_EQ(ci.name, "ci");
  EXPECT_EQ(ci.repetitions, 7);
  EXPECT_DOUBLE_EQ(ci.min_time_s, 0.25);
  EXPECT_DOUBLE_EQ(ci.warmup_s, 1.0);
  EXPECT_EQ(ci.suites, (std::vector<std::string>{"memory", "cross_arch"}));
  EXPECT_EQ(ci.filter, "BM_Tlb.*|-BM_X");
  EXPECT_FALSE(ci.instructions);
  EXPECT_EQ(ci.callgrind_iterations, 40);
  const auto& t = config->thresholds;
  EXPECT_DOUBLE_EQ(t.regression_pct, 12);
  EXPECT_DOUBLE_EQ(t.warning_pct, 6.5);
  EXPECT_DOUBLE_EQ(t.improvement_pct, 4);
  EXPECT_DOUBLE_EQ(t.instr_regression_pct, 2);
  EXPECT_DOUBLE_EQ(t.instr_warning_pct, 1);
  EXPECT_DOUBLE_EQ(t.instr_improvement_pct, 1.5);
  EXPECT_DOUBLE_EQ(t.noise_cv_pct, 8);
  EXPECT_DOUBLE_EQ(t.alpha, 0.01);
  EXPECT_TRUE(t.wall_time_gates);
  const auto& o = config->overrides.at("memory/BM_TlbMissLoad");
  EXPECT_EQ(o.regression_pct, 30);
  EXPECT_EQ(o.instr_regression_pct, 3);
  EXPECT_EQ(o.noise_cv_pct, 25);
  EXPECT_TRUE(o.skip);
}

TEST_F(ConfigTest, OmittedKeysTakeTheDocumentedDefaults) {
  auto config = load_config(write(kMinimal));
  ASSERT_TRUE(config) << config.error().message;
  const vmm::bench::ModeConfig defaults;
  const auto& quick = config->modes.at("quick");
  EXPECT_EQ(quick.repetitions, 2);
  EXPECT_DOUBLE_EQ(quick.min_time_s, defaults.min_time_s);
  EXPECT_TRUE(quick.suites.empty());
  EXPECT_TRUE(quick.instructions);
  EXPECT_DOUBLE_EQ(config->thresholds.regression_pct, 10.0);
}

struct BadCase {
  const char* name;
  const char* text;
  const char* expected[3];  ///< substrings of the message (file:line:col and the key)
};

TEST_F(ConfigTest, MalformedConfigsAreErrorsNamingKeyAndLine) {
  const BadCase cases[] = {
      {"syntax", "[modes.quick]\nrepetitions = = 3\n", {":2:", "invalid TOML"}},
      {"unterminated string", "[modes.quick]\nfilter = \"abc\n", {":2:", "invalid TOML"}},
      {"unknown top-level key", "[modes.quick]\n[threshold]\nregression_pct = 3\n", {":2:", "threshold"}},
      {"unknown mode key", "[modes.quick]\nrepetition = 3\n", {":2:1", "'repetition'", "modes.quick"}},
      {"repetitions as string",
       "[modes.quick]\nrepetitions = \"5\"\n",
       {":2:", "modes.quick.repetitions", "integer"}},
      {"repetitions as float", "[modes.quick]\nrepetitions = 5.5\n", {":2:", "modes.quick.repetitions"}},
      {"zero repetitions", "[modes.quick]\nrepetitions = 0\n", {":2:", "modes.quick.repetitions"}},
      {"negative min time", "[modes.quick]\nmin_time_s = -0.1\n", {":2:", "modes.quick.min_time_s"}},
      {"zero min time", "[modes.quick]\nmin_time_s = 0\n", {":2:", "modes.quick.min_time_s"}},
      {"negative warm-up", "[modes.quick]\nwarmup_s = -1\n", {":2:", "modes.quick.warmup_s"}},
      {"instructions as string",
       "[modes.quick]\ninstructions = \"yes\"\n",
       {":2:", "modes.quick.instructions"}},
      {"zero callgrind iterations",
       "[modes.quick]\ncallgrind_iterations = 0\n",
       {":2:", "callgrind_iterations"}},
      {"N and 2N of different widths",
       "[modes.quick]\ncallgrind_iterations = 5\n",
       {":2:", "callgrind_iterations", "digits"}},
      {"suites not an array", "[modes.quick]\nsuites = \"memory\"\n", {":2:", "modes.quick.suites"}},
      {"bad suite name", "[modes.quick]\nsuites = [\"mem ory\"]\n", {":2:", "mem ory"}},
      {"duplicate suite", "[modes.quick]\nsuites = [\"memory\", \"memory\"]\n", {":2:", "twice"}},
      {"bad filter", "[modes.quick]\nfilter = \"BM_(\"\n", {":2:", "modes.quick.filter"}},
      // Compiling 30,000 nested groups ran std::regex out of stack.
      {"filter nested too deep",
       "[modes.quick]\nfilter = \"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
       "(BM_)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))\"\n",
       {":2:", "modes.quick.filter", "nested groups"}},
      {"mode not a table", "[modes]\nquick = 3\n", {":2:", "modes.quick"}},
      {"no modes", "[thresholds]\nregression_pct = 10\n", {"no [modes"}},
      {"empty modes", "[modes]\n", {"no [modes"}},
      {"warning above regression",
       "[modes.quick]\n[thresholds]\nregression_pct = 5\nwarning_pct = 8\n",
       {":4:", "warning_pct", "regression_pct"}},
      {"instr warning above regression",
       "[modes.quick]\n[thresholds]\ninstr_regression_pct = 1\ninstr_warning_pct = 2\n",
       {":4:", "instr_warning_pct"}},
      {"negative regression",
       "[modes.quick]\n[thresholds]\nregression_pct = -10\n",
       {":3:", "thresholds.regression_pct"}},
      {"zero regression",
       "[modes.quick]\n[thresholds]\nregression_pct = 0\n",
       {":3:", "thresholds.regression_pct"}},
      {"regression as string",
       "[modes.quick]\n[thresholds]\nregression_pct = \"10%\"\n",
       {":3:", "thresholds.regression_pct", "number"}},
      {"alpha of 1", "[modes.quick]\n[thresholds]\nalpha = 1.0\n", {":3:", "thresholds.alpha"}},
      {"alpha of 0", "[modes.quick]\n[thresholds]\nalpha = 0\n", {":3:", "thresholds.alpha"}},
      {"nan threshold",
       "[modes.quick]\n[thresholds]\nnoise_cv_pct = nan\n",
       {":3:", "thresholds.noise_cv_pct"}},
      {"gates as number", "[modes.quick]\n[thresholds]\nwall_time_gates = 1\n", {":3:", "wall_time_gates"}},
      {"unknown threshold", "[modes.quick]\n[thresholds]\nregresion_pct = 10\n", {":3:1", "'regresion_pct'"}},
      {"unknown override key",
       "[modes.quick]\n[overrides.\"BM_X\"]\nregression = 10\n",
       {":3:1", "'regression'", "BM_X"}},
      {"negative override",
       "[modes.quick]\n[overrides.\"BM_X\"]\nnoise_cv_pct = -1\n",
       {":3:", "overrides.\"BM_X\".noise_cv_pct"}},
      {"override not a table", "[modes.quick]\n[overrides]\nBM_X = 3\n", {":3:", "overrides.\"BM_X\""}},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = error_of(c.text);
    EXPECT_NE(message.find(".toml"), std::string::npos) << message;  // names the file
    for (const char* expected : c.expected) {
      if (expected != nullptr) {
        EXPECT_NE(message.find(expected), std::string::npos) << message;
      }
    }
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
  }
}

TEST_F(ConfigTest, MissingFileIsAnIoError) {
  auto config = load_config("/nonexistent/benchmark.toml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::kIo);
  EXPECT_NE(config.error().message.find("/nonexistent/benchmark.toml"), std::string::npos);
}

TEST_F(ConfigTest, ModeComesFromArgumentThenEnvironmentThenQuick) {
  auto config = load_config(write("[modes.quick]\nrepetitions = 1\n[modes.ci]\nrepetitions = 2\n"));
  ASSERT_TRUE(config) << config.error().message;
  auto quick = config->mode("");
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->name, "quick");
  ::setenv("BENCHMARK_MODE", "ci", 1);
  auto ci = config->mode("");
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->repetitions, 2);
  auto explicit_mode = config->mode("quick");  // --mode wins over BENCHMARK_MODE
  ASSERT_TRUE(explicit_mode);
  EXPECT_EQ(explicit_mode->name, "quick");
  ::setenv("BENCHMARK_MODE", "ful", 1);
  auto typo = config->mode("");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("'ful'"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find("BENCHMARK_MODE"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find("ci, quick"), std::string::npos) << typo.error().message;
}

TEST_F(ConfigTest, EnvironmentOverridesWallTimeThresholds) {
  const std::string path = write(kMinimal);
  ::setenv("REGRESSION_THRESHOLD", "15", 1);
  ::setenv("WARNING_THRESHOLD", "7.5%", 1);
  auto config = load_config(path);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_DOUBLE_EQ(config->thresholds.regression_pct, 15.0);
  EXPECT_DOUBLE_EQ(config->thresholds.warning_pct, 7.5);
  EXPECT_DOUBLE_EQ(config->thresholds.instr_regression_pct, 1.0);  // instruction counts keep theirs

  ::setenv("REGRESSION_THRESHOLD", "", 1);  // empty: as if unset
  ::unsetenv("WARNING_THRESHOLD");
  config = load_config(path);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_DOUBLE_EQ(config->thresholds.regression_pct, 10.0);
}

TEST_F(ConfigTest, MalformedEnvironmentOverridesAreErrors) {
  const std::string path = write(kMinimal);
  for (const char* bad : {"abc", "10x", "-5", "0", "1e999", "%"}) {
    SCOPED_TRACE(bad);
    ::setenv("REGRESSION_THRESHOLD", bad, 1);
    auto config = load_config(path);
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("REGRESSION_THRESHOLD"), std::string::npos)
        << config.error().message;
  }
  ::setenv("REGRESSION_THRESHOLD", "3", 1);  // below the file's 5% warning
  auto config = load_config(path);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("warning"), std::string::npos) << config.error().message;
  ::setenv("WARNING_THRESHOLD", "2", 1);
  config = load_config(path);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_DOUBLE_EQ(config->thresholds.regression_pct, 3.0);
  EXPECT_DOUBLE_EQ(config->thresholds.warning_pct, 2.0);
}

TEST_F(ConfigTest, OverridesApplyFromFamilyToSuiteQualifiedName) {
  auto config = load_config(write(R"([modes.quick]
[overrides."BM_GuestRamWriteRead"]
noise_cv_pct = 20
[overrides."BM_GuestRamWriteRead/64"]
regression_pct = 3
[overrides."memory/BM_GuestRamWriteRead/64"]
instr_regression_pct = 2
[overrides."cross_arch/BM_DecodeCacheHit"]
regression_pct = 25
)"));
  ASSERT_TRUE(config) << config.error().message;
  auto t = config->thresholds_for("memory/BM_GuestRamWriteRead/64");
  EXPECT_DOUBLE_EQ(t.noise_cv_pct, 20);         // family
  EXPECT_DOUBLE_EQ(t.regression_pct, 3);        // name
  EXPECT_DOUBLE_EQ(t.warning_pct, 3);           // pulled down to the regression threshold
  EXPECT_DOUBLE_EQ(t.instr_regression_pct, 2);  // suite-qualified name
  EXPECT_DOUBLE_EQ(t.instr_warning_pct, 0.5);

  t = config->thresholds_for("BM_GuestRamWriteRead/4096");
  EXPECT_DOUBLE_EQ(t.noise_cv_pct, 20);
  EXPECT_DOUBLE_EQ(t.regression_pct, 10);

  EXPECT_DOUBLE_EQ(config->thresholds_for("cross_arch/BM_DecodeCacheHit").regression_pct, 25);
  EXPECT_DOUBLE_EQ(config->thresholds_for("BM_DecodeCacheHit").regression_pct,
                   10);  // other suites' is not ours
  EXPECT_DOUBLE_EQ(config->thresholds_for("memory/BM_TlbHitLoad").regression_pct, 10);
}

}  // namespace
