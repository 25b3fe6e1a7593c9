#pragma once
// Target-independent rewrites of a region's IR, between the front end and a
// back end. Each keeps the guest state exact wherever the region can be left
// or can fault: only values that nothing can observe change.
#include "vmm/jit/ir.hpp"

namespace vmm::jit {

/// Runs both rewrites on `region`:
/// - shift pairs that are one operation are rewritten in place of their
///   second half (the first stays, for whoever else reads it): rotates
///   written as two shifts and an or (srli + slli, or srliw + slliw, of one
///   unchanged source by amounts adding up to the width: what compilers
///   emit for RV64GC without Zbb) become one kRor; `slli t, s, 32` then
///   `srli/srai d, t, k` (a 32-bit index scaled, or extended) becomes the
///   low word of s extended, then shifted by k - 32 (right) or 32 - k (left);
/// - then computations whose result is overwritten before anything can
///   observe it are removed: before any read of it, any way out of the
///   region and any instruction that may fault or call a helper (all of
///   which see every register). The shifts a fusion read are often dead then.
///   `leaves_before_loops`: the back end may also leave on the way into a
///   loop (the direct view's checks of a loop's bases), which sees every
///   register too.
void optimize(IrRegion& region, bool leaves_before_loops);

}  // namespace vmm::jit
