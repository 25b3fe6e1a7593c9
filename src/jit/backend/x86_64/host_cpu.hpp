#pragma once
// What the host x86-64 CPU offers the back end, asked of cpuid directly.
// asmjit's CpuInfo::host() walks every cpuid leaf it knows (about 150 us in
// a virtual machine, where each cpuid traps to the hypervisor): start-up
// pays for one leaf instead.

namespace vmm::jit::x86_64 {

/// BMI2 (shlx/shrx/sarx, rorx): cpuid leaf 7, subleaf 0, EBX bit 8.
bool host_has_bmi2();

}  // namespace vmm::jit::x86_64
