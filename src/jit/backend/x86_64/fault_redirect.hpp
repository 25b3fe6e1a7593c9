#pragma once
// Faults of translated code on the direct view become slow-path calls.
//
// With a direct view (memory::RamBacking::kDirectView) a guest load or store
// is one host instruction on view base + guest address. When the guest may
// not make that access (an unmapped or read-only page, a write to a page of
// watched code) the host faults; the SIGSEGV handler finds the instruction in
// the sites the back end recorded and resumes at the access's slow path, which
// computes the guest address again from the guest registers (the faulting
// instruction changed none) and repeats the access through GuestMemory: the
// same checked path the TLB's misses take, with precise guest faults.
#include <cstdint>
#include <vector>

namespace vmm::jit::x86_64 {

/// A host instruction that accesses the direct view, and the slow path that
/// serves it when it faults.
struct FaultSite {
  std::uintptr_t access;
  std::uintptr_t slow;
};

/// Fault sites in increasing address order (code is placed by a bump allocator).
class FaultSites {
 public:
  void add(std::uintptr_t access, std::uintptr_t slow) { m_sites.push_back(FaultSite{access, slow}); }
  void clear() { m_sites.clear(); }
  [[nodiscard]] const std::vector<FaultSite>& sites() const { return m_sites; }

 private:
  std::vector<FaultSite> m_sites;
};

/// Installs the process-wide SIGSEGV handler (once). Faults outside
/// translated code go to the previous handler, or kill the process as usual.
bool install_fault_handler();

/// While alive, faults at `sites` on this thread are redirected. Sites must
/// not change meanwhile (no translation runs while translated code does).
class FaultRedirect {
 public:
  explicit FaultRedirect(const FaultSites& sites);
  ~FaultRedirect();
  FaultRedirect(const FaultRedirect&) = delete;
  FaultRedirect& operator=(const FaultRedirect&) = delete;
};

}  // namespace vmm::jit::x86_64
