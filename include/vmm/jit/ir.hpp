#pragma once
// The translator's intermediate form: what a guest region does, in terms of
// guest registers and guest addresses only. The front end (frontend.hpp)
// produces it from decoded instructions; a back end lowers it to host code.
// Nothing here names a host register or a RISC-V encoding detail such as
// compressed forms, x0 sinks or immediate layouts.
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <vector>

#include "vmm/core/types.hpp"
#include "vmm/isa/decoded_insn.hpp"

namespace vmm::jit {

/// A guest integer register, 0..31; register 0 reads as zero and is never written.
using GuestReg = std::uint8_t;

enum class IrKind : std::uint8_t {
  kMovImm,        ///< dst = imm
  kMov,           ///< dst = a
  kExtend,        ///< dst = a's low `size` bytes, zero- or sign-extended (is_signed)
  kAlu,           ///< dst = a <alu> b
  kAluImm,        ///< dst = a <alu> imm
  kLoad,          ///< dst = mem[a + imm] (size, sign)
  kStore,         ///< mem[a + imm] = b (size)
  kBranch,        ///< if (a <cond> b) leave the region for `target` (a side exit)
  kJump,          ///< leave the region for `target` (ends the region)
  kJumpIndirect,  ///< dst = link value (imm2); leave for (a + imm) & ~1 (ends the region)
  kFloat,         ///< one F/D computational instruction (`insn`), shared semantics helper
  kInterpret,     ///< one instruction run by the interpreter (CSR, atomics, system...)
  kEcall,         ///< stop: environment call at `pc` (ends the region)
  /// A call (jal with rd = ra or t0), after the link register is written:
  /// return address imm2 goes on the host's return stack (no effect on the
  /// guest state; a later return to imm2 is predicted).
  kCall,
  /// Nothing: what the optimizer leaves of a removed instruction that
  /// branches land on (the place of their label, and its guest index).
  kNop,
};

enum class AluOp : std::uint8_t {
  kAdd,
  kSub,
  kSll,
  kSlt,
  kSltu,
  kXor,
  kSrl,
  kSra,
  kOr,
  kAnd,
  kMul,
  kMulh,
  kMulhsu,
  kMulhu,
  kDiv,
  kDivu,
  kRem,
  kRemu,
  /// Rotate right by imm (kAluImm only; the optimizer makes it from shift pairs).
  kRor,
};

enum class Cond : std::uint8_t { kEq, kNe, kLt, kGe, kLtu, kGeu };

struct IrInsn {
  IrKind kind = IrKind::kMovImm;
  AluOp alu = AluOp::kAdd;
  Cond cond = Cond::kEq;
  bool word = false;       ///< kAlu/kAluImm: 32-bit operation, result sign-extended (the *W forms)
  std::uint8_t size = 8;   ///< kLoad/kStore/kExtend: bytes
  bool is_signed = false;  ///< kLoad/kExtend: sign-extend
  bool fp_data = false;    ///< kLoad/kStore: the data register is a floating-point register
  GuestReg dst = 0;
  GuestReg a = 0;
  GuestReg b = 0;
  std::int64_t imm = 0;
  std::uint64_t imm2 = 0;   ///< kJumpIndirect: value written to dst (the return address)
  GuestAddr target = 0;     ///< kBranch/kJump
  GuestAddr pc = 0;         ///< guest address of the instruction this came from
  std::uint16_t index = 0;  ///< guest instructions of the region before this one
  std::uint8_t length = 4;  ///< bytes of the guest instruction (2 when compressed)
  isa::DecodedInsn insn{};  ///< kFloat/kInterpret: the instruction, for the shared helper
};

/// One translation unit: a straight-line trace entered at `entry`, possibly
/// with side exits (taken branches); it ends with a jump, an indirect jump,
/// an ecall or a fall-through to `next_pc`.
struct IrRegion {
  GuestAddr entry = 0;
  std::vector<IrInsn> insns;
  std::uint32_t guest_insns = 0;  ///< guest instructions on the longest path
  bool ends_with_fallthrough = false;
  GuestAddr next_pc = 0;         ///< where a fall-through end continues
  std::vector<GuestAddr> pages;  ///< guest pages whose bytes the region was made from
};

/// The condition that holds exactly when `cond` does not.
Cond opposite(Cond cond);

/// The integer register `insn` writes, when it names one (0 otherwise).
/// Helpers (kFloat, kInterpret) may write any: callers handle them.
GuestReg written_register(const IrInsn& insn);

/// Whether `insn` only computes its destination from registers and
/// constants: no memory, no helper, no way out.
bool computes_only(const IrInsn& insn);

/// The registers (bit r; x0 never) a computes_only() instruction reads.
std::uint32_t registers_read(const IrInsn& insn);

/// Per IR position of a branch or jump whose target the region translated
/// itself: the IR position it lands on (the first IR instruction of the
/// guest instruction there); nullopt elsewhere.
std::pmr::vector<std::optional<std::size_t>> in_region_targets(
    const IrRegion& region, std::pmr::memory_resource* memory = std::pmr::get_default_resource());

}  // namespace vmm::jit
