#include "vmm/cpu/fp_ops.hpp"

#include <bit>
#include <cmath>

// Software IEEE 754 arithmetic for the RISC-V F and D extensions.
//
// Why software rather than the host FPU with <cfenv>: x86 has no
// round-to-nearest-ties-to-max-magnitude mode (RMM), it propagates NaN
// payloads where RISC-V must return the canonical NaN, it has a
// "denormal operand" flag RISC-V lacks, and GCC ignores FENV_ACCESS, so
// host-mode switching needs fragile optimisation barriers. Integer
// arithmetic gives bit-exact results and flags in every mode on any host.
// The host FPU is used in one place only, for a seed of the integer square
// root, whose result is then corrected exactly (see isqrt64/isqrt128).
//
// Representation used inside: a finite non-zero value is (sign, exp, sig)
// with value = sig / 2^62 * 2^(exp - bias). After normalisation sig has bit
// 62 set, so `exp` is the biased exponent the result would have if normal,
// bits above the significand hold carries and the low 62 - P bits (P =
// fraction bits) are guard bits, the lowest being "sticky" (jammed): it is
// ORed with everything shifted out so inexactness is never lost.

namespace vmm::cpu::fp {
namespace {

__extension__ typedef unsigned __int128 U128;  // GCC/Clang builtin; __extension__ silences -Wpedantic

template <class BitsT, int kExpBitsV, int kFracBitsV>
struct Format {
  using Bits = BitsT;
  static constexpr int kFracBits = kFracBitsV;
  static constexpr int kExpBits = kExpBitsV;
  static constexpr int kBias = (1 << (kExpBits - 1)) - 1;
  static constexpr int kExpMax = (1 << kExpBits) - 1;  // exponent field of inf and NaN
  static constexpr Bits kSignBit = Bits{1} << (kExpBits + kFracBits);
  static constexpr Bits kFracMask = (Bits{1} << kFracBits) - 1;
  static constexpr Bits kQuietBit = Bits{1} << (kFracBits - 1);
  static constexpr Bits kInf = static_cast<Bits>(kExpMax) << kFracBits;
  static constexpr Bits kMaxFinite = kInf - 1;
  static constexpr Bits kCanonicalNan = kInf | kQuietBit;
  static constexpr int kRoundBits = 62 - kFracBits;  // guard bits below the significand in `sig`
};
using F32 = Format<std::uint32_t, 8, 23>;
using F64 = Format<std::uint64_t, 11, 52>;
static_assert(F32::kCanonicalNan == kCanonicalNanS && F64::kCanonicalNan == kCanonicalNanD);

template <class F>
constexpr bool is_nan(typename F::Bits a) {
  return (a & ~F::kSignBit) > F::kInf;
}
// The quiet bit is the fraction MSB (spec: "NaN Generation and Propagation").
template <class F>
constexpr bool is_snan(typename F::Bits a) {
  return is_nan<F>(a) && (a & F::kQuietBit) == 0;
}
template <class F>
constexpr bool is_inf(typename F::Bits a) {
  return (a & ~F::kSignBit) == F::kInf;
}
template <class F>
constexpr bool is_zero(typename F::Bits a) {
  return (a & ~F::kSignBit) == 0;
}
template <class F>
constexpr bool sign_of(typename F::Bits a) {
  return (a & F::kSignBit) != 0;
}
template <class F>
constexpr typename F::Bits sign_bits(bool sign) {
  return sign ? F::kSignBit : 0;
}

struct Unpacked {
  bool sign;
  int exp;
  std::uint64_t sig;
};

// Only for finite non-zero values; subnormals come out normalised with an
// exponent below 1.
template <class F>
constexpr Unpacked unpack(typename F::Bits a) {
  const int field = static_cast<int>((a >> F::kFracBits) & F::kExpMax);
  const std::uint64_t frac = a & F::kFracMask;
  if (field != 0) [[likely]] {
    return {sign_of<F>(a), field, (frac | (std::uint64_t{1} << F::kFracBits)) << F::kRoundBits};
  }
  const std::uint64_t sig = frac << F::kRoundBits;
  const int shift = std::countl_zero(sig) - 1;
  return {sign_of<F>(a), 1 - shift, sig << shift};
}

// x >> n with every bit shifted out ORed into bit 0, for n >= 0. Requires
// x < 2^63 (true of every sig here before a carry): then clamping n to 63
// still leaves just the sticky bit, and the code has no data-dependent branch
// (exponent differences are unpredictable).
constexpr std::uint64_t shift_right_jam(std::uint64_t x, int n) {
  n = n < 63 ? n : 63;
  return (x >> n) | static_cast<std::uint64_t>((x & ((std::uint64_t{1} << n) - 1)) != 0);
}

constexpr U128 shift_right_jam(U128 x, int n) {
  if (n == 0) return x;
  if (n >= 128) return x != 0;
  return (x >> n) | static_cast<U128>((x << (128 - n)) != 0);
}

constexpr int countl_zero(U128 x) {
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  return hi != 0 ? std::countl_zero(hi) : 64 + std::countl_zero(static_cast<std::uint64_t>(x));
}

// Whether discarding `rest` (the bits below the kept LSB; `half` is the
// weight of one half LSB) must increment the kept magnitude. Directed modes
// act on the signed value, so they depend on the sign (spec table
// "Rounding mode encoding"; RMM rounds ties away from zero).
constexpr bool round_increment(Rm rm, bool sign, bool odd, std::uint64_t rest, std::uint64_t half) {
  switch (rm) {
    case Rm::kRne:
      return rest > half || (rest == half && odd);
    case Rm::kRtz:
      return false;
    case Rm::kRdn:
      return sign && rest != 0;
    case Rm::kRup:
      return !sign && rest != 0;
    case Rm::kRmm:
      return rest >= half;
  }
  return false;
}

// IEEE 754 7.4: on overflow RNE/RMM give infinity, the directed modes give
// the largest finite number unless they round away from zero.
template <class F>
typename F::Bits overflow_result(bool sign, Rm rm, std::uint32_t& flags) {
  flags |= kOF | kNX;
  const bool to_inf =
      rm == Rm::kRne || rm == Rm::kRmm || (rm == Rm::kRdn && sign) || (rm == Rm::kRup && !sign);
  return sign_bits<F>(sign) | (to_inf ? F::kInf : F::kMaxFinite);
}

// The amount added to the guard bits before truncating: half an LSB for the
// nearest modes (RNE then clears the LSB again on an exact tie), all ones for
// rounding away from zero, nothing towards zero. Directed modes act on the
// signed value (spec table "Rounding mode encoding"; RMM rounds ties away from
// zero). The reserved encodings 5-7, which callers must not pass, act as RTZ
// rather than read out of bounds.
template <class F>
constexpr std::uint64_t kGuardHalf = std::uint64_t{1} << (F::kRoundBits - 1);
template <class F>
constexpr std::uint64_t kGuardMask = (std::uint64_t{1} << F::kRoundBits) - 1;
template <class F>
constexpr std::uint64_t kRoundAdd[8][2] = {
    {kGuardHalf<F>, kGuardHalf<F>},  // RNE (positive, negative)
    {0, 0},                          // RTZ
    {0, kGuardMask<F>},              // RDN
    {kGuardMask<F>, 0},              // RUP
    {kGuardHalf<F>, kGuardHalf<F>},  // RMM
};

// Rounds sig to P+1 bits at the LSB position 2^kR; returns the kept bits
// (P+2 bits when rounding carried out).
template <class F>
constexpr std::uint64_t round_sig(bool sign, std::uint64_t sig, Rm rm) {
  constexpr int kR = F::kRoundBits;
  constexpr std::uint64_t kRestMask = (std::uint64_t{1} << kR) - 1;
  constexpr std::uint64_t kHalf = std::uint64_t{1} << (kR - 1);
  std::uint64_t mant = (sig + kRoundAdd<F>[static_cast<unsigned>(rm) & 7][sign]) >> kR;
  if (rm == Rm::kRne && (sig & kRestMask) == kHalf) mant &= ~std::uint64_t{1};  // tie: to even
  return mant;
}

// Rounds a normalised value (sig < 2^63 with bit 62 set) to format F.
// Tininess is detected after rounding, the RISC-V choice (as in Spike's
// SoftFloat configuration; IEEE 754 7.5 allows either), and UF is raised only
// for a tiny inexact result, as IEEE 754 default exception handling requires.
template <class F>
typename F::Bits round_pack(bool sign, int exp, std::uint64_t sig, Rm rm, std::uint32_t& flags) {
  using Bits = typename F::Bits;
  constexpr int kR = F::kRoundBits;
  constexpr std::uint64_t kRestMask = (std::uint64_t{1} << kR) - 1;
  const std::uint32_t inexact = (sig & kRestMask) != 0 ? kNX : 0;
  if (exp >= 1) [[likely]] {
    if (exp >= F::kExpMax) [[unlikely]]
      return overflow_result<F>(sign, rm, flags);
    // The hidden bit adds into the exponent field, so a carry out of the
    // significand bumps the exponent for free.
    const Bits bits =
        (static_cast<Bits>(exp - 1) << F::kFracBits) + static_cast<Bits>(round_sig<F>(sign, sig, rm));
    if (bits >= F::kInf) [[unlikely]]
      return overflow_result<F>(sign, rm, flags);
    flags |= inexact;
    return sign_bits<F>(sign) | bits;
  }
  // Below the normal range before rounding. Tiny unless rounding to P+1 bits
  // with an unbounded exponent reaches the smallest normal.
  const bool tiny = exp < 0 || round_sig<F>(sign, sig, rm) < (std::uint64_t{1} << (F::kFracBits + 1));
  // Rounding the denormalised value; a carry into the exponent field gives
  // the smallest normal number, which is the correct result.
  const std::uint64_t denormal = shift_right_jam(sig, 1 - exp);
  flags |= (denormal & kRestMask) != 0 ? (tiny ? kNX | kUF : kNX) : 0;
  return sign_bits<F>(sign) | static_cast<Bits>(round_sig<F>(sign, denormal, rm));
}

// Like round_pack for a non-zero sig with its leading one anywhere.
template <class F>
typename F::Bits normalize_round_pack(bool sign, int exp, std::uint64_t sig, Rm rm, std::uint32_t& flags) {
  // Branch-free: shift = -1 means a carry into bit 63, shifted out with jam.
  const int shift = std::countl_zero(sig) - 1;
  const std::uint64_t right = (sig >> 1) | (sig & 1);
  const std::uint64_t left = sig << (shift & 63);
  return round_pack<F>(sign, exp - shift, shift < 0 ? right : left, rm, flags);
}

// Any NaN operand: the result is the canonical NaN, NV if any was signaling.
template <class F>
typename F::Bits nan_result(typename F::Bits a, typename F::Bits b, std::uint32_t& flags) {
  if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
  return F::kCanonicalNan;
}

template <class F>
typename F::Bits invalid_result(std::uint32_t& flags) {
  flags |= kNV;
  return F::kCanonicalNan;
}

// An exact zero sum of operands of opposite sign is +0 except in RDN
// (IEEE 754 6.3); zeros of equal sign keep their sign.
template <class F>
typename F::Bits zero_sum(bool sign_a, bool sign_b, Rm rm) {
  return sign_bits<F>(sign_a == sign_b ? sign_a : rm == Rm::kRdn);
}

template <class F>
typename F::Bits add(typename F::Bits a, typename F::Bits b, Rm rm, std::uint32_t& flags) {
  using Bits = typename F::Bits;
  const Bits mag_a = a & ~F::kSignBit;
  const Bits mag_b = b & ~F::kSignBit;
  if (mag_a >= F::kInf || mag_b >= F::kInf) [[unlikely]] {
    if (is_nan<F>(a) || is_nan<F>(b)) return nan_result<F>(a, b, flags);
    if (mag_a == mag_b && a != b) return invalid_result<F>(flags);  // inf - inf
    return mag_a == F::kInf ? a : b;
  }
  if (mag_b == 0) return mag_a == 0 ? zero_sum<F>(sign_of<F>(a), sign_of<F>(b), rm) : a;
  if (mag_a == 0) return b;
  // Order by magnitude with selects rather than a branch: which operand is
  // larger is data-dependent and unpredictable.
  const bool swap = mag_a < mag_b;
  const Unpacked ua = unpack<F>(swap ? b : a);
  const Unpacked ub = unpack<F>(swap ? a : b);
  // |a| >= |b|, so ua.exp >= ub.exp and a's sign is the result's sign.
  const std::uint64_t sig_b = shift_right_jam(ub.sig, ua.exp - ub.exp);
  if (ua.sign == ub.sign) return normalize_round_pack<F>(ua.sign, ua.exp, ua.sig + sig_b, rm, flags);
  if (ua.sig == sig_b) return zero_sum<F>(false, true, rm);
  return normalize_round_pack<F>(ua.sign, ua.exp, ua.sig - sig_b, rm, flags);
}

template <class F>
typename F::Bits mul(typename F::Bits a, typename F::Bits b, Rm rm, std::uint32_t& flags) {
  const bool sign = sign_of<F>(a) != sign_of<F>(b);
  if (is_nan<F>(a) || is_nan<F>(b)) [[unlikely]]
    return nan_result<F>(a, b, flags);
  if (is_inf<F>(a) || is_inf<F>(b)) [[unlikely]] {
    if (is_zero<F>(a) || is_zero<F>(b)) return invalid_result<F>(flags);
    return sign_bits<F>(sign) | F::kInf;
  }
  if (is_zero<F>(a) || is_zero<F>(b)) return sign_bits<F>(sign);
  const Unpacked ua = unpack<F>(a);
  const Unpacked ub = unpack<F>(b);
  // (sig_a / 2^62) * (sig_b / 2^62) = p / 2^126 = (p >> 64) / 2^62.
  const U128 p = static_cast<U128>(ua.sig << 1) * (ub.sig << 1);
  const std::uint64_t sig =
      static_cast<std::uint64_t>(p >> 64) | static_cast<std::uint64_t>(static_cast<std::uint64_t>(p) != 0);
  return normalize_round_pack<F>(sign, ua.exp + ub.exp - F::kBias, sig, rm, flags);
}

template <class F>
typename F::Bits divide(typename F::Bits a, typename F::Bits b, Rm rm, std::uint32_t& flags) {
  const bool sign = sign_of<F>(a) != sign_of<F>(b);
  if (is_nan<F>(a) || is_nan<F>(b)) [[unlikely]]
    return nan_result<F>(a, b, flags);
  if (is_inf<F>(a)) return is_inf<F>(b) ? invalid_result<F>(flags) : sign_bits<F>(sign) | F::kInf;
  if (is_inf<F>(b)) return sign_bits<F>(sign);
  if (is_zero<F>(b)) {
    if (is_zero<F>(a)) return invalid_result<F>(flags);
    flags |= kDZ;
    return sign_bits<F>(sign) | F::kInf;
  }
  if (is_zero<F>(a)) return sign_bits<F>(sign);
  const Unpacked ua = unpack<F>(a);
  const Unpacked ub = unpack<F>(b);
  std::uint64_t sig = 0;
  if constexpr (F::kFracBits <= 30) {
    // sig_a / m_b with m_b the 24-bit significand: a 39/40-bit quotient,
    // ample for 24 bits plus guard bits, without a 128-bit division.
    const std::uint64_t divisor = ub.sig >> F::kRoundBits;
    const std::uint64_t q = ua.sig / divisor;
    sig = (q << F::kFracBits) | static_cast<std::uint64_t>(ua.sig % divisor != 0);
  } else {
    // (sig_a << 62) / sig_b lies in (2^61, 2^63): 61+ quotient bits.
    const U128 num = static_cast<U128>(ua.sig) << 62;
    const auto q = static_cast<std::uint64_t>(num / ub.sig);
    sig = q | static_cast<std::uint64_t>(num % ub.sig != 0);
  }
  return normalize_round_pack<F>(sign, ua.exp - ub.exp + F::kBias, sig, rm, flags);
}

// floor(sqrt(r)). The host square root only seeds the search; the exact
// integer checks make the result independent of host rounding.
std::uint64_t isqrt64(std::uint64_t r) {
  auto s = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(r)));
  if (s > 0xffffffffu) s = 0xffffffffu;
  while (static_cast<U128>(s) * s > r) --s;
  while (static_cast<U128>(s + 1) * (s + 1) <= r) ++s;
  return s;
}

// floor(sqrt(r)) for r >= 2^64: one Newton step from a 53-bit seed gives an
// error below one, then exact correction.
std::uint64_t isqrt128(U128 r) {
  const double approx = std::sqrt(static_cast<double>(static_cast<std::uint64_t>(r >> 64)) * 0x1p64);
  const std::uint64_t seed = approx >= 0x1p64 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(approx);
  U128 s = (seed + r / seed) >> 1;
  if (s > ~std::uint64_t{0}) s = ~std::uint64_t{0};
  while (s * s > r) --s;
  while (s < ~std::uint64_t{0} && (s + 1) * (s + 1) <= r) ++s;
  return static_cast<std::uint64_t>(s);
}

template <class F>
typename F::Bits square_root(typename F::Bits a, Rm rm, std::uint32_t& flags) {
  if (is_nan<F>(a)) [[unlikely]]
    return nan_result<F>(a, a, flags);
  if (is_zero<F>(a)) return a;  // sqrt(-0) = -0 (IEEE 754 5.4.1)
  if (sign_of<F>(a)) return invalid_result<F>(flags);
  if (is_inf<F>(a)) return a;
  const Unpacked ua = unpack<F>(a);
  // Make the unbiased exponent even so it halves exactly.
  const int e = ua.exp - F::kBias;
  const int odd = e & 1;
  const int half_e = (e - odd) / 2;
  if constexpr (F::kFracBits <= 30) {
    // r = m * 2^(39+odd) with m the 24-bit significand: sqrt(r) =
    // sqrt(m/2^23 * 2^odd) * 2^31, a 32-bit integer, so sig = s << 31.
    const std::uint64_t r = (ua.sig >> F::kRoundBits) << (39 + odd);
    const std::uint64_t s = isqrt64(r);
    const std::uint64_t sig = (s << 31) | static_cast<std::uint64_t>(s * s != r);
    return round_pack<F>(false, half_e + F::kBias, sig, rm, flags);
  } else {
    // r = sig * 2^(64+odd): sqrt(r) = sqrt(sig/2^62 * 2^odd) * 2^63.
    const U128 r = static_cast<U128>(ua.sig) << (64 + odd);
    const std::uint64_t s = isqrt128(r);
    const std::uint64_t sig = (s >> 1) | (s & 1) | static_cast<std::uint64_t>(static_cast<U128>(s) * s != r);
    return round_pack<F>(false, half_e + F::kBias, sig, rm, flags);
  }
}

// a*b + c with one rounding; the negations implement the four fused
// instructions (spec section "Single-Precision Floating-Point Computational
// Instructions").
template <class F>
typename F::Bits fused_mul_add(typename F::Bits a, typename F::Bits b, typename F::Bits c,
                               bool negate_product, bool negate_addend, Rm rm, std::uint32_t& flags) {
  using Bits = typename F::Bits;
  const bool inf_times_zero = (is_inf<F>(a) && is_zero<F>(b)) || (is_zero<F>(a) && is_inf<F>(b));
  if (is_nan<F>(a) || is_nan<F>(b) || is_nan<F>(c)) [[unlikely]] {
    // The spec requires NV for inf*0 even when c is a quiet NaN.
    if (inf_times_zero || is_snan<F>(a) || is_snan<F>(b) || is_snan<F>(c)) flags |= kNV;
    return F::kCanonicalNan;
  }
  const bool sign_p = (sign_of<F>(a) != sign_of<F>(b)) != negate_product;
  const bool sign_c = sign_of<F>(c) != negate_addend;
  if (is_inf<F>(a) || is_inf<F>(b)) [[unlikely]] {
    if (inf_times_zero || (is_inf<F>(c) && sign_c != sign_p)) return invalid_result<F>(flags);
    return sign_bits<F>(sign_p) | F::kInf;
  }
  if (is_inf<F>(c)) return sign_bits<F>(sign_c) | F::kInf;
  const Bits c_signed = (c & ~F::kSignBit) | sign_bits<F>(sign_c);
  if (is_zero<F>(a) || is_zero<F>(b)) {
    return is_zero<F>(c) ? zero_sum<F>(sign_p, sign_c, rm) : c_signed;
  }
  const Unpacked ua = unpack<F>(a);
  const Unpacked ub = unpack<F>(b);
  int exp = ua.exp + ub.exp - F::kBias;
  // Exact product: (sig_a/2^62) * (sig_b/2^62) = p / 2^124, leading one at
  // bit 124 or 125, leaving two bits of headroom for the sum.
  U128 p = static_cast<U128>(ua.sig) * ub.sig;
  if (is_zero<F>(c)) {
    const std::uint64_t sig =
        static_cast<std::uint64_t>(p >> 62) | static_cast<std::uint64_t>((p & ((U128{1} << 62) - 1)) != 0);
    return normalize_round_pack<F>(sign_p, exp, sig, rm, flags);
  }
  const Unpacked uc = unpack<F>(c);
  U128 q = static_cast<U128>(uc.sig) << 62;  // same scale as p
  // Align to the larger exponent. Jamming loses nothing that matters: the
  // shifted operand has at least 2*(62-P) trailing zero bits, so a shift
  // that discards set bits leaves it far below the other operand, and the
  // difference still has its leading one near bit 124.
  if (exp >= uc.exp) {
    q = shift_right_jam(q, exp - uc.exp);
  } else {
    p = shift_right_jam(p, uc.exp - exp);
    exp = uc.exp;
  }
  bool sign = sign_p;
  U128 s = 0;
  if (sign_p == sign_c) {
    s = p + q;
  } else if (p > q) {
    s = p - q;
  } else if (q > p) {
    s = q - p;
    sign = sign_c;
  } else {
    return zero_sum<F>(false, true, rm);
  }
  // Move the leading one to bit 126, then keep the high 64 bits (leading one
  // at 62) with the rest jammed: value = hi / 2^62 * 2^(exp + 2 - shift - bias).
  const int shift = countl_zero(s) - 1;
  s <<= shift;
  const std::uint64_t sig =
      static_cast<std::uint64_t>(s >> 64) | static_cast<std::uint64_t>(static_cast<std::uint64_t>(s) != 0);
  return round_pack<F>(sign, exp + 2 - shift, sig, rm, flags);
}

// fmin/fmax, F extension 2.2 semantics (IEEE 754-2019 minimumNumber and
// maximumNumber): -0 is less than +0 and a single NaN is ignored.
template <class F>
typename F::Bits min_max(typename F::Bits a, typename F::Bits b, bool want_max, std::uint32_t& flags) {
  const bool nan_a = is_nan<F>(a);
  const bool nan_b = is_nan<F>(b);
  if (nan_a || nan_b) [[unlikely]] {
    if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
    if (nan_a && nan_b) return F::kCanonicalNan;
    return nan_a ? b : a;
  }
  const bool sign_a = sign_of<F>(a);
  // Total order on non-NaN patterns: with equal signs, magnitude order is
  // integer order, reversed for negatives; this also puts -0 before +0.
  const bool a_less = sign_a != sign_of<F>(b) ? sign_a : (sign_a ? a > b : a < b);
  return a_less != want_max ? a : b;
}

template <class F>
bool eq(typename F::Bits a, typename F::Bits b, std::uint32_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) [[unlikely]] {
    if (is_snan<F>(a) || is_snan<F>(b)) flags |= kNV;
    return false;
  }
  return a == b || ((a | b) & ~F::kSignBit) == 0;
}

template <class F>
bool lt(typename F::Bits a, typename F::Bits b, std::uint32_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) [[unlikely]] {
    flags |= kNV;
    return false;
  }
  const bool sign_a = sign_of<F>(a);
  if (sign_a != sign_of<F>(b)) return sign_a && ((a | b) & ~F::kSignBit) != 0;
  return a != b && (sign_a != (a < b));
}

template <class F>
bool le(typename F::Bits a, typename F::Bits b, std::uint32_t& flags) {
  if (is_nan<F>(a) || is_nan<F>(b)) [[unlikely]] {
    flags |= kNV;
    return false;
  }
  const bool sign_a = sign_of<F>(a);
  if (sign_a != sign_of<F>(b)) return sign_a || ((a | b) & ~F::kSignBit) == 0;
  return a == b || (sign_a != (a < b));
}

template <class F>
std::uint64_t classify(typename F::Bits a) {
  const bool sign = sign_of<F>(a);
  const int field = static_cast<int>((a >> F::kFracBits) & F::kExpMax);
  const bool frac_zero = (a & F::kFracMask) == 0;
  if (field == F::kExpMax) {
    if (frac_zero) return sign ? kClassNegInf : kClassPosInf;
    return (a & F::kQuietBit) != 0 ? kClassQuietNan : kClassSignalingNan;
  }
  if (field == 0) {
    if (frac_zero) return sign ? kClassNegZero : kClassPosZero;
    return sign ? kClassNegSubnormal : kClassPosSubnormal;
  }
  return sign ? kClassNegNormal : kClassPosNormal;
}

// Float to a kBits-bit integer, per the spec table "Domains of
// float-to-integer conversions": the value is rounded first, and only a
// rounded result outside the destination range is invalid (NV, saturated,
// no NX). The result is the kBits-bit two's-complement pattern.
template <class F, bool kSigned, int kBits>
std::uint64_t to_int(typename F::Bits a, Rm rm, std::uint32_t& flags) {
  constexpr std::uint64_t kMaxPositive =
      kSigned ? (std::uint64_t{1} << (kBits - 1)) - 1 : ~std::uint64_t{0} >> (64 - kBits);
  constexpr std::uint64_t kMaxNegativeMag = kSigned ? std::uint64_t{1} << (kBits - 1) : 0;
  constexpr std::uint64_t kMinResult = 0 - kMaxNegativeMag;
  const bool sign = sign_of<F>(a);
  const int field = static_cast<int>((a >> F::kFracBits) & F::kExpMax);
  if (field == F::kExpMax) {
    flags |= kNV;
    return sign && !is_nan<F>(a) ? kMinResult : kMaxPositive;
  }
  std::uint64_t sig = a & F::kFracMask;
  if (field != 0) sig |= std::uint64_t{1} << F::kFracBits;
  // value = sig * 2^scale
  const int scale = (field != 0 ? field : 1) - F::kBias - F::kFracBits;
  std::uint64_t mag = 0;
  bool inexact = false;
  if (scale >= 0) {
    // Only normal numbers get here, so sig >= 2^P and the value is at
    // least 2^64 once scale exceeds 63 - P.
    if (scale > 63 - F::kFracBits) {
      flags |= kNV;
      return sign ? kMinResult : kMaxPositive;
    }
    mag = sig << scale;
  } else if (-scale < 64) {
    const int shift = -scale;
    mag = sig >> shift;
    const std::uint64_t rest = sig & ((std::uint64_t{1} << shift) - 1);
    inexact = rest != 0;
    if (inexact && round_increment(rm, sign, (mag & 1) != 0, rest, std::uint64_t{1} << (shift - 1))) ++mag;
  } else {
    // |value| < 2^(P+1-64): below one half, non-zero unless sig is 0.
    inexact = sig != 0;
    if (inexact && round_increment(rm, sign, false, 1, std::uint64_t{1} << 62)) mag = 1;
  }
  if (sign ? mag > kMaxNegativeMag : mag > kMaxPositive) {
    flags |= kNV;
    return sign ? kMinResult : kMaxPositive;
  }
  if (inexact) flags |= kNX;
  return sign ? 0 - mag : mag;
}

constexpr std::uint64_t sign_extend32(std::uint64_t x) {
  return static_cast<std::uint64_t>(
      static_cast<std::int64_t>(static_cast<std::int32_t>(static_cast<std::uint32_t>(x))));
}

template <class F>
typename F::Bits from_int(bool negative, std::uint64_t mag, Rm rm, std::uint32_t& flags) {
  if (mag == 0) return 0;  // integer zero converts to +0 in every mode
  return normalize_round_pack<F>(negative, F::kBias + 62, mag, rm, flags);
}

template <class F>
typename F::Bits from_signed(std::int64_t v, Rm rm, std::uint32_t& flags) {
  const auto u = static_cast<std::uint64_t>(v);
  return from_int<F>(v < 0, v < 0 ? 0 - u : u, rm, flags);
}

// Between formats: NaNs become canonical (NV for sNaN), inf and zero keep
// their sign, anything else is rounded into the destination.
template <class To, class From>
typename To::Bits convert(typename From::Bits a, Rm rm, std::uint32_t& flags) {
  const bool sign = sign_of<From>(a);
  if (is_nan<From>(a)) {
    if (is_snan<From>(a)) flags |= kNV;
    return To::kCanonicalNan;
  }
  if (is_inf<From>(a)) return sign_bits<To>(sign) | To::kInf;
  if (is_zero<From>(a)) return sign_bits<To>(sign);
  const Unpacked u = unpack<From>(a);
  return round_pack<To>(sign, u.exp - From::kBias + To::kBias, u.sig, rm, flags);
}

}  // namespace

// ---- single precision ----
std::uint32_t add_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags) {
  return add<F32>(a, b, rm, flags);
}
// a - b = a + (-b); flipping a NaN's sign is harmless as the NaN result is
// canonical anyway and signaling-ness is kept.
std::uint32_t sub_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags) {
  return add<F32>(a, b ^ F32::kSignBit, rm, flags);
}
std::uint32_t mul_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags) {
  return mul<F32>(a, b, rm, flags);
}
std::uint32_t div_s(std::uint32_t a, std::uint32_t b, Rm rm, std::uint32_t& flags) {
  return divide<F32>(a, b, rm, flags);
}
std::uint32_t sqrt_s(std::uint32_t a, Rm rm, std::uint32_t& flags) { return square_root<F32>(a, rm, flags); }
std::uint32_t min_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags) {
  return min_max<F32>(a, b, false, flags);
}
std::uint32_t max_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags) {
  return min_max<F32>(a, b, true, flags);
}
std::uint32_t madd_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F32>(a, b, c, false, false, rm, flags);
}
std::uint32_t msub_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F32>(a, b, c, false, true, rm, flags);
}
std::uint32_t nmsub_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F32>(a, b, c, true, false, rm, flags);
}
std::uint32_t nmadd_s(std::uint32_t a, std::uint32_t b, std::uint32_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F32>(a, b, c, true, true, rm, flags);
}
bool eq_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags) { return eq<F32>(a, b, flags); }
bool lt_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags) { return lt<F32>(a, b, flags); }
bool le_s(std::uint32_t a, std::uint32_t b, std::uint32_t& flags) { return le<F32>(a, b, flags); }
std::uint64_t classify_s(std::uint32_t a) { return classify<F32>(a); }
std::uint32_t sgnj_s(std::uint32_t a, std::uint32_t b) { return (a & ~F32::kSignBit) | (b & F32::kSignBit); }
std::uint32_t sgnjn_s(std::uint32_t a, std::uint32_t b) {
  return (a & ~F32::kSignBit) | (~b & F32::kSignBit);
}
std::uint32_t sgnjx_s(std::uint32_t a, std::uint32_t b) { return a ^ (b & F32::kSignBit); }

std::uint64_t cvt_w_s(std::uint32_t a, Rm rm, std::uint32_t& flags) {
  return sign_extend32(to_int<F32, true, 32>(a, rm, flags));
}
std::uint64_t cvt_wu_s(std::uint32_t a, Rm rm, std::uint32_t& flags) {
  return sign_extend32(to_int<F32, false, 32>(a, rm, flags));
}
std::uint64_t cvt_l_s(std::uint32_t a, Rm rm, std::uint32_t& flags) {
  return to_int<F32, true, 64>(a, rm, flags);
}
std::uint64_t cvt_lu_s(std::uint32_t a, Rm rm, std::uint32_t& flags) {
  return to_int<F32, false, 64>(a, rm, flags);
}
std::uint32_t cvt_s_w(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_signed<F32>(static_cast<std::int32_t>(static_cast<std::uint32_t>(rs1)), rm, flags);
}
std::uint32_t cvt_s_wu(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_int<F32>(false, static_cast<std::uint32_t>(rs1), rm, flags);
}
std::uint32_t cvt_s_l(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_signed<F32>(static_cast<std::int64_t>(rs1), rm, flags);
}
std::uint32_t cvt_s_lu(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_int<F32>(false, rs1, rm, flags);
}

// ---- double precision ----
std::uint64_t add_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags) {
  return add<F64>(a, b, rm, flags);
}
std::uint64_t sub_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags) {
  return add<F64>(a, b ^ F64::kSignBit, rm, flags);
}
std::uint64_t mul_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags) {
  return mul<F64>(a, b, rm, flags);
}
std::uint64_t div_d(std::uint64_t a, std::uint64_t b, Rm rm, std::uint32_t& flags) {
  return divide<F64>(a, b, rm, flags);
}
std::uint64_t sqrt_d(std::uint64_t a, Rm rm, std::uint32_t& flags) { return square_root<F64>(a, rm, flags); }
std::uint64_t min_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags) {
  return min_max<F64>(a, b, false, flags);
}
std::uint64_t max_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags) {
  return min_max<F64>(a, b, true, flags);
}
std::uint64_t madd_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F64>(a, b, c, false, false, rm, flags);
}
std::uint64_t msub_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F64>(a, b, c, false, true, rm, flags);
}
std::uint64_t nmsub_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F64>(a, b, c, true, false, rm, flags);
}
std::uint64_t nmadd_d(std::uint64_t a, std::uint64_t b, std::uint64_t c, Rm rm, std::uint32_t& flags) {
  return fused_mul_add<F64>(a, b, c, true, true, rm, flags);
}
bool eq_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags) { return eq<F64>(a, b, flags); }
bool lt_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags) { return lt<F64>(a, b, flags); }
bool le_d(std::uint64_t a, std::uint64_t b, std::uint32_t& flags) { return le<F64>(a, b, flags); }
std::uint64_t classify_d(std::uint64_t a) { return classify<F64>(a); }
std::uint64_t sgnj_d(std::uint64_t a, std::uint64_t b) { return (a & ~F64::kSignBit) | (b & F64::kSignBit); }
std::uint64_t sgnjn_d(std::uint64_t a, std::uint64_t b) {
  return (a & ~F64::kSignBit) | (~b & F64::kSignBit);
}
std::uint64_t sgnjx_d(std::uint64_t a, std::uint64_t b) { return a ^ (b & F64::kSignBit); }

std::uint64_t cvt_w_d(std::uint64_t a, Rm rm, std::uint32_t& flags) {
  return sign_extend32(to_int<F64, true, 32>(a, rm, flags));
}
std::uint64_t cvt_wu_d(std::uint64_t a, Rm rm, std::uint32_t& flags) {
  return sign_extend32(to_int<F64, false, 32>(a, rm, flags));
}
std::uint64_t cvt_l_d(std::uint64_t a, Rm rm, std::uint32_t& flags) {
  return to_int<F64, true, 64>(a, rm, flags);
}
std::uint64_t cvt_lu_d(std::uint64_t a, Rm rm, std::uint32_t& flags) {
  return to_int<F64, false, 64>(a, rm, flags);
}
std::uint64_t cvt_d_w(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_signed<F64>(static_cast<std::int32_t>(static_cast<std::uint32_t>(rs1)), rm, flags);
}
std::uint64_t cvt_d_wu(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_int<F64>(false, static_cast<std::uint32_t>(rs1), rm, flags);
}
std::uint64_t cvt_d_l(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_signed<F64>(static_cast<std::int64_t>(rs1), rm, flags);
}
std::uint64_t cvt_d_lu(std::uint64_t rs1, Rm rm, std::uint32_t& flags) {
  return from_int<F64>(false, rs1, rm, flags);
}

// ---- between formats ----
std::uint32_t cvt_s_d(std::uint64_t a, Rm rm, std::uint32_t& flags) {
  return convert<F32, F64>(a, rm, flags);
}
std::uint64_t cvt_d_s(std::uint32_t a, Rm rm, std::uint32_t& flags) {
  return convert<F64, F32>(a, rm, flags);
}

}  // namespace vmm::cpu::fp
