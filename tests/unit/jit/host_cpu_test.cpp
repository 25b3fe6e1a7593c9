// The back end's own cpuid query against the kernel's view of the same CPU.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "jit/backend/x86_64/host_cpu.hpp"

namespace vmm::jit::x86_64 {
namespace {

TEST(HostCpu, Bmi2AgreesWithProcCpuinfo) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  if (!cpuinfo) GTEST_SKIP() << "no /proc/cpuinfo";
  std::string line;
  while (std::getline(cpuinfo, line) && line.rfind("flags", 0) != 0) {
  }
  if (line.rfind("flags", 0) != 0) GTEST_SKIP() << "no flags line in /proc/cpuinfo";
  std::istringstream flags(line.substr(line.find(':') + 1));
  bool listed = false;
  for (std::string flag; flags >> flag;) listed = listed || flag == "bmi2";
  EXPECT_EQ(host_has_bmi2(), listed);
}

}  // namespace
}  // namespace vmm::jit::x86_64
