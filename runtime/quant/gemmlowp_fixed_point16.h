// gemmlowp's fixed-point arithmetic on int16 raw values, as TFLite's integer
// LSTM uses it (tensor_utils ApplySigmoid: Q3.12 -> Q0.15 logistic; ApplyTanh:
// Q(n).(15-n) -> Q0.15 tanh). Same algorithms as the int32 forms in
// gemmlowp_fixed_point.h, with gemmlowp's int16 rules: products round
// (a·b + 2^14) >> 15 and saturate only for INT16_MIN², sums wrap, the
// exp Taylor step ends with a saturating add, and the int32 constants are
// rounding-shifted right by 16 bits.
//
//   int16_t y = quant::Logistic16(quant::Fixed16<3>::FromRaw(gate)).raw;  // Q0.15
#pragma once

#include <cstdint>
#include <limits>

#include "quant/fixed_point.h"

namespace tfldbg::quant {

template <int IntegerBits>
struct Fixed16 {
  static_assert(IntegerBits >= 0 && IntegerBits <= 15, "an int16 has 15 value bits");
  static constexpr int kIntegerBits = IntegerBits;
  static constexpr int kFractionalBits = 15 - IntegerBits;
  int16_t raw = 0;
  static constexpr Fixed16 FromRaw(int16_t r) { return Fixed16{r}; }
  static constexpr Fixed16 Zero() { return Fixed16{0}; }
  static constexpr Fixed16 One() {
    return FromRaw(IntegerBits == 0 ? std::numeric_limits<int16_t>::max() : static_cast<int16_t>(1 << kFractionalBits));
  }
  template <int Exponent>
  static constexpr Fixed16 ConstantPOT() {
    static_assert(kFractionalBits + Exponent >= 0 && kFractionalBits + Exponent < 15, "2^Exponent is not representable");
    return FromRaw(static_cast<int16_t>(1 << (kFractionalBits + Exponent)));
  }
  // gemmlowp's GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT: the Q-format's int32
  // raw value rounded to 16 bits.
  static Fixed16 FromInt32Constant(int32_t raw32) { return FromRaw(static_cast<int16_t>(RoundingDivideByPOT(raw32, 16))); }
};

inline int16_t Wrap16(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v))); }
inline int16_t Saturate16(int32_t v) {
  return static_cast<int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}

inline int16_t SaturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));  // truncating division, as gemmlowp
}

inline int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  const int32_t mask = (1 << exponent) - 1;
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// x · 2^exponent, saturating for positive exponents, rounding for negative ones.
inline int16_t SaturatingRoundingMultiplyByPOT16(int16_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT16(x, -exponent);
  const int32_t threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<int16_t>::max();
  if (x < -threshold) return std::numeric_limits<int16_t>::min();
  return Wrap16(static_cast<int32_t>(x) * (1 << exponent));
}

template <int A>
Fixed16<A> operator+(Fixed16<A> a, Fixed16<A> b) {
  return Fixed16<A>::FromRaw(Wrap16(int32_t{a.raw} + b.raw));
}
template <int A>
Fixed16<A> operator-(Fixed16<A> a, Fixed16<A> b) {
  return Fixed16<A>::FromRaw(Wrap16(int32_t{a.raw} - b.raw));
}
template <int A>
Fixed16<A> operator-(Fixed16<A> a) {
  return Fixed16<A>::FromRaw(Wrap16(-int32_t{a.raw}));
}
template <int A, int B>
Fixed16<A + B> operator*(Fixed16<A> a, Fixed16<B> b) {
  return Fixed16<A + B>::FromRaw(SaturatingRoundingDoublingHighMul16(a.raw, b.raw));
}
template <int To, int From>
Fixed16<To> Rescale16(Fixed16<From> x) {
  return Fixed16<To>::FromRaw(SaturatingRoundingMultiplyByPOT16(x.raw, From - To));
}
template <int Exponent, int IntegerBits>
Fixed16<IntegerBits + Exponent> ExactMulByPot16(Fixed16<IntegerBits> x) {
  return Fixed16<IntegerBits + Exponent>::FromRaw(x.raw);
}

inline int16_t RoundingHalfSum16(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + int32_t{b};
  return static_cast<int16_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(x) for x in [-1/4, 0): the Taylor expansion around -1/8.
inline Fixed16<0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl16(Fixed16<0> a) {
  using F = Fixed16<0>;
  const F exp_of_minus_one_eighth = F::FromInt32Constant(1895147668);
  const F one_third = F::FromInt32Constant(715827883);
  const F x = a + F::ConstantPOT<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = F::FromRaw(SaturatingRoundingMultiplyByPOT16(x4.raw, -2));
  const F higher_terms = F::FromRaw(SaturatingRoundingMultiplyByPOT16((((x4_over_4 + x3) * one_third) + x2).raw, -1));
  // gemmlowp's AddSaturatingIf16Bit.
  return F::FromRaw(Saturate16(int32_t{exp_of_minus_one_eighth.raw} + (exp_of_minus_one_eighth * (x + higher_terms)).raw));
}

// exp(x) for x <= 0.
template <int IntegerBits>
Fixed16<0> ExpOnNegativeValues16(Fixed16<IntegerBits> a) {
  using InputF = Fixed16<IntegerBits>;
  using ResultF = Fixed16<0>;
  constexpr int kFractionalBits = InputF::kFractionalBits;
  const InputF one_quarter = InputF::template ConstantPOT<-2>();
  const int16_t quarter_mask = static_cast<int16_t>(one_quarter.raw - 1);
  const InputF a_mod_quarter_minus_one_quarter = InputF::FromRaw(static_cast<int16_t>(a.raw & quarter_mask)) - one_quarter;
  ResultF result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl16(Rescale16<0>(a_mod_quarter_minus_one_quarter));
  const int16_t remainder = (a_mod_quarter_minus_one_quarter - a).raw;
  struct Step {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                    {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Step& s : kSteps) {
    if (IntegerBits > s.exponent) {
      const int bit = kFractionalBits + s.exponent;
      if ((static_cast<uint16_t>(remainder) >> bit) & 1u) result = result * ResultF::FromInt32Constant(s.multiplier);
    }
  }
  if constexpr (IntegerBits > 5) {
    const InputF minus_32 = InputF::FromInt32Constant(-(1 << (36 - IntegerBits)));
    if (a.raw < minus_32.raw) result = ResultF::Zero();
  }
  if (a.raw == 0) result = ResultF::One();
  return result;
}

namespace detail16 {
// Newton-Raphson for 1/d, d = half_denominator in [1/2, 1); x in Q2.13.
inline Fixed16<2> ReciprocalOfHalfDenominator(Fixed16<0> half_denominator) {
  using F2 = Fixed16<2>;
  const F2 forty_eight_seventeenths = F2::FromInt32Constant(1515870810);
  const F2 minus_thirty_two_seventeenths = F2::FromInt32Constant(-1010580540);
  F2 x = forty_eight_seventeenths + half_denominator * minus_thirty_two_seventeenths;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus_half_denominator_times_x = F2::One() - half_denominator_times_x;
    x = x + Rescale16<2>(x * one_minus_half_denominator_times_x);
  }
  return x;
}
}  // namespace detail16

inline Fixed16<0> OneOverOnePlusXForXIn01_16(Fixed16<0> a) {
  const Fixed16<0> half_denominator = Fixed16<0>::FromRaw(RoundingHalfSum16(a.raw, Fixed16<0>::One().raw));
  return Rescale16<0>(ExactMulByPot16<-1>(detail16::ReciprocalOfHalfDenominator(half_denominator)));
}

inline Fixed16<0> OneMinusXOverOnePlusXForXIn01_16(Fixed16<0> a) {
  const Fixed16<0> half_denominator = Fixed16<0>::FromRaw(RoundingHalfSum16(a.raw, Fixed16<0>::One().raw));
  return Rescale16<0>(detail16::ReciprocalOfHalfDenominator(half_denominator) - Fixed16<2>::One());
}

// gemmlowp::logistic on int16.
template <int IntegerBits>
Fixed16<0> Logistic16(Fixed16<IntegerBits> a) {
  using ResultF = Fixed16<0>;
  if (a.raw == 0) return ResultF::FromInt32Constant(1 << 30);
  const bool positive = a.raw > 0;
  const Fixed16<IntegerBits> abs_input = positive ? a : -a;
  const ResultF result_if_positive = OneOverOnePlusXForXIn01_16(ExpOnNegativeValues16(-abs_input));
  return positive ? result_if_positive : ResultF::One() - result_if_positive;
}

// gemmlowp::tanh on int16.
template <int IntegerBits>
Fixed16<0> Tanh16(Fixed16<IntegerBits> a) {
  using ResultF = Fixed16<0>;
  if (a.raw == 0) return ResultF::Zero();
  const bool negative = a.raw < 0;
  const Fixed16<IntegerBits> negative_input = negative ? a : -a;
  const ResultF minus_tanh_of_negative =
      OneMinusXOverOnePlusXForXIn01_16(ExpOnNegativeValues16(ExactMulByPot16<1>(negative_input)));
  return negative ? -minus_tanh_of_negative : minus_tanh_of_negative;
}

// TFLite's tensor_utils::ApplyTanh(integer_bits, ...) for one value;
// integer_bits in [0, 6].
int16_t ApplyTanh16(int integer_bits, int16_t x);

}  // namespace tfldbg::quant
