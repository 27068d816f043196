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

// The largest magnitude of a row, as SymmetricQuantizeRow takes it (0 for an empty row).
inline float SymmetricRange(const float* x, int64_t n) {
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
  return range;
}

// Symmetric int8 quantization of one row: scale = max|x| / 127,
// q = round(x · 127 / max|x|) clamped to ±127; an all-zero row gets scale 1.
// Q: int8_t, or int16_t to feed 16-bit dot products directly (same values).
template <typename Q>
float SymmetricQuantizeRow(const float* x, int64_t n, Q* q) {
  if (n <= 0) return 1.0f;
  const float range = SymmetricRange(x, n);
  if (range == 0.0f) {
    std::fill(q, q + n, static_cast<Q>(0));
    return 1.0f;
  }
  const float inverse = 127.0f / range;
  for (int64_t i = 0; i < n; ++i) q[i] = static_cast<Q>(RoundToInt8Range(x[i] * inverse, -127, 127));
  return range / 127.0f;
}

// The scale and zero point of AsymmetricQuantizeRow alone; false for an
// all-zero row (scale 1, zero point 0, every q 0).
inline bool AsymmetricQuantizeParams(const float* x, int64_t n, float* scale_out, int32_t* zero_point_out) {
  constexpr double kQMin = -128.0, kQMax = 127.0;
  float rmin_f = 0.0f, rmax_f = 0.0f;
  if (n > 0) {
    const auto [lo, hi] = std::minmax_element(x, x + n);
    rmin_f = std::fmin(0.0f, *lo);
    rmax_f = std::fmax(0.0f, *hi);
  }
  if (rmin_f == rmax_f) {
    *scale_out = 1.0f;
    *zero_point_out = 0;
    return false;
  }
  // The range is a float difference, the scale and zero point then double:
  // what LiteRT's build computes (measured on its hybrid FULLY_CONNECTED over
  // 1200 rows: a range taken in double gives another scale in about one row in
  // nine). Rows whose range is exactly symmetric can still differ: their zero
  // point lands on ±0.5 (docs/litert-defects.md).
  const double rmin = rmin_f, rmax = rmax_f;
  const double scale = static_cast<double>(rmax_f - rmin_f) / (kQMax - kQMin);
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
  return true;
}

// Asymmetric int8 quantization of one row (LiteRT's AsymmetricQuantizeFloats):
// the range [min(0, x), max(0, x)] over 255 steps, the zero point nudged into
// [-128, 127] from whichever end is closer to exact; q = round(zp + x / scale)
// clamped. An all-zero row gets scale 1 and zero point 0.
inline void AsymmetricQuantizeRow(const float* x, int64_t n, int8_t* q, float* scale_out, int32_t* zero_point_out) {
  if (!AsymmetricQuantizeParams(x, n, scale_out, zero_point_out)) {
    std::fill(q, q + n, static_cast<int8_t>(0));
    return;
  }
  const int32_t nudged = *zero_point_out;
  const float inverse = 1.0f / *scale_out;
  const float offset = static_cast<float>(nudged);
  for (int64_t i = 0; i < n; ++i) q[i] = static_cast<int8_t>(RoundToInt8Range(offset + x[i] * inverse, -128, 127));
}

// True when every value is ±0 (LiteRT's IsZeroVector: its hybrid recurrent
// kernels skip quantizing and multiplying such a block).
inline bool AllZero(const float* x, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] != 0.0f) return false;
  }
  return true;
}

// LiteRT's BatchQuantizeFloats: n_batch rows of n values, each quantized on
// its own, asymmetrically (a zero point per row) or symmetrically (zero point 0).
inline void QuantizeRows(const float* x, int n_batch, int n, bool asymmetric, int8_t* q, float* scales,
                         int32_t* zero_points) {
  for (int b = 0; b < n_batch; ++b) {
    const int64_t offset = static_cast<int64_t>(b) * n;
    if (asymmetric) {
      AsymmetricQuantizeRow(x + offset, n, q + offset, &scales[b], &zero_points[b]);
    } else {
      scales[b] = SymmetricQuantizeRow(x + offset, n, q + offset);
      zero_points[b] = 0;
    }
  }
}

// Σ_c w[r][c] for each of the rows, wrapping as LiteRT's int32 would.
inline void WeightRowSums(const int8_t* w, int rows, int cols, int32_t* sums) {
  for (int r = 0; r < rows; ++r) {
    uint32_t sum = 0;
    for (int c = 0; c < cols; ++c) sum += static_cast<uint32_t>(static_cast<int32_t>(w[static_cast<int64_t>(r) * cols + c]));
    sums[r] = static_cast<int32_t>(sum);
  }
}

// LiteRT's hybrid MatrixBatchVectorMultiplyAccumulate for per-tensor weights:
// for each quantized row b of q and weight row r,
//   result[b * result_stride + r] += float(Σ w·q − zero_point[b]·row_sums[r]) · (scale[b] · weight_scale)
// in wrapping int32 (row_sums may be null when every zero point is 0).
inline void HybridMatVecAccumulate(const int8_t* w, int rows, int cols, float weight_scale, const int8_t* q,
                                   const float* scales, const int32_t* zero_points, const int32_t* row_sums,
                                   int n_batch, float* result, int64_t result_stride) {
  for (int b = 0; b < n_batch; ++b) {
    const int8_t* qb = q + static_cast<int64_t>(b) * cols;
    const float scale = scales[b] * weight_scale;
    const uint32_t zero_point = static_cast<uint32_t>(zero_points[b]);
    float* out = result + static_cast<int64_t>(b) * result_stride;
    for (int r = 0; r < rows; ++r) {
      uint32_t dot = 0;
      const int8_t* wr = w + static_cast<int64_t>(r) * cols;
      for (int c = 0; c < cols; ++c) dot += static_cast<uint32_t>(static_cast<int32_t>(wr[c]) * qb[c]);
      if (zero_point != 0) dot -= static_cast<uint32_t>(row_sums[r]) * zero_point;
      out[r] += static_cast<float>(static_cast<int32_t>(dot)) * scale;
    }
  }
}

}  // namespace tfldbg::math
