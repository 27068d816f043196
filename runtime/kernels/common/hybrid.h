// Dynamic-range ("hybrid") helpers: float activations quantized on the fly
// against constant int8 weights, as LiteRT's hybrid kernels do.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tfldbg::math {

// std::round (half away from zero) then clamp to [lo, hi], for |v| small
// enough that truncation to int32 is exact: v - trunc(v) is exact in float, so
// comparing it with ±0.5 decides the rounding exactly as std::round does,
// without a library call (the loop vectorizes). NaN gives 0.
inline int32_t RoundToInt8Range(float v, int32_t lo, int32_t hi) {
  if (!(std::fabs(v) < 1048576.0f)) {  // NaN, or far outside: saturate (or 0 for NaN)
    if (std::isnan(v)) return 0;
    return v < 0 ? lo : hi;
  }
  int32_t t = static_cast<int32_t>(v);  // toward zero
  const float fraction = v - static_cast<float>(t);
  t += (fraction >= 0.5f) - (fraction <= -0.5f);
  return std::min(std::max(t, lo), hi);
}

// Symmetric int8 quantization of one row: scale = max|x| / 127,
// q = round(x · 127 / max|x|) clamped to ±127; an all-zero row gets scale 1.
// Q: int8_t, or int16_t to feed 16-bit dot products directly (same values).
template <typename Q>
float SymmetricQuantizeRow(const float* x, int64_t n, Q* q) {
  if (n <= 0) return 1.0f;
  // The largest magnitude, max(|min|, |max|) as LiteRT takes it, over eight
  // independent lanes so the loop vectorizes (for numbers the order cannot
  // matter; a row with NaN gives garbage in LiteRT too).
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) {
      const float a = std::fabs(x[i + k]);
      lanes[k] = lanes[k] < a ? a : lanes[k];
    }
  }
  float range = 0.0f;
  for (; i < n; ++i) range = std::max(range, std::fabs(x[i]));
  for (float lane : lanes) range = std::max(range, lane);
  if (range == 0.0f) {
    std::fill(q, q + n, static_cast<Q>(0));
    return 1.0f;
  }
  const float inverse = 127.0f / range;
  for (int64_t i = 0; i < n; ++i) q[i] = static_cast<Q>(RoundToInt8Range(x[i] * inverse, -127, 127));
  return range / 127.0f;
}

// Asymmetric int8 quantization of one row (LiteRT's AsymmetricQuantizeFloats):
// the range [min(0, x), max(0, x)] over 255 steps, the zero point nudged into
// [-128, 127] from whichever end is closer to exact; q = round(zp + x / scale)
// clamped. An all-zero row gets scale 1 and zero point 0.
inline void AsymmetricQuantizeRow(const float* x, int64_t n, int8_t* q, float* scale_out, int32_t* zero_point_out) {
  constexpr double kQMin = -128.0, kQMax = 127.0;
  double rmin = 0.0, rmax = 0.0;
  if (n > 0) {
    const auto [lo, hi] = std::minmax_element(x, x + n);
    rmin = std::fmin(0.0, static_cast<double>(*lo));
    rmax = std::fmax(0.0, static_cast<double>(*hi));
  }
  if (rmin == rmax) {
    std::fill(q, q + n, static_cast<int8_t>(0));
    *scale_out = 1.0f;
    *zero_point_out = 0;
    return;
  }
  const double scale = (rmax - rmin) / (kQMax - kQMin);
  const double from_min = kQMin - rmin / scale;
  const double from_max = kQMax - rmax / scale;
  const double from_min_error = std::fabs(kQMin) + std::fabs(rmin / scale);
  const double from_max_error = std::fabs(kQMax) + std::fabs(rmax / scale);
  const double zero_point = from_min_error < from_max_error ? from_min : from_max;
  int32_t nudged = 0;
  if (zero_point <= kQMin) {
    nudged = -128;
  } else if (zero_point >= kQMax) {
    nudged = 127;
  } else {
    nudged = static_cast<int32_t>(std::round(zero_point));
  }
  *scale_out = static_cast<float>(scale);
  *zero_point_out = nudged;
  const float inverse = static_cast<float>(1.0 / static_cast<double>(*scale_out));
  const float offset = static_cast<float>(nudged);
  for (int64_t i = 0; i < n; ++i) q[i] = static_cast<int8_t>(RoundToInt8Range(offset + x[i] * inverse, -128, 127));
}

}  // namespace tfldbg::math
