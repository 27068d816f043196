// The pieces of gemmlowp's fixed-point library that TFLite's integer SOFTMAX
// (and LSTM/logistic paths) are built from, written for tfldbg from the
// arithmetic they define. A value is a raw int32 with `IntegerBits` integer
// bits and 31 - IntegerBits fractional bits.
//
//   Fixed<5> diff = Fixed<5>::FromRaw(rescaled_input_diff);
//   Fixed<0> e = ExpOnNegativeValues(diff);          // exp(diff) for diff <= 0
//   int32_t reciprocal = GetReciprocal(sum.raw, 12, &bits_over_unit);
#pragma once

#include <cstdint>

#include "quant/fixed_point.h"

namespace tfldbg::quant {

template <int IntegerBits>
struct Fixed {
  static constexpr int kIntegerBits = IntegerBits;
  static constexpr int kFractionalBits = 31 - IntegerBits;
  int32_t raw = 0;

  static Fixed FromRaw(int32_t r) { return Fixed{r}; }
  static Fixed One() {  // saturated to the largest value when 1 is not representable
    return FromRaw(IntegerBits == 0 ? INT32_MAX : static_cast<int32_t>(int64_t{1} << kFractionalBits));
  }
  // 2^exponent as a constant of this type.
  template <int Exponent>
  static Fixed ConstantPOT() {
    return FromRaw(static_cast<int32_t>(int64_t{1} << (kFractionalBits + Exponent)));
  }
};

template <int A>
Fixed<A> operator+(Fixed<A> a, Fixed<A> b) { return Fixed<A>::FromRaw(WrappingAdd(a.raw, b.raw)); }
template <int A>
Fixed<A> operator-(Fixed<A> a, Fixed<A> b) {
  return Fixed<A>::FromRaw(static_cast<int32_t>(static_cast<uint32_t>(a.raw) - static_cast<uint32_t>(b.raw)));
}
template <int A, int B>
Fixed<A + B> operator*(Fixed<A> a, Fixed<B> b) {
  return Fixed<A + B>::FromRaw(SaturatingRoundingDoublingHighMul(a.raw, b.raw));
}

// Changes the number of integer bits, rounding or saturating the raw value.
template <int To, int From>
Fixed<To> Rescale(Fixed<From> x) {
  return Fixed<To>::FromRaw(SaturatingRoundingMultiplyByPOT(x.raw, From - To));
}

// exp(x) for x in [-1/4, 0), by a Taylor expansion around -1/8.
Fixed<0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0> a);

// exp(x) for x <= 0 with `IntegerBits` integer bits (instantiated for 5).
template <int IntegerBits>
Fixed<0> ExpOnNegativeValues(Fixed<IntegerBits> a);

// 1 / (1 + x) for x in [0, 1), by Newton-Raphson.
Fixed<0> OneOverOnePlusXForXIn01(Fixed<0> a);

// The reciprocal of a positive fixed-point value with `x_integer_digits`
// integer bits, as a Fixed<0> raw value scaled by 2^-num_bits_over_unit.
int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit);

// TFLite's PreprocessSoftmaxScaling: beta·input_scale·2^(31 - integer_bits)
// capped, as a multiplier greater than one.
QuantizedMultiplier PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits, RoundingMode mode);
// The largest input difference that the rescaled softmax input can hold.
int CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits = 31);

}  // namespace tfldbg::quant
