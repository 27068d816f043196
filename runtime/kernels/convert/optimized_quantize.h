// LiteRT's *optimized* float -> int8/uint8/int16 QUANTIZE, per-tensor
// (--kernels optimized; optimized_ops::AffineQuantize, x86 build): whole
// blocks of 8 values through its NEON code (NEON_2_SSE): x times the float
// reciprocal 1/scale (computed in double, rounded to float), rounded to
// nearest with ties to even (vcvtnq_s32_f32, _mm_cvtps_epi32: out of range
// and NaN give INT32_MIN), + zero point, clamped; the last n % 8 values as
// round(x / scale) in double, ties away from zero. The reference divides in
// float.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/fixed_point.h"

namespace tfldbg::math {

inline int32_t QuantizeOptimizedBlock(float x, float reverse_scale, int32_t zero_point, quant::IntRange range) {
  const float v = x * reverse_scale;
  const int32_t r = (v >= -2147483648.0f && v < 2147483648.0f) ? static_cast<int32_t>(std::nearbyint(v))
                                                              : std::numeric_limits<int32_t>::min();
  return std::min(std::max(quant::WrappingAdd(r, zero_point), range.min), range.max);
}

inline int32_t QuantizeOptimizedTail(float x, double scale, int32_t zero_point, quant::IntRange range) {
  const double q = std::round(static_cast<double>(x) / scale);
  const int32_t r = (q >= -2147483648.0 && q < 2147483648.0) ? static_cast<int32_t>(q) : std::numeric_limits<int32_t>::min();
  return std::min(std::max(quant::WrappingAdd(r, zero_point), range.min), range.max);
}

}  // namespace tfldbg::math
