#include "vmm/cpu/csr.hpp"

#include <chrono>

namespace vmm::cpu {
namespace {

constexpr std::uint64_t kIrqMask = (1u << 3) | (1u << 7) | (1u << 11);  // MSI, MTI, MEI

std::uint64_t read_mstatus(const HartState& h) {
  std::uint64_t value = (h.mstatus & mstatus::kWritable) | mstatus::kUxl;
  if ((value & mstatus::kFs) == mstatus::kFs) value |= mstatus::kSd;
  return value;
}

std::uint64_t host_time_ticks() {
  // 10 MHz, the timebase Linux expects on common boards.
  auto now = std::chrono::steady_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100);
}

bool counter_enabled(const HartState& h, std::uint32_t number) {
  if (h.priv == Privilege::kMachine) return true;
  return (h.mcounteren >> (number & 31)) & 1;
}

bool fp_csr(std::uint32_t number) {
  return number == csr::kFflags || number == csr::kFrm || number == csr::kFcsr;
}

std::optional<std::uint64_t> read_csr(const HartState& h, std::uint32_t number, std::uint64_t instret_now) {
  // With mstatus.FS = Off the floating-point CSRs are inaccessible too.
  if (fp_csr(number) && (h.mstatus & mstatus::kFs) == 0) return std::nullopt;
  switch (number) {
    case csr::kFflags:
      return h.fflags;
    case csr::kFrm:
      return h.frm;
    case csr::kFcsr:
      return (h.frm << 5) | h.fflags;
    case csr::kCycle:
      if (!counter_enabled(h, number)) return std::nullopt;
      return instret_now + h.cycle_offset;
    case csr::kInstret:
      if (!counter_enabled(h, number)) return std::nullopt;
      return instret_now;
    case csr::kTime:
      if (!counter_enabled(h, number)) return std::nullopt;
      return host_time_ticks();
    default:
      break;
  }
  if ((number >> 8 & 3) > static_cast<unsigned>(h.priv)) return std::nullopt;
  switch (number) {
    case csr::kMstatus:
      return read_mstatus(h);
    case csr::kMisa:
      return kMisa;
    case csr::kMedeleg:
      return h.medeleg;
    case csr::kMideleg:
      return h.mideleg;
    case csr::kMie:
      return h.mie;
    case csr::kMtvec:
      return h.mtvec;
    case csr::kMcounteren:
      return h.mcounteren;
    case csr::kMcountinhibit:
      return h.mcountinhibit;
    case csr::kMscratch:
      return h.mscratch;
    case csr::kMepc:
      return h.mepc;
    case csr::kMcause:
      return h.mcause;
    case csr::kMtval:
      return h.mtval;
    case csr::kMip:
      return h.mip;
    case csr::kMcycle:
      return instret_now + h.cycle_offset;
    case csr::kMinstret:
      return instret_now;
    case csr::kMvendorid:
    case csr::kMarchid:
    case csr::kMimpid:
    case csr::kMhartid:
      return 0;
    case csr::kPmpcfg0:
      return h.pmpcfg[0];
    case csr::kPmpcfg0 + 2:
      return h.pmpcfg[1];
    default:
      break;
  }
  if (number >= csr::kPmpaddr0 && number < csr::kPmpaddr0 + 16) return h.pmpaddr[number - csr::kPmpaddr0];
  // mhpmcounter3..31, mhpmevent3..31 and their user views: implemented as zero.
  if ((number >= 0xb03 && number <= 0xb1f) || (number >= 0x323 && number <= 0x33f)) return 0;
  if (number >= 0xc03 && number <= 0xc1f)
    return counter_enabled(h, number) ? std::optional<std::uint64_t>{0} : std::nullopt;
  return std::nullopt;
}

void write_csr(HartState& h, std::uint32_t number, std::uint64_t value, std::uint64_t instret_now) {
  switch (number) {
    case csr::kFflags:
      h.fflags = value & 0x1f;
      break;
    case csr::kFrm:
      h.frm = value & 7;
      break;
    case csr::kFcsr:
      h.fflags = value & 0x1f;
      h.frm = (value >> 5) & 7;
      break;
    case csr::kMstatus: {
      std::uint64_t next = value & mstatus::kWritable;
      // MPP is WARL: only M and U exist here.
      std::uint64_t mpp = (next & mstatus::kMpp) >> mstatus::kMppShift;
      if (mpp != 3) next &= ~mstatus::kMpp;
      h.mstatus = next;
      break;
    }
    case csr::kMisa:
      break;  // WARL, fixed
    case csr::kMedeleg:
      h.medeleg = 0;
      break;  // no S-mode: nothing to delegate to
    case csr::kMideleg:
      h.mideleg = 0;
      break;
    case csr::kMie:
      h.mie = value & kIrqMask;
      break;
    case csr::kMtvec:
      h.mtvec = value & ~std::uint64_t{2};
      break;  // modes 0 (direct) and 1 (vectored)
    case csr::kMcounteren:
      h.mcounteren = value & 0xffffffff;
      break;
    case csr::kMcountinhibit:
      break;  // WARL, hard-wired to zero: the counters always count
    case csr::kMscratch:
      h.mscratch = value;
      break;
    case csr::kMepc:
      h.mepc = value & ~std::uint64_t{1};
      break;  // IALIGN 16 with C
    case csr::kMcause:
      h.mcause = value;
      break;
    case csr::kMtval:
      h.mtval = value;
      break;
    case csr::kMip:
      break;  // no software-writable pending bits without S-mode
    // A counter write replaces the increment of the writing instruction
    // (Zicsr chapter): the next instruction reads exactly `value`.
    case csr::kMcycle:
      h.cycle_offset = value - instret_now - 1;
      break;
    case csr::kMinstret: {
      std::uint64_t delta = value - instret_now - 1;
      h.instret += delta;
      h.cycle_offset -= delta;  // mcycle is a separate counter and keeps its value
      break;
    }
    case csr::kPmpcfg0:
      h.pmpcfg[0] = value;
      break;
    case csr::kPmpcfg0 + 2:
      h.pmpcfg[1] = value;
      break;
    default:
      if (number >= csr::kPmpaddr0 && number < csr::kPmpaddr0 + 16) {
        h.pmpaddr[number - csr::kPmpaddr0] = value & ((1ull << 54) - 1);
      }
      break;  // hpm counters and events: writes ignored
  }
}

}  // namespace

std::optional<std::uint64_t> csr_access(HartState& hart, std::uint32_t number, CsrOp op,
                                        std::uint64_t operand, bool write, std::uint64_t instret_now) {
  std::optional<std::uint64_t> old = read_csr(hart, number, instret_now);
  if (!old) return std::nullopt;
  if (!write) return old;
  if ((number >> 10) == 3) return std::nullopt;  // read-only CSR
  std::uint64_t next = op == CsrOp::kWrite ? operand
                       : op == CsrOp::kSet ? (*old | operand)
                                           : (*old & ~operand);
  write_csr(hart, number, next, instret_now);
  if (fp_csr(number)) hart.mstatus |= mstatus::kFs;  // the FP state changed: Dirty
  return old;
}

}  // namespace vmm::cpu
