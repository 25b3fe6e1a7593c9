#pragma once
// The ABI between the dispatcher (JitEngine, C++) and translated code: one
// standard-layout block whose field offsets the back end takes with offsetof.
// Translated code reaches it through an absolute address (it lives as long as
// the engine and its code), and the hart through a pinned host register.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "vmm/core/types.hpp"
#include "vmm/cpu/engine.hpp"

namespace vmm::jit {

class JitEngine;
struct Link;

/// Why translated code returned to the dispatcher.
enum class ExitKind : std::uint32_t {
  kLink,      ///< a direct branch whose target is not chained yet (exit_link)
  kIndirect,  ///< an indirect jump missed the lookup table; hart.pc is the target
  kBudget,    ///< fewer instructions left than the region holds; hart.pc is the region
  kEcall,     ///< ecall at hart.pc, not retired
  kStop,      ///< a helper ended the run (fault, halt): see `stop`
  kResume,    ///< a helper asked to leave (code invalidated, pc changed); continue at hart.pc
  /// A load or store the direct view could not serve (a fault, a write to a
  /// watched code page), not retired: the interpreter runs it at hart.pc.
  kRetry,
};

/// One entry of the indirect-branch table: a guest pc and its host code.
struct LookupEntry {
  GuestAddr pc = ~GuestAddr{0};
  const void* code = nullptr;
};

struct JitContext {
  static constexpr std::size_t kLookupBits = 12;
  static constexpr std::size_t kLookupSize = std::size_t{1} << kLookupBits;

  /// Instructions the run may still retire. Translated code keeps it in a
  /// host register and writes it back here when it leaves or calls a helper
  /// (the count then still includes the rest of the current region).
  std::uint64_t remaining = 0;
  ExitKind exit_kind = ExitKind::kStop;
  std::uint32_t padding = 0;
  Link* exit_link = nullptr;
  cpu::Stop stop{};
  JitEngine* engine = nullptr;
  /// The return stack: guest calls push (return address, host landing pad)
  /// pairs on the host stack below ras_top, so a guest return that matches
  /// the top returns with the host's `ret`, which the CPU predicts. Set by
  /// the runtime's enter; a push at or below ras_floor starts it afresh.
  std::uint64_t ras_top = 0;
  std::uint64_t ras_floor = 0;
  // Statistics kept by translated code when counting is enabled.
  std::uint64_t region_entries = 0;
  std::uint64_t indirect_lookups = 0;
  std::array<LookupEntry, kLookupSize> lookup{};

  static std::size_t lookup_index(GuestAddr pc) { return (pc >> 1) & (kLookupSize - 1); }
};

static_assert(std::is_standard_layout_v<JitContext>, "translated code addresses JitContext by offsetof");
static_assert(sizeof(LookupEntry) == 16, "translated code scales the lookup index by 16");

/// What a helper called from translated code returns (rax:rdx in the SysV ABI).
struct HelperResult {
  std::uint64_t value;
  std::uint64_t status;  ///< HelperStatus
};

/// Helpers set ctx.exit_kind (and ctx.stop) before asking to leave; the
/// translated code adjusts the instruction count and sets hart.pc, because
/// only it knows where in the region it is.
enum HelperStatus : std::uint64_t {
  kHelperOk = 0,
  kHelperStopBefore = 1,  ///< the instruction did not retire (a fault)
  kHelperLeaveAfter = 2,  ///< the instruction retired; leave before the next one
};

}  // namespace vmm::jit
