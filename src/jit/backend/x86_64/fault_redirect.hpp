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
///
/// An access whose base register a check of the region already covers can
/// fail only by faulting, so it needs no slow path of its own: the site then
/// `leaves`, and the handler does what such a slow path would, leaving the
/// region before the guest instruction at `pc` (kRemaining += `refund`, rax =
/// `pc`) through `slow`, the region's way out (or the runtime's exit_retry).
/// Most accesses are of this kind (stack frames, runs of accesses on one
/// pointer): their slow paths were 12% of recursion's translated code.
struct FaultSite {
  std::uintptr_t access;
  std::uintptr_t slow;
  std::uint64_t pc = 0;
  std::uint32_t refund = 0;
  bool leaves = false;
};

/// Fault sites in increasing address order (code is placed by a bump allocator).
class FaultSites {
 public:
  void add(const FaultSite& site) { m_sites.push_back(site); }
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
