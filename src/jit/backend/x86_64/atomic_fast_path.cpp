#include "atomic_fast_path.hpp"

#include <cstdint>

namespace vmm::jit::x86_64 {

using namespace asmjit;
using namespace asmjit::x86;
using isa::Op;

namespace {

enum class Kind : std::uint8_t { kLr, kSc, kAmo };

Kind kind_of(Op op) {
  switch (op) {
    case Op::kLrW:
    case Op::kLrD:
      return Kind::kLr;
    case Op::kScW:
    case Op::kScD:
      return Kind::kSc;
    default:
      return Kind::kAmo;
  }
}

// The A extension's operations are one run of the opcode list: the word
// forms (lr.w, sc.w, the AMOs), then the doubleword ones in the same order.
static_assert(static_cast<int>(Op::kAmomaxuW) - static_cast<int>(Op::kLrW) == 10);
static_assert(static_cast<int>(Op::kLrD) == static_cast<int>(Op::kAmomaxuW) + 1);
static_assert(static_cast<int>(Op::kAmomaxuD) - static_cast<int>(Op::kLrD) == 10);

bool is_word(Op op) { return op <= Op::kAmomaxuW; }

/// `to` (rdx or edx) = rs2, zero for x0.
void read_source(Assembler& a, const Operand& rs2, const Gp& to) {
  if (rs2.isNone()) {
    a.xor_(to.r32(), to.r32());
  } else if (rs2.isReg()) {
    a.mov(to, rs2.as<Gp>());
  } else {
    a.mov(to, rs2.as<Mem>());
  }
}

/// rd = `value` (rcx), sign-extended from 32 bits for the word forms.
void write_destination(Assembler& a, const Operand& rd, bool word) {
  if (rd.isNone()) return;
  if (word) a.movsxd(rcx, ecx);
  if (rd.isReg()) {
    a.mov(rd.as<Gp>(), rcx);
  } else {
    a.mov(rd.as<Mem>(), rcx);
  }
}

/// rdx = the value an AMO stores, from the old value in rcx and rs2 in rdx
/// (32-bit registers for the word forms: only the low half is stored).
void combine(Assembler& a, Op op, bool word) {
  const Gp old = word ? Gp(ecx) : Gp(rcx);
  const Gp src = word ? Gp(edx) : Gp(rdx);
  switch (op) {
    case Op::kAmoswapW:
    case Op::kAmoswapD:
      return;
    case Op::kAmoaddW:
    case Op::kAmoaddD:
      a.add(src, old);
      return;
    case Op::kAmoxorW:
    case Op::kAmoxorD:
      a.xor_(src, old);
      return;
    case Op::kAmoandW:
    case Op::kAmoandD:
      a.and_(src, old);
      return;
    case Op::kAmoorW:
    case Op::kAmoorD:
      a.or_(src, old);
      return;
    default:
      break;
  }
  // min/max: rdx = rs2 unless the old value is the one to keep.
  a.cmp(old, src);
  switch (op) {
    case Op::kAmominW:
    case Op::kAmominD:
      a.cmovl(src, old);
      return;
    case Op::kAmomaxW:
    case Op::kAmomaxD:
      a.cmovg(src, old);
      return;
    case Op::kAmominuW:
    case Op::kAmominuD:
      a.cmovb(src, old);
      return;
    default:  // amomaxu
      a.cmova(src, old);
      return;
  }
}

}  // namespace

bool is_atomic(Op op) { return op >= Op::kLrW && op <= Op::kAmomaxuD; }

void emit_atomic_fast_path(Assembler& a, const HartOperands& hart, const MemoryAccess& memory,
                           const isa::DecodedInsn& insn, const AtomicOperands& x, const Label& slow,
                           const std::function<void()>& mark_access) {
  const bool word = is_word(insn.op);
  const unsigned size = word ? 4 : 8;
  const Kind kind = kind_of(insn.op);
  // A misaligned atomic traps (the interpreter raises it), it is never split.
  a.test(x.address.r8(), static_cast<std::int32_t>(size - 1));
  a.jnz(slow);
  const Gp value = word ? Gp(ecx) : Gp(rcx);
  // The memory path may take `x.address` (rax) for the host address.
  switch (kind) {
    case Kind::kLr: {
      Mem at = memory.emit_address(a, memory::Access::kRead, size, x.address, 0, slow, x.address_checked);
      at.setSize(size);
      mark_access();
      a.mov(value, at);
      if (x.rs1.isReg()) {
        a.mov(hart.reservation(), x.rs1.as<Gp>());
      } else if (x.rs1.isMem()) {
        a.mov(rdx, x.rs1.as<Mem>());
        a.mov(hart.reservation(), rdx);
      } else {
        a.mov(hart.reservation(), 0);
      }
      a.mov(hart.reservation_valid(), 1);
      return write_destination(a, x.rd, word);
    }
    case Kind::kSc: {
      // Succeeds when the reservation is valid and for this address, without
      // touching memory otherwise; either way the reservation is gone, once
      // the store can no longer fault.
      Label fail = a.newLabel(), done = a.newLabel();
      a.cmp(hart.reservation_valid(), 0);
      a.je(fail);
      a.cmp(hart.reservation(), x.address);
      a.jne(fail);
      Mem at = memory.emit_address(a, memory::Access::kWrite, size, x.address, 0, slow, x.address_checked);
      at.setSize(size);
      read_source(a, x.rs2, rdx);
      mark_access();
      a.mov(at, word ? Gp(edx) : Gp(rdx));
      a.mov(hart.reservation_valid(), 0);
      a.xor_(ecx, ecx);
      a.jmp(done);
      a.bind(fail);
      a.mov(hart.reservation_valid(), 0);
      a.mov(ecx, 1);
      a.bind(done);
      return write_destination(a, x.rd, false);
    }
    case Kind::kAmo: {
      // Loaded, combined and stored before rd is written: a fault on either
      // access (a read-only page faults on the store) leaves all as it was.
      Mem at = memory.emit_read_write_address(a, size, x.address, slow, x.address_checked);
      at.setSize(size);
      mark_access();
      a.mov(value, at);
      read_source(a, x.rs2, rdx);
      combine(a, insn.op, word);
      mark_access();
      a.mov(at, word ? Gp(edx) : Gp(rdx));
      return write_destination(a, x.rd, word);
    }
  }
}

}  // namespace vmm::jit::x86_64
