#pragma once
// Where a benchmark run happened (the "fingerprint" of results.hpp), and the
// child processes `vm bench run` needs to find it out and to run the suites.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vmm/bench/results.hpp"
#include "vmm/core/result.hpp"

namespace vmm::bench {

/// The fingerprint of this machine and build. The compiler and build type are
/// those vm was built with, which are the bench executables' too: one CMake
/// build makes both. `context` is Google Benchmark's "context" object of a
/// result file (its "library_version" when present), `bench_executable` a
/// suite used to find the Google Benchmark library version otherwise,
/// `source_dir` the checkout whose commit is recorded.
Fingerprint current_fingerprint(const nlohmann::json& context, const std::string& bench_executable,
                                const std::string& source_dir);

/// "model name" of /proc/cpuinfo (sysctl on macOS), else "unknown".
std::string cpu_model();
/// e.g. "GCC 12.2.0", "Clang 14.0.6".
std::string compiler_description();
/// CMAKE_BUILD_TYPE of this build, "none" when it had none.
std::string build_type();
/// Short commit of the checkout holding `source_dir`, "-dirty" appended when
/// tracked files differ from it; else GITHUB_SHA; else "unknown".
std::string commit_id(const std::string& source_dir);
std::string host_name();
/// Versions of the libraries that shape the measurements (benchmark, fmt,
/// nlohmann_json, tomlplusplus, glibc; valgrind when installed).
std::map<std::string, std::string> library_versions(const nlohmann::json& context,
                                                    const std::string& bench_executable);

/// How to start one child process.
struct ChildSpec {
  std::vector<std::string> argv;  ///< argv[0] is the program; searched in PATH when it has no '/'
  std::string program;            ///< executed instead of argv[0] when not empty
  std::optional<std::vector<std::string>> environment;  ///< "NAME=value" entries; nullopt: inherit ours
  std::string working_dir;                              ///< empty: inherit ours
  std::string stdout_path;                              ///< empty: inherit (see stdout_to_stderr)
  std::string stderr_path;                              ///< empty: inherit
  bool stdout_to_stderr = false;  ///< keeps vm's stdout clean while a suite prints its table
};

struct ChildStatus {
  int exit_code = 0;  ///< valid when signal == 0
  int signal = 0;     ///< the signal that killed it, 0 if it exited
  [[nodiscard]] bool ok() const { return signal == 0 && exit_code == 0; }
  /// "exit status 3", "killed by signal 11 (Segmentation fault)".
  [[nodiscard]] std::string describe() const;
};

/// Runs a child to completion. Errors: it could not be started at all.
Result<ChildStatus> run_child(const ChildSpec& spec);

/// Runs `argv` and returns its standard output; its stderr is discarded.
/// Errors: it could not be started, or it failed.
Result<std::string> capture_output(const std::vector<std::string>& argv, const std::string& working_dir = {});

/// The full path of an executable found in PATH.
std::optional<std::string> find_in_path(const std::string& name);

/// Our environment without the variables named in `drop`, plus `add` ("NAME=value").
std::vector<std::string> environment_with(const std::vector<std::string>& drop,
                                          const std::vector<std::string>& add);

}  // namespace vmm::bench
