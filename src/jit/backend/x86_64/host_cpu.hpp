#pragma once
// What the host x86-64 CPU offers the back end, asked of cpuid directly.
// asmjit's CpuInfo::host() walks every cpuid leaf it knows (about 150 us in
// a virtual machine, where each cpuid traps to the hypervisor): start-up
// pays for one leaf instead.

namespace vmm::jit::x86_64 {

/// BMI2 (shlx/shrx/sarx, rorx): cpuid leaf 7, subleaf 0, EBX bit 8.
bool host_has_bmi2();

/// FMA3 (vfmadd213sd...) usable: cpuid leaf 1 ECX bits 12 (FMA) and 28
/// (AVX), with the OS saving the AVX state (OSXSAVE, XCR0 bits 1 and 2).
bool host_has_fma();

/// The host's SSE control (MXCSR) is the default one: round to nearest even,
/// every exception masked, subnormals neither flushed nor treated as zero.
/// The F/D fast paths compute in it; vm never changes it.
bool host_fp_mode_is_default();

}  // namespace vmm::jit::x86_64
