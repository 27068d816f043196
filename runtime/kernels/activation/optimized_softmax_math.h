// LiteRT's *optimized* quantized SOFTMAX and LOG_SOFTMAX (--kernels optimized):
// not gemmlowp fixed point as the reference kernels, but a 256-entry float
// table of exp(-s_in·β·d) for the distance d of a value to its row's maximum
// (optimized_ops::PopulateSoftmaxLookupTable), a float sum over the row in
// order, and a float rescale and rounding (optimized_ops::Softmax,
// optimized_ops::LogSoftmax). x86 build: no uint16 table (that one is aarch64
// only), and uint8 outputs rounded as (int)(p + 0.5f) with no zero point.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace tfldbg::math {

struct SoftmaxTableParams {
  // table[255 - d] = expf((-s_in·β) · d), float arithmetic as LiteRT.
  std::array<float, 256> table{};
  float output_scale = 1.0f;
  int32_t output_zero_point = 0;
};

inline void PopulateSoftmaxTable(float input_scale, float beta, SoftmaxTableParams* p) {
  const float scale = -input_scale * beta;
  for (int32_t d = 0; d <= 255; ++d) p->table[255 - d] = std::exp(scale * static_cast<float>(d));
}

// The output quantization of optimized_ops::Softmax: round half away from
// zero (std::round) plus the zero point; uint8 outputs (x86) add 0.5 and
// truncate, without the zero point.
template <typename Out>
int32_t QuantizeSoftmaxTableOutput(float p, int32_t zero_point) {
  if constexpr (std::is_same_v<Out, uint8_t>) {
    return static_cast<int32_t>(p + 0.5f);
  } else {
    return static_cast<int32_t>(std::round(p)) + zero_point;
  }
}

template <typename In, typename Out>
void SoftmaxTable(const SoftmaxTableParams& p, const In* input, int64_t rows, int depth, Out* output) {
  constexpr int32_t lo = std::numeric_limits<Out>::min(), hi = std::numeric_limits<Out>::max();
  for (int64_t r = 0; r < rows; ++r) {
    const In* x = input + r * depth;
    Out* y = output + r * depth;
    int32_t max_val = std::numeric_limits<In>::min();
    for (int c = 0; c < depth; ++c) max_val = std::max(max_val, static_cast<int32_t>(x[c]));
    // exp of (x - max): the table entry 255 - (max - x).
    const float* at = p.table.data() + (255 - max_val);
    float sum = 0.0f;
    for (int c = 0; c < depth; ++c) sum += at[x[c]];
    const float inv = 1.0f / (sum * p.output_scale);
    for (int c = 0; c < depth; ++c) {
      const int32_t q = QuantizeSoftmaxTableOutput<Out>(at[x[c]] * inv, p.output_zero_point);
      y[c] = static_cast<Out>(std::clamp(q, lo, hi));
    }
  }
}

// optimized_ops::LogSoftmax for int8/uint8 (β = 1): log of the table sum, then
// (s_in/s_out)·x − (s_in·max + log(sum))/s_out in float, rounded to nearest
// even (std::rint), plus the zero point.
template <typename T>
void LogSoftmaxTable(const SoftmaxTableParams& p, float input_scale, const T* input, int64_t rows, int depth, T* output) {
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = input + r * depth;
    T* y = output + r * depth;
    T max_q = std::numeric_limits<T>::min();
    for (int c = 0; c < depth; ++c) max_q = std::max(max_q, x[c]);
    const float* at = p.table.data() + (255 - static_cast<int32_t>(max_q));
    float sum = 0.0f;
    for (int c = 0; c < depth; ++c) sum += at[x[c]];
    const float log_sum = std::log(sum);
    const float scale = input_scale / p.output_scale;
    const float precomputed = (input_scale * static_cast<float>(max_q) + log_sum) / p.output_scale;
    for (int c = 0; c < depth; ++c) {
      const float log_prob = scale * static_cast<float>(x[c]) - precomputed;
      const int32_t q = static_cast<int32_t>(std::rint(log_prob)) + p.output_zero_point;
      y[c] = static_cast<T>(std::clamp(q, lo, hi));
    }
  }
}

}  // namespace tfldbg::math
