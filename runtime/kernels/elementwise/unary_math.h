// The element math of the unary elementwise ops (ABS, NEG, SQUARE, SQRT, RSQRT,
// EXP, LOG, SIN, COS, FLOOR, CEIL, ROUND, SIGN) where LiteRT computes something
// other than the obvious libm call: its round-half-to-even, SIGN's NaN rule,
// integer negation and absolute value that wrap at the type's minimum, and the
// quantized ABS, RSQRT (int8) and SQRT paths. EXP, LOG and int16 RSQRT go
// through lookup tables (quant/fixed_point.h, quant/int16_lut.h).
//
//   math::AbsQuantizedParams p = ...;                 // from Prepare
//   y[i] = static_cast<int8_t>(math::AbsQuantized(p, x[i]));
//   y[i] = math::RoundHalfToEven(x[i]);               // ROUND
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

// LiteRT's RoundToNearest (reference/round.h): ties go to the even neighbour,
// as tf.round. NaN and infinities come back unchanged (their "diff" is NaN,
// so they take the floor + 1 branch, which keeps them).
inline float RoundHalfToEven(float v) {
  const float floor_v = std::floor(v);
  const float diff = v - floor_v;
  // A tie needs |v| < 2^23, so the int conversion below is in range.
  if (diff < 0.5f || (diff == 0.5f && static_cast<int32_t>(floor_v) % 2 == 0)) return floor_v;
  return floor_v + 1.0f;
}

// SIGN: -1, 0 or 1; a floating NaN is passed through unchanged.
template <typename T>
T Sign(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  if (x > 0) return T{1};
  if (x < 0) return T{-1};
  return T{0};
}

// -x and |x| on two's complement integers: the type's minimum maps onto
// itself, as the negate instruction LiteRT's code compiles to gives (in C++ it
// would be overflow).
template <typename T>
T WrappingNegate(T x) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(U{0} - static_cast<U>(x)));
}
template <typename T>
T WrappingAbs(T x) {
  return x < 0 ? WrappingNegate(x) : x;
}

// IEEE half as raw bits: negation flips the sign bit (Eigen::half's operator-).
inline uint16_t NegateHalf(uint16_t h) { return static_cast<uint16_t>(h ^ 0x8000u); }
// A float function applied to a half: widened exactly, rounded back to nearest even.
template <typename F>
uint16_t ApplyToHalf(uint16_t h, F f) {
  return FloatToHalf(f(HalfToFloat(h)));
}

// Quantized ABS (int8; int16 with zero points 0): |q - zp_in|, rescaled by
// s_in/s_out when the scales differ (MultiplyByQuantizedMultiplier), plus zp_out.
struct AbsQuantizedParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  bool rescale = false;  // LiteRT compares the two float scales for equality
  quant::QuantizedMultiplier multiplier;
  quant::IntRange range;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

// Zero points lie in the type's range (checked in Prepare): no overflow.
inline int32_t AbsQuantized(const AbsQuantizedParams& p, int32_t q) {
  const int32_t magnitude = std::abs(q - p.input_zero_point);
  const int32_t scaled = p.rescale ? quant::MultiplyByQuantizedMultiplier(magnitude, p.multiplier, p.rounding) : magnitude;
  return std::clamp(quant::WrappingAdd(scaled, p.output_zero_point), p.range.min, p.range.max);
}

// Quantized int8 RSQRT (elementwise.cc RsqrtEvalQuantizedInt8): 1/sqrt(q - zp_in)
// as a fixed-point multiplier (GetInvSqrtQuantizedMultiplierExp), applied to 1
// with 20 bits of headroom, then rescaled by 1/(sqrt(s_in)·s_out) and shifted
// back. q == zp_in gives the type's maximum. The caller has checked q >= zp_in.
struct RsqrtInt8Params {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  quant::QuantizedMultiplier multiplier;  // 1 / (sqrt(s_in) · s_out)
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

inline int32_t RsqrtInt8(const RsqrtInt8Params& p, int32_t q) {
  constexpr int kHeadroomShift = 20;  // LiteRT's kShift: keeps the intermediate an integer
  const int32_t value = q - p.input_zero_point;
  if (value == 0) return std::numeric_limits<int8_t>::max();
  const quant::QuantizedMultiplier inv_sqrt = quant::GetInvSqrtQuantizedMultiplierExp(value, /*reverse_shift=*/-1);
  const int32_t scaled_root =
      quant::MultiplyByQuantizedMultiplier(1, {inv_sqrt.multiplier, inv_sqrt.shift + kHeadroomShift}, p.rounding);
  const int32_t out = quant::WrappingAdd(
      quant::MultiplyByQuantizedMultiplier(scaled_root, {p.multiplier.multiplier, p.multiplier.shift - kHeadroomShift},
                                           p.rounding),
      p.output_zero_point);
  return std::clamp<int32_t>(out, std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max());
}

// Quantized SQRT (int8; int16 with zero points 0), elementwise.cc
// SqrtEvalQuantized: dequantize in float, sqrtf, divide by s_out and
// *truncate* (a plain int conversion, not a rounding), add zp_out, clamp.
struct SqrtQuantizedParams {
  float input_scale = 0.0f;
  int32_t input_zero_point = 0;
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
  quant::IntRange range;
};

inline float SqrtDequantized(const SqrtQuantizedParams& p, int32_t q) {
  return p.input_scale * static_cast<float>(q - p.input_zero_point);
}

// `dequantized` >= 0 (the caller has refused negative values, as LiteRT does).
inline int32_t SqrtQuantized(const SqrtQuantizedParams& p, float dequantized) {
  const float root = std::sqrt(dequantized);
  const int32_t truncated = FloatToInt32X86(root / p.output_scale);
  return std::clamp(quant::WrappingAdd(truncated, p.output_zero_point), p.range.min, p.range.max);
}

}  // namespace tfldbg::math
