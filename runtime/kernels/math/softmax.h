// SOFTMAX over the last axis, LiteRT's reference kernels: float with std::exp,
// and the integer path built from gemmlowp fixed point (exp of the rescaled
// difference to the row max in Q5.26, a Q12 sum, a fixed-point reciprocal).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/gemmlowp_fixed_point.h"
#include "quant/int16_lut.h"
#include <vector>

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

// int16 (zero point 0, output scale 1/32768): exp and 1/(1+x) through
// interpolated 513-entry tables, as LiteRT's SoftmaxInt16.
struct SoftmaxInt16Params {
  quant::QuantizedMultiplier input_multiplier;  // maps input differences onto [-65535, 0] ~ [-10, 0]
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
  const int16_t* exp_lut = nullptr;
  const int16_t* one_over_one_plus_x_lut = nullptr;
};

inline void SoftmaxInt16(const SoftmaxInt16Params& p, const int16_t* input, int64_t rows, int depth, int16_t* output) {
  std::vector<int16_t> exp_q015(static_cast<size_t>(depth));
  for (int64_t r = 0; r < rows; ++r) {
    const int16_t* x = input + r * depth;
    int16_t* y = output + r * depth;
    int16_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    int32_t sum = 0;
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      const int32_t scaled = quant::MultiplyByQuantizedMultiplier(diff, p.input_multiplier, p.rounding);
      const int32_t symmetric = std::min(std::max(scaled + 32767, -32768), 32767);
      exp_q015[static_cast<size_t>(c)] = quant::Int16LutLookup(static_cast<int16_t>(symmetric), p.exp_lut);
      sum = quant::WrappingAdd(sum, exp_q015[static_cast<size_t>(c)]);
    }
    const uint32_t usum = static_cast<uint32_t>(sum);
    const int headroom_plus_one = usum == 0 ? 32 : __builtin_clz(usum);
    const int32_t shifted_sum =
        headroom_plus_one >= 1 && headroom_plus_one <= 32
            ? static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14)
            : 0;
    const int32_t symmetric_sum = std::min(std::max(shifted_sum - ((1 << 15) + (1 << 16)), -32768), 32767);
    const int16_t reciprocal = quant::Int16LutLookup(static_cast<int16_t>(symmetric_sum), p.one_over_one_plus_x_lut);
    const int right_shift = std::max(1, 31 - headroom_plus_one);
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int c = 0; c < depth; ++c) {
      const int64_t v = (static_cast<int64_t>(exp_q015[static_cast<size_t>(c)]) * reciprocal + round) >> right_shift;
      y[c] = static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, 0), 32767));
    }
  }
}

}  // namespace tfldbg::math
