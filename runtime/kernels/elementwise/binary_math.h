// The element arithmetic of the binary elementwise ops whose values are not a
// plain C++ operator: quantized DIV and SQUARED_DIFFERENCE, FLOOR_DIV,
// FLOOR_MOD, RIGHT_SHIFT, int32 DIV and POW, and POW's integer-exponent path,
// as LiteRT's kernels compute them (reference/div.h, floor_div.h, floor_mod.h,
// squared_difference.cc, right_shift.cc, optimized_ops.h BroadcastPow4D).
// The kernels walk the operands with math::BroadcastN and call these per element.
//
//   QuantizedDivParams p = ...;   // from Prepare
//   y[o] = static_cast<int8_t>(QuantizedDiv(p, x1[i1], x2[i2]));
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "quant/fixed_point.h"
#include "quant/gemmlowp_fixed_point.h"
#include "quant/quantize.h"

namespace tfldbg::math {

// How many bits below the sign bit equal it (GCC's __builtin_clrsb): 31 for 0 and -1.
inline int CountLeadingSignBits(int32_t x) {
  const uint32_t magnitude_bits = static_cast<uint32_t>(x < 0 ? ~x : x);
  return magnitude_bits == 0 ? 31 : __builtin_clz(magnitude_bits) - 1;
}

// gemmlowp's RoundingDivideByPOT(x, exponent) as LiteRT's x86 build
// computes it for any exponent. Outside [0, 31] the C++ is undefined (shifts
// by the width or more, or by a negative amount); the machine masks the
// count: the 64-bit `1 << e` of the mask shifts by e mod 64, the 32-bit
// `x >> e` by e mod 32. So for e in [32, 63] the mask is all ones and the
// result is x >> (e − 32), plus 1 when x >= 0. In [0, 31] this is the
// ordinary rounding division.
inline int32_t RoundingDivideByPOTX86(int32_t x, int exponent) {
  const uint64_t wide_mask = (uint64_t{1} << (exponent & 63)) - 1;
  const int32_t mask = static_cast<int32_t>(static_cast<uint32_t>(wide_mask));
  const int32_t remainder = x & mask;
  // Arithmetic shifts of possibly negative values, written as floors.
  const int32_t half_mask = mask >= 0 ? (mask >> 1) : ~((~mask) >> 1);
  const int32_t threshold = half_mask + (x < 0 ? 1 : 0);
  const int count = exponent & 31;
  const int32_t shifted = x >= 0 ? (x >> count) : ~((~x) >> count);
  return shifted + (remainder > threshold ? 1 : 0);
}

// DIV's final rescale, MultiplyByQuantizedMultiplierSmallerThanOneExp, whose
// shift leaves [-31, 0] for small dividends (a large headroom) or large
// rescales: LiteRT's double-rounding build then divides as RoundingDivideByPOTX86.
inline int32_t QuantizedDivRescale(int32_t x, int32_t multiplier, int shift, quant::RoundingMode rounding) {
  if (rounding == quant::RoundingMode::kSingle || (shift <= 0 && shift >= -31)) {
    return quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(x, {multiplier, shift}, rounding);
  }
  return RoundingDivideByPOTX86(quant::SaturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

// Quantized DIV (int8, uint8, int16): the divisor's reciprocal in fixed point
// (GetReciprocal), the dividend normalised by its headroom, the quotient
// rescaled by s1/(s2·s_out) with the exponents of both folded into one shift.
struct QuantizedDivParams {
  int32_t input1_offset = 0, input2_offset = 0;  // −zero point
  int32_t output_offset = 0;
  quant::QuantizedMultiplier output_multiplier;  // s1/(s2·s_out)
  quant::IntRange clamp;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

// The divisor q2 - zp2 must not be 0 (the kernel checks before it calls).
inline int32_t QuantizedDiv(const QuantizedDivParams& p, int32_t q1, int32_t q2) {
  int32_t dividend = p.input1_offset + q1;
  int32_t divisor = p.input2_offset + q2;
  // The reciprocal is taken of a positive value: move the sign to the dividend.
  if (divisor < 0) {
    dividend = -dividend;
    divisor = -divisor;
  }
  int reciprocal_shift = 0;
  const int32_t reciprocal = quant::GetReciprocal(divisor, 31, &reciprocal_shift);
  const int headroom = CountLeadingSignBits(dividend);
  const int32_t unscaled = quant::MultiplyByQuantizedMultiplierGreaterThanOne(dividend, {reciprocal, headroom}, p.rounding);
  // Outside [-31, 0] LiteRT shifts by the width or more, or by a negative
  // amount (see QuantizedDivRescale).
  const int total_shift = p.output_multiplier.shift - reciprocal_shift - headroom;
  const int32_t scaled = QuantizedDivRescale(unscaled, p.output_multiplier.multiplier, total_shift, p.rounding);
  const int32_t v = quant::WrappingAdd(scaled, p.output_offset);
  return std::min(std::max(v, p.clamp.min), p.clamp.max);
}

// Quantized SQUARED_DIFFERENCE (int8): both inputs centred, shifted left 7
// and scaled onto 2·max(s1, s2); the difference squared, rescaled to the
// output, offset and clamped to int8. No fused activation.
struct QuantizedSquaredDifferenceParams {
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  quant::QuantizedMultiplier input1_multiplier, input2_multiplier, output_multiplier;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};
constexpr int kSquaredDifferenceLeftShift = 7;

inline int32_t QuantizedSquaredDifference(const QuantizedSquaredDifferenceParams& p, int32_t q1, int32_t q2) {
  using quant::MultiplyByQuantizedMultiplierSmallerThanOneExp;
  const int32_t shifted1 = (p.input1_offset + q1) * (1 << kSquaredDifferenceLeftShift);
  const int32_t shifted2 = (p.input2_offset + q2) * (1 << kSquaredDifferenceLeftShift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.rounding);
  const int32_t scaled2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.rounding);
  // |difference| <= 255·2^7, so its square stays below 2^31.
  const int32_t difference = scaled1 - scaled2;
  const int32_t scaled = MultiplyByQuantizedMultiplierSmallerThanOneExp(difference * difference, p.output_multiplier, p.rounding);
  const int32_t v = quant::WrappingAdd(scaled, p.output_offset);
  return std::min(std::max(v, int32_t{-128}), int32_t{127});
}

// static_cast<int32_t>(double) as x86 computes it (cvttsd2si): values outside
// int32, infinities and NaN give INT32_MIN.
inline int32_t DoubleToInt32X86(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// int32 DIV: C division, truncating. LiteRT's build answers INT32_MIN / -1
// (which overflows) with INT32_MAX, measured; the divisor is never 0 here.
inline int32_t DivideInt32(int32_t a, int32_t b) {
  if (b == -1) return a == std::numeric_limits<int32_t>::min() ? std::numeric_limits<int32_t>::max() : -a;
  return a / b;
}

// FLOOR_DIV: floor of the quotient computed in double, converted back to T.
// Only the type's minimum over -1 leaves T, and that conversion is undefined
// in C++: LiteRT's x86 build converts through int32 one element at a time
// (-128 / -1 gives int8 -128, INT32_MIN / -1 gives INT32_MIN) but, for int8
// and int16 operands of equal shapes, saturates in the vectorised blocks of
// 8 elements (127, 32767); see FloorDivSaturates. The divisor is never 0 here.
template <typename T>
T FloorDiv(T a, T b) {
  const double quotient = std::floor(static_cast<double>(a) / static_cast<double>(b));
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(quotient);
  } else {
    return static_cast<T>(DoubleToInt32X86(quotient));
  }
}

// LiteRT's equal-shape FLOOR_DIV loop over int8 and int16 runs in blocks of
// 8 elements with saturating packs, then a scalar tail (measured on 2.3.0).
constexpr int64_t kFloorDivVectorBlock = 8;

// Whether element `index` of an equal-shape int8/int16 FLOOR_DIV of `count`
// elements lies in a vectorised block, where an overflow saturates.
inline bool FloorDivSaturates(int64_t index, int64_t count) {
  return index < count - count % kFloorDivVectorBlock;
}

// FLOOR_MOD: the truncated remainder (std::fmod in float for floats), moved
// to the divisor's sign. Integer divisors are never 0 here. LiteRT traps on
// INT32_MIN % -1 and INT64_MIN % -1 (x86 idiv); the remainder is 0 there,
// and that is what tfldbg gives.
template <typename T>
T FloorMod(T a, T b) {
  T truncated;
  if constexpr (std::is_floating_point_v<T>) {
    truncated = std::fmod(a, b);
  } else if (b == -1) {
    truncated = 0;
  } else {
    truncated = static_cast<T>(a % b);
  }
  return truncated != 0 && ((b < 0) != (truncated < 0)) ? static_cast<T>(truncated + b) : truncated;
}

// RIGHT_SHIFT: the shift clamped to [0, bits - 1]; arithmetic for signed types.
template <typename T>
T RightShift(T x, T y) {
  constexpr int kMaxShift = static_cast<int>(sizeof(T)) * 8 - 1;
  const int shift = y < 0 ? 0 : (static_cast<int64_t>(y) > kMaxShift ? kMaxShift : static_cast<int>(y));
  if constexpr (std::is_signed_v<T>) {
    // Floor semantics without shifting a negative value (implementation-defined before C++20).
    return static_cast<T>(x >= 0 ? (x >> shift) : ~((~x) >> shift));
  } else {
    return static_cast<T>(x >> shift);
  }
}

// int32 POW: std::pow in double, converted as x86 does (overflow gives INT32_MIN).
// The exponent is never negative here.
inline int32_t PowInt32(int32_t base, int32_t exponent) {
  return DoubleToInt32X86(std::pow(static_cast<double>(base), static_cast<double>(exponent)));
}

// POW with a one-element exponent within 1e-5 of an integer n >= 1, when the
// shapes differ (LiteRT's BroadcastPow4D): base^n by recursive squaring,
// x^n = (x^(n/2))^2 · x^(n%2), each product clamped to the type's finite range
// (float: ±FLT_MAX; int32: wraps). Returns n, or 0 when the path does not apply.
inline int IntegerPowExponent(float exponent) {
  const int rounded = [&] {
    const float r = std::round(exponent);
    return r >= -2147483648.0f && r < 2147483648.0f ? static_cast<int>(r) : std::numeric_limits<int>::min();
  }();
  return std::fabs(exponent - static_cast<float>(rounded)) < 1e-5f && rounded >= 1 ? rounded : 0;
}
inline int IntegerPowExponent(int32_t exponent) { return exponent >= 1 ? exponent : 0; }

inline float IntegerPowStep(float a, float b) {
  return std::min(std::max(a * b, std::numeric_limits<float>::lowest()), std::numeric_limits<float>::max());
}
inline int32_t IntegerPowStep(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

template <typename T>
T IntegerPow(T base, int exponent) {
  if (exponent == 1) return base;
  const T half = IntegerPow(base, exponent / 2);
  const T squared = IntegerPowStep(half, half);
  return exponent % 2 == 1 ? IntegerPowStep(base, squared) : squared;
}

}  // namespace tfldbg::math
