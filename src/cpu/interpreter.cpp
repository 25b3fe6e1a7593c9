// The dispatch loop. Each handler is a label reached by computed goto from a
// table generated from VMM_RV_OPS, so a missing handler fails to compile.
// Locals: pc (guest pc of *d), d (decoded slot), remaining (budget).
#include "vmm/cpu/interpreter.hpp"

#include <cstring>

#include "vmm/cpu/csr.hpp"
#include "vmm/cpu/trap.hpp"

namespace vmm::cpu {

using isa::DecodedInsn;
using isa::Op;

Interpreter::Interpreter(HartState& hart, memory::GuestMemory& memory) : m_hart(hart), m_memory(memory) {}

void Interpreter::flush_code_range(GuestAddr start, GuestAddr end) {
  for (GuestAddr base : m_cache.drop_range(start, end))
    m_memory.space().unwatch_page(base, memory::kWatchCode);
}

EngineStats Interpreter::stats() const {
  return {{"decoded_pages", static_cast<double>(m_cache.page_count())},
          {"code_invalidations", static_cast<double>(m_cache.invalidations())}};
}

DecodeCache::Page* Interpreter::enter_page(GuestAddr pc) {
  GuestAddr base = page_floor(pc);
  if (DecodeCache::Page* page = m_cache.find(base)) return page;
  const std::uint8_t* host = m_memory.fetch_page(pc);
  if (host == nullptr) return nullptr;
  DecodeCache::Page* page = m_cache.create(base, host);
  if (page != nullptr) {
    m_memory.space().watch_page(base, memory::kWatchCode);
    page->watched = true;
  }
  return page;
}

bool Interpreter::decode_slot(DecodeCache::Page& page, GuestAddr pc, DecodedInsn& slot) {
  if (!page.watched) {
    // A write dropped the watch when it invalidated the page: decoding again
    // must watch again, or the next write would leave stale code behind.
    m_memory.space().watch_page(page.base, memory::kWatchCode);
    page.watched = true;
  }
  std::size_t offset = pc & kPageOffsetMask;
  std::uint16_t low;
  std::memcpy(&low, page.host + offset, 2);  // SAFETY: offset <= 4094 inside the fetch-checked page
  std::uint32_t raw = low;
  if (isa::insn_length(low) == 4) {
    std::uint16_t high;
    if (offset + 2 < kPageSize) {
      std::memcpy(&high, page.host + offset + 2, 2);  // SAFETY: offset + 2 <= 4094
    } else {
      // The upper half lives on the next page, which must be executable too.
      const std::uint8_t* next = m_memory.fetch_page(page.base + kPageSize);
      if (next == nullptr) return false;
      m_memory.space().watch_page(page.base + kPageSize, memory::kWatchCode);
      std::memcpy(&high, next, 2);
    }
    raw |= static_cast<std::uint32_t>(high) << 16;
  }
  slot = isa::decode(raw);
  return true;
}

std::optional<DecodedInsn> Interpreter::peek(GuestAddr pc) {
  DecodeCache::Page* page = enter_page(pc);
  if (page == nullptr) return std::nullopt;
  if ((pc & 1) != 0) {
    // Not a cached slot: slots hold the instructions at even addresses, the
    // only ones the interpreter runs.
    DecodedInsn insn;
    if (!decode_slot(*page, pc, insn)) return std::nullopt;
    return insn;
  }
  // Through the cache: the JIT peeks at each block to measure it and again
  // to translate it, and the interpreter runs it in between.
  DecodedInsn& slot = page->insns[(pc & kPageOffsetMask) >> 1];
  if (slot.op == isa::Op::kNeedsDecode && !decode_slot(*page, pc, slot)) return std::nullopt;
  return slot;
}

namespace {

constexpr std::uint64_t sext32(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}
constexpr std::int64_t as_signed(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::uint64_t div_signed(std::uint64_t a, std::uint64_t b) {
  if (b == 0) return ~std::uint64_t{0};
  if (as_signed(a) == INT64_MIN && as_signed(b) == -1) return a;
  return static_cast<std::uint64_t>(as_signed(a) / as_signed(b));
}
std::uint64_t rem_signed(std::uint64_t a, std::uint64_t b) {
  if (b == 0) return a;
  if (as_signed(a) == INT64_MIN && as_signed(b) == -1) return 0;
  return static_cast<std::uint64_t>(as_signed(a) % as_signed(b));
}
std::uint64_t divw(std::uint64_t a, std::uint64_t b) {
  auto x = static_cast<std::int32_t>(a), y = static_cast<std::int32_t>(b);
  if (y == 0) return ~std::uint64_t{0};
  if (x == INT32_MIN && y == -1) return sext32(static_cast<std::uint32_t>(x));
  return sext32(static_cast<std::uint32_t>(x / y));
}
std::uint64_t remw(std::uint64_t a, std::uint64_t b) {
  auto x = static_cast<std::int32_t>(a), y = static_cast<std::int32_t>(b);
  if (y == 0) return sext32(static_cast<std::uint32_t>(x));
  if (x == INT32_MIN && y == -1) return 0;
  return sext32(static_cast<std::uint32_t>(x % y));
}
std::uint64_t divuw(std::uint64_t a, std::uint64_t b) {
  auto x = static_cast<std::uint32_t>(a), y = static_cast<std::uint32_t>(b);
  return y == 0 ? ~std::uint64_t{0} : sext32(x / y);
}
std::uint64_t remuw(std::uint64_t a, std::uint64_t b) {
  auto x = static_cast<std::uint32_t>(a), y = static_cast<std::uint32_t>(b);
  return y == 0 ? sext32(x) : sext32(x % y);
}
std::uint64_t mulh(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::uint64_t>((static_cast<__int128>(as_signed(a)) * as_signed(b)) >> 64);
}
std::uint64_t mulhu(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64);
}
std::uint64_t mulhsu(std::uint64_t a, std::uint64_t b) {
  // signed x unsigned: compute unsigned high part, then correct for a < 0.
  std::uint64_t high = mulhu(a, b);
  return as_signed(a) < 0 ? high - b : high;
}

/// Read-modify-write of an AMO (unprivileged spec §8.4); returns the new value.
template <typename T>
T amo_apply(Op op, T old, T operand) {
  using S = std::make_signed_t<T>;
  switch (op) {
    case Op::kAmoswapW:
    case Op::kAmoswapD:
      return operand;
    case Op::kAmoaddW:
    case Op::kAmoaddD:
      return static_cast<T>(old + operand);
    case Op::kAmoxorW:
    case Op::kAmoxorD:
      return old ^ operand;
    case Op::kAmoandW:
    case Op::kAmoandD:
      return old & operand;
    case Op::kAmoorW:
    case Op::kAmoorD:
      return old | operand;
    case Op::kAmominW:
    case Op::kAmominD:
      return static_cast<S>(old) < static_cast<S>(operand) ? old : operand;
    case Op::kAmomaxW:
    case Op::kAmomaxD:
      return static_cast<S>(old) > static_cast<S>(operand) ? old : operand;
    case Op::kAmominuW:
    case Op::kAmominuD:
      return old < operand ? old : operand;
    default:
      return old > operand ? old : operand;  // amomaxu
  }
}

}  // namespace

template <bool kCountMemoryOps>
Stop Interpreter::run_loop(std::uint64_t budget) {
  static const void* const kHandlers[] = {
#define VMM_OP_LABEL(name, mnemonic, format) &&L_##name,
      VMM_RV_OPS(VMM_OP_LABEL)
#undef VMM_OP_LABEL
  };
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == isa::kOpCount);

  HartState& hart = m_hart;
  memory::GuestMemory& mem = m_memory;
  std::uint64_t* const x = hart.x;
  std::uint64_t pc = hart.pc;
  std::uint64_t remaining = budget;
  DecodeCache::Page* page = nullptr;
  const DecodedInsn* d = nullptr;
  std::uint64_t memory_ops = 0;  // kept in a register; added to the TLB statistics on exit
  Stop stop;

#define DISPATCH() goto* kHandlers[static_cast<std::size_t>(d->op)]
  // pc is not maintained while execution falls through: it is recomputed
  // from the slot's position (PC()) by the few handlers that need it.
#define PC() (page->base + (static_cast<std::uint64_t>(d - page->insns.data()) << 1))
#define NEXT()                                                                                               \
  do {                                                                                                       \
    d = reinterpret_cast<const DecodedInsn*>(reinterpret_cast<const char*>(d) + std::size_t{d->length} * 8); \
    if (--remaining == 0) goto out_of_budget_in_page;                                                        \
    DISPATCH();                                                                                              \
  } while (0)
  // Taken control transfer to `target`: stay on the page when possible.
#define JUMP(target)                               \
  do {                                             \
    pc = (target);                                 \
    if (--remaining == 0) goto out_of_budget;      \
    if (page_floor(pc) != page->base) goto enter;  \
    d = &page->insns[(pc & kPageOffsetMask) >> 1]; \
    DISPATCH();                                    \
  } while (0)
  // Taken pc-relative transfer (branches, jal): when the target is on this
  // page, step to its slot directly instead of going through the pc.
#define BRANCH()                                                    \
  do {                                                              \
    std::ptrdiff_t slot = (d - page->insns.data()) + (d->imm >> 1); \
    if (static_cast<std::size_t>(slot) < DecodeCache::kSlots) {     \
      d = page->insns.data() + slot;                                \
      if (--remaining == 0) goto out_of_budget_in_page;             \
      DISPATCH();                                                   \
    }                                                               \
    JUMP(PC() + IMM());                                             \
  } while (0)
#define RAISE(c, value)  \
  do {                   \
    pc = PC();           \
    stop.cause = (c);    \
    stop.tval = (value); \
    goto exception;      \
  } while (0)
#define X(i) x[d->i]
#define ADDR() (x[d->rs1] + static_cast<std::uint64_t>(static_cast<std::int64_t>(d->imm)))
#define IMM() static_cast<std::uint64_t>(static_cast<std::int64_t>(d->imm))
#define LOAD(type)                                                                                    \
  do {                                                                                                \
    type value;                                                                                       \
    if constexpr (kCountMemoryOps) ++memory_ops;                                                      \
    if (!mem.load(ADDR(), value)) [[unlikely]]                                                        \
      goto load_fault;                                                                                \
    X(rd) = static_cast<std::uint64_t>(                                                               \
        static_cast<std::conditional_t<std::is_signed_v<type>, std::int64_t, std::uint64_t>>(value)); \
    NEXT();                                                                                           \
  } while (0)
#define STORE(type)                                                 \
  do {                                                              \
    if constexpr (kCountMemoryOps) ++memory_ops;                    \
    if (!mem.store(ADDR(), static_cast<type>(X(rs2)))) [[unlikely]] \
      goto store_fault;                                             \
    NEXT();                                                         \
  } while (0)

enter:
  page = enter_page(pc);
  if (page == nullptr) [[unlikely]] {
    stop.cause = Cause::kInsnAccessFault;
    stop.tval = mem.last_fault().addr;
    goto exception;
  }
  d = &page->insns[(pc & kPageOffsetMask) >> 1];
  DISPATCH();

L_kNeedsDecode:
  pc = PC();
  if (!decode_slot(*page, pc, const_cast<DecodedInsn&>(*d))) {  // the slot belongs to this cache
    RAISE(Cause::kInsnAccessFault, mem.last_fault().addr);
  }
  DISPATCH();
L_kPageExit:
  pc = PC();
  goto enter;
L_kIllegal:
  RAISE(Cause::kIllegalInsn, d->raw);

  // ---- RV64I ------------------------------------------------------------
L_kLui:
  X(rd) = IMM();
  NEXT();
L_kAuipc:
  X(rd) = PC() + IMM();
  NEXT();
L_kJal:
  if (d->rd != isa::kZeroSink) X(rd) = PC() + d->length;
  BRANCH();
L_kJalr : {
  std::uint64_t target = (X(rs1) + IMM()) & ~std::uint64_t{1};
  X(rd) = PC() + d->length;
  JUMP(target);
}
L_kBeq:
  if (X(rs1) == X(rs2)) BRANCH();
  NEXT();
L_kBne:
  if (X(rs1) != X(rs2)) BRANCH();
  NEXT();
L_kBlt:
  if (as_signed(X(rs1)) < as_signed(X(rs2))) BRANCH();
  NEXT();
L_kBge:
  if (as_signed(X(rs1)) >= as_signed(X(rs2))) BRANCH();
  NEXT();
L_kBltu:
  if (X(rs1) < X(rs2)) BRANCH();
  NEXT();
L_kBgeu:
  if (X(rs1) >= X(rs2)) BRANCH();
  NEXT();
L_kLb:
  LOAD(std::int8_t);
L_kLh:
  LOAD(std::int16_t);
L_kLw:
  LOAD(std::int32_t);
L_kLd:
  LOAD(std::uint64_t);
L_kLbu:
  LOAD(std::uint8_t);
L_kLhu:
  LOAD(std::uint16_t);
L_kLwu:
  LOAD(std::uint32_t);
L_kSb:
  STORE(std::uint8_t);
L_kSh:
  STORE(std::uint16_t);
L_kSw:
  STORE(std::uint32_t);
L_kSd:
  STORE(std::uint64_t);
L_kAddi:
  X(rd) = X(rs1) + IMM();
  NEXT();
L_kSlti:
  X(rd) = as_signed(X(rs1)) < d->imm;
  NEXT();
L_kSltiu:
  X(rd) = X(rs1) < IMM();
  NEXT();
L_kXori:
  X(rd) = X(rs1) ^ IMM();
  NEXT();
L_kOri:
  X(rd) = X(rs1) | IMM();
  NEXT();
L_kAndi:
  X(rd) = X(rs1) & IMM();
  NEXT();
L_kSlli:
  X(rd) = X(rs1) << d->imm;
  NEXT();
L_kSrli:
  X(rd) = X(rs1) >> d->imm;
  NEXT();
L_kSrai:
  X(rd) = static_cast<std::uint64_t>(as_signed(X(rs1)) >> d->imm);
  NEXT();
L_kAdd:
  X(rd) = X(rs1) + X(rs2);
  NEXT();
L_kSub:
  X(rd) = X(rs1) - X(rs2);
  NEXT();
L_kSll:
  X(rd) = X(rs1) << (X(rs2) & 63);
  NEXT();
L_kSlt:
  X(rd) = as_signed(X(rs1)) < as_signed(X(rs2));
  NEXT();
L_kSltu:
  X(rd) = X(rs1) < X(rs2);
  NEXT();
L_kXor:
  X(rd) = X(rs1) ^ X(rs2);
  NEXT();
L_kSrl:
  X(rd) = X(rs1) >> (X(rs2) & 63);
  NEXT();
L_kSra:
  X(rd) = static_cast<std::uint64_t>(as_signed(X(rs1)) >> (X(rs2) & 63));
  NEXT();
L_kOr:
  X(rd) = X(rs1) | X(rs2);
  NEXT();
L_kAnd:
  X(rd) = X(rs1) & X(rs2);
  NEXT();
L_kAddiw:
  X(rd) = sext32(X(rs1) + IMM());
  NEXT();
L_kSlliw:
  X(rd) = sext32(static_cast<std::uint32_t>(X(rs1)) << d->imm);
  NEXT();
L_kSrliw:
  X(rd) = sext32(static_cast<std::uint32_t>(X(rs1)) >> d->imm);
  NEXT();
L_kSraiw:
  X(rd) = sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(X(rs1)) >> d->imm));
  NEXT();
L_kAddw:
  X(rd) = sext32(X(rs1) + X(rs2));
  NEXT();
L_kSubw:
  X(rd) = sext32(X(rs1) - X(rs2));
  NEXT();
L_kSllw:
  X(rd) = sext32(static_cast<std::uint32_t>(X(rs1)) << (X(rs2) & 31));
  NEXT();
L_kSrlw:
  X(rd) = sext32(static_cast<std::uint32_t>(X(rs1)) >> (X(rs2) & 31));
  NEXT();
L_kSraw:
  X(rd) = sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(X(rs1)) >> (X(rs2) & 31)));
  NEXT();
L_kFence:
  NEXT();
  // Stores to decoded pages already invalidate them (see DecodeCache), so
  // instruction fetch is coherent and fence.i has nothing left to do.
L_kFenceI:
  NEXT();
L_kEcall:
  if constexpr (kCountMemoryOps) mem.tlb().accesses += memory_ops;
  hart.pc = PC();
  hart.instret += budget - remaining;
  stop.reason = StopReason::kEcall;
  stop.cause = hart.priv == Privilege::kUser ? Cause::kEcallFromU : Cause::kEcallFromM;
  return stop;
L_kEbreak:
  RAISE(Cause::kBreakpoint, PC());
L_kMret:
  if (hart.priv != Privilege::kMachine) RAISE(Cause::kIllegalInsn, d->raw);
  hart.pc = PC();
  return_from_trap(hart);
  JUMP(hart.pc);
L_kWfi:
  // No interrupt sources yet: waiting would never end, and WFI may legally
  // complete at any time (privileged spec §3.3.3).
  if (hart.priv != Privilege::kMachine) RAISE(Cause::kIllegalInsn, d->raw);
  NEXT();

  // ---- Zicsr --------------------------------------------------------------
  {
    CsrOp csr_op;
    std::uint64_t operand;
    bool writes;
  L_kCsrrw:
    csr_op = CsrOp::kWrite;
    operand = X(rs1);
    writes = true;
    goto csr_common;
  L_kCsrrs:
    csr_op = CsrOp::kSet;
    operand = X(rs1);
    writes = d->rs1 != 0;
    goto csr_common;
  L_kCsrrc:
    csr_op = CsrOp::kClear;
    operand = X(rs1);
    writes = d->rs1 != 0;
    goto csr_common;
  L_kCsrrwi:
    csr_op = CsrOp::kWrite;
    operand = d->rs1;
    writes = true;
    goto csr_common;
  L_kCsrrsi:
    csr_op = CsrOp::kSet;
    operand = d->rs1;
    writes = d->rs1 != 0;
    goto csr_common;
  L_kCsrrci:
    csr_op = CsrOp::kClear;
    operand = d->rs1;
    writes = d->rs1 != 0;
    goto csr_common;
  csr_common:
    auto old = csr_access(hart, static_cast<std::uint32_t>(d->imm), csr_op, operand, writes,
                          hart.instret + (budget - remaining));
    if (!old) RAISE(Cause::kIllegalInsn, d->raw);
    X(rd) = *old;
    NEXT();
  }

  // ---- M ------------------------------------------------------------------
L_kMul:
  X(rd) = X(rs1) * X(rs2);
  NEXT();
L_kMulh:
  X(rd) = mulh(X(rs1), X(rs2));
  NEXT();
L_kMulhsu:
  X(rd) = mulhsu(X(rs1), X(rs2));
  NEXT();
L_kMulhu:
  X(rd) = mulhu(X(rs1), X(rs2));
  NEXT();
L_kDiv:
  X(rd) = div_signed(X(rs1), X(rs2));
  NEXT();
L_kDivu:
  X(rd) = X(rs2) == 0 ? ~std::uint64_t{0} : X(rs1) / X(rs2);
  NEXT();
L_kRem:
  X(rd) = rem_signed(X(rs1), X(rs2));
  NEXT();
L_kRemu:
  X(rd) = X(rs2) == 0 ? X(rs1) : X(rs1) % X(rs2);
  NEXT();
L_kMulw:
  X(rd) = sext32(X(rs1) * X(rs2));
  NEXT();
L_kDivw:
  X(rd) = divw(X(rs1), X(rs2));
  NEXT();
L_kDivuw:
  X(rd) = divuw(X(rs1), X(rs2));
  NEXT();
L_kRemw:
  X(rd) = remw(X(rs1), X(rs2));
  NEXT();
L_kRemuw:
  X(rd) = remuw(X(rs1), X(rs2));
  NEXT();

  // ---- A ------------------------------------------------------------------
L_kLrW:
L_kLrD : {
  unsigned size = d->op == Op::kLrW ? 4 : 8;
  GuestAddr addr = X(rs1);
  if (addr & (size - 1)) RAISE(Cause::kLoadMisaligned, addr);
  std::uint64_t value;
  if (size == 4) {
    std::int32_t w;
    if (!mem.load(addr, w)) goto load_fault;
    value = static_cast<std::uint64_t>(static_cast<std::int64_t>(w));
  } else if (!mem.load(addr, value)) {
    goto load_fault;
  }
  hart.reservation = addr;
  hart.reservation_valid = true;
  X(rd) = value;
  NEXT();
}
L_kScW:
L_kScD : {
  unsigned size = d->op == Op::kScW ? 4 : 8;
  GuestAddr addr = X(rs1);
  if (addr & (size - 1)) RAISE(Cause::kStoreMisaligned, addr);
  bool success = hart.reservation_valid && hart.reservation == addr;
  hart.reservation_valid = false;
  if (success) {
    bool stored = size == 4 ? mem.store(addr, static_cast<std::uint32_t>(X(rs2))) : mem.store(addr, X(rs2));
    if (!stored) goto store_fault;
  }
  X(rd) = success ? 0 : 1;
  NEXT();
}
// Each AMO has a body of its own, its operation a constant: an AMO on its
// own code page resets the page's decoded slots, this one's op included,
// when atomic_pointer prepares the write (reading d->op after it once made
// every such AMO an amomaxu).
#define AMO(name, type, extend)                                                                \
  L_k##name : {                                                                                \
    const GuestAddr amo_addr = X(rs1); /* rd may be rs1 */                                     \
    std::uint8_t* p = mem.atomic_pointer(amo_addr, sizeof(type));                              \
    if (p == nullptr) goto amo_fault;                                                          \
    type old;                                                                                  \
    std::memcpy(&old, p, sizeof(type)); /* SAFETY: atomic_pointer checked aligned, RW bytes */ \
    const type next = amo_apply<type>(Op::k##name, old, static_cast<type>(X(rs2)));            \
    std::memcpy(p, &next, sizeof(type));                                                       \
    X(rd) = extend(old);                                                                       \
    if (!mem.finish_atomic(amo_addr, sizeof(type))) goto store_fault;                          \
    NEXT();                                                                                    \
  }
#define AMO_W(name) AMO(name, std::uint32_t, sext32)
#define AMO_D(name) AMO(name, std::uint64_t, )
  AMO_W(AmoswapW)
  AMO_W(AmoaddW)
  AMO_W(AmoxorW)
  AMO_W(AmoandW)
  AMO_W(AmoorW)
  AMO_W(AmominW)
  AMO_W(AmomaxW)
  AMO_W(AmominuW)
  AMO_W(AmomaxuW)
  AMO_D(AmoswapD)
  AMO_D(AmoaddD)
  AMO_D(AmoxorD)
  AMO_D(AmoandD)
  AMO_D(AmoorD)
  AMO_D(AmominD)
  AMO_D(AmomaxD)
  AMO_D(AmominuD)
  AMO_D(AmomaxuD)
#undef AMO_D
#undef AMO_W
#undef AMO

  // ---- F and D ------------------------------------------------------------
L_kFlw : {
  if ((hart.mstatus & mstatus::kFs) == 0) RAISE(Cause::kIllegalInsn, d->raw);
  hart.mstatus |= mstatus::kFs;
  if constexpr (kCountMemoryOps) ++memory_ops;
  std::uint32_t value;
  if (!mem.load(ADDR(), value)) goto load_fault;
  hart.f[d->rd] = 0xffffffff00000000ull | value;  // NaN-boxing (unprivileged spec §12.2)
  NEXT();
}
L_kFld : {
  if ((hart.mstatus & mstatus::kFs) == 0) RAISE(Cause::kIllegalInsn, d->raw);
  hart.mstatus |= mstatus::kFs;
  if constexpr (kCountMemoryOps) ++memory_ops;
  std::uint64_t value;
  if (!mem.load(ADDR(), value)) goto load_fault;
  hart.f[d->rd] = value;
  NEXT();
}
L_kFsw:
  if ((hart.mstatus & mstatus::kFs) == 0) RAISE(Cause::kIllegalInsn, d->raw);
  if constexpr (kCountMemoryOps) ++memory_ops;
  if (!mem.store(ADDR(), static_cast<std::uint32_t>(hart.f[d->rs2]))) goto store_fault;
  NEXT();
L_kFsd:
  if ((hart.mstatus & mstatus::kFs) == 0) RAISE(Cause::kIllegalInsn, d->raw);
  if constexpr (kCountMemoryOps) ++memory_ops;
  if (!mem.store(ADDR(), hart.f[d->rs2])) goto store_fault;
  NEXT();
L_kFmaddS:
L_kFmsubS:
L_kFnmsubS:
L_kFnmaddS:
L_kFmaddD:
L_kFmsubD:
L_kFnmsubD:
L_kFnmaddD:
L_kFaddS:
L_kFsubS:
L_kFmulS:
L_kFdivS:
L_kFsqrtS:
L_kFsgnjS:
L_kFsgnjnS:
L_kFsgnjxS:
L_kFminS:
L_kFmaxS:
L_kFcvtWS:
L_kFcvtWuS:
L_kFcvtLS:
L_kFcvtLuS:
L_kFmvXW:
L_kFeqS:
L_kFltS:
L_kFleS:
L_kFclassS:
L_kFcvtSW:
L_kFcvtSWu:
L_kFcvtSL:
L_kFcvtSLu:
L_kFmvWX:
L_kFaddD:
L_kFsubD:
L_kFmulD:
L_kFdivD:
L_kFsqrtD:
L_kFsgnjD:
L_kFsgnjnD:
L_kFsgnjxD:
L_kFminD:
L_kFmaxD:
L_kFcvtSD:
L_kFcvtDS:
L_kFeqD:
L_kFltD:
L_kFleD:
L_kFclassD:
L_kFcvtWD:
L_kFcvtWuD:
L_kFcvtLD:
L_kFcvtLuD:
L_kFmvXD:
L_kFcvtDW:
L_kFcvtDWu:
L_kFcvtDL:
L_kFcvtDLu:
L_kFmvDX:
  if (!execute_fp(hart, *d)) RAISE(Cause::kIllegalInsn, d->raw);
  NEXT();

  // ---- exits ----------------------------------------------------------------
load_fault:
  RAISE(Cause::kLoadAccessFault, mem.last_fault().addr);
store_fault:
  if (mem.take_stop_request()) {
    // The store completed and a device (HTIF) asked to stop: retire it.
    pc = PC() + d->length;
    --remaining;
    hart.pc = pc;
    hart.instret += budget - remaining;
    if constexpr (kCountMemoryOps) mem.tlb().accesses += memory_ops;
    stop.reason = StopReason::kHalt;
    return stop;
  }
  RAISE(Cause::kStoreAccessFault, mem.last_fault().addr);
amo_fault:
  if (mem.last_fault().misaligned) RAISE(Cause::kStoreMisaligned, mem.last_fault().addr);
  RAISE(Cause::kStoreAccessFault, mem.last_fault().addr);
exception:
  if constexpr (kCountMemoryOps) mem.tlb().accesses += memory_ops;
  hart.pc = pc;
  hart.instret += budget - remaining;
  stop.reason = StopReason::kException;
  return stop;
out_of_budget_in_page:
  pc = PC();
out_of_budget:
  if constexpr (kCountMemoryOps) mem.tlb().accesses += memory_ops;
  hart.pc = pc;
  hart.instret += budget;
  stop.reason = StopReason::kBudget;
  return stop;

#undef DISPATCH
#undef PC
#undef NEXT
#undef JUMP
#undef BRANCH
#undef RAISE
#undef X
#undef ADDR
#undef IMM
#undef LOAD
#undef STORE
}

template Stop Interpreter::run_loop<true>(std::uint64_t budget);
template Stop Interpreter::run_loop<false>(std::uint64_t budget);

}  // namespace vmm::cpu
