#pragma once
// Front end of the translator: discovers a guest region starting at a pc
// (a trace through fall-throughs and direct jumps, with taken conditional
// branches as side exits) and lowers its decoded instructions to IR.
#include <cstdint>
#include <functional>
#include <optional>

#include "vmm/cpu/hart_state.hpp"
#include "vmm/isa/decoded_insn.hpp"
#include "vmm/jit/ir.hpp"

namespace vmm::jit {

struct FrontendOptions {
  std::uint32_t max_insns = 64;  ///< guest instructions per region at most
  /// Translate FP loads and stores inline (their mstatus.FS check can be
  /// skipped because the hart runs in U-mode, where FS never changes).
  bool inline_fp_memory = false;
  /// Whether another region already starts at a pc (null: none does). The
  /// region then ends where its trace first reaches such a pc outside a
  /// loop it closed, falling through to it, instead of translating that
  /// code again.
  std::function<bool(GuestAddr)> is_entry;
};

/// Decodes the instruction at a pc the way the guest would fetch it (and
/// watches its page for writes), or nullopt when it cannot be fetched.
using Fetch = std::function<std::optional<isa::DecodedInsn>(GuestAddr pc)>;

/// True for instructions after which a basic block ends: control transfers,
/// and the system instructions that end a region (CSR access, fence.i...).
bool ends_basic_block(isa::Op op);

/// A Zicsr instruction on fflags, frm or fcsr: it does not end its region.
bool accesses_fp_csr(const isa::DecodedInsn& d);

/// Builds the region entered at `entry` (see FrontendOptions::is_entry for
/// where it may end early); nullopt when not even the first instruction can
/// be fetched (the caller reports the fetch fault).
std::optional<IrRegion> build_region(const Fetch& fetch, GuestAddr entry, const FrontendOptions& options);

}  // namespace vmm::jit
