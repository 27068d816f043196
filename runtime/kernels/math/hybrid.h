// Dynamic-range ("hybrid") helpers: float activations quantized on the fly
// against constant int8 weights, as LiteRT's hybrid kernels do.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tfldbg::math {

// Symmetric int8 quantization of one row: scale = max|x| / 127,
// q = round(x · 127 / max|x|) clamped to ±127; an all-zero row gets scale 1.
inline float SymmetricQuantizeRow(const float* x, int64_t n, int8_t* q) {
  if (n <= 0) return 1.0f;
  const auto [lo, hi] = std::minmax_element(x, x + n);
  const float range = std::max(std::fabs(*lo), std::fabs(*hi));
  if (range == 0.0f) {
    std::fill(q, q + n, static_cast<int8_t>(0));
    return 1.0f;
  }
  const float inverse = 127.0f / range;
  for (int64_t i = 0; i < n; ++i) {
    const float r = std::round(x[i] * inverse);
    const int32_t v = std::isnan(r) ? 0 : static_cast<int32_t>(std::min(std::max(r, -127.0f), 127.0f));
    q[i] = static_cast<int8_t>(v);
  }
  return range / 127.0f;
}

}  // namespace tfldbg::math
