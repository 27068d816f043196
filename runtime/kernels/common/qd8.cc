#include "kernels/common/qd8.h"

#include <algorithm>
#include <cmath>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tfldbg::math {

float QuantizeRowQd8(const float* x, int n, int8_t* q, int32_t* zero_point) {
  float lo = 0.0f, hi = 0.0f;
  for (int i = 0; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const float scale = Qd8Scale(lo, hi, zero_point);
  const float lo_q = static_cast<float>(-128 - *zero_point), hi_q = static_cast<float>(127 - *zero_point);
  for (int i = 0; i < n; ++i) {
    const float v = std::min(std::max(x[i] * scale, lo_q), hi_q);
    q[i] = static_cast<int8_t>(static_cast<int32_t>(std::nearbyint(v)) + *zero_point);
  }
  return 1.0f / scale;
}

float Qd8Scale(float lo, float hi, int32_t* zero_point) {
  const float qmin = -128.0f, qmax = 127.0f;
  const float scale = lo == hi ? 1.0f : (qmax - qmin) / (hi - lo);
  const float descaled_min = lo * scale;
  const float descaled_max = hi * scale;
  float zp = (qmin + descaled_min) + (qmax + descaled_max) > 0.0f ? qmin - descaled_min : qmax - descaled_max;
  zp = std::min(std::max(zp, qmin), qmax);
  *zero_point = static_cast<int32_t>(std::nearbyint(zp));
  return scale;
}

float QuantizeRowQd8Biased(const float* x, int n, uint8_t* u, int32_t* zero_point) {
  // The range: 8 running minima and maxima; (x < m) ? x : m ignores NaN and
  // keeps +0 over −0 in any order, so lanes combine to QuantizeRowQd8's lo, hi.
  constexpr int kLanes = 8;
  float lo8[kLanes] = {}, hi8[kLanes] = {};
  int i = 0;
#if defined(__SSE2__)
  // minps(v, m) is (v < m) ? v : m, maxps(v, m) is (v > m) ? v : m: the same selections.
  __m128 lo_a = _mm_setzero_ps(), lo_b = _mm_setzero_ps(), hi_a = _mm_setzero_ps(), hi_b = _mm_setzero_ps();
  for (; i + kLanes <= n; i += kLanes) {
    const __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + 4);
    lo_a = _mm_min_ps(a, lo_a);
    lo_b = _mm_min_ps(b, lo_b);
    hi_a = _mm_max_ps(a, hi_a);
    hi_b = _mm_max_ps(b, hi_b);
  }
  _mm_storeu_ps(lo8, lo_a);
  _mm_storeu_ps(lo8 + 4, lo_b);
  _mm_storeu_ps(hi8, hi_a);
  _mm_storeu_ps(hi8 + 4, hi_b);
#else
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) {
      const float v = x[i + j];
      lo8[j] = v < lo8[j] ? v : lo8[j];
      hi8[j] = hi8[j] < v ? v : hi8[j];
    }
  }
#endif
  float lo = 0.0f, hi = 0.0f;
  for (int j = 0; j < kLanes; ++j) {
    lo = std::min(lo, lo8[j]);
    hi = std::max(hi, hi8[j]);
  }
  for (; i < n; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
  const float scale = Qd8Scale(lo, hi, zero_point);
  const float lo_q = static_cast<float>(-128 - *zero_point), hi_q = static_cast<float>(127 - *zero_point);
  const uint32_t offset = static_cast<uint32_t>(*zero_point) + 128u;
  // v + 1.5 · 2^23 lies in [2^23, 2^24), where floats are the integers: the sum
  // rounds v to nearest even (the default rounding mode), the difference is exact.
  const float magic = 12582912.0f;
  for (int k = 0; k < n; ++k) {
    const float v = std::min(std::max(x[k] * scale, lo_q), hi_q);
    const float r = (v + magic) - magic;
    u[k] = static_cast<uint8_t>(static_cast<uint32_t>(static_cast<int32_t>(r)) + offset);
  }
  return 1.0f / scale;
}

}  // namespace tfldbg::math
