// F and D through the interpreter: register plumbing rather than arithmetic
// (fp_ops has its own tests). Unprivileged spec chapter "F": "NaN Boxing of
// Narrower Values", "Floating-Point Control and Status Register" (frm, fflags,
// invalid dynamic rounding modes), "Single-Precision Floating-Point Conversion
// and Move Instructions" (fmv.x.w sign-extends, fcvt.w[u] results are
// sign-extended on RV64, saturation table), and the privileged spec's
// mstatus.FS rules (§3.1.6.6).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/guest_asm.hpp"
#include "vmm/cpu/csr.hpp"
#include "vmm/cpu/interpreter.hpp"

namespace vmm::cpu {
namespace {

namespace rv = vmm::test::rv;
using namespace vmm::test::reg;  // NOLINT: register names read like assembly
using vmm::test::TestMachine;

constexpr GuestAddr kBase = TestMachine::kRamBase;
constexpr GuestAddr kData = TestMachine::kDataBase;

constexpr std::uint64_t kBox = 0xffffffff00000000;
constexpr std::uint32_t kOneS = 0x3f800000;         // 1.0f
constexpr std::uint32_t kQuarterUlpS = 0x33000000;  // 2^-25: a quarter ulp of 1.0f
constexpr std::uint32_t kCanonicalNanS = 0x7fc00000;
constexpr std::uint64_t kOneD = 0x3ff0000000000000;         // 1.0
constexpr std::uint64_t kQuarterUlpD = 0x3c90000000000000;  // 2^-54: a quarter ulp of 1.0
constexpr std::uint32_t kNX = 1, kDZ = 8, kNV = 16;

constexpr std::uint64_t boxed(std::uint32_t single) { return kBox | single; }

class InterpreterFp : public ::testing::Test {
 protected:
  Stop run_code(const std::vector<std::uint32_t>& code) {
    m.load_code(code);
    return m.run(code.size());
  }

  TestMachine m;
};

// ---- NaN boxing -----------------------------------------------------------------

TEST_F(InterpreterFp, FlwNanBoxesTheLoadedValue) {
  m.poke<std::uint32_t>(kData, kOneS);
  m.x(a1) = kData;
  ASSERT_EQ(run_code({rv::flw(fa0, 0, a1), rv::fmv_x_d(a0, fa0)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0xffffffff3f800000u);
  EXPECT_EQ(m.hart.f[fa0], 0xffffffff3f800000u);
}

TEST_F(InterpreterFp, UnboxedSingleOperandReadsAsCanonicalNan) {
  m.x(a1) = kOneS;  // upper 32 bits zero: not a valid single
  m.hart.f[fa2] = boxed(kOneS);
  ASSERT_EQ(run_code({rv::fmv_d_x(fa1, a1), rv::fadd_s(fa0, fa1, fa2, rv::kRne)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(kCanonicalNanS));
  EXPECT_EQ(m.hart.fflags, 0u);  // a quiet NaN input raises nothing
}

TEST_F(InterpreterFp, PartiallyBoxedSingleIsAlsoCanonicalNan) {
  m.hart.f[fa1] = 0xfffffffe3f800000;  // one upper bit clear
  m.hart.f[fa2] = boxed(kOneS);
  ASSERT_EQ(run_code({rv::fmul_s(fa0, fa1, fa2, rv::kRne)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(kCanonicalNanS));
}

TEST_F(InterpreterFp, SignInjectionOnUnboxedOperandsUsesCanonicalNan) {
  m.hart.f[fa1] = kOneS;              // unboxed -> canonical NaN (sign 0)
  m.hart.f[fa2] = boxed(0x80000000);  // -0.0f
  ASSERT_EQ(run_code({rv::fsgnj_s(fa0, fa1, fa2), rv::fsgnjn_s(fa3, fa1, fa1)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(0xffc00000));  // canonical NaN with rs2's sign
  EXPECT_EQ(m.hart.f[fa3], boxed(0xffc00000));  // sign of canonical NaN (0), negated
}

TEST_F(InterpreterFp, FcvtWSOfUnboxedOperandIsInvalid) {
  m.hart.f[fa1] = kOneS;  // reads as NaN
  ASSERT_EQ(run_code({rv::fcvt_w_s(a0, fa1, rv::kRtz)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0x7fffffffu);
  EXPECT_EQ(m.hart.fflags, kNV);
}

TEST_F(InterpreterFp, FmvXWSignExtendsTheLow32Bits) {
  m.hart.f[fa1] = boxed(0x80000001);
  m.hart.f[fa2] = boxed(0x7f800000);
  m.hart.f[fa3] = 0x1234567880000002;  // not boxed: a transfer ignores the upper bits
  ASSERT_EQ(run_code({rv::fmv_x_w(a0, fa1), rv::fmv_x_w(a1, fa2), rv::fmv_x_w(a2, fa3)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 0xffffffff80000001u);
  EXPECT_EQ(m.x(a1), 0x000000007f800000u);
  EXPECT_EQ(m.x(a2), 0xffffffff80000002u);
}

TEST_F(InterpreterFp, FmvWXBoxesTheLow32Bits) {
  m.x(a1) = 0xdeadbeef3f800000;
  ASSERT_EQ(run_code({rv::fmv_w_x(fa0, a1)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], 0xffffffff3f800000u);
}

TEST_F(InterpreterFp, FswStoresTheLow32BitsWithoutUnboxing) {
  m.hart.f[fa1] = 0x0000000140400000;  // not boxed; low word 3.0f
  m.poke<std::uint64_t>(kData, 0xaaaaaaaaaaaaaaaa);
  m.x(a1) = kData;
  ASSERT_EQ(run_code({rv::fsw(fa1, 0, a1)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint64_t>(kData), 0xaaaaaaaa40400000u);
}

TEST_F(InterpreterFp, FsdStoresTheWholeBoxedRegister) {
  m.poke<std::uint32_t>(kData, kOneS);
  m.x(a1) = kData;
  ASSERT_EQ(run_code({rv::flw(fa0, 0, a1), rv::fsd(fa0, 8, a1), rv::fld(fa1, 8, a1)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.peek<std::uint64_t>(kData + 8), 0xffffffff3f800000u);
  EXPECT_EQ(m.hart.f[fa1], 0xffffffff3f800000u);
}

TEST_F(InterpreterFp, SingleResultsAreBoxed) {
  m.hart.f[fa1] = boxed(kOneS);
  m.hart.f[fa2] = kOneD;
  ASSERT_EQ(run_code({rv::fadd_s(fa0, fa1, fa1, rv::kRne), rv::fcvt_s_d(fa3, fa2, rv::kRne),
                      rv::fcvt_d_s(fa4, fa1, rv::kRne)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(0x40000000));  // 2.0f
  EXPECT_EQ(m.hart.f[fa3], boxed(kOneS));
  EXPECT_EQ(m.hart.f[fa4], kOneD);
}

// ---- rounding modes ----------------------------------------------------------------

TEST_F(InterpreterFp, DynamicRoundingFollowsFrm) {
  m.hart.f[fa1] = boxed(kOneS);
  m.hart.f[fa2] = boxed(kQuarterUlpS);
  ASSERT_EQ(run_code({
                         rv::csrrwi(zero, csr::kFrm, rv::kRdn),
                         rv::fadd_s(fa3, fa1, fa2),  // 1 + 2^-25 rounded down
                         rv::csrrwi(zero, csr::kFrm, rv::kRup), rv::fadd_s(fa4, fa1, fa2),  // rounded up
                         rv::csrrwi(zero, csr::kFrm, rv::kRne), rv::fadd_s(fa5, fa1, fa2),  // nearest: down
                     })
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa3], boxed(0x3f800000));
  EXPECT_EQ(m.hart.f[fa4], boxed(0x3f800001));
  EXPECT_EQ(m.hart.f[fa5], boxed(0x3f800000));
  EXPECT_EQ(m.hart.fflags, kNX);
}

TEST_F(InterpreterFp, DynamicRoundingOfNegativeSumAndDouble) {
  m.hart.f[fa1] = boxed(0xbf800000);  // -1.0f
  m.hart.f[fa2] = boxed(0xb3000000);  // -2^-25
  m.hart.f[ft0] = kOneD;
  m.hart.f[ft1] = kQuarterUlpD;
  m.hart.frm = rv::kRdn;
  ASSERT_EQ(
      run_code({rv::fadd_s(fa3, fa1, fa2), rv::fadd_d(ft2, ft0, ft1), rv::csrrwi(zero, csr::kFrm, rv::kRup),
                rv::fadd_s(fa4, fa1, fa2), rv::fadd_d(ft3, ft0, ft1)})
          .reason,
      StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa3], boxed(0xbf800001));  // toward -inf: magnitude up
  EXPECT_EQ(m.hart.f[ft2], kOneD);
  EXPECT_EQ(m.hart.f[fa4], boxed(0xbf800000));
  EXPECT_EQ(m.hart.f[ft3], kOneD + 1);
}

TEST_F(InterpreterFp, StaticRoundingModeOverridesFrm) {
  m.hart.f[fa1] = boxed(kOneS);
  m.hart.f[fa2] = boxed(kQuarterUlpS);
  m.hart.frm = rv::kRdn;
  ASSERT_EQ(run_code({rv::fadd_s(fa3, fa1, fa2, rv::kRup)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa3], boxed(0x3f800001));
  EXPECT_EQ(m.hart.frm, static_cast<std::uint32_t>(rv::kRdn));
}

TEST_F(InterpreterFp, DynamicRoundingAppliesToConversions) {
  m.hart.f[fa1] = 0x4004000000000000;  // 2.5
  ASSERT_EQ(run_code({rv::fcvt_w_d(a0, fa1), rv::csrrwi(zero, csr::kFrm, rv::kRmm), rv::fcvt_w_d(a1, fa1),
                      rv::csrrwi(zero, csr::kFrm, rv::kRdn), rv::fcvt_w_d(a2, fa1)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 2u);  // frm = RNE (0) at reset: ties to even
  EXPECT_EQ(m.x(a1), 3u);  // ties away from zero
  EXPECT_EQ(m.x(a2), 2u);
  EXPECT_EQ(m.hart.fflags, kNX);
}

TEST_F(InterpreterFp, InvalidFrmWithDynamicRoundingIsIllegal) {
  for (std::uint32_t frm : {5u, 6u, 7u}) {
    for (std::uint32_t insn : {rv::fadd_s(fa0, fa1, fa2), rv::fmadd_d(fa0, fa1, fa2, fa3),
                               rv::fsqrt_d(fa0, fa1), rv::fcvt_w_d(a0, fa1), rv::fcvt_d_w(fa0, a1)}) {
      TestMachine t;
      t.hart.frm = frm;
      t.hart.f[fa0] = 0x1111;
      t.x(a0) = 0x2222;
      t.load_code({rv::nop(), insn});
      Stop stop = t.run(2);
      EXPECT_EQ(stop.reason, StopReason::kException) << "frm " << frm << " insn " << std::hex << insn;
      EXPECT_EQ(stop.cause, Cause::kIllegalInsn) << "frm " << frm;
      EXPECT_EQ(stop.tval, insn) << "frm " << frm;
      EXPECT_EQ(t.hart.pc, kBase + 4);
      EXPECT_EQ(t.hart.f[fa0], 0x1111u);
      EXPECT_EQ(t.x(a0), 0x2222u);
    }
  }
}

TEST_F(InterpreterFp, InvalidFrmDoesNotAffectStaticRoundingOrRoundingFreeOps) {
  m.hart.frm = 5;
  m.hart.f[fa1] = boxed(kOneS);
  m.hart.f[fa2] = boxed(kOneS);
  ASSERT_EQ(run_code({rv::fadd_s(fa0, fa1, fa2, rv::kRne), rv::fsgnj_s(fa3, fa1, fa2), rv::fmv_x_w(a0, fa1),
                      rv::feq_s(a1, fa1, fa2), rv::fmin_s(fa4, fa1, fa2)})
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(0x40000000));
  EXPECT_EQ(m.hart.f[fa3], boxed(kOneS));
  EXPECT_EQ(m.x(a0), kOneS);
  EXPECT_EQ(m.x(a1), 1u);
}

TEST_F(InterpreterFp, InvalidFrmWithDynamicRoundingFcvtDSIsIllegal) {
  // Spec ("Floating-Point Control and Status Register"): "If frm is set to an
  // invalid value (101-111), any subsequent attempt to execute a
  // floating-point operation with a dynamic rounding mode will raise an
  // illegal-instruction exception." fcvt.d.s has an rm field set to DYN here.
  m.hart.frm = 5;
  m.hart.f[fa1] = boxed(kOneS);
  const std::uint32_t insn = rv::fcvt_d_s(fa0, fa1, rv::kDyn);
  Stop stop = run_code({insn});
  EXPECT_EQ(stop.reason, StopReason::kException);
  EXPECT_EQ(stop.cause, Cause::kIllegalInsn);
  EXPECT_EQ(stop.tval, insn);
}

// ---- fflags ------------------------------------------------------------------------------

TEST_F(InterpreterFp, FflagsAccrueAndCsrrwClearsThem) {
  m.hart.f[fa1] = boxed(kOneS);
  m.hart.f[fa2] = boxed(0);  // +0.0f
  m.hart.f[fa3] = boxed(kQuarterUlpS);
  m.hart.frm = rv::kRup;
  ASSERT_EQ(run_code({
                         rv::fdiv_s(fa0, fa1, fa2),          // 1/0: DZ
                         rv::csrr(a0, csr::kFflags),         //
                         rv::fadd_s(fa4, fa1, fa3),          // inexact: NX
                         rv::fadd_s(fa5, fa1, fa1),          // exact: leaves flags alone
                         rv::csrrw(a1, csr::kFflags, zero),  // read and clear
                         rv::csrr(a2, csr::kFflags),         //
                         rv::csrr(a3, csr::kFrm),            //
                     })
                .reason,
            StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(0x7f800000));  // +inf
  EXPECT_EQ(m.x(a0), kDZ);
  EXPECT_EQ(m.x(a1), kDZ | kNX);
  EXPECT_EQ(m.x(a2), 0u);
  EXPECT_EQ(m.x(a3), static_cast<std::uint64_t>(rv::kRup));  // clearing fflags keeps frm
  EXPECT_EQ(m.hart.fflags, 0u);
}

TEST_F(InterpreterFp, FcsrReadShowsAccruedFlagsWithFrm) {
  m.hart.f[fa1] = boxed(0);
  m.hart.frm = rv::kRtz;
  ASSERT_EQ(run_code({rv::fdiv_s(fa0, fa1, fa1), rv::csrr(a0, csr::kFcsr)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.f[fa0], boxed(kCanonicalNanS));  // 0/0
  EXPECT_EQ(m.x(a0), (rv::kRtz << 5) | kNV);
}

// ---- conversions to integer ----------------------------------------------------------------

struct CvtCase {
  const char* name;
  std::uint32_t insn;
  std::uint64_t input;
  std::uint64_t expected;
  std::uint32_t flags;
};

TEST_F(InterpreterFp, FcvtWDSaturatesAndSignExtends) {
  const CvtCase cases[] = {
      {"w.d 1e10", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0x4202a05f20000000, 0x000000007fffffff, kNV},
      {"w.d -1e10", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0xc202a05f20000000, 0xffffffff80000000, kNV},
      {"w.d +inf", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0x7ff0000000000000, 0x000000007fffffff, kNV},
      {"w.d -inf", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0xfff0000000000000, 0xffffffff80000000, kNV},
      {"w.d NaN", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0x7ff8000000000000, 0x000000007fffffff, kNV},
      {"w.d -1.0", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0xbff0000000000000, 0xffffffffffffffff, 0},
      {"w.d -0.5 rtz", rv::fcvt_w_d(a0, fa1, rv::kRtz), 0xbfe0000000000000, 0, kNX},
      {"wu.d 3e9 sign-extends", rv::fcvt_wu_d(a0, fa1, rv::kRtz), 0x41e65a0bc0000000, 0xffffffffb2d05e00, 0},
      {"wu.d 1e10", rv::fcvt_wu_d(a0, fa1, rv::kRtz), 0x4202a05f20000000, 0xffffffffffffffff, kNV},
      {"wu.d -1.0", rv::fcvt_wu_d(a0, fa1, rv::kRtz), 0xbff0000000000000, 0, kNV},
      {"wu.d NaN", rv::fcvt_wu_d(a0, fa1, rv::kRtz), 0x7ff8000000000000, 0xffffffffffffffff, kNV},
      {"wu.d 1.5 rtz", rv::fcvt_wu_d(a0, fa1, rv::kRtz), 0x3ff8000000000000, 1, kNX},
  };
  for (const CvtCase& c : cases) {
    TestMachine t;
    t.hart.f[fa1] = c.input;
    t.load_code({c.insn});
    ASSERT_EQ(t.run(1).reason, StopReason::kBudget) << c.name;
    EXPECT_EQ(t.x(a0), c.expected) << c.name;
    EXPECT_EQ(t.hart.fflags, c.flags) << c.name;
  }
}

TEST_F(InterpreterFp, FcvtToX0DiscardsTheResultButKeepsFlags) {
  m.hart.f[fa1] = 0x4202a05f20000000;  // 1e10
  ASSERT_EQ(run_code({rv::fcvt_w_d(zero, fa1, rv::kRtz)}).reason, StopReason::kBudget);
  EXPECT_EQ(m.hart.x[0], 0u);
  EXPECT_EQ(m.hart.fflags, kNV);
}

TEST_F(InterpreterFp, CompareWritesIntegerRegister) {
  m.hart.f[fa1] = kOneD;
  m.hart.f[fa2] = 0x7ff8000000000000;  // quiet NaN
  ASSERT_EQ(run_code({rv::feq_d(a0, fa1, fa1), rv::flt_d(a1, fa1, fa2), rv::feq_d(a2, fa2, fa2)}).reason,
            StopReason::kBudget);
  EXPECT_EQ(m.x(a0), 1u);
  EXPECT_EQ(m.x(a1), 0u);
  EXPECT_EQ(m.x(a2), 0u);
  EXPECT_EQ(m.hart.fflags, kNV);  // flt with a quiet NaN is invalid; feq is not
}

// ---- mstatus.FS ------------------------------------------------------------------------------

TEST(InterpreterFpStatus, FloatingPointInstructionsAreIllegalWhenFsIsOff) {
  // Privileged spec §3.1.6.6: "When an extension's status is set to Off, any
  // instruction that attempts to read or write the corresponding state will
  // cause an illegal-instruction exception."
  for (std::uint32_t insn : {rv::fadd_s(fa0, fa1, fa2, rv::kRne), rv::flw(fa0, 0, a1), rv::fmv_x_d(a0, fa1),
                             rv::csrr(a0, csr::kFflags)}) {
    TestMachine t;
    t.hart.mstatus = 0;  // FS = Off
    t.x(a1) = kData;
    t.load_code({insn});
    Stop stop = t.run(1);
    EXPECT_EQ(stop.reason, StopReason::kException) << std::hex << insn;
    EXPECT_EQ(stop.cause, Cause::kIllegalInsn) << std::hex << insn;
  }
}

TEST(InterpreterFpStatus, WritingFloatingPointStateMarksFsDirty) {
  // Privileged spec §3.1.6.6: FS must be Dirty after any change to the
  // floating-point state, and SD summarises FS == Dirty.
  TestMachine t;
  t.hart.mstatus = TestMachine::kMstatusFsInitial;
  t.hart.f[fa1] = boxed(kOneS);
  t.load_code({rv::fadd_s(fa0, fa1, fa1, rv::kRne), rv::csrr(a0, csr::kMstatus)});
  ASSERT_EQ(t.run(2).reason, StopReason::kBudget);
  EXPECT_EQ((t.x(a0) >> 13) & 3, 3u);
  EXPECT_NE(t.x(a0) & (1ull << 63), 0u);
}

}  // namespace
}  // namespace vmm::cpu
