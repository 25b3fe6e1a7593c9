#pragma once
#include <cstdint>

/// RISC-V F and D standard extension arithmetic (unprivileged ISA, chapters
/// "F" and "D") as pure functions on raw IEEE 754 bit patterns.
///
/// Everything is computed in software with integer arithmetic (the host FPU
/// only seeds an integer square root that is then corrected exactly), so the
/// host rounding mode and flags are never changed or relied on, results and
/// flags are identical on any host and under any optimisation, and RMM (which
/// no x86 mode provides) costs the same as the other modes. The functions are
/// pure, allocation-free and thread-safe.
namespace vmm::cpu::fp {

/// Rounding mode, already resolved: the caller maps DYN (7) to fcsr.frm and
/// raises an illegal-instruction exception for the reserved values 5 and 6
/// and for an invalid frm (spec section "Floating-Point Control and Status
/// Register").
enum class Rm : std::uint8_t { kRne = 0, kRtz = 1, kRdn = 2, kRup = 3, kRmm = 4 };

/// fcsr.fflags bits.
inline constexpr std::uint32_t kNX = 1;   // inexact
inline constexpr std::uint32_t kUF = 2;   // underflow (tiny after rounding and inexact)
inline constexpr std::uint32_t kOF = 4;   // overflow
inline constexpr std::uint32_t kDZ = 8;   // divide by zero
inline constexpr std::uint32_t kNV = 16;  // invalid operation

/// The only NaNs an arithmetic instruction produces ("NaN Generation and
/// Propagation": RISC-V does not propagate payloads).
inline constexpr std::uint32_t kCanonicalNanS = 0x7fc00000u;
inline constexpr std::uint64_t kCanonicalNanD = 0x7ff8000000000000ull;

/// fclass result bits (spec table "Format of result of FCLASS instruction").
inline constexpr std::uint64_t kClassNegInf = 1u << 0;
inline constexpr std::uint64_t kClassNegNormal = 1u << 1;
inline constexpr std::uint64_t kClassNegSubnormal = 1u << 2;
inline constexpr std::uint64_t kClassNegZero = 1u << 3;
inline constexpr std::uint64_t kClassPosZero = 1u << 4;
inline constexpr std::uint64_t kClassPosSubnormal = 1u << 5;
inline constexpr std::uint64_t kClassPosNormal = 1u << 6;
inline constexpr std::uint64_t kClassPosInf = 1u << 7;
inline constexpr std::uint64_t kClassSignalingNan = 1u << 8;
inline constexpr std::uint64_t kClassQuietNan = 1u << 9;

// Every function ORs the exception flags it raises into `flags` (fflags
// accrue, section "Floating-Point Control and Status Register"); none clears
// bits. Single-precision operands and results are raw 32-bit patterns:
// NaN-boxing checks and boxing are the caller's job.

// ---- single precision (F) ----
std::uint32_t add_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags);
std::uint32_t sub_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags);
std::uint32_t mul_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags);
std::uint32_t div_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags);
std::uint32_t sqrt_s(std::uint32_t a, Rm rm, std::uint32_t& flags);

/// fmin.s/fmax.s as of F 2.2 (IEEE 754-2019 minimumNumber/maximumNumber):
/// -0 < +0; one NaN operand yields the other operand; two NaNs yield the
/// canonical NaN; any sNaN operand raises NV.
std::uint32_t min_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags);
std::uint32_t max_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags);

/// Fused, one rounding: a*b+c, a*b-c, -(a*b)+c, -(a*b)-c. inf*0 raises NV
/// even when c is a quiet NaN (spec requirement beyond IEEE 754).
std::uint32_t madd_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags);
std::uint32_t msub_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags);
std::uint32_t nmsub_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags);
std::uint32_t nmadd_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags);

/// feq is a quiet comparison (NV only for sNaN); flt and fle are signaling
/// (NV for any NaN). Any NaN operand makes the result false.
bool eq_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags);
bool lt_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags);
bool le_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags);

/// fclass.s: exactly one of the kClass* bits.
std::uint64_t classify_s(std::uint32_t a);

std::uint32_t sgnj_s(std::uint32_t a, std::uint32_t b);
std::uint32_t sgnjn_s(std::uint32_t a, std::uint32_t b);
std::uint32_t sgnjx_s(std::uint32_t a, std::uint32_t b);

/// Float to integer: the value to write to rd. 32-bit results (including
/// fcvt.wu.s) are sign-extended to 64 bits. Rounded results out of range, and
/// NaN/inf, saturate per the spec table "Domains of float-to-integer
/// conversions" and raise NV only; otherwise NX is raised when inexact.
std::uint64_t cvt_w_s(std::uint32_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_wu_s(std::uint32_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_l_s(std::uint32_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_lu_s(std::uint32_t a, Rm rm, std::uint32_t& flags);

/// Integer to float from the raw rs1 value; the w/wu forms use its low 32 bits.
std::uint32_t cvt_s_w(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint32_t cvt_s_wu(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint32_t cvt_s_l(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint32_t cvt_s_lu(std::uint64_t rs1, Rm rm, std::uint32_t& flags);

// ---- double precision (D) ----
std::uint64_t add_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags);
std::uint64_t sub_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags);
std::uint64_t mul_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags);
std::uint64_t div_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags);
std::uint64_t sqrt_d(std::uint64_t a, Rm rm, std::uint32_t& flags);

std::uint64_t min_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags);
std::uint64_t max_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags);

std::uint64_t madd_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags);
std::uint64_t msub_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags);
std::uint64_t nmsub_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags);
std::uint64_t nmadd_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags);

bool eq_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags);
bool lt_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags);
bool le_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags);

std::uint64_t classify_d(std::uint64_t a);

std::uint64_t sgnj_d(std::uint64_t a, std::uint64_t b);
std::uint64_t sgnjn_d(std::uint64_t a, std::uint64_t b);
std::uint64_t sgnjx_d(std::uint64_t a, std::uint64_t b);

std::uint64_t cvt_w_d(std::uint64_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_wu_d(std::uint64_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_l_d(std::uint64_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_lu_d(std::uint64_t a, Rm rm, std::uint32_t& flags);

std::uint64_t cvt_d_w(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_d_wu(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_d_l(std::uint64_t rs1, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_d_lu(std::uint64_t rs1, Rm rm, std::uint32_t& flags);

// ---- between formats ----
/// fcvt.s.d rounds; fcvt.d.s is exact (rm is accepted for uniformity and
/// ignored). Both return the canonical NaN for any NaN and raise NV for sNaN.
std::uint32_t cvt_s_d(std::uint64_t a, Rm rm, std::uint32_t& flags);
std::uint64_t cvt_d_s(std::uint32_t a, Rm rm, std::uint32_t& flags);

}  // namespace vmm::cpu::fp
