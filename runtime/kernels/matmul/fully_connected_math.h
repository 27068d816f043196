// FULLY_CONNECTED math in LiteRT's reference order: per batch row and output
// unit, a dot product over the input depth, then bias, then requantization
// (integer) or the activation clamp (float).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/conv/conv_math.h"
#include "kernels/common/dot.h"

namespace tfldbg::math {

struct FullyConnectedShape {
  int batches = 1;
  int depth = 1;  // input elements per row = weights columns
  int units = 1;  // output elements per row = weights rows
};

// FULLY_CONNECTED as the 1x1 convolution it is, for ConvolvePacked: weights
// packed with PackFilterByOutputChannel(AsOneByOneConv(s), ...) run the loop
// vectorized across units (each accumulator still sums in depth order).
inline ConvGeometry AsOneByOneConv(const FullyConnectedShape& s) {
  ConvGeometry g;
  g.input = {s.batches, 1, 1, s.depth};
  g.filter = {s.units, 1, 1, s.depth};
  g.output = {s.batches, 1, 1, s.units};
  return g;
}

// Terms in order, MulAdd<kFused> (conv_math.h).
template <bool kFused = false>
void FullyConnectedFloat(const FullyConnectedShape& s, const float* input, const float* weights, const float* bias,
                         quant::FloatRange clamp, float* output, const float* packed = nullptr) {
  if (packed != nullptr) {
    ConvolvePacked<float>(
        AsOneByOneConv(s), input, packed, [](float x) { return x; }, MulAdd<kFused>,
        [&](int index, int u, float total) {
          const float value = total + (bias ? bias[u] : 0.0f);
          output[index] = std::min(std::max(value, clamp.min), clamp.max);
        });
    return;
  }
  for (int b = 0; b < s.batches; ++b) {
    const float* x = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const float* w = weights + static_cast<int64_t>(u) * s.depth;
      float total = 0.0f;
      for (int d = 0; d < s.depth; ++d) total = MulAdd<kFused>(total, x[d], w[d]);
      const float value = total + (bias ? bias[u] : 0.0f);
      output[static_cast<int64_t>(b) * s.units + u] = std::min(std::max(value, clamp.min), clamp.max);
    }
  }
}

// `weights16` (optional): the weights as int16 [units][depth] with the filter
// offset added, and `row16` scratch for one input row (depth values): the dot
// products then run on 16-bit factors (pairs multiplied and added at once).
template <typename T, typename W>
void FullyConnectedQuantized(const FullyConnectedShape& s, const T* input, const W* weights, const int32_t* bias,
                             const ChannelRequant& q, T* output, const int16_t* weights16 = nullptr,
                             int16_t* row16 = nullptr) {
  const bool per_channel = q.multipliers.size() > 1;
  for (int b = 0; b < s.batches; ++b) {
    const T* x = input + static_cast<int64_t>(b) * s.depth;
    if (weights16 != nullptr) {
      for (int d = 0; d < s.depth; ++d) row16[d] = static_cast<int16_t>(static_cast<int32_t>(x[d]) + q.input_offset);
    }
    T* out = output + static_cast<int64_t>(b) * s.units;
    auto write = [&](int u, int32_t acc) {
      if (bias) acc = quant::WrappingAdd(acc, bias[u]);
      if (!q.xnn_scales.empty()) {
        out[u] = static_cast<T>(XnnpackRequantize(acc, q.xnn_scales[static_cast<size_t>(u)], q.output_offset, q.clamp));
        return;
      }
      int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[per_channel ? static_cast<size_t>(u) : 0], q.rounding);
      v = quant::WrappingAdd(v, q.output_offset);
      out[u] = static_cast<T>(std::min(std::max(v, q.clamp.min), q.clamp.max));
    };
    int u = 0;
    if (weights16 != nullptr) {
      for (; u + 4 <= s.units; u += 4) {
        int32_t acc[4];
        DotInt16Rows4(row16, weights16 + static_cast<int64_t>(u) * s.depth, s.depth, s.depth, acc);
        for (int k = 0; k < 4; ++k) write(u + k, acc[k]);
      }
    }
    for (; u < s.units; ++u) {
      write(u, weights16 != nullptr
                   ? DotInt16(row16, weights16 + static_cast<int64_t>(u) * s.depth, s.depth)
                   : DotWithOffsets(x, weights + static_cast<int64_t>(u) * s.depth, s.depth, q.input_offset, q.filter_offset));
    }
  }
}

template <typename BiasT>
void FullyConnectedInt16(const FullyConnectedShape& s, const int16_t* input, const int8_t* weights, const BiasT* bias,
                         const ChannelRequant& q, int16_t* output) {
  const bool per_channel = q.multipliers.size() > 1;
  for (int b = 0; b < s.batches; ++b) {
    const int16_t* x = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const int8_t* w = weights + static_cast<int64_t>(u) * s.depth;
      int64_t acc = 0;
      for (int d = 0; d < s.depth; ++d) acc += static_cast<int64_t>(w[d]) * x[d];
      if (bias) acc += static_cast<int64_t>(bias[u]);
      int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[per_channel ? static_cast<size_t>(u) : 0], q.rounding);
      v = quant::WrappingAdd(v, q.output_offset);
      output[static_cast<int64_t>(b) * s.units + u] = static_cast<int16_t>(std::min(std::max(v, q.clamp.min), q.clamp.max));
    }
  }
}

}  // namespace tfldbg::math
