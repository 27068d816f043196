// The pieces of gemmlowp's fixed-point library that TFLite's integer SOFTMAX,
// LOG_SOFTMAX, TFLM's LOGISTIC/TANH and the integer LSTM are built from,
// written for tfldbg from the arithmetic they define. A value is a raw
// integer (int32 or int16) with `IntegerBits` integer bits and the rest of
// its value bits fractional:
//
//   Fixed<5> diff = Fixed<5>::FromRaw(rescaled_input_diff);    // Q5.26
//   Fixed<0> e = ExpOnNegativeValues(diff);                     // exp(diff), diff <= 0
//   Fixed16<0> s = Logistic(Fixed16<3>::FromRaw(gate));         // Q3.12 -> Q0.15
//   int32_t reciprocal = GetReciprocal(sum.raw, 12, &bits_over_unit);
//
// One template serves both widths, as in gemmlowp; RawOps<Raw> holds what
// differs: int32 products and power-of-two scalings use fixed_point.h's
// primitives; int16 products round (a·b + 2^14) >> 15 and saturate only
// for INT16_MIN², the exp Taylor step ends with a saturating add, and int32
// constants are rounding-shifted right by 16 bits. Every operation
// reproduces gemmlowp's scalar path bit for bit (what its NEON/SSE paths
// compute too). Where gemmlowp relies on signed overflow (a + b, -a on the
// minimum) we wrap in two's complement, as the hardware and SIMD paths do.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "quant/fixed_point.h"

namespace tfldbg::quant {

inline int16_t Wrap16(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v))); }
inline int16_t Saturate16(int32_t v) { return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v)); }

template <typename Raw>
struct RawOps;

template <>
struct RawOps<int32_t> {
  static constexpr int kValueBits = 31;
  static int32_t Add(int32_t a, int32_t b) { return WrappingAdd(a, b); }
  static int32_t Sub(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
  }
  static int32_t Neg(int32_t a) { return static_cast<int32_t>(0u - static_cast<uint32_t>(a)); }
  static int32_t Mul(int32_t a, int32_t b) { return SaturatingRoundingDoublingHighMul(a, b); }
  static int32_t MulByPOT(int32_t x, int exponent) { return SaturatingRoundingMultiplyByPOT(x, exponent); }
  // gemmlowp's AddSaturatingIf16Bit: a plain (wrapping) add on int32.
  static int32_t AddSaturatingIf16Bit(int32_t a, int32_t b) { return Add(a, b); }
  // GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT: an int32 raw value as it is.
  static constexpr int32_t FromInt32Constant(int32_t raw32) { return raw32; }
  // (a + b) / 2 rounded half away from zero, without overflow.
  static int32_t RoundingHalfSum(int32_t a, int32_t b) {
    const int64_t sum = int64_t{a} + int64_t{b};
    return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);  // division truncates: the sign rounds halves out
  }
};

template <>
struct RawOps<int16_t> {
  static constexpr int kValueBits = 15;
  static int16_t Add(int16_t a, int16_t b) { return Wrap16(int32_t{a} + b); }
  static int16_t Sub(int16_t a, int16_t b) { return Wrap16(int32_t{a} - b); }
  static int16_t Neg(int16_t a) { return Wrap16(-int32_t{a}); }
  static int16_t Mul(int16_t a, int16_t b) {
    if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
    const int32_t ab = int32_t{a} * int32_t{b};
    const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return static_cast<int16_t>((ab + nudge) / (1 << 15));  // truncating division, as gemmlowp
  }
  static int16_t RoundingDivideByPOT(int16_t x, int exponent) {
    const int32_t mask = (1 << exponent) - 1;
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
  }
  // x · 2^exponent, saturating for positive exponents, rounding for negative ones.
  static int16_t MulByPOT(int16_t x, int exponent) {
    if (exponent == 0) return x;
    if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
    const int32_t threshold = (1 << (15 - exponent)) - 1;
    if (x > threshold) return std::numeric_limits<int16_t>::max();
    if (x < -threshold) return std::numeric_limits<int16_t>::min();
    return Wrap16(int32_t{x} * (1 << exponent));
  }
  static int16_t AddSaturatingIf16Bit(int16_t a, int16_t b) { return Saturate16(int32_t{a} + b); }
  // The Q-format's int32 raw value rounded to 16 bits.
  static int16_t FromInt32Constant(int32_t raw32) { return static_cast<int16_t>(quant::RoundingDivideByPOT(raw32, 16)); }
  static int16_t RoundingHalfSum(int16_t a, int16_t b) {
    const int32_t sum = int32_t{a} + int32_t{b};
    return static_cast<int16_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
  }
};

template <typename Raw, int IntegerBits>
struct FixedPoint {
  using Ops = RawOps<Raw>;
  static_assert(IntegerBits >= 0 && IntegerBits <= Ops::kValueBits, "more integer bits than the raw type has");
  static constexpr int kIntegerBits = IntegerBits;
  static constexpr int kFractionalBits = Ops::kValueBits - IntegerBits;
  Raw raw = 0;

  static constexpr FixedPoint FromRaw(Raw r) { return FixedPoint{r}; }
  static FixedPoint FromInt32Constant(int32_t raw32) { return FromRaw(Ops::FromInt32Constant(raw32)); }
  static constexpr FixedPoint Zero() { return FixedPoint{0}; }
  // Saturated to the largest value when 1 is not representable (IntegerBits 0).
  static constexpr FixedPoint One() {
    return FromRaw(IntegerBits == 0 ? std::numeric_limits<Raw>::max() : static_cast<Raw>(int64_t{1} << kFractionalBits));
  }
  // 2^Exponent, which must be exactly representable.
  template <int Exponent>
  static constexpr FixedPoint ConstantPOT() {
    static_assert(kFractionalBits + Exponent >= 0 && kFractionalBits + Exponent < Ops::kValueBits,
                  "2^Exponent is not representable in this format");
    return FromRaw(static_cast<Raw>(int64_t{1} << (kFractionalBits + Exponent)));
  }
};

template <int IntegerBits>
using Fixed = FixedPoint<int32_t, IntegerBits>;
template <int IntegerBits>
using Fixed16 = FixedPoint<int16_t, IntegerBits>;

template <typename R, int A>
FixedPoint<R, A> operator+(FixedPoint<R, A> a, FixedPoint<R, A> b) {
  return FixedPoint<R, A>::FromRaw(RawOps<R>::Add(a.raw, b.raw));
}
template <typename R, int A>
FixedPoint<R, A> operator-(FixedPoint<R, A> a, FixedPoint<R, A> b) {
  return FixedPoint<R, A>::FromRaw(RawOps<R>::Sub(a.raw, b.raw));
}
// Negation wraps the minimum onto itself, like the SIMD negate instructions.
template <typename R, int A>
FixedPoint<R, A> operator-(FixedPoint<R, A> a) {
  return FixedPoint<R, A>::FromRaw(RawOps<R>::Neg(a.raw));
}
// The product of two fixed-point values carries the sum of their integer bits.
template <typename R, int A, int B>
FixedPoint<R, A + B> operator*(FixedPoint<R, A> a, FixedPoint<R, B> b) {
  return FixedPoint<R, A + B>::FromRaw(RawOps<R>::Mul(a.raw, b.raw));
}

// Changes the number of integer bits, rounding or saturating the raw value.
template <int To, typename R, int From>
FixedPoint<R, To> Rescale(FixedPoint<R, From> x) {
  return FixedPoint<R, To>::FromRaw(RawOps<R>::MulByPOT(x.raw, From - To));
}

// x · 2^Exponent by moving the binary point: the raw value does not change.
template <int Exponent, typename R, int IntegerBits>
FixedPoint<R, IntegerBits + Exponent> ExactMulByPot(FixedPoint<R, IntegerBits> x) {
  return FixedPoint<R, IntegerBits + Exponent>::FromRaw(x.raw);
}

// (a + b) / 2 rounded half away from zero, without overflow.
inline int32_t RoundingHalfSum(int32_t a, int32_t b) { return RawOps<int32_t>::RoundingHalfSum(a, b); }

// exp(x) for x in [-1/4, 0), by a Taylor expansion around -1/8, the middle of
// the interval: exp(a) = e^(-1/8)·exp(x) with x = a + 1/8 in [-1/8, 1/8), and
// exp(x) ≈ 1 + x + x²/2 + x³/6 + x⁴/24.
template <typename R>
FixedPoint<R, 0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(FixedPoint<R, 0> a) {
  using F = FixedPoint<R, 0>;
  const F exp_of_minus_one_eighth = F::FromInt32Constant(1895147668);
  const F one_third = F::FromInt32Constant(715827883);
  const F x = a + F::template ConstantPOT<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = F::FromRaw(RawOps<R>::MulByPOT(x4.raw, -2));
  // ((x⁴/4 + x³)/3 + x²)/2 = x⁴/24 + x³/6 + x²/2, in gemmlowp's order of roundings.
  const F higher_terms = F::FromRaw(RawOps<R>::MulByPOT((((x4_over_4 + x3) * one_third) + x2).raw, -1));
  return F::FromRaw(RawOps<R>::AddSaturatingIf16Bit(exp_of_minus_one_eighth.raw,
                                                    (exp_of_minus_one_eighth * (x + higher_terms)).raw));
}

// exp(x) for x <= 0. The fractional part (mod 1/4) goes through the Taylor
// expansion; each set bit of the rest multiplies by a constant exp(-2^k).
template <typename R, int IntegerBits>
FixedPoint<R, 0> ExpOnNegativeValues(FixedPoint<R, IntegerBits> a) {
  using InputF = FixedPoint<R, IntegerBits>;
  using ResultF = FixedPoint<R, 0>;
  using Unsigned = std::make_unsigned_t<R>;
  constexpr int kFractionalBits = InputF::kFractionalBits;
  const InputF one_quarter = InputF::template ConstantPOT<-2>();
  const R quarter_mask = static_cast<R>(one_quarter.raw - 1);
  // a mod 1/4 lies in [0, 1/4); shifted down by 1/4 it is in [-1/4, 0).
  const InputF a_mod_quarter_minus_one_quarter = InputF::FromRaw(static_cast<R>(a.raw & quarter_mask)) - one_quarter;
  ResultF result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale<0>(a_mod_quarter_minus_one_quarter));
  // The part of -a not yet accounted for: a multiple of 1/4.
  const R remainder = (a_mod_quarter_minus_one_quarter - a).raw;

  // Q0.31 values of exp(-2^k), k = -2..4 (gemmlowp's constants).
  struct Step {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                    {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Step& s : kSteps) {
    // Bits at or above the integer range cannot be set in this format.
    if (IntegerBits > s.exponent) {
      const int bit = kFractionalBits + s.exponent;
      if ((static_cast<Unsigned>(remainder) >> bit) & 1u) result = result * ResultF::FromInt32Constant(s.multiplier);
    }
  }
  // Formats wider than 5 integer bits can hold inputs below -32, where the
  // seven steps above stop; exp is 0 to Q0.31 precision there anyway.
  if constexpr (IntegerBits > 5) {
    const InputF minus_32 = InputF::FromInt32Constant(-static_cast<int32_t>(int64_t{1} << (36 - IntegerBits)));
    if (a.raw < minus_32.raw) result = ResultF::Zero();
  }
  if (a.raw == 0) result = ResultF::One();
  return result;
}

namespace detail {
// Newton-Raphson for 1/d with d = half_denominator in [1/2, 1): start from
// the best linear guess 48/17 - 32/17·d, then three steps x += x·(1 - d·x).
// Returns x with 2 integer bits (1/d lies in (1, 2]).
template <typename R>
FixedPoint<R, 2> ReciprocalOfHalfDenominator(FixedPoint<R, 0> half_denominator) {
  using F2 = FixedPoint<R, 2>;
  const F2 forty_eight_seventeenths = F2::FromInt32Constant(1515870810);
  const F2 minus_thirty_two_seventeenths = F2::FromInt32Constant(-1010580540);
  F2 x = forty_eight_seventeenths + half_denominator * minus_thirty_two_seventeenths;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus_half_denominator_times_x = F2::One() - half_denominator_times_x;
    x = x + Rescale<2>(x * one_minus_half_denominator_times_x);
  }
  return x;
}
}  // namespace detail

// 1 / (1 + x) for x in [0, 1): 1/(1 + a) = (1/2) / ((1 + a)/2), and
// (1 + a)/2 lies in [1/2, 1).
template <typename R>
FixedPoint<R, 0> OneOverOnePlusXForXIn01(FixedPoint<R, 0> a) {
  using F0 = FixedPoint<R, 0>;
  const F0 half_denominator = F0::FromRaw(RawOps<R>::RoundingHalfSum(a.raw, F0::One().raw));
  // Halving is a move of the binary point (Q2 -> Q1, same raw), then Q0.
  return Rescale<0>(ExactMulByPot<-1>(detail::ReciprocalOfHalfDenominator(half_denominator)));
}
// (1 - x) / (1 + x) for x in [0, 1): 1/((1 + a)/2) - 1.
template <typename R>
FixedPoint<R, 0> OneMinusXOverOnePlusXForXIn01(FixedPoint<R, 0> a) {
  using F0 = FixedPoint<R, 0>;
  const F0 half_denominator = F0::FromRaw(RawOps<R>::RoundingHalfSum(a.raw, F0::One().raw));
  return Rescale<0>(detail::ReciprocalOfHalfDenominator(half_denominator) - FixedPoint<R, 2>::One());
}

// gemmlowp::logistic: 1 / (1 + exp(-x)) for any x, computed on |x| and
// mirrored (1 - y) for negative x; exactly 1/2 at 0.
template <typename R, int IntegerBits>
FixedPoint<R, 0> Logistic(FixedPoint<R, IntegerBits> a) {
  using ResultF = FixedPoint<R, 0>;
  if (a.raw == 0) return ResultF::FromInt32Constant(1 << 30);
  const bool positive = a.raw > 0;
  const FixedPoint<R, IntegerBits> abs_input = positive ? a : -a;
  const ResultF result_if_positive = OneOverOnePlusXForXIn01(ExpOnNegativeValues(-abs_input));
  return positive ? result_if_positive : ResultF::One() - result_if_positive;
}

// gemmlowp::tanh: (1 - exp(2x)) / (1 + exp(2x)) on -|x|, sign restored; 0 at 0.
// exp(2x) is taken in a format with one more integer bit (no rounding).
template <typename R, int IntegerBits>
FixedPoint<R, 0> Tanh(FixedPoint<R, IntegerBits> a) {
  using ResultF = FixedPoint<R, 0>;
  if (a.raw == 0) return ResultF::Zero();
  const bool negative = a.raw < 0;
  const FixedPoint<R, IntegerBits> negative_input = negative ? a : -a;
  const ResultF minus_tanh_of_negative = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(ExactMulByPot<1>(negative_input)));
  return negative ? -minus_tanh_of_negative : minus_tanh_of_negative;
}

// TFLite's tensor_utils::ApplyTanh(integer_bits, ...) for one int16 value
// (integer LSTM); integer_bits in [0, 6].
int16_t ApplyTanh16(int integer_bits, int16_t x);

// TFLite's GetReciprocal: 1/x for a positive fixed-point value with
// `x_integer_digits` integer bits, as a Q0.31 raw value to be scaled by
// 2^-num_bits_over_unit. x is normalised to [1, 2) first.
int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit);

// TFLite's GetInvSqrtQuantizedMultiplierExp (L2 normalisation, LSTM layer
// norm): 1/sqrt(input) as a multiplier and shift; `reverse_shift` is -1
// (kReverseShift) to get a left shift as QuantizeMultiplier does, +1 to keep
// TFLite's right-shift convention. Inputs <= 1 give {INT32_MAX, 0}.
QuantizedMultiplier GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift);

// TFLite's PreprocessSoftmaxScaling: beta·input_scale·2^(31 - integer_bits)
// capped, as a multiplier greater than one.
QuantizedMultiplier PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits, RoundingMode mode);
// TFLite's CalculateInputRadius: the largest input difference (in input
// quanta) whose rescaled value still fits in `input_integer_bits`.
int CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits = 31);

}  // namespace tfldbg::quant
