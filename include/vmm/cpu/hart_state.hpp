#pragma once
// Architectural state of one hart. Standard layout, so a JIT can address
// fields with offsetof; nothing here is a host pointer.
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace vmm::cpu {

enum class Privilege : std::uint8_t { kUser = 0, kSupervisor = 1, kMachine = 3 };

/// Exception causes (privileged spec §3.1.15, mcause values).
enum class Cause : std::uint64_t {
  kInsnMisaligned = 0,
  kInsnAccessFault = 1,
  kIllegalInsn = 2,
  kBreakpoint = 3,
  kLoadMisaligned = 4,
  kLoadAccessFault = 5,
  kStoreMisaligned = 6,
  kStoreAccessFault = 7,
  kEcallFromU = 8,
  kEcallFromS = 9,
  kEcallFromM = 11,
};

/// mstatus fields we implement (privileged spec §3.1.6).
namespace mstatus {
inline constexpr std::uint64_t kMie = 1ull << 3;
inline constexpr std::uint64_t kMpie = 1ull << 7;
inline constexpr std::uint64_t kMppShift = 11;
inline constexpr std::uint64_t kMpp = 3ull << kMppShift;
inline constexpr std::uint64_t kFs = 3ull << 13;
inline constexpr std::uint64_t kMprv = 1ull << 17;
inline constexpr std::uint64_t kUxl = 2ull << 32;  // read-only: XLEN 64 in U-mode
inline constexpr std::uint64_t kSd = 1ull << 63;
inline constexpr std::uint64_t kWritable = kMie | kMpie | kMpp | kFs | kMprv;
}  // namespace mstatus

struct HartState {
  std::uint64_t x[33] = {};  ///< x0..x31, and x[32]: the sink for writes to x0
  std::uint64_t f[32] = {};  ///< NaN-boxed floating-point registers
  std::uint64_t pc = 0;
  std::uint64_t instret = 0;       ///< instructions retired
  std::uint64_t cycle_offset = 0;  ///< mcycle = instret + cycle_offset (one cycle per instruction)
  std::uint32_t fflags = 0;        ///< accrued exceptions, 5 bits
  std::uint32_t frm = 0;           ///< dynamic rounding mode, 3 bits
  Privilege priv = Privilege::kMachine;

  // Machine-mode CSRs.
  std::uint64_t mstatus = 0;
  std::uint64_t mtvec = 0;
  std::uint64_t mepc = 0;
  std::uint64_t mcause = 0;
  std::uint64_t mtval = 0;
  std::uint64_t mscratch = 0;
  std::uint64_t mie = 0;
  std::uint64_t mip = 0;
  std::uint64_t medeleg = 0;
  std::uint64_t mideleg = 0;
  std::uint64_t mcounteren = 0;
  std::uint64_t mcountinhibit = 0;
  std::uint64_t pmpcfg[2] = {};  ///< pmpcfg0 and pmpcfg2 (RV64 has even ones only)
  std::uint64_t pmpaddr[16] = {};

  // LR/SC reservation (unprivileged spec §8.2): one address, valid or not.
  std::uint64_t reservation = 0;
  bool reservation_valid = false;
};

static_assert(std::is_standard_layout_v<HartState>, "a JIT addresses HartState by offsetof");

/// misa for RV64IMAFDC with U-mode (privileged spec §3.1.1).
inline constexpr std::uint64_t kMisa = (2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) |
                                       (1u << ('D' - 'A')) | (1u << ('F' - 'A')) | (1u << ('I' - 'A')) |
                                       (1u << ('M' - 'A')) | (1u << ('U' - 'A'));

}  // namespace vmm::cpu
