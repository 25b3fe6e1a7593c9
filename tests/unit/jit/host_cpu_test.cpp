// The back end's own cpuid query against the kernel's view of the same CPU.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "jit/backend/x86_64/host_cpu.hpp"

namespace vmm::jit::x86_64 {
namespace {

/// The flags the kernel lists for the first CPU, or nullopt without /proc/cpuinfo.
std::optional<std::set<std::string>> cpuinfo_flags() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line) && line.rfind("flags", 0) != 0) {
  }
  if (line.rfind("flags", 0) != 0) return std::nullopt;
  std::istringstream words(line.substr(line.find(':') + 1));
  std::set<std::string> flags;
  for (std::string flag; words >> flag;) flags.insert(flag);
  return flags;
}

TEST(HostCpu, Bmi2AgreesWithProcCpuinfo) {
  auto flags = cpuinfo_flags();
  if (!flags) GTEST_SKIP() << "no flags line in /proc/cpuinfo";
  EXPECT_EQ(host_has_bmi2(), flags->count("bmi2") == 1);
}

TEST(HostCpu, FmaAgreesWithProcCpuinfo) {
  // The kernel lists fma and avx only when it saves the AVX state.
  auto flags = cpuinfo_flags();
  if (!flags) GTEST_SKIP() << "no flags line in /proc/cpuinfo";
  EXPECT_EQ(host_has_fma(), flags->count("fma") == 1 && flags->count("avx") == 1);
}

}  // namespace
}  // namespace vmm::jit::x86_64
