#include "vmm/cpu/trap.hpp"

namespace vmm::cpu {

void enter_trap(HartState& hart, Cause cause, std::uint64_t tval) {
  hart.mepc = hart.pc;
  hart.mcause = static_cast<std::uint64_t>(cause);
  hart.mtval = tval;
  std::uint64_t status = hart.mstatus;
  std::uint64_t mie = (status & mstatus::kMie) != 0;
  status &= ~(mstatus::kMpie | mstatus::kMie | mstatus::kMpp);
  status |= (mie ? mstatus::kMpie : 0) | (static_cast<std::uint64_t>(hart.priv) << mstatus::kMppShift);
  hart.mstatus = status;
  hart.priv = Privilege::kMachine;
  hart.pc = hart.mtvec & ~std::uint64_t{3};
}

void return_from_trap(HartState& hart) {
  std::uint64_t status = hart.mstatus;
  auto mpp = static_cast<Privilege>((status & mstatus::kMpp) >> mstatus::kMppShift);
  bool mpie = (status & mstatus::kMpie) != 0;
  status &= ~(mstatus::kMie | mstatus::kMpp);
  status |= (mpie ? mstatus::kMie : 0) | mstatus::kMpie;
  if (mpp != Privilege::kMachine) status &= ~mstatus::kMprv;
  hart.mstatus = status;
  hart.priv = mpp;
  hart.pc = hart.mepc;
}

const char* cause_name(Cause cause) {
  switch (cause) {
    case Cause::kInsnMisaligned:
      return "instruction address misaligned";
    case Cause::kInsnAccessFault:
      return "instruction access fault";
    case Cause::kIllegalInsn:
      return "illegal instruction";
    case Cause::kBreakpoint:
      return "breakpoint";
    case Cause::kLoadMisaligned:
      return "load address misaligned";
    case Cause::kLoadAccessFault:
      return "load access fault";
    case Cause::kStoreMisaligned:
      return "store/AMO address misaligned";
    case Cause::kStoreAccessFault:
      return "store/AMO access fault";
    case Cause::kEcallFromU:
      return "environment call from U-mode";
    case Cause::kEcallFromS:
      return "environment call from S-mode";
    case Cause::kEcallFromM:
      return "environment call from M-mode";
  }
  return "unknown exception";
}

}  // namespace vmm::cpu
