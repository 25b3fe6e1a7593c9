// Random-program tester: generated sequences of valid RV64GC instructions
// (integer, M, A, F, D, Zicsr, compressed; forward branches and jumps, counted loops,
// dependency chains shaped for the back end's peepholes, rotates written as shift pairs, countdown loops;
// loads and stores into a scratch area; every rounding mode) run under the JIT and the interpreter, compared
// after every region (lockstep) and at the end (registers and scratch memory), both with the JIT one region
// at a time and with chaining (then in pieces of random budgets, compared after each).
//
// A fixed set of seeds runs in CI. Reproduce or extend:
//   VMM_JIT_SEED=1234 ./unit_jit_random_program_test     one seed
//   VMM_JIT_SEEDS=5000 ./unit_jit_random_program_test    seeds 1..5000
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "support/guest_asm.hpp"
#include "support/jit_machine.hpp"
#include "vmm/jit/lockstep.hpp"

namespace vmm::jit {
namespace {

namespace rv = vmm::test::rv;
using vmm::test::JitMachine;
using vmm::test::TestMachine;

constexpr GuestAddr kCode = TestMachine::kRamBase;
constexpr GuestAddr kScratch = TestMachine::kDataBase;  // 4 KiB of random data
constexpr unsigned kScratchReg = 27;                    // s11: scratch base, never written
constexpr unsigned kAmoReg = 26;                        // s10: scratch + 256, 8-aligned, never written
constexpr unsigned kLoopReg = 25;                       // s9: loop counter, 0..5, written by loops only

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : m_rng(seed) {}

  /// The program as bytes: `count` random instructions, then ebreak.
  std::vector<std::uint8_t> program(unsigned count) {
    // Decide instruction sizes first so branch targets land on boundaries.
    for (unsigned i = 0; i < count; ++i) emit_random(count - i);
    word(rv::ebreak());
    patch_forward_targets();
    return m_bytes;
  }

  std::uint64_t value() {
    switch (pick(12)) {
      case 10:  // a NaN-boxed single of everyday magnitude
        return 0xffffffff00000000ull | single_bits(127 - 12 + pick(25));
      case 11: {  // a NaN-boxed single at the edges
        static constexpr std::uint32_t kEdges[] = {0, 1, 2, 3, 0xfd, 0xfe, 0xff};
        return 0xffffffff00000000ull | single_bits(kEdges[pick(std::size(kEdges))]);
      }
      case 8:  // a double of everyday magnitude: results of the host FP fast paths
        return double_bits(0x3ff - 24 + pick(49));
      case 9: {  // a double at the edges: zero, subnormal, the lowest binades, near overflow, inf, NaN
        static constexpr std::uint32_t kEdges[] = {0, 1, 2, 3, 0x7fd, 0x7fe, 0x7ff};
        return double_bits(kEdges[pick(std::size(kEdges))]);
      }
      case 0:
        return 0;
      case 1:
        return ~std::uint64_t{0};
      case 2:
        return std::uint64_t{1} << 63;
      case 3:
        return 0xffffffff80000000ull;
      case 4:
        return pick(64);
      case 5:  // a NaN-boxed single
        return 0xffffffff00000000ull | static_cast<std::uint32_t>(m_rng());
      default:
        return m_rng();
    }
  }
  std::uint32_t pick(std::uint32_t n) { return static_cast<std::uint32_t>(m_rng() % n); }
  /// A single with biased exponent `exp`, random sign and fraction (a
  /// quarter of them with a short fraction).
  std::uint32_t single_bits(std::uint32_t exp) {
    auto fraction = static_cast<std::uint32_t>(m_rng() & ((1u << 23) - 1));
    if (pick(4) == 0) fraction &= ~((1u << 15) - 1);
    return (static_cast<std::uint32_t>(m_rng()) & 0x80000000u) | exp << 23 | fraction;
  }
  /// A double with biased exponent `exp`, random sign and fraction (a
  /// quarter of them with a short fraction, exact in more operations).
  std::uint64_t double_bits(std::uint64_t exp) {
    std::uint64_t fraction = m_rng() & ((std::uint64_t{1} << 52) - 1);
    if (pick(4) == 0) fraction &= ~((std::uint64_t{1} << 44) - 1);
    return (m_rng() & (std::uint64_t{1} << 63)) | exp << 52 | fraction;
  }

 private:
  unsigned rd() {
    for (;;) {
      unsigned r = 1 + pick(31);
      if (r != kScratchReg && r != kAmoReg && r != kLoopReg) return r;
    }
  }
  unsigned rs() { return pick(32); }
  unsigned fr() { return pick(32); }
  unsigned rm() {
    unsigned r = pick(6);
    return r == 5 ? rv::kDyn : r;  // 0..4 and dynamic (frm only ever holds 0..4)
  }
  std::int32_t imm12() { return static_cast<std::int32_t>(pick(4096)) - 2048; }

  void word(std::uint32_t w) {
    for (int i = 0; i < 4; ++i) m_bytes.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    m_starts.push_back(m_bytes.size());
  }
  void half(std::uint16_t h) {
    m_bytes.push_back(static_cast<std::uint8_t>(h));
    m_bytes.push_back(static_cast<std::uint8_t>(h >> 8));
    m_starts.push_back(m_bytes.size());
  }
  /// A branch or jump whose forward target is chosen once all sizes are known.
  void forward(std::uint32_t encoding_without_offset, bool is_jal, unsigned skip) {
    m_fixups.push_back({m_bytes.size(), m_starts.size(), skip, is_jal, encoding_without_offset});
    word(0);
  }

  /// A counted loop (2..5 passes) around a few random instructions: backward
  /// branches. Forward branches may leave it or enter it; loops do not nest
  /// (an inner loop setting the counter again could run forever), so the
  /// counter only ever counts down between two sets and every loop ends.
  void loop(unsigned left) {
    m_in_loop = true;
    word(rv::addi(kLoopReg, 0, 2 + static_cast<std::int32_t>(pick(4))));
    std::size_t head = m_bytes.size();
    // Counting down at the head: every way back to it (forward branches may
    // skip to the back edge) passes the decrement.
    word(rv::addi(kLoopReg, kLoopReg, -1));
    for (unsigned i = 0, body = 1 + pick(6); i < body; ++i) emit_random(left);
    auto back = static_cast<std::int32_t>(head) - static_cast<std::int32_t>(m_bytes.size());
    // While the counter is above zero (signed): a loop entered from the side
    // or around an inner loop, whose counter is then 0, leaves at once.
    word(rv::blt(0, kLoopReg, back));
    m_in_loop = false;
  }

  /// The pairs compilers emit for one operation (zext.w, sext.h, lui + addi...),
  /// which the JIT translates as one, and near misses that it must not.
  void pair() {
    using namespace rv;
    unsigned r = rd();
    unsigned src = pick(4) == 0 ? r : rs();
    unsigned second_rd = pick(8) == 0 ? rd() : r;
    static constexpr std::int32_t kShifts[] = {32, 48, 56, 16, 24, 31};
    std::int32_t shift = kShifts[pick(std::size(kShifts))];
    std::int32_t other = pick(8) == 0 ? static_cast<std::int32_t>(pick(32)) : shift;
    switch (pick(5)) {
      case 0: {  // by 32 and any amount: an extension then a shift, when src is not r
        const std::int32_t wide = shift == 32 && pick(2) ? static_cast<std::int32_t>(pick(64)) : other;
        word(slli(r, src, shift));
        return word(pick(2) ? srli(second_rd, r, wide) : srai(second_rd, r, wide));
      }
      case 1:
        word(slliw(r, src, shift % 32));
        return word(pick(2) ? srliw(second_rd, r, other % 32) : sraiw(second_rd, r, other % 32));
      case 2:
        word(lui(r, pick(1u << 20)));
        return word(pick(2) ? addi(second_rd, r, imm12()) : addiw(second_rd, r, imm12()));
      case 3:
        word(auipc(r, pick(1u << 20)));
        return word(pick(2) ? addi(second_rd, r, imm12()) : addiw(second_rd, r, imm12()));
      default:
        return word(addiw(r, src, 0));  // sext.w
    }
  }

  /// A short dependency chain: a *W result read in every way a peephole of
  /// the back end cares about (masks of both signs, shifts out of the upper half, copies and logic, 32- and
  /// 64-bit operations, either operand, in place, branches on zero), then overwritten. Few registers, so the
  /// patterns meet often: sign extensions skipped, zero flags reused, values taken from rax,
  /// read-modify-writes of registers in the HartState, commutative operands swapped.
  void chain(unsigned left) {
    using namespace rv;
    static constexpr std::uint32_t (*kWide[])(unsigned, unsigned, unsigned) = {add, sub, and_, or_, xor_,
                                                                               mul, sll, srl,  sra};
    static constexpr std::uint32_t (*kWord[])(unsigned, unsigned, unsigned) = {addw, subw, mulw,
                                                                               sllw, srlw, sraw};
    auto any = [&](auto& ops) { return ops[pick(std::size(ops))]; };
    const unsigned r = rd(), t = rd(), u = rs();
    // Sometimes a path around the producer: r then holds any 64-bit value.
    if (left >= 3 && pick(3) == 0) forward((pick(2) ? beq : bne)(rs(), rs(), 0), false, 1);
    switch (pick(3)) {
      case 0:
        word(any(kWord)(r, rs(), rs()));
        break;
      case 1:  // in place, sometimes: a 32-bit update of a HartState slot
        word(addiw(r, pick(2) ? r : rs(), imm12()));
        break;
      default:
        word((pick(2) ? srliw : sraiw)(r, rs(), pick(32)));
        break;
    }
    for (unsigned k = 0, readers = 1 + pick(3); k < readers; ++k) {
      switch (pick(9)) {
        case 8: {  // through a copy, or logic with a *W value: t is as lazy as r, then read or tested
          const unsigned c = rd();
          word(addiw(c, rs(), imm12()));
          static constexpr std::uint32_t (*kLogic[])(unsigned, unsigned, unsigned) = {xor_, or_, and_};
          word(pick(4) == 0 ? addi(t, r, 0) : kLogic[pick(3)](t, pick(2) ? r : c, pick(2) ? c : r));
          if (left >= 3 && pick(2)) {
            forward((pick(2) ? beq : bne)(t, 0, 0), false, 1 + pick(2));
          } else {
            const unsigned x = rd();
            word(pick(2) ? addw(x, t, r) : add(x, t, r));
          }
          break;
        }
        case 0:
          word(andi(t, r, pick(2) ? imm12() : static_cast<std::int32_t>(pick(2048))));
          break;
        case 1:
          switch (pick(3)) {
            case 0:
              word(addi(t, r, imm12()));
              break;
            case 1:
              word(srliw(t, r, pick(32)));
              break;
            default:  // 31..63: the low half alone, or one bit of the upper half too
              word(slli(t, r, 31 + static_cast<std::int32_t>(pick(33))));
              break;
          }
          break;
        case 2:
          word(pick(2) ? any(kWide)(t, r, u) : any(kWide)(t, u, r));
          break;
        case 3:
          word(pick(2) ? any(kWord)(t, r, u) : any(kWord)(t, u, r));
          break;
        case 4:  // in place
          word(pick(2) ? any(kWide)(r, r, u) : any(kWord)(r, r, u));
          break;
        case 5:  // the destination is the second source
          word(pick(2) ? any(kWide)(r, u, r) : any(kWord)(r, u, r));
          break;
        case 6:
          word(pick(2) ? addi(r, r, imm12()) : xori(r, r, imm12()));
          break;
        default:  // on r, or a side exit (or jump ahead) on another register
          if (left < 3) break;
          forward((pick(2) ? beq : bne)(pick(2) ? r : u, 0, 0), false, 1 + pick(2));
          break;
      }
    }
    switch (pick(3)) {  // overwritten by a constant, a 32-bit or a 64-bit result
      case 0:
        return word(addi(r, 0, imm12()));
      case 1:
        return word(addw(r, u, t));
      default:
        return word(add(r, u, t));
    }
  }

  /// A call and its return: jal through ra or t0 to a callee placed past a
  /// jump at the return point; the callee (1..3 instructions that leave the
  /// link register alone) returns through it, sometimes with the link
  /// register bumped past that jump (a return the return stack cannot
  /// predict).
  void call() {
    using namespace rv;
    const unsigned link = pick(2) ? 1u : 5u;
    const unsigned body = 1 + pick(3);
    const bool bumped = pick(4) == 0;
    const unsigned after = 3 + body + (bumped ? 1 : 0);  // words from the jal to the code after
    word(jal(link, 8));
    word(jal(0, static_cast<std::int32_t>(4 * (after - 1))));
    // Forward branches must not land in the callee: its return would go
    // wherever the link register happens to point.
    const std::size_t first = m_starts.size();
    for (unsigned i = 0; i < body; ++i) {
      unsigned r = rd();
      while (r == link) r = rd();
      word(addi(r, rs(), imm12()));
    }
    if (bumped) word(addi(link, link, static_cast<std::int32_t>(4 * (after - 1))));
    word(jalr(0, link, 0));
    // Target index i lands at the start of instruction i + 1 (see patch_forward_targets).
    m_no_target.resize(m_starts.size(), false);
    std::fill(m_no_target.begin() + static_cast<std::ptrdiff_t>(first - 1), m_no_target.end() - 1, true);
  }

  /// A rotate written as two shifts of one source and a combination (what
  /// the optimizer fuses into one rotate), in either order, sometimes with
  /// an instruction between (which may change the source) or amounts that
  /// miss; the shifted values are sometimes overwritten after (dead writes).
  void rotate() {
    using namespace rv;
    static constexpr std::uint32_t (*kCombine[])(unsigned, unsigned, unsigned) = {or_, xor_, add};
    const bool w = pick(2) == 0;
    const std::uint32_t width = w ? 32 : 64;
    const unsigned x = rs(), p = rd(), q = rd(), d = rd();
    const auto k = static_cast<std::int32_t>(1 + pick(width - 1));
    const auto other = static_cast<std::int32_t>(pick(8) == 0 ? pick(width) : width - k);
    std::uint32_t right = w ? srliw(p, x, k) : srli(p, x, k);
    std::uint32_t left = w ? slliw(q, x, other) : slli(q, x, other);
    if (pick(2)) std::swap(right, left);
    word(right);
    if (pick(4) == 0) word(addi(rd(), rs(), imm12()));
    word(left);
    word(kCombine[pick(3)](d, pick(2) ? p : q, pick(2) ? q : p));
    if (pick(2)) word(addi(p, rs(), imm12()));
    if (pick(2)) word(addi(q, rs(), imm12()));
  }

  /// A countdown loop as compilers write one (addiw c, c, -1; bnez c, 1..3
  /// passes) on a counter whose upper half holds junk the first addiw drops
  /// (slli 32, then addi). Forward branches cannot land inside.
  void countdown() {
    using namespace rv;
    const unsigned c = rd();
    word(slli(c, rs(), 32));
    const std::size_t first = m_starts.size();
    word(addi(c, c, 1 + static_cast<std::int32_t>(pick(3))));
    const std::size_t head = m_bytes.size();
    word(addiw(c, c, -1));
    for (unsigned i = 0, body = pick(3); i < body; ++i) {
      unsigned r = rd();
      while (r == c) r = rd();
      word(add(r, rs(), rs()));
    }
    word(bne(c, 0, static_cast<std::int32_t>(head) - static_cast<std::int32_t>(m_bytes.size())));
    m_no_target.resize(m_starts.size(), false);
    std::fill(m_no_target.begin() + static_cast<std::ptrdiff_t>(first - 1), m_no_target.end() - 1, true);
  }

  void emit_random(unsigned left) {
    using namespace rv;
    if (left > 8 && pick(16) == 0) return call();
    if (pick(24) == 0) return rotate();
    if (pick(32) == 0) return countdown();
    if (!m_in_loop && left > 8 && pick(32) == 0) return loop(left);
    if (pick(24) == 0) return pair();
    if (pick(10) == 0) return chain(left);
    switch (pick(20)) {
      case 0: {
        static constexpr std::uint32_t (*kOps[])(unsigned, unsigned, unsigned) = {
            add,  sub, sll,  slt,    sltu,  xor_, srl,  sra, or_,  and_, addw, subw,  sllw, srlw,
            sraw, mul, mulh, mulhsu, mulhu, div,  divu, rem, remu, mulw, divw, divuw, remw, remuw};
        return word(kOps[pick(std::size(kOps))](rd(), rs(), rs()));
      }
      case 1: {
        static constexpr std::uint32_t (*kOps[])(unsigned, unsigned, std::int32_t) = {addi, slti, sltiu, xori,
                                                                                      ori,  andi, addiw};
        return word(kOps[pick(std::size(kOps))](rd(), rs(), imm12()));
      }
      case 2:
        switch (pick(6)) {
          case 0:
            return word(slli(rd(), rs(), static_cast<std::int32_t>(pick(64))));
          case 1:
            return word(srli(rd(), rs(), static_cast<std::int32_t>(pick(64))));
          case 2:
            return word(srai(rd(), rs(), static_cast<std::int32_t>(pick(64))));
          case 3:
            return word(slliw(rd(), rs(), static_cast<std::int32_t>(pick(32))));
          case 4:
            return word(srliw(rd(), rs(), static_cast<std::int32_t>(pick(32))));
          default:
            return word(sraiw(rd(), rs(), static_cast<std::int32_t>(pick(32))));
        }
      case 3:
        return word(pick(2) ? lui(rd(), pick(1u << 20)) : auipc(rd(), pick(1u << 20)));
      case 4:
      case 5: {  // loads, possibly misaligned, inside the scratch area
        static constexpr std::uint32_t (*kOps[])(unsigned, std::int32_t, unsigned) = {lb,  lh,  lw, ld,
                                                                                      lbu, lhu, lwu};
        return word(kOps[pick(std::size(kOps))](rd(), static_cast<std::int32_t>(pick(2040)), kScratchReg));
      }
      case 6:
      case 7: {
        static constexpr std::uint32_t (*kOps[])(unsigned, std::int32_t, unsigned) = {sb, sh, sw, sd};
        return word(kOps[pick(std::size(kOps))](rs(), static_cast<std::int32_t>(pick(2040)), kScratchReg));
      }
      case 8:
      case 9: {  // forward conditional branch over 1..4 instructions
        if (left < 2) return word(addi(rd(), rs(), imm12()));
        static constexpr std::uint32_t (*kOps[])(unsigned, unsigned, std::int32_t) = {beq, bne,  blt,
                                                                                      bge, bltu, bgeu};
        return forward(kOps[pick(std::size(kOps))](rs(), rs(), 0), false, 1 + pick(std::min(left - 1, 4u)));
      }
      case 10:
        if (left < 2) return word(addi(rd(), rs(), imm12()));
        return forward(jal(pick(2) ? 0u : rd(), 0), true, 1 + pick(std::min(left - 1, 4u)));
      case 11: {  // compressed: c.addi, c.mv, c.add, c.li (rd != 0 and not reserved)
        unsigned r = rd(), s = 1 + pick(31);
        auto imm6 = static_cast<std::uint16_t>(pick(64));
        switch (pick(4)) {
          case 0:
            return half(
                static_cast<std::uint16_t>(0x0001 | ((imm6 >> 5) & 1) << 12 | r << 7 | (imm6 & 31) << 2));
          case 1:
            return half(static_cast<std::uint16_t>(0x8002 | r << 7 | s << 2));
          case 2:
            return half(static_cast<std::uint16_t>(0x9002 | r << 7 | s << 2));
          default:
            return half(
                static_cast<std::uint16_t>(0x4001 | ((imm6 >> 5) & 1) << 12 | r << 7 | (imm6 & 31) << 2));
        }
      }
      case 12: {  // atomics on the 8-aligned AMO word
        static constexpr std::uint32_t (*kOps[])(unsigned, unsigned, unsigned) = {
            amoswap_w, amoadd_w, amoxor_w, amoand_w, amoor_w, amomin_w, amomax_w, amominu_w, amomaxu_w,
            amoswap_d, amoadd_d, amoxor_d, amoand_d, amoor_d, amomin_d, amomax_d, amominu_d, amomaxu_d};
        if (pick(4) == 0) {
          word(pick(2) ? lr_d(rd(), kAmoReg) : lr_w(rd(), kAmoReg));
          return word(pick(2) ? sc_d(rd(), rs(), kAmoReg) : sc_w(rd(), rs(), kAmoReg));
        }
        return word(kOps[pick(std::size(kOps))](rd(), rs(), kAmoReg));
      }
      case 13: {  // FP loads and stores
        auto off = static_cast<std::int32_t>(pick(2040));
        switch (pick(4)) {
          case 0:
            return word(flw(fr(), off, kScratchReg));
          case 1:
            return word(fld(fr(), off, kScratchReg));
          case 2:
            return word(fsw(fr(), off, kScratchReg));
          default:
            return word(fsd(fr(), off, kScratchReg));
        }
      }
      case 14:
      case 15: {  // FP arithmetic with explicit or dynamic rounding
        static constexpr std::uint32_t (*kOps[])(unsigned, unsigned, unsigned, unsigned) = {
            fadd_s, fsub_s, fmul_s, fdiv_s, fadd_d, fsub_d, fmul_d, fdiv_d};
        static constexpr std::uint32_t (*kFused[])(unsigned, unsigned, unsigned, unsigned, unsigned) = {
            fmadd_s, fmsub_s, fnmsub_s, fnmadd_s, fmadd_d, fmsub_d, fnmsub_d, fnmadd_d};
        if (pick(3) == 0) return word(kFused[pick(std::size(kFused))](fr(), fr(), fr(), fr(), rm()));
        return word(kOps[pick(std::size(kOps))](fr(), fr(), fr(), rm()));
      }
      case 16: {  // FP without rounding, comparisons, moves, classification
        static constexpr std::uint32_t (*kFF[])(unsigned, unsigned, unsigned) = {
            fsgnj_s, fsgnjn_s, fsgnjx_s, fsgnj_d, fsgnjn_d, fsgnjx_d, fmin_s, fmax_s, fmin_d, fmax_d};
        static constexpr std::uint32_t (*kXF[])(unsigned, unsigned, unsigned) = {feq_s, flt_s, fle_s,
                                                                                 feq_d, flt_d, fle_d};
        static constexpr std::uint32_t (*kX1[])(unsigned, unsigned) = {fmv_x_w, fmv_x_d, fclass_s, fclass_d};
        static constexpr std::uint32_t (*kF1[])(unsigned, unsigned) = {fmv_w_x, fmv_d_x};
        switch (pick(4)) {
          case 0:
            return word(kFF[pick(std::size(kFF))](fr(), fr(), fr()));
          case 1:
            return word(kXF[pick(std::size(kXF))](rd(), fr(), fr()));
          case 2:
            return word(kX1[pick(std::size(kX1))](rd(), fr()));
          default:
            return word(kF1[pick(std::size(kF1))](fr(), rs()));
        }
      }
      case 17: {  // conversions
        static constexpr std::uint32_t (*kToX[])(unsigned, unsigned, unsigned) = {
            fcvt_w_s, fcvt_wu_s, fcvt_l_s, fcvt_lu_s, fcvt_w_d, fcvt_wu_d, fcvt_l_d, fcvt_lu_d};
        static constexpr std::uint32_t (*kToF[])(unsigned, unsigned, unsigned) = {
            fcvt_s_w, fcvt_s_l, fcvt_d_w, fcvt_d_l, fcvt_s_d, fcvt_d_s};
        if (pick(2)) return word(kToX[pick(std::size(kToX))](rd(), fr(), rm()));
        unsigned op = pick(std::size(kToF));
        return word(kToF[op](fr(), op >= 4 ? fr() : rs(), rm()));
      }
      case 18:  // the dynamic rounding mode and the flags
        switch (pick(8)) {
          case 0:
            return word(csrrwi(rd(), 0x002, pick(5)));  // frm
          case 1:
            return word(csrrs(rd(), 0x001, 0));  // read fflags
          case 2:
            return word(csrrwi(rd(), 0x001, pick(32)));  // write fflags
          case 3:
            return word(csrrw(rd(), 0x001, rs()));  // fsflags from a register
          case 4:
            return word(csrrs(rd(), 0x002 + pick(2), 0));  // read frm or fcsr
          case 5:
            return word(csrrw(rd(), 0x003, 0));  // clear fcsr
          case 6:
            return word(csrrw(rd(), 0x001 + pick(3), 0));  // write x0 into one, reading it
          default:
            return word(csrrs(rd(), 0xb02, 0));  // minstret: exact counts
        }
      default:
        return word(pick(2) ? fsqrt_s(fr(), fr(), rm()) : fsqrt_d(fr(), fr(), rm()));
    }
  }

  void patch_forward_targets() {
    for (const Fixup& f : m_fixups) {
      std::size_t target_index = std::min(f.insn_index + f.skip, m_starts.size() - 2);  // at most the ebreak
      while (target_index < m_no_target.size() && m_no_target[target_index]) ++target_index;  // past a callee
      // m_starts[i] is the end of instruction i, i.e. the start of i + 1.
      std::size_t target = m_starts[target_index];
      auto offset = static_cast<std::int32_t>(target - f.at);
      std::uint32_t w = f.is_jal ? (f.encoding | rv::jal(0, offset)) : (f.encoding | rv::beq(0, 0, offset));
      std::memcpy(m_bytes.data() + f.at, &w, 4);
    }
  }

  struct Fixup {
    std::size_t at;
    std::size_t insn_index;
    unsigned skip;
    bool is_jal;
    std::uint32_t encoding;
  };
  std::mt19937_64 m_rng;
  std::vector<std::uint8_t> m_bytes;
  std::vector<std::size_t> m_starts;
  std::vector<Fixup> m_fixups;
  std::vector<bool> m_no_target;  ///< per m_starts index: inside a callee (call())
  bool m_in_loop = false;
};

/// Same program, registers and scratch data on both machines.
template <typename Machine>
void set_up(Machine& m, std::uint64_t seed, const std::vector<std::uint8_t>& program) {
  Generator values(seed ^ 0x9e3779b97f4a7c15ull);
  for (unsigned i = 1; i < 32; ++i) m.hart.x[i] = values.value();
  for (unsigned i = 0; i < 32; ++i) m.hart.f[i] = values.value();
  m.hart.x[kScratchReg] = kScratch;
  m.hart.x[kAmoReg] = kScratch + 256;
  m.hart.x[kLoopReg] = 0;
  m.hart.frm = values.pick(5);
  std::vector<std::uint8_t> data(4096);
  for (auto& b : data) b = static_cast<std::uint8_t>(values.pick(256));
  m.load_bytes(kScratch, data.data(), data.size());
  m.load_bytes(kCode, program.data(), program.size());
}

std::string check_seed(std::uint64_t seed, bool single_region) {
  Generator gen(seed);
  std::vector<std::uint8_t> program = gen.program(200);
  jit::JitOptions options = vmm::test::eager_options();
  options.single_region = single_region;
  options.max_region_insns = 1 + static_cast<std::uint32_t>(seed % 64);
  // Chained runs also mix the tiers: loops turn hot after 1 or 2 passes.
  if (!single_region) options.hot_threshold = static_cast<std::uint32_t>(seed % 3);
  // A quarter keep the HartState and the view in base registers (rbx, r14).
  options.force_base_registers = (seed / 2) % 2 == 1;
  // Half shift by a register with BMI2 (where the host has it), half with cl.
  options.bmi2 = (seed / 4) % 2 == 0;
  // A quarter translate the front end's IR as it is, without the optimizer.
  options.optimize = (seed / 8) % 4 != 0;
  // An eighth call the soft-float helper for every F/D instruction (no host fast paths).
  options.host_fp = (seed / 32) % 8 != 0;
  // A quarter keep the fused multiply-adds on the helper, as on hosts without FMA3.
  options.fma = (seed / 3) % 4 != 0;
  // Half have every helper call clobber xmm2..xmm15, where F/D values are cached.
  options.clobber_xmm_in_calls = (seed / 5) % 2 == 0;
  // Half the seeds reach memory through the direct view, half through the TLB.
  JitMachine jm(options, seed % 2 == 1 ? vmm::test::JitRam::kDirectView : vmm::test::JitRam::kPrivate);
  if (jm.engine->uses_direct_memory() != (seed % 2 == 1)) return "the memory path is not the one asked for";
  if (vmm::test::kArenaNearHeap) {
    if (jm.engine->hart_rip_relative() == options.force_base_registers)
      return "the hart is not reached as asked";
    if (jm.engine->uses_return_stack() == single_region) return "the return stack is not used as expected";
  }
  TestMachine tm;
  set_up(jm, seed, program);
  set_up(tm, seed, program);
  if (single_region) {
    Lockstep lockstep(*jm.engine, tm.interp);
    for (int steps = 0; steps < 10000; ++steps) {
      LockstepStep step = lockstep.step(1000);
      if (step.divergence) return *step.divergence;
      if (step.jit_stop.reason != cpu::StopReason::kBudget) break;
    }
  } else {
    // In pieces of 1..48 instructions: budgets run out anywhere, loops'
    // ways out on the budget included, and the state must match each time.
    std::mt19937_64 pieces(seed);
    for (int steps = 0; steps < 100000; ++steps) {
      const std::uint64_t budget = 1 + pieces() % 48;
      cpu::Stop a = jm.run(budget);
      cpu::Stop b = tm.run(budget);
      std::string diff = Lockstep::compare(jm.hart, tm.hart);
      if (a.reason != b.reason || a.cause != b.cause) diff += "  stop reasons differ\n";
      if (!diff.empty()) return "state differs after run " + std::to_string(steps) + ":\n" + diff;
      if (a.reason != cpu::StopReason::kBudget) break;
    }
  }
  // Every generated instruction is valid: the run must end at the final ebreak.
  if (jm.hart.pc != kCode + program.size() - 4) {
    return "the program stopped early at pc " + std::to_string(jm.hart.pc);
  }
  for (GuestAddr at = kScratch; at < kScratch + 4096; at += 8) {
    if (jm.peek<std::uint64_t>(at) != tm.peek<std::uint64_t>(at)) {
      return "scratch memory differs at " + std::to_string(at);
    }
  }
  return {};
}

std::vector<std::uint64_t> seeds() {
  if (const char* one = std::getenv("VMM_JIT_SEED")) return {std::strtoull(one, nullptr, 0)};
  std::uint64_t count = 300;
  if (const char* many = std::getenv("VMM_JIT_SEEDS")) count = std::strtoull(many, nullptr, 0);
  std::vector<std::uint64_t> list;
  for (std::uint64_t s = 1; s <= count; ++s) list.push_back(s);
  return list;
}

TEST(RandomPrograms, LockstepEveryRegion) {
  for (std::uint64_t seed : seeds()) {
    std::string failure = check_seed(seed, true);
    ASSERT_TRUE(failure.empty()) << "seed " << seed << " (VMM_JIT_SEED=" << seed << "):\n" << failure;
  }
}

TEST(RandomPrograms, ChainedRunMatchesTheInterpreter) {
  for (std::uint64_t seed : seeds()) {
    std::string failure = check_seed(seed, false);
    ASSERT_TRUE(failure.empty()) << "seed " << seed << " (VMM_JIT_SEED=" << seed << "):\n" << failure;
  }
}

TEST(RandomPrograms, ComparisonSeesADifferentRegister) {
  // The tester can fail: one flipped bit in one hart's state is a difference.
  Generator gen(7);
  std::vector<std::uint8_t> program = gen.program(200);
  EXPECT_GT(program.size(), 200u * 2);
  JitMachine jm;
  TestMachine tm;
  set_up(jm, 7, program);
  set_up(tm, 7, program);
  tm.hart.x[5] ^= 1;
  EXPECT_FALSE(Lockstep::compare(jm.hart, tm.hart).empty());
}

}  // namespace
}  // namespace vmm::jit
