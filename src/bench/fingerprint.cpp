#include "bench/fingerprint.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#ifndef VMM_BUILD_TYPE
#define VMM_BUILD_TYPE ""
#endif

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace vmm::bench {
namespace {

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// Owns a file descriptor; closes it once.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  [[nodiscard]] int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// Starts a child; `capture_fd` >= 0 becomes its stdout. Everything the child
/// needs is prepared before fork(): after it, only async-signal-safe calls.
Result<pid_t> start_child(const ChildSpec& spec, int capture_fd) {
  if (spec.argv.empty()) return make_error(ErrorKind::kInvalidArgument, "run_child: empty command");
  std::string program = spec.program.empty() ? spec.argv[0] : spec.program;
  if (program.find('/') == std::string::npos) {
    auto found = find_in_path(program);
    if (!found) return make_error(ErrorKind::kIo, "{}: command not found in PATH", program);
    program = *found;
  }
  std::vector<std::string> argv_storage = spec.argv;
  std::vector<std::string> env_storage = spec.environment ? *spec.environment : environment_with({}, {});
  std::vector<char*> argv = c_strings(argv_storage);
  std::vector<char*> envp = c_strings(env_storage);

  auto open_output = [](const std::string& path) -> Result<int> {
    if (path.empty()) return -1;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return make_error(ErrorKind::kIo, "{}: {}", path, std::strerror(errno));
    return fd;
  };
  auto out = open_output(spec.stdout_path);
  if (!out) return out.error();
  Fd out_fd(*out);
  auto err = open_output(spec.stderr_path);
  if (!err) return err.error();
  Fd err_fd(*err);

  // exec failures travel back through a close-on-exec pipe: EOF means exec worked.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, "pipe: {}", std::strerror(errno));
  Fd report_read(report[0]);
  Fd report_write(report[1]);

  const char* dir = spec.working_dir.empty() ? nullptr : spec.working_dir.c_str();
  const bool to_stderr = spec.stdout_to_stderr;
  pid_t pid = ::fork();
  if (pid < 0) return make_error(ErrorKind::kIo, "fork: {}", std::strerror(errno));
  if (pid == 0) {
    if (capture_fd >= 0) ::dup2(capture_fd, STDOUT_FILENO);
    if (out_fd.get() >= 0) ::dup2(out_fd.get(), STDOUT_FILENO);
    if (err_fd.get() >= 0) ::dup2(err_fd.get(), STDERR_FILENO);
    if (to_stderr && out_fd.get() < 0 && capture_fd < 0) ::dup2(STDERR_FILENO, STDOUT_FILENO);
    if (dir == nullptr || ::chdir(dir) == 0) ::execve(program.c_str(), argv.data(), envp.data());
    int e = errno;
    [[maybe_unused]] auto n = ::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  report_write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status;
    ::waitpid(pid, &status, 0);
    if (dir != nullptr && !std::filesystem::is_directory(dir)) {
      return make_error(ErrorKind::kIo, "{}: {}", spec.working_dir, std::strerror(child_errno));
    }
    return make_error(ErrorKind::kIo, "cannot run {}: {}", program, std::strerror(child_errno));
  }
  return pid;
}

ChildStatus wait_child(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ChildStatus result;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

std::string version_string(long major, long minor, long patch) {
  return fmt::format("{}.{}.{}", major, minor, patch);
}

/// "1.7.1" from the file the dynamic linker picks for libbenchmark
/// ("libbenchmark.so.1.7.1"): Google Benchmark 1.7 reports no version itself.
std::string benchmark_version_from_linkage(const std::string& bench_executable) {
  if (bench_executable.empty()) return "unknown";
  auto listing = capture_output({"ldd", bench_executable});
  if (!listing) return "unknown";
  std::istringstream lines(*listing);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("libbenchmark.so") == std::string::npos) continue;
    auto arrow = line.find("=> ");
    if (arrow == std::string::npos) continue;
    std::string path = line.substr(arrow + 3);
    path = path.substr(0, path.find(" ("));
    std::error_code ec;
    std::string file = std::filesystem::canonical(path, ec).filename().string();
    if (ec) continue;
    auto so = file.find(".so.");
    if (so == std::string::npos) continue;
    std::string version = file.substr(so + 4);
    // Only a full x.y.z: a Debian soname like "1debian" is no version.
    if (std::count(version.begin(), version.end(), '.') == 2 &&
        version.find_first_not_of("0123456789.") == std::string::npos) {
      return version;
    }
  }
  return "unknown";
}

}  // namespace

std::string ChildStatus::describe() const {
  if (signal != 0) return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
  return fmt::format("exit status {}", exit_code);
}

std::optional<std::string> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    auto colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    dirs.remove_prefix(colon + 1);
  }
}

std::vector<std::string> environment_with(const std::vector<std::string>& drop,
                                          const std::vector<std::string>& add) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    if (std::find(drop.begin(), drop.end(), name) != drop.end()) continue;
    env.emplace_back(entry);
  }
  env.insert(env.end(), add.begin(), add.end());
  return env;
}

Result<ChildStatus> run_child(const ChildSpec& spec) {
  auto pid = start_child(spec, -1);
  if (!pid) return pid.error();
  return wait_child(*pid);
}

Result<std::string> capture_output(const std::vector<std::string>& argv, const std::string& working_dir) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return make_error(ErrorKind::kIo, "pipe: {}", std::strerror(errno));
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);
  ChildSpec spec;
  spec.argv = argv;
  spec.working_dir = working_dir;
  spec.stderr_path = "/dev/null";
  auto pid = start_child(spec, write_end.get());
  if (!pid) return pid.error();
  write_end.reset();
  std::string output;
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<std::size_t>(n));
  }
  ChildStatus status = wait_child(*pid);
  if (!status.ok()) return make_error(ErrorKind::kIo, "{} failed: {}", argv[0], status.describe());
  return output;
}

std::string cpu_model() {
#if defined(__APPLE__)
  char brand[256];
  std::size_t size = sizeof brand;
  if (::sysctlbyname("machdep.cpu.brand_string", brand, &size, nullptr, 0) == 0) return trim(brand);
  return "unknown";
#else
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  // x86 says "model name"; some ARM kernels only say "Model" or "Hardware".
  std::string fallback;
  while (std::getline(cpuinfo, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = trim(std::string_view(line).substr(0, colon));
    std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "model name" && !value.empty()) return value;
    if ((key == "Model" || key == "Hardware" || key == "uarch") && fallback.empty()) fallback = value;
  }
  return fallback.empty() ? "unknown" : fallback;
#endif
}

std::string compiler_description() {
#if defined(__clang__)
  return "Clang " + version_string(__clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return "GCC " + version_string(__GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#elif defined(__VERSION__)
  return __VERSION__;
#else
  return "unknown";
#endif
}

std::string build_type() {
  std::string type = VMM_BUILD_TYPE;
  return type.empty() ? "none" : type;
}

std::string commit_id(const std::string& source_dir) {
  if (find_in_path("git")) {
    const std::string dir = source_dir.empty() ? "." : source_dir;
    auto head = capture_output({"git", "-C", dir, "rev-parse", "--short=12", "HEAD"});
    if (head && !trim(*head).empty()) {
      std::string commit = trim(*head);
      // Results of uncommitted changes must not pass for the commit's.
      auto changes = capture_output({"git", "-C", dir, "status", "--porcelain", "--untracked-files=no"});
      if (changes && !trim(*changes).empty()) commit += "-dirty";
      return commit;
    }
  }
  if (const char* sha = std::getenv("GITHUB_SHA"); sha != nullptr && *sha != '\0') {
    return std::string(sha).substr(0, 12);
  }
  return "unknown";
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

std::map<std::string, std::string> library_versions(const nlohmann::json& context,
                                                    const std::string& bench_executable) {
  std::map<std::string, std::string> libraries;
  if (context.is_object() && context.contains("library_version") && context["library_version"].is_string()) {
    std::string version = context["library_version"].get<std::string>();
    if (!version.empty() && version.front() == 'v') version.erase(0, 1);  // Google Benchmark says "v1.8.3"
    libraries["benchmark"] = version;
  } else {
    libraries["benchmark"] = benchmark_version_from_linkage(bench_executable);
  }
  libraries["fmt"] = version_string(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100);
  libraries["nlohmann_json"] =
      version_string(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH);
  libraries["tomlplusplus"] = version_string(TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH);
#if defined(__GLIBC__)
  // memcpy, malloc and friends are part of the instruction counts.
  libraries["glibc"] = ::gnu_get_libc_version();
#endif
  // Instruction counts are callgrind's: another valgrind may count differently.
  if (auto version = capture_output({"valgrind", "--version"})) {
    std::string v = trim(*version);
    if (v.rfind("valgrind-", 0) == 0) v.erase(0, 9);
    if (!v.empty()) libraries["valgrind"] = v;
  }
  return libraries;
}

Fingerprint current_fingerprint(const nlohmann::json& context, const std::string& bench_executable,
                                const std::string& source_dir) {
  Fingerprint f;
  f.cpu = cpu_model();
  f.compiler = compiler_description();
  f.build_type = build_type();
  f.commit = commit_id(source_dir);
  f.host = host_name();
  f.libraries = library_versions(context, bench_executable);
  return f;
}

}  // namespace vmm::bench
