// The host FP fast paths (backend/x86_64/fp_fast_path.hpp) against the
// shared soft-float the interpreter runs: one instruction at a time, at the
// edges of every condition a fast path relies on (the FP state, the rounding
// mode, fflags.NX, results in the lowest binade or beyond the largest, NaN,
// infinities, zeros, conversions out of range), the result register, the
// integer destination, fflags and mstatus must agree.
#include <gtest/gtest.h>

#include <xmmintrin.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/jit_machine.hpp"
#include "vmm/cpu/fp_ops.hpp"

namespace vmm::jit {
namespace {

using namespace vmm::test;

constexpr std::uint64_t kZero = 0, kNegZero = std::uint64_t{1} << 63;
constexpr std::uint64_t kOne = 0x3ff0000000000000, kTwo = 0x4000000000000000, kThree = 0x4008000000000000;
constexpr std::uint64_t kNegTwo = kTwo | kNegZero;
constexpr std::uint64_t kBelowOne = 0x3fefffffffffffff;  // 1 - 2^-53
constexpr std::uint64_t kMinNormal = 0x0010000000000000, kMaxFinite = 0x7fefffffffffffff;
constexpr std::uint64_t kSubnormal = 1, kInf = 0x7ff0000000000000;
constexpr std::uint64_t kQuietNan = 0x7ff8000000000123, kSignalingNan = 0x7ff0000000000123;
constexpr std::uint64_t kTwoPointFive = 0x4004000000000000, kTwoPointSevenFive = 0x4006000000000000,
                        kThreeBillion = 0x41e65a0bc0000000;
constexpr std::uint64_t kMinusTwoTo31 = 0xc1e0000000000000, kTenTo19 = 0x43e158e460913d00;

constexpr std::uint64_t kFsOff = 0, kFsInitial = TestMachine::kMstatusFsInitial, kFsDirty = 3u << 13;

struct Case {
  std::string name;
  std::uint32_t insn;
  std::uint64_t f1 = 0, f2 = 0, f3 = 0;
  std::uint64_t x5 = 0;
  std::uint32_t fflags = cpu::fp::kNX;  // the fast paths' usual state
  std::uint32_t frm = rv::kRne;
  std::uint64_t fs = kFsDirty;
  /// User mode translates fld/fsd inline (mstatus.FS cannot change there).
  cpu::Privilege priv = cpu::Privilege::kMachine;
};

template <typename Machine>
void set_up(Machine& m, const Case& c, const std::vector<std::uint32_t>& code) {
  m.load_code(code);
  m.hart.f[1] = c.f1;
  m.hart.f[2] = c.f2;
  m.hart.f[3] = c.f3;
  m.hart.f[10] = 0x1234;
  m.hart.x[5] = c.x5;
  m.hart.x[10] = 0x5678;
  m.hart.fflags = c.fflags;
  m.hart.frm = c.frm;
  m.hart.mstatus = c.fs;
  m.hart.priv = c.priv;
}

/// Runs `code` (default: c.insn, ebreak) with the registers of `c` on the
/// interpreter and on the JIT (fast paths on) and compares.
void expect_same(const Case& c, std::vector<std::uint32_t> code = {}, JitRam ram = JitRam::kPrivate,
                 const jit::JitOptions& options = eager_options()) {
  SCOPED_TRACE(c.name);
  if (code.empty()) code = {c.insn, rv::ebreak()};
  TestMachine interp;
  set_up(interp, c, code);
  cpu::Stop want = interp.run(100);
  JitMachine jit(options, ram);
  set_up(jit, c, code);
  cpu::Stop got = jit.run(100);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(jit.hart.pc, interp.hart.pc);
  EXPECT_EQ(jit.hart.f[10], interp.hart.f[10]) << std::hex << jit.hart.f[10] << " " << interp.hart.f[10];
  EXPECT_EQ(jit.hart.x[10], interp.hart.x[10]) << std::hex << jit.hart.x[10] << " " << interp.hart.x[10];
  EXPECT_EQ(jit.hart.fflags, interp.hart.fflags);
  EXPECT_EQ(jit.hart.frm, interp.hart.frm);
  EXPECT_EQ(jit.hart.mstatus, interp.hart.mstatus);
}

void expect_all_same(const std::vector<Case>& cases) {
  for (const Case& c : cases) expect_same(c);
}

TEST(JitFpFastPath, ArithmeticAgreesWithTheSoftFloatAtTheEdges) {
  using namespace rv;
  expect_all_same({
      {"exact add", fadd_d(10, 1, 2), kOne, kTwo},
      {"inexact divide", fdiv_d(10, 1, 2), kOne, kThree},
      {"exact cancellation to +0", fsub_d(10, 1, 2), kThree, kThree},
      {"subnormal operand, normal result", fadd_d(10, 1, 2), kSubnormal, kTwo},
      // Tiny before rounding, rounded up to the smallest normal: underflow.
      {"rounded up into the lowest binade", fmul_d(10, 1, 2), kBelowOne, kMinNormal},
      {"lowest binade", fmul_d(10, 1, 2), kMinNormal, kThree},
      {"subnormal result", fmul_d(10, 1, 2), kMinNormal, 0x3fe0000000000000},
      {"overflow", fmul_d(10, 1, 2), kMaxFinite, kTwo},
      {"largest finite", fmul_d(10, 1, 2), 0x7fdfffffffffffff, kTwo},
      {"divide by zero", fdiv_d(10, 1, 2), kOne, kZero},
      {"zero by zero", fdiv_d(10, 1, 2), kZero, kNegZero},
      {"by infinity", fdiv_d(10, 1, 2), kOne, kInf},
      {"infinity minus infinity", fsub_d(10, 1, 2), kInf, kInf},
      {"quiet NaN operand", fadd_d(10, 1, 2), kQuietNan, kOne},
      {"signaling NaN operand", fmul_d(10, 1, 2), kOne, kSignalingNan},
      {"square root", fsqrt_d(10, 1), kTwo},
      {"square root of -0", fsqrt_d(10, 1), kNegZero},
      {"square root of a negative", fsqrt_d(10, 1), kNegTwo},
      {"fused multiply-add", fmadd_d(10, 1, 2, 3), kThree, kBelowOne, kOne},
      {"fused multiply-subtract", fmsub_d(10, 1, 2, 3), kThree, kBelowOne, kOne},
      {"negated multiply-subtract", fnmsub_d(10, 1, 2, 3), kThree, kBelowOne, kOne},
      {"negated multiply-add", fnmadd_d(10, 1, 2, 3), kThree, kBelowOne, kOne},
      {"fused, cancelling exactly", fmsub_d(10, 1, 2, 3), kOne, kTwo, kTwo},
      {"fused, infinity times zero plus a quiet NaN", fmadd_d(10, 1, 2, 3), kInf, kZero, kQuietNan},
      {"-0 + -0", fadd_d(10, 1, 2), kNegZero, kNegZero},
      {"-0 - +0", fsub_d(10, 1, 2), kNegZero, kZero},
      {"a zero factor", fmul_d(10, 1, 2), kZero, kNegTwo},
      {"a zero factor, second", fmul_d(10, 1, 2), kNegTwo, kNegZero},
      {"a product underflowing to zero", fmul_d(10, 1, 2), kMinNormal, kMinNormal},
      {"a zero dividend", fdiv_d(10, 1, 2), kNegZero, kTwo},
      {"a quotient underflowing to zero", fdiv_d(10, 1, 2), kMinNormal, kMaxFinite},
      {"square root of +0", fsqrt_d(10, 1), kZero},
      {"fused, zero factor and addend", fnmsub_d(10, 1, 2, 3), kZero, kTwo, kZero},
      {"fused, zero second factor and addend", fmadd_d(10, 1, 2, 3), kNegTwo, kNegZero, kNegZero},
      {"fused, zero factor, nonzero addend", fmadd_d(10, 1, 2, 3), kZero, kTwo, kOne},
      {"fused, zero factor and a zero addend of the other sign", fmsub_d(10, 1, 2, 3), kNegZero, kTwo,
       kNegZero},
      {"fused, underflowing to zero", fmadd_d(10, 1, 2, 3), kMinNormal, kMinNormal, kZero},
      {"fused, underflowing next to a zero addend", fnmadd_d(10, 1, 2, 3), kMinNormal, kMinNormal, kNegZero},
      {"static round to nearest", fadd_d(10, 1, 2, kRne), kOne, kThree},
      {"static round toward zero", fdiv_d(10, 1, 2, kRtz), kOne, kThree},
      {"static round up", fdiv_d(10, 1, 2, kRup), kOne, kThree},
  });
}

TEST(JitFpFastPath, TheEnvironmentDecidesBetweenHostAndHelper) {
  using namespace rv;
  const std::uint32_t divide = fdiv_d(10, 1, 2);
  expect_all_same({
      {"inexact not yet raised", divide, kOne, kThree, 0, 0, 0},
      {"other flags kept", divide, kOne, kThree, 0, 0, cpu::fp::kNX | cpu::fp::kDZ},
      {"dynamic round toward zero", divide, kOne, kThree, 0, 0, cpu::fp::kNX, kRtz},
      {"dynamic round down", fdiv_d(10, 1, 2), kNegTwo, kThree, 0, 0, cpu::fp::kNX, kRdn},
      {"dynamic mode invalid", divide, kOne, kThree, 0, 0, cpu::fp::kNX, 5},
      {"FP state initial: marked dirty", divide, kOne, kThree, 0, 0, cpu::fp::kNX, kRne, kFsInitial},
      {"FP state off: illegal", divide, kOne, kThree, 0, 0, cpu::fp::kNX, kRne, kFsOff},
      {"sign injection with FP off", fsgnj_d(10, 1, 2), kOne, kNegTwo, 0, 0, 0, kRne, kFsOff},
      {"compare with FP initial", flt_d(10, 1, 2), kOne, kTwo, 0, 0, 0, kRne, kFsInitial},
  });
}

TEST(JitFpFastPath, TheFpStateIsCheckedAgainWherePathsJoin) {
  // The first fadd.d is jumped over: the second, after the join, finds FS
  // Initial and must have the helper mark it Dirty, as the interpreter does.
  using namespace rv;
  const Case c{"jumped over", 0, kOne, kThree, 0, 0, cpu::fp::kNX, kRne, kFsInitial};
  expect_same(c, {beq(0, 0, 8), fadd_d(10, 1, 2), fadd_d(11, 1, 2), ebreak()});
  // Straight on, the second finds FS Dirty after the first.
  expect_same(c, {fadd_d(10, 1, 2), fadd_d(11, 1, 2), ebreak()});
}

TEST(JitFpFastPath, CachedCopiesOfFpRegistersFollowEveryWrite) {
  // Results of the fast paths stay in xmm registers for the instructions
  // after them that read them (f13 = f12 + f12 makes the copy); each of these
  // writes f12 another way, after which f12 must be read from the HartState
  // again (the sum lands in f10, compared).
  using namespace rv;
  constexpr GuestAddr kData = TestMachine::kDataBase;
  constexpr std::uint32_t kFiveHigh = 0x40140000;          // 5.0's upper half
  constexpr std::uint64_t kBoxedOne = 0xffffffff3f800000;  // 1.0f, NaN-boxed
  const Case c{"", 0, kOne, kTwo, kBoxedOne, kData, cpu::fp::kNX};
  auto run = [&](const std::string& name, std::vector<std::uint32_t> code) {
    Case named = c;
    named.name = name;
    code.push_back(ebreak());
    for (cpu::Privilege priv : {cpu::Privilege::kMachine, cpu::Privilege::kUser}) {
      named.priv = priv;
      for (JitRam ram : {JitRam::kPrivate, JitRam::kDirectView}) expect_same(named, code, ram);
    }
  };
  const std::vector<std::uint32_t> store_five = {lui(6, kFiveHigh >> 12), slli(6, 6, 32), sd(6, 0, 5)};
  auto with_five = [&](std::vector<std::uint32_t> code) {
    code.insert(code.begin(), store_five.begin(), store_five.end());
    return code;
  };
  run("fld", with_five({fadd_d(12, 1, 2), fadd_d(13, 12, 12), fld(12, 0, 5), fadd_d(10, 12, 12)}));
  run("fmv.d.x", {fadd_d(12, 1, 2), fadd_d(13, 12, 12), lui(6, kFiveHigh >> 12), slli(6, 6, 32),
                  fmv_d_x(12, 6), fadd_d(10, 12, 12)});
  run("a single result", {fadd_d(12, 1, 2), fadd_d(13, 12, 12), fadd_s(12, 3, 3), fadd_d(10, 12, 12)});
  run("fcvt.s.d", {fadd_d(12, 1, 2), fadd_d(13, 12, 12), fcvt_s_d(12, 2), fadd_d(10, 12, 12)});
  // Helper calls (an F/D instruction without a fast path; a TLB miss's slow
  // path, kPrivate RAM) leave no xmm register as it was: with calls made to
  // clobber them, as the ABI allows, f12 must come from the HartState after.
  jit::JitOptions clobbering = eager_options();
  clobbering.clobber_xmm_in_calls = true;
  auto run_clobbered = [&](const std::string& name, std::vector<std::uint32_t> code) {
    Case named = c;
    named.name = name;
    code.push_back(ebreak());
    expect_same(named, code, JitRam::kPrivate, clobbering);
  };
  run_clobbered("a helper", {fadd_d(12, 1, 2), fmin_d(13, 1, 2), fadd_d(10, 12, 12)});
  run_clobbered("a TLB miss loading", {fadd_d(12, 1, 2), ld(6, 0, 5), fadd_d(10, 12, 12)});
  run_clobbered("a TLB miss storing", {fadd_d(12, 1, 2), sd(6, 8, 5), fadd_d(10, 12, 12)});
  run_clobbered("a slow path", {fadd_d(12, 1, 2), fdiv_d(13, 1, 0), fadd_d(10, 12, 12)});
  // A boxed single copied with fsgnj.d, cached, read by a single-precision fast path.
  run_clobbered("a single read", {fsgnj_d(12, 3, 3), fmin_d(13, 1, 2), fadd_s(10, 12, 12)});
  run("a single read", {fsgnj_d(12, 3, 3), fadd_s(10, 12, 12)});
  // FP CSR accesses keep the copies (FS is known Dirty after an F/D instruction).
  run_clobbered("frflags/fsflags",
                {fadd_d(12, 1, 2), csrrs(6, 0x001, 0), csrrw(0, 0x001, 6), fadd_d(10, 12, 12)});
  // A loop whose head sees f12 cached on the way in but loaded anew on the way back.
  run("a loop head",
      with_five({addi(7, 0, 2), fadd_d(12, 1, 2), fadd_d(13, 12, 12), fadd_d(10, 12, 12),  // the head
                 fld(12, 0, 5), addi(7, 7, -1), bne(7, 0, -12)}));
}

TEST(JitFpFastPath, SignsComparesMovesAndConversions) {
  using namespace rv;
  expect_all_same({
      {"fmv.d", fsgnj_d(10, 1, 1), kNegTwo},
      {"fsgnj.d", fsgnj_d(10, 1, 2), kTwo, kNegZero},
      {"fneg.d", fsgnjn_d(10, 1, 1), kQuietNan},
      {"fsgnjn.d", fsgnjn_d(10, 1, 2), kNegTwo, kNegTwo},
      {"fabs.d", fsgnjx_d(10, 1, 1), kNegTwo},
      {"fsgnjx.d", fsgnjx_d(10, 1, 2), kNegTwo, kNegZero},
      {"feq.d equal", feq_d(10, 1, 2), kTwo, kTwo},
      {"feq.d of zeros", feq_d(10, 1, 2), kZero, kNegZero},
      {"flt.d", flt_d(10, 1, 2), kOne, kTwo},
      {"flt.d not", flt_d(10, 1, 2), kTwo, kTwo},
      {"fle.d equal", fle_d(10, 1, 2), kTwo, kTwo},
      {"fle.d not", fle_d(10, 1, 2), kThree, kTwo},
      {"feq.d with a quiet NaN", feq_d(10, 1, 2), kQuietNan, kOne},
      {"feq.d with a signaling NaN", feq_d(10, 1, 2), kSignalingNan, kOne},
      {"flt.d with a quiet NaN", flt_d(10, 1, 2), kOne, kQuietNan},
      {"compare into x0", fle_d(0, 1, 2), kOne, kTwo},
      {"fmv.x.d", fmv_x_d(10, 1), kNegTwo},
      {"fmv.d.x", fmv_d_x(10, 5), 0, 0, 0, 0xfff0000000000001},
      {"fmv.d.x of x0", fmv_d_x(10, 0), 0, 0, 0, 0},
      {"fcvt.d.w", fcvt_d_w(10, 5), 0, 0, 0, 0xffffffff80000000},
      {"fcvt.d.w ignores the upper half", fcvt_d_w(10, 5), 0, 0, 0, 0x12345678fffffff9},
      {"fcvt.d.l exact", fcvt_d_l(10, 5), 0, 0, 0, std::uint64_t{1} << 53},
      {"fcvt.d.l inexact", fcvt_d_l(10, 5), 0, 0, 0, (std::uint64_t{1} << 53) + 1},
      {"fcvt.d.l rounding toward zero", fcvt_d_l(10, 5, kRtz), 0, 0, 0, (std::uint64_t{1} << 53) + 3},
      {"fcvt.w.d truncating", fcvt_w_d(10, 1, kRtz), kTwoPointFive},
      {"fcvt.w.d negative", fcvt_w_d(10, 1, kRtz), kTwoPointFive | kNegZero},
      {"fcvt.w.d exact, inexact not raised", fcvt_w_d(10, 1, kRtz), kTwo, 0, 0, 0, 0},
      {"fcvt.w.d the lowest int", fcvt_w_d(10, 1, kRtz), kMinusTwoTo31},
      {"fcvt.w.d out of range", fcvt_w_d(10, 1, kRtz), kThreeBillion},
      {"fcvt.w.d of a NaN", fcvt_w_d(10, 1, kRtz), kQuietNan},
      {"fcvt.w.d rounding to nearest", fcvt_w_d(10, 1, kRne), kTwoPointSevenFive},
      {"fcvt.w.d rounding dynamically", fcvt_w_d(10, 1), kTwoPointSevenFive},
      {"fcvt.l.d", fcvt_l_d(10, 1, kRtz), kThreeBillion | kNegZero},
      {"fcvt.l.d out of range", fcvt_l_d(10, 1, kRtz), kTenTo19},
      {"fcvt.l.d of -infinity", fcvt_l_d(10, 1, kRtz), kInf | kNegZero},
  });
}

TEST(JitFpFastPath, UnsignedConversionsMinMaxAndClass) {
  using namespace rv;
  constexpr std::uint64_t kTwoTo31 = 0x41e0000000000000, kTwoTo32 = 0x41f0000000000000;
  constexpr std::uint64_t kBelowTwoTo32 = 0x41efffffffe00000;  // 2^32 - 1
  constexpr std::uint64_t kTwoTo63 = 0x43e0000000000000, kBelowTwoTo63 = 0x43dfffffffffffff;
  constexpr std::uint64_t kMinusHalf = 0xbfe0000000000000, kMinusOne = 0xbff0000000000000;
  expect_all_same({
      {"fcvt.wu.d", fcvt_wu_d(10, 1, kRtz), kTwoPointSevenFive},
      {"fcvt.wu.d of 2^31 sign-extends", fcvt_wu_d(10, 1, kRtz), kTwoTo31},
      {"fcvt.wu.d of 2^32 - 1", fcvt_wu_d(10, 1, kRtz), kBelowTwoTo32},
      {"fcvt.wu.d of 2^32 saturates", fcvt_wu_d(10, 1, kRtz), kTwoTo32},
      {"fcvt.wu.d of -0.5 truncates to 0", fcvt_wu_d(10, 1, kRtz), kMinusHalf},
      {"fcvt.wu.d of -0.5 without NX", fcvt_wu_d(10, 1, kRtz), kMinusHalf, 0, 0, 0, 0},
      {"fcvt.wu.d of -0", fcvt_wu_d(10, 1, kRtz), kNegZero, 0, 0, 0, 0},
      {"fcvt.wu.d of -1", fcvt_wu_d(10, 1, kRtz), kMinusOne},
      {"fcvt.wu.d of a NaN", fcvt_wu_d(10, 1, kRtz), kQuietNan},
      {"fcvt.wu.d of infinity", fcvt_wu_d(10, 1, kRtz), kInf},
      {"fcvt.wu.d rounding to nearest", fcvt_wu_d(10, 1, kRne), kTwoPointSevenFive},
      {"fcvt.wu.d exact, inexact not raised", fcvt_wu_d(10, 1, kRtz), kTwo, 0, 0, 0, 0},
      {"fcvt.lu.d", fcvt_lu_d(10, 1, kRtz), kThreeBillion},
      {"fcvt.lu.d below 2^63", fcvt_lu_d(10, 1, kRtz), kBelowTwoTo63},
      {"fcvt.lu.d of 2^63", fcvt_lu_d(10, 1, kRtz), kTwoTo63},
      {"fcvt.lu.d of 10^19", fcvt_lu_d(10, 1, kRtz), kTenTo19},
      {"fcvt.lu.d of -0.5", fcvt_lu_d(10, 1, kRtz), kMinusHalf},
      {"fcvt.lu.d of -1", fcvt_lu_d(10, 1, kRtz), kMinusOne},
      {"fcvt.lu.d of -infinity", fcvt_lu_d(10, 1, kRtz), kInf | kNegZero},
      {"fcvt.lu.d of a NaN", fcvt_lu_d(10, 1, kRtz), kSignalingNan},
      {"fmin.d", fmin_d(10, 1, 2), kTwo, kNegTwo},
      {"fmax.d", fmax_d(10, 1, 2), kTwo, kNegTwo},
      {"fmax.d, second larger", fmax_d(10, 1, 2), kOne, kThree},
      {"fmin.d of -0 and +0", fmin_d(10, 1, 2), kZero, kNegZero},
      {"fmax.d of -0 and +0", fmax_d(10, 1, 2), kNegZero, kZero},
      {"fmin.d of +0 and -0", fmin_d(10, 1, 2), kNegZero, kZero},  // x86 returns the second
      {"fmax.d of +0 and -0", fmax_d(10, 1, 2), kZero, kNegZero},
      {"fmin.d of equal numbers", fmin_d(10, 1, 2), kThree, kThree},
      {"fmin.d with a quiet NaN", fmin_d(10, 1, 2), kQuietNan, kTwo},
      {"fmax.d with a quiet NaN second", fmax_d(10, 1, 2), kTwo, kQuietNan},
      {"fmax.d with a signaling NaN", fmax_d(10, 1, 2), kSignalingNan, kTwo},
      {"fmin.d of two NaNs", fmin_d(10, 1, 2), kQuietNan, kSignalingNan},
      {"fmin.d of subnormals", fmin_d(10, 1, 2), kSubnormal, kSubnormal | kNegZero},
      {"fmax.d of infinities", fmax_d(10, 1, 2), kInf, kInf | kNegZero},
      {"fclass.d normal", fclass_d(10, 1), kThree},
      {"fclass.d negative normal", fclass_d(10, 1), kNegTwo},
      {"fclass.d smallest normal", fclass_d(10, 1), kMinNormal | kNegZero},
      {"fclass.d largest finite", fclass_d(10, 1), kMaxFinite},
      {"fclass.d +0", fclass_d(10, 1), kZero},
      {"fclass.d -0", fclass_d(10, 1), kNegZero},
      {"fclass.d subnormal", fclass_d(10, 1), kSubnormal},
      {"fclass.d negative subnormal", fclass_d(10, 1), kSubnormal | kNegZero},
      {"fclass.d infinity", fclass_d(10, 1), kInf},
      {"fclass.d -infinity", fclass_d(10, 1), kInf | kNegZero},
      {"fclass.d quiet NaN", fclass_d(10, 1), kQuietNan},
      {"fclass.d signaling NaN", fclass_d(10, 1), kSignalingNan},
      {"fclass.d into x0", fclass_d(0, 1), kThree},
  });
}

/// A NaN-boxed single.
constexpr std::uint64_t boxed(std::uint32_t bits) { return 0xffffffff00000000ull | bits; }
constexpr std::uint64_t kOneS = boxed(0x3f800000), kTwoS = boxed(0x40000000), kThreeS = boxed(0x40400000);
constexpr std::uint64_t kNegTwoS = boxed(0xc0000000), kZeroS = boxed(0), kNegZeroS = boxed(0x80000000);
constexpr std::uint64_t kBelowOneS = boxed(0x3f7fffff);  // 1 - 2^-24
constexpr std::uint64_t kMinNormalS = boxed(0x00800000), kMaxFiniteS = boxed(0x7f7fffff);
constexpr std::uint64_t kSubnormalS = boxed(1), kInfS = boxed(0x7f800000), kQuietNanS = boxed(0x7fc00123);
constexpr std::uint64_t kTwoPointSevenFiveS = boxed(0x40300000);
constexpr std::uint64_t kUnboxedTwo = 0x0000000040000000;  // reads as the canonical NaN

TEST(JitFpFastPath, SinglePrecisionAgreesWithTheSoftFloat) {
  using namespace rv;
  expect_all_same({
      {"exact add", fadd_s(10, 1, 2), kOneS, kTwoS},
      {"inexact divide", fdiv_s(10, 1, 2), kOneS, kThreeS},
      {"cancellation", fsub_s(10, 1, 2), kThreeS, kThreeS},
      {"rounded up into the lowest binade", fmul_s(10, 1, 2), kBelowOneS, kMinNormalS},
      {"subnormal result", fmul_s(10, 1, 2), kMinNormalS, boxed(0x3f000000)},
      {"subnormal operand", fadd_s(10, 1, 2), kSubnormalS, kOneS},
      {"overflow", fmul_s(10, 1, 2), kMaxFiniteS, kTwoS},
      {"a zero factor", fmul_s(10, 1, 2), kNegZeroS, kTwoS},
      {"underflow to zero", fmul_s(10, 1, 2), kMinNormalS, kMinNormalS},
      {"a zero dividend", fdiv_s(10, 1, 2), kZeroS, kNegTwoS},
      {"divide by zero", fdiv_s(10, 1, 2), kOneS, kZeroS},
      {"square root", fsqrt_s(10, 1), kTwoS},
      {"square root of a negative", fsqrt_s(10, 1), kNegTwoS},
      {"quiet NaN", fadd_s(10, 1, 2), kQuietNanS, kOneS},
      {"infinity", fadd_s(10, 1, 2), kInfS, kOneS},
      {"an unboxed operand", fadd_s(10, 1, 2), kUnboxedTwo, kOneS},
      {"an unboxed second operand", fmul_s(10, 1, 2), kOneS, kUnboxedTwo},
      {"fused", fmadd_s(10, 1, 2, 3), kThreeS, kBelowOneS, kOneS},
      {"fused, negated", fnmsub_s(10, 1, 2, 3), kThreeS, kBelowOneS, kOneS},
      {"fused, subtracting", fmsub_s(10, 1, 2, 3), kThreeS, kTwoS, kOneS},
      {"fused, negated and subtracting", fnmadd_s(10, 1, 2, 3), kThreeS, kTwoS, kOneS},
      {"fused, an unboxed addend", fmadd_s(10, 1, 2, 3), kOneS, kOneS, kUnboxedTwo},
      {"fused, zero factor", fmadd_s(10, 1, 2, 3), kZeroS, kTwoS, kNegZeroS},
      {"fsgnj.s", fsgnj_s(10, 1, 2), kTwoS, kNegZeroS},
      {"fneg.s", fsgnjn_s(10, 1, 1), kTwoS},
      {"fabs.s", fsgnjx_s(10, 1, 1), kNegTwoS},
      {"fsgnjx.s", fsgnjx_s(10, 1, 2), kNegTwoS, kNegZeroS},
      {"fmv.s of an unboxed value", fsgnj_s(10, 1, 1), kUnboxedTwo},
      {"fsgnj.s with an unboxed sign", fsgnj_s(10, 1, 2), kTwoS, kUnboxedTwo},
      {"feq.s", feq_s(10, 1, 2), kTwoS, kTwoS},
      {"flt.s", flt_s(10, 1, 2), kOneS, kTwoS},
      {"fle.s", fle_s(10, 1, 2), kThreeS, kTwoS},
      {"flt.s with a NaN", flt_s(10, 1, 2), kQuietNanS, kTwoS},
      {"feq.s unboxed", feq_s(10, 1, 2), kUnboxedTwo, kUnboxedTwo},
      {"fmv.x.w", fmv_x_w(10, 1), kNegTwoS},
      {"fmv.x.w unboxed", fmv_x_w(10, 1), 0x12345678c0000000},
      {"fmv.w.x", fmv_w_x(10, 5), 0, 0, 0, 0x123456789abcdef0},
      {"fcvt.s.w", fcvt_s_w(10, 5), 0, 0, 0, 0xfffffffffffffff9},
      {"fcvt.s.w inexact", fcvt_s_w(10, 5), 0, 0, 0, (1u << 24) + 1},
      {"fcvt.s.l", fcvt_s_l(10, 5), 0, 0, 0, 0x8000000000000001},
      {"fcvt.w.s", fcvt_w_s(10, 1, kRtz), kTwoPointSevenFiveS},
      {"fcvt.w.s unboxed", fcvt_w_s(10, 1, kRtz), kUnboxedTwo},
      {"fcvt.l.s out of range", fcvt_l_s(10, 1, kRtz), kMaxFiniteS},
      {"fcvt.w.s rounding to nearest", fcvt_w_s(10, 1, kRne), kTwoPointSevenFiveS},
      {"fcvt.d.s", fcvt_d_s(10, 1), kThreeS},
      {"fcvt.d.s of a subnormal", fcvt_d_s(10, 1), kSubnormalS},
      {"fcvt.d.s of a quiet NaN", fcvt_d_s(10, 1), kQuietNanS},
      {"fcvt.d.s of infinity", fcvt_d_s(10, 1), kInfS},
      {"fcvt.d.s unboxed", fcvt_d_s(10, 1), kUnboxedTwo},
      {"fcvt.s.d", fcvt_s_d(10, 1), kThree},
      {"fcvt.s.d inexact", fcvt_s_d(10, 1), kBelowOne},
      {"fcvt.s.d overflowing", fcvt_s_d(10, 1), kMaxFinite},
      {"fcvt.s.d underflowing", fcvt_s_d(10, 1), kMinNormal},
      {"fcvt.s.d of -0", fcvt_s_d(10, 1), kNegZero},
      {"fcvt.s.d of a NaN", fcvt_s_d(10, 1), kQuietNan},
      {"fcvt.s.d rounding toward zero", fcvt_s_d(10, 1, kRtz), kBelowOne},
      {"fcvt.wu.s", fcvt_wu_s(10, 1, kRtz), kTwoPointSevenFiveS},
      {"fcvt.wu.s of 2^31 sign-extends", fcvt_wu_s(10, 1, kRtz), boxed(0x4f000000)},
      {"fcvt.wu.s of 2^32 saturates", fcvt_wu_s(10, 1, kRtz), boxed(0x4f800000)},
      {"fcvt.wu.s of -2", fcvt_wu_s(10, 1, kRtz), kNegTwoS},
      {"fcvt.wu.s unboxed", fcvt_wu_s(10, 1, kRtz), kUnboxedTwo},
      {"fcvt.lu.s", fcvt_lu_s(10, 1, kRtz), boxed(0x5f000000)},  // 2^63
      {"fcvt.lu.s below 2^63", fcvt_lu_s(10, 1, kRtz), boxed(0x5effffff)},
      {"fcvt.lu.s of -0.5", fcvt_lu_s(10, 1, kRtz), boxed(0xbf000000)},
      {"fmin.s", fmin_s(10, 1, 2), kTwoS, kNegTwoS},
      {"fmax.s", fmax_s(10, 1, 2), kOneS, kThreeS},
      {"fmin.s of -0 and +0", fmin_s(10, 1, 2), kZeroS, kNegZeroS},
      {"fmin.s of +0 and -0", fmin_s(10, 1, 2), kNegZeroS, kZeroS},
      {"fmax.s of +0 and -0", fmax_s(10, 1, 2), kZeroS, kNegZeroS},
      {"fmax.s with a NaN", fmax_s(10, 1, 2), kQuietNanS, kTwoS},
      {"fmax.s unboxed", fmax_s(10, 1, 2), kUnboxedTwo, kOneS},
      {"fmin.s, unboxed second", fmin_s(10, 1, 2), kOneS, kUnboxedTwo},
      {"fclass.s normal", fclass_s(10, 1), kThreeS},
      {"fclass.s negative", fclass_s(10, 1), kNegTwoS},
      {"fclass.s smallest normal", fclass_s(10, 1), kMinNormalS},
      {"fclass.s largest", fclass_s(10, 1), kMaxFiniteS},
      {"fclass.s subnormal", fclass_s(10, 1), kSubnormalS},
      {"fclass.s -0", fclass_s(10, 1), kNegZeroS},
      {"fclass.s infinity", fclass_s(10, 1), kInfS},
      {"fclass.s NaN", fclass_s(10, 1), kQuietNanS},
      {"fclass.s unboxed", fclass_s(10, 1), kUnboxedTwo},
  });
}

TEST(JitFpFastPath, TheEmbeddingProgramsSseModeDoesNotMatter) {
  // Round toward zero, flush to zero, denormals as zero: a host program
  // embedding vm may run in any mode; translated code runs in the default
  // one, and the program gets its own back.
  constexpr unsigned kTowardZeroFlushing = 0x1f80 | 0x6000 | 0x8000 | 0x40;
  const unsigned before = _mm_getcsr();
  _mm_setcsr(kTowardZeroFlushing);
  using namespace rv;
  expect_all_same({
      {"inexact divide", fdiv_d(10, 1, 2), kOne, kThree},
      {"subnormal operand", fadd_d(10, 1, 2), kSubnormal, kTwo},
      {"fused", fmadd_d(10, 1, 2, 3), kThree, kBelowOne, kOne},
      {"single", fdiv_s(10, 1, 2), boxed(0x3f800000), boxed(0x40400000)},
  });
  const unsigned after = _mm_getcsr() & ~0x3fu;  // the sticky flags aside
  _mm_setcsr(before);
  EXPECT_EQ(after, kTowardZeroFlushing);
}

TEST(JitFpFastPath, FpCsrsReadAndWrittenInline) {
  using namespace rv;
  constexpr std::uint32_t kAll = 0x1f;
  expect_all_same({
      {"frflags", csrrs(10, 0x001, 0), 0, 0, 0, 0, cpu::fp::kNX | cpu::fp::kOF},
      {"frrm", csrrs(10, 0x002, 0), 0, 0, 0, 0, 0, kRup},
      {"frcsr", csrrs(10, 0x003, 0), 0, 0, 0, 0, kAll, kRmm},
      {"fsflags, reading the old flags", csrrw(10, 0x001, 5), 0, 0, 0, 0xffffffffffffffe3, cpu::fp::kDZ},
      {"fsrm", csrrw(10, 0x002, 5), 0, 0, 0, 0x12, 0, kRtz},
      {"fscsr", csrrw(10, 0x003, 5), 0, 0, 0, 0xff55, cpu::fp::kNV, kRdn},
      {"fsflags into x0", csrrw(0, 0x001, 5), 0, 0, 0, 0x3, kAll},
      {"fsflags from x0", csrrw(10, 0x001, 0), 0, 0, 0, 0, kAll},
      {"fsflagsi", csrrwi(10, 0x001, 0x15), 0, 0, 0, 0, cpu::fp::kNX},
      {"fsrmi", csrrwi(10, 0x002, 4), 0, 0, 0, 0, 0, kRne},
      {"fscsri", csrrwi(10, 0x003, 0x1f), 0, 0, 0, 0, 0, kRup},
      {"frflags with FP off: illegal", csrrs(10, 0x001, 0), 0, 0, 0, 0, kAll, kRne, kFsOff},
      {"fsflags with FP off: illegal", csrrw(10, 0x001, 5), 0, 0, 0, 1, kAll, kRne, kFsOff},
      {"frflags with FP initial: stays initial", csrrs(10, 0x001, 0), 0, 0, 0, 0, kAll, kRne, kFsInitial},
      {"fsflags with FP initial: dirty", csrrw(10, 0x001, 5), 0, 0, 0, 1, kAll, kRne, kFsInitial},
      {"csrrs setting flags: the helper's", csrrs(10, 0x001, 5), 0, 0, 0, 2, cpu::fp::kNX},
      {"csrrc: the helper's", csrrc(10, 0x001, 5), 0, 0, 0, 2, kAll},
  });
}

}  // namespace
}  // namespace vmm::jit
