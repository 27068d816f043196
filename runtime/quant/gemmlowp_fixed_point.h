// The pieces of gemmlowp's fixed-point library that TFLite's integer SOFTMAX,
// TFLM's LOGISTIC/TANH and the integer LSTM are built from, written for
// tfldbg from the arithmetic they define. A value is a raw int32 with
// `IntegerBits` integer bits and 31 - IntegerBits fractional bits.
//
//   Fixed<5> diff = Fixed<5>::FromRaw(rescaled_input_diff);
//   Fixed<0> e = ExpOnNegativeValues(diff);          // exp(diff) for diff <= 0
//   int32_t reciprocal = GetReciprocal(sum.raw, 12, &bits_over_unit);
//
// Every operation below reproduces gemmlowp's scalar path bit for bit (it is
// also what its NEON/SSE paths compute). Where gemmlowp relies on signed
// overflow (a + b, -a on INT32_MIN) we wrap in two's complement, as the
// hardware and the SIMD paths do.
#pragma once

#include <cstdint>

#include "quant/fixed_point.h"

namespace tfldbg::quant {

template <int IntegerBits>
struct Fixed {
  static_assert(IntegerBits >= 0 && IntegerBits <= 31, "an int32 has 31 value bits");
  static constexpr int kIntegerBits = IntegerBits;
  static constexpr int kFractionalBits = 31 - IntegerBits;
  int32_t raw = 0;

  static constexpr Fixed FromRaw(int32_t r) { return Fixed{r}; }
  static constexpr Fixed Zero() { return Fixed{0}; }
  // Saturated to the largest value when 1 is not representable (IntegerBits 0).
  static constexpr Fixed One() {
    return FromRaw(IntegerBits == 0 ? INT32_MAX : static_cast<int32_t>(int64_t{1} << kFractionalBits));
  }
  // 2^Exponent, which must be exactly representable.
  template <int Exponent>
  static constexpr Fixed ConstantPOT() {
    static_assert(kFractionalBits + Exponent >= 0 && kFractionalBits + Exponent < 31,
                  "2^Exponent is not representable in this format");
    return FromRaw(static_cast<int32_t>(int64_t{1} << (kFractionalBits + Exponent)));
  }
};

template <int A>
Fixed<A> operator+(Fixed<A> a, Fixed<A> b) {
  return Fixed<A>::FromRaw(WrappingAdd(a.raw, b.raw));
}
template <int A>
Fixed<A> operator-(Fixed<A> a, Fixed<A> b) {
  return Fixed<A>::FromRaw(static_cast<int32_t>(static_cast<uint32_t>(a.raw) - static_cast<uint32_t>(b.raw)));
}
// Negation wraps INT32_MIN onto itself, like the SIMD negate instructions.
template <int A>
Fixed<A> operator-(Fixed<A> a) {
  return Fixed<A>::FromRaw(static_cast<int32_t>(0u - static_cast<uint32_t>(a.raw)));
}
// The product of two fixed-point values carries the sum of their integer bits.
template <int A, int B>
Fixed<A + B> operator*(Fixed<A> a, Fixed<B> b) {
  return Fixed<A + B>::FromRaw(SaturatingRoundingDoublingHighMul(a.raw, b.raw));
}

// Changes the number of integer bits, rounding or saturating the raw value.
template <int To, int From>
Fixed<To> Rescale(Fixed<From> x) {
  return Fixed<To>::FromRaw(SaturatingRoundingMultiplyByPOT(x.raw, From - To));
}

// x · 2^Exponent by moving the binary point: the raw value does not change.
template <int Exponent, int IntegerBits>
Fixed<IntegerBits + Exponent> ExactMulByPot(Fixed<IntegerBits> x) {
  return Fixed<IntegerBits + Exponent>::FromRaw(x.raw);
}

// (a + b) / 2 rounded half away from zero, without overflow.
int32_t RoundingHalfSum(int32_t a, int32_t b);

// exp(x) for x in [-1/4, 0), by a Taylor expansion around -1/8.
Fixed<0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0> a);

// exp(x) for x <= 0. The fractional part (mod 1/4) goes through the Taylor
// expansion; each set bit of the rest multiplies by a constant exp(-2^k).
template <int IntegerBits>
Fixed<0> ExpOnNegativeValues(Fixed<IntegerBits> a) {
  using InputF = Fixed<IntegerBits>;
  using ResultF = Fixed<0>;
  constexpr int kFractionalBits = InputF::kFractionalBits;
  const InputF one_quarter = InputF::template ConstantPOT<-2>();
  const int32_t quarter_mask = one_quarter.raw - 1;
  // a mod 1/4 lies in [0, 1/4); shifted down by 1/4 it is in [-1/4, 0).
  const InputF a_mod_quarter_minus_one_quarter = InputF::FromRaw(a.raw & quarter_mask) - one_quarter;
  ResultF result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale<0>(a_mod_quarter_minus_one_quarter));
  // The part of -a not yet accounted for: a multiple of 1/4.
  const int32_t remainder = (a_mod_quarter_minus_one_quarter - a).raw;

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
      if ((static_cast<uint32_t>(remainder) >> bit) & 1u) result = result * ResultF::FromRaw(s.multiplier);
    }
  }
  // Formats wider than 5 integer bits can hold inputs below -32, where the
  // seven steps above stop; exp is 0 to Q0.31 precision there anyway.
  if constexpr (IntegerBits > 5) {
    const int32_t minus_32 = -static_cast<int32_t>(int64_t{1} << (36 - IntegerBits));
    if (a.raw < minus_32) result = ResultF::Zero();
  }
  if (a.raw == 0) result = ResultF::One();
  return result;
}

// 1 / (1 + x) for x in [0, 1), by Newton-Raphson.
Fixed<0> OneOverOnePlusXForXIn01(Fixed<0> a);
// (1 - x) / (1 + x) for x in [0, 1), by the same iteration.
Fixed<0> OneMinusXOverOnePlusXForXIn01(Fixed<0> a);

// gemmlowp::logistic: 1 / (1 + exp(-x)) for any x, computed on |x| and
// mirrored (1 - y) for negative x; exactly 1/2 at 0.
template <int IntegerBits>
Fixed<0> Logistic(Fixed<IntegerBits> a) {
  using ResultF = Fixed<0>;
  if (a.raw == 0) return ResultF::FromRaw(1 << 30);
  const bool positive = a.raw > 0;
  const Fixed<IntegerBits> abs_input = positive ? a : -a;
  const ResultF result_if_positive = OneOverOnePlusXForXIn01(ExpOnNegativeValues(-abs_input));
  return positive ? result_if_positive : ResultF::One() - result_if_positive;
}

// gemmlowp::tanh: (1 - exp(2x)) / (1 + exp(2x)) on -|x|, sign restored; 0 at 0.
// exp(2x) is taken in a format with one more integer bit (no rounding).
template <int IntegerBits>
Fixed<0> Tanh(Fixed<IntegerBits> a) {
  using ResultF = Fixed<0>;
  if (a.raw == 0) return ResultF::Zero();
  const bool negative = a.raw < 0;
  const Fixed<IntegerBits> negative_input = negative ? a : -a;
  const ResultF minus_tanh_of_negative = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(ExactMulByPot<1>(negative_input)));
  return negative ? -minus_tanh_of_negative : minus_tanh_of_negative;
}

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
