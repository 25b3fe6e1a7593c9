#pragma once
// What the host x86-64 CPU offers the back end, as glibc found it at
// start-up (<sys/platform/x86.h>): no cpuid of our own. asmjit's
// CpuInfo::host() walks every cpuid leaf it knows (about 150 us in a virtual
// machine, where each cpuid traps to the hypervisor).

namespace vmm::jit::x86_64 {

/// BMI2 (shlx/shrx/sarx, rorx): cpuid leaf 7, subleaf 0, EBX bit 8.
bool host_has_bmi2();

/// FMA3 (vfmadd213sd...) usable: the CPU has FMA3 and AVX, and the OS saves
/// the AVX state.
bool host_has_fma();

/// While it lives, the SSE control register (MXCSR) holds the default mode:
/// round to nearest even, every exception masked, subnormals neither
/// flushed nor treated as zero. The F/D fast paths compute in it, whatever
/// mode a program embedding vm set; that mode comes back at the end. Free
/// when the mode is the default already (vm itself never changes it).
class DefaultFpMode {
 public:
  DefaultFpMode();
  ~DefaultFpMode();
  DefaultFpMode(const DefaultFpMode&) = delete;
  DefaultFpMode& operator=(const DefaultFpMode&) = delete;

 private:
  unsigned m_saved = 0;
  bool m_changed = false;
};

}  // namespace vmm::jit::x86_64
