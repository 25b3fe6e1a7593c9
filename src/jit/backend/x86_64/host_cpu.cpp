#include "host_cpu.hpp"

#include <cpuid.h>
#include <xmmintrin.h>

namespace vmm::jit::x86_64 {

bool host_has_bmi2() {
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    // __get_cpuid_count checks that leaf 7 exists before asking it.
    return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) != 0 && (ebx & bit_BMI2) != 0;
  }();
  return has;
}

bool host_has_fma() {
  static const bool has = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
    constexpr unsigned kNeeded = bit_FMA | bit_AVX | bit_OSXSAVE;
    if ((ecx & kNeeded) != kNeeded) return false;
    unsigned xcr0_low = 0, xcr0_high = 0;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return (xcr0_low & 6u) == 6u;  // the OS saves SSE and AVX registers
  }();
  return has;
}

namespace {
constexpr unsigned kMxcsrFlags = 0x3f;      // sticky exception flags
constexpr unsigned kMxcsrDefault = 0x1f80;  // all masked, round to nearest, no DAZ or FTZ
}  // namespace

DefaultFpMode::DefaultFpMode() : m_saved(_mm_getcsr()) {
  m_changed = (m_saved & ~kMxcsrFlags) != kMxcsrDefault;
  if (m_changed) _mm_setcsr(kMxcsrDefault | (m_saved & kMxcsrFlags));
}

DefaultFpMode::~DefaultFpMode() {
  if (m_changed) _mm_setcsr(m_saved);
}

}  // namespace vmm::jit::x86_64
