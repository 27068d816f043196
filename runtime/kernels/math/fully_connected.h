// FULLY_CONNECTED math in LiteRT's reference order: per batch row and output
// unit, a dot product over the input depth, then bias, then requantization
// (integer) or the activation clamp (float).
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/math/conv.h"
#include "kernels/math/dot.h"

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

inline void FullyConnectedFloat(const FullyConnectedShape& s, const float* input, const float* weights,
                                const float* bias, quant::FloatRange clamp, float* output, const float* packed = nullptr) {
  if (packed != nullptr) {
    ConvolvePacked<float>(
        AsOneByOneConv(s), input, packed, [](float x) { return x; }, [](float acc, float x, float w) { return acc + x * w; },
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
      for (int d = 0; d < s.depth; ++d) total += x[d] * w[d];
      const float value = total + (bias ? bias[u] : 0.0f);
      output[static_cast<int64_t>(b) * s.units + u] = std::min(std::max(value, clamp.min), clamp.max);
    }
  }
}

template <typename T, typename W>
void FullyConnectedQuantized(const FullyConnectedShape& s, const T* input, const W* weights, const int32_t* bias,
                             const ChannelRequant& q, T* output, const int16_t* packed = nullptr) {
  const bool per_channel = q.multipliers.size() > 1;
  if (packed != nullptr) {
    const int32_t input_offset = q.input_offset;
    ConvolvePacked<uint32_t>(
        AsOneByOneConv(s), input, packed,
        [input_offset](T x) { return static_cast<int16_t>(static_cast<int32_t>(x) + input_offset); },
        [](uint32_t acc, int16_t x, int16_t w) {
          return acc + static_cast<uint32_t>(static_cast<int32_t>(x) * static_cast<int32_t>(w));
        },
        [&](int index, int u, uint32_t sum) {
          int32_t acc = static_cast<int32_t>(sum);
          if (bias) acc = quant::WrappingAdd(acc, bias[u]);
          int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[per_channel ? static_cast<size_t>(u) : 0], q.rounding);
          v = quant::WrappingAdd(v, q.output_offset);
          output[index] = static_cast<T>(std::min(std::max(v, q.clamp.min), q.clamp.max));
        });
    return;
  }
  for (int b = 0; b < s.batches; ++b) {
    const T* x = input + static_cast<int64_t>(b) * s.depth;
    for (int u = 0; u < s.units; ++u) {
      const W* w = weights + static_cast<int64_t>(u) * s.depth;
      int32_t acc = DotWithOffsets(x, w, s.depth, q.input_offset, q.filter_offset);
      if (bias) acc = quant::WrappingAdd(acc, bias[u]);
      int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[per_channel ? static_cast<size_t>(u) : 0], q.rounding);
      v = quant::WrappingAdd(v, q.output_offset);
      output[static_cast<int64_t>(b) * s.units + u] = static_cast<T>(std::min(std::max(v, q.clamp.min), q.clamp.max));
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
