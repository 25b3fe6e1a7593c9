#include "host_cpu.hpp"

#include <sys/platform/x86.h>
#include <xmmintrin.h>

namespace vmm::jit::x86_64 {

// glibc's dynamic loader asked cpuid once at start-up, for every process;
// its answers cost nothing to read (cpuid itself: about 14 us a leaf in a
// virtual machine, where it traps to the hypervisor).
bool host_has_bmi2() { return CPU_FEATURE_ACTIVE(BMI2); }

// ACTIVE: the CPU has FMA3 and AVX, and the OS saves the AVX state.
bool host_has_fma() { return CPU_FEATURE_ACTIVE(FMA) && CPU_FEATURE_ACTIVE(AVX); }

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
