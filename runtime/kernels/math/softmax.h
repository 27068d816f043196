// SOFTMAX over the last axis, LiteRT's reference kernels: float with std::exp,
// and the integer path built from gemmlowp fixed point (exp of the rescaled
// difference to the row max in Q5.26, a Q12 sum, a fixed-point reciprocal).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/gemmlowp_fixed_point.h"

namespace tfldbg::math {

inline void SoftmaxFloat(const float* input, int64_t rows, int depth, float beta, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * depth;
    float* y = output + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int c = 0; c < depth; ++c) {
      const float e = std::exp((x[c] - max) * beta);
      y[c] = e;
      sum += e;
    }
    for (int c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

struct SoftmaxParams {
  quant::QuantizedMultiplier input_beta;  // multiplier and left shift for the input difference
  int diff_min = 0;                        // differences below this give exp() = 0
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

template <typename In, typename Out>
void SoftmaxQuantized(const SoftmaxParams& p, const In* input, int64_t rows, int depth, Out* output) {
  constexpr int kScaledDiffIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  using ScaledDiff = quant::Fixed<kScaledDiffIntegerBits>;
  using Accum = quant::Fixed<kAccumulationIntegerBits>;
  for (int64_t r = 0; r < rows; ++r) {
    const In* x = input + r * depth;
    Out* y = output + r * depth;
    In max_in_row = std::numeric_limits<In>::min();
    for (int c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    Accum sum = Accum::FromRaw(0);
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t rescaled = quant::MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_beta, p.rounding);
        sum = sum + quant::Rescale<kAccumulationIntegerBits>(quant::ExpOnNegativeValues(ScaledDiff::FromRaw(rescaled)));
      }
    }
    int bits_over_unit = 0;
    const quant::Fixed<0> scale = quant::Fixed<0>::FromRaw(quant::GetReciprocal(sum.raw, kAccumulationIntegerBits, &bits_over_unit));
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) {
        const int32_t rescaled = quant::MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_beta, p.rounding);
        const quant::Fixed<0> e = quant::ExpOnNegativeValues(ScaledDiff::FromRaw(rescaled));
        const int32_t unsaturated =
            quant::RoundingDivideByPOT((scale * e).raw, bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8));
        const int32_t shifted = unsaturated + static_cast<int32_t>(std::numeric_limits<Out>::min());
        y[c] = static_cast<Out>(std::clamp<int32_t>(shifted, std::numeric_limits<Out>::min(), std::numeric_limits<Out>::max()));
      } else {
        y[c] = std::numeric_limits<Out>::min();
      }
    }
  }
}

}  // namespace tfldbg::math
