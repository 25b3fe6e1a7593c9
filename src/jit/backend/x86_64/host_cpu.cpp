#include "host_cpu.hpp"

#include <cpuid.h>

namespace vmm::jit::x86_64 {

bool host_has_bmi2() {
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    // __get_cpuid_count checks that leaf 7 exists before asking it.
    return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 && (ebx & bit_BMI2) != 0;
  }();
  return has;
}

}  // namespace vmm::jit::x86_64
