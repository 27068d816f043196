// Convolution math in LiteRT's reference order: for each output element, sum
// over filter rows, filter columns, then input channels, skipping taps that
// fall outside the image; then bias; then requantization (integer) or the
// activation clamp (float). Pure functions over parameters and raw pointers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/common/dot.h"
#include "kernels/common/channel_requant.h"
#include "kernels/common/padding.h"
#include "quant/fixed_point.h"

namespace tfldbg::math {

struct ConvGeometry {
  Shape4 input;   // N, H, W, C_in
  Shape4 filter;  // C_out, KH, KW, C_in / groups  (depthwise: 1, KH, KW, C_out)
  Shape4 output;  // N, OH, OW, C_out
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_h = 0, pad_w = 0;
  int depth_multiplier = 1;  // depthwise only
};

// The one convolution loop: for each output element, taps in LiteRT's
// reference order (filter row, filter column, input channel), skipping taps
// outside the image. `row(acc, x, w, n)` folds the n input channels of one
// filter tap into the accumulator (x and w contiguous); `finish(output_index,
// output_channel, acc)` writes the result.
template <typename Acc, typename In, typename W, typename Row, typename Finish>
void Convolve(const ConvGeometry& g, const In* input, const W* filter, Row row, Finish finish) {
  const int groups = g.input.c / g.filter.c;
  const int out_per_group = g.output.c / groups;
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        for (int oc = 0; oc < g.output.c; ++oc) {
          const int group = oc / out_per_group;
          Acc acc{};
          for (int fy = 0; fy < g.filter.h; ++fy) {
            const int iy = iy0 + g.dilation_h * fy;
            if (iy < 0 || iy >= g.input.h) continue;
            for (int fx = 0; fx < g.filter.w; ++fx) {
              const int ix = ix0 + g.dilation_w * fx;
              if (ix < 0 || ix >= g.input.w) continue;
              acc = row(acc, input + g.input.Offset(b, iy, ix, group * g.filter.c), filter + g.filter.Offset(oc, fy, fx, 0),
                        g.filter.c);
            }
          }
          finish(g.output.Offset(b, oy, ox, oc), oc, acc);
        }
      }
    }
  }
}

// The depthwise loop: output channel ic·M + m reads input channel ic only.
// Each accumulator sums its taps in the reference order (filter row, filter
// column); a block of neighbouring output channels is accumulated together so
// the innermost loop runs over contiguous channels and vectorizes.
// `load(x)` turns an input value into the multiplier (identity, or x + input
// offset in 16 bits for a packed integer filter).
template <typename Acc, typename In, typename W, typename Load, typename Tap, typename Finish>
void ConvolveDepthwise(const ConvGeometry& g, const In* input, const W* filter, Load load, Tap tap, Finish finish) {
  constexpr int kBlock = 64;
  const int m = g.depth_multiplier;
  // A block holds whole input channels when the multiplier allows it.
  const int block = m > 0 && m <= kBlock ? kBlock / m * m : kBlock;
  Acc acc[kBlock];
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        for (int oc0 = 0; oc0 < g.output.c; oc0 += block) {
          const int count = std::min(block, g.output.c - oc0);
          for (int i = 0; i < count; ++i) acc[i] = Acc{};
          for (int fy = 0; fy < g.filter.h; ++fy) {
            const int iy = iy0 + g.dilation_h * fy;
            if (iy < 0 || iy >= g.input.h) continue;
            for (int fx = 0; fx < g.filter.w; ++fx) {
              const int ix = ix0 + g.dilation_w * fx;
              if (ix < 0 || ix >= g.input.w) continue;
              const In* in = input + g.input.Offset(b, iy, ix, 0);
              const W* w = filter + g.filter.Offset(0, fy, fx, oc0);
              if (m == 1) {
                const In* x = in + oc0;
                for (int i = 0; i < count; ++i) acc[i] = tap(acc[i], load(x[i]), w[i]);
              } else if (block % m == 0) {
                // Whole input channels per block: each input value feeds m neighbours.
                const In* x = in + oc0 / m;
                for (int i = 0, j = 0; i < count; i += m, ++j) {
                  const auto xv = load(x[j]);
                  for (int k = 0; k < m; ++k) acc[i + k] = tap(acc[i + k], xv, w[i + k]);
                }
              } else {
                for (int i = 0; i < count; ++i) acc[i] = tap(acc[i], load(in[(oc0 + i) / m]), w[i]);
              }
            }
          }
          const int out = g.output.Offset(b, oy, ox, oc0);
          for (int i = 0; i < count; ++i) finish(out + i, oc0 + i, acc[i]);
        }
      }
    }
  }
}

// Filters repacked for ConvolvePacked: the value of (output channel oc, tap
// fy·KW + fx, input channel ic) at ((fy·KW + fx)·C_in + ic)·C_out + oc, plus
// `offset` (an integer filter's zero-point offset; 0 for float).
template <typename P, typename W>
std::vector<P> PackFilterByOutputChannel(const ConvGeometry& g, const W* filter, int32_t offset) {
  const Shape4& f = g.filter;
  std::vector<P> packed(static_cast<size_t>(f.n) * f.h * f.w * f.c);
  for (int oc = 0; oc < f.n; ++oc) {
    for (int fy = 0; fy < f.h; ++fy) {
      for (int fx = 0; fx < f.w; ++fx) {
        for (int ic = 0; ic < f.c; ++ic) {
          const size_t at = (static_cast<size_t>(fy * f.w + fx) * f.c + ic) * f.n + oc;
          packed[at] = static_cast<P>(filter[f.Offset(oc, fy, fx, ic)] + offset);
        }
      }
    }
  }
  return packed;
}

// The convolution loop of ungrouped filters, vectorized across output
// channels: for one output pixel, a block of output channels accumulates
// together, tap by tap (filter row, filter column, input channel — each
// accumulator still sums in LiteRT's reference order). `load(x)` turns an
// input value into the multiplier (integer: x + input offset), `tap(acc, xv,
// w)` folds one product, `finish(output_index, output_channel, acc)` writes.
template <typename Acc, typename In, typename P, typename Load, typename Tap, typename Finish>
void ConvolvePacked(const ConvGeometry& g, const In* input, const P* packed, Load load, Tap tap, Finish finish) {
  constexpr int kBlock = 64;
  const int out_c = g.output.c;
  const int in_c = g.filter.c;
  Acc acc[kBlock];
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        for (int oc0 = 0; oc0 < out_c; oc0 += kBlock) {
          const int count = std::min(kBlock, out_c - oc0);
          for (int i = 0; i < count; ++i) acc[i] = Acc{};
          for (int fy = 0; fy < g.filter.h; ++fy) {
            const int iy = iy0 + g.dilation_h * fy;
            if (iy < 0 || iy >= g.input.h) continue;
            for (int fx = 0; fx < g.filter.w; ++fx) {
              const int ix = ix0 + g.dilation_w * fx;
              if (ix < 0 || ix >= g.input.w) continue;
              const In* in = input + g.input.Offset(b, iy, ix, 0);
              const P* w = packed + static_cast<size_t>(fy * g.filter.w + fx) * in_c * out_c + oc0;
              for (int ic = 0; ic < in_c; ++ic, w += out_c) {
                const auto xv = load(in[ic]);
                for (int i = 0; i < count; ++i) acc[i] = tap(acc[i], xv, w[i]);
              }
            }
          }
          const int out = g.output.Offset(b, oy, ox, oc0);
          for (int i = 0; i < count; ++i) finish(out + i, oc0 + i, acc[i]);
        }
      }
    }
  }
}

// One term of a float sum of products: a rounded product then a rounded add,
// as LiteRT's reference kernels compute, or one fused multiply-add (kFused:
// the deployment kernel sets, as XNNPACK and ruy compute; NodeContext::fused_float_sums).
template <bool kFused>
inline float MulAdd(float acc, float x, float w) {
  if constexpr (kFused) {
    return std::fma(x, w, acc);
  } else {
    return acc + x * w;
  }
}

// float: sum of products (terms in the reference's order, MulAdd<kFused>),
// then bias, then the activation clamp.
// `packed` (optional, ungrouped CONV_2D only): the filter from PackFilterByOutputChannel.
template <bool kDepthwise, bool kFused = false>
void ConvFloatT(const ConvGeometry& g, const float* input, const float* filter, const float* bias,
                quant::FloatRange clamp, float* output, const float* packed = nullptr) {
  auto finish = [&](int index, int oc, float total) {
    const float value = total + (bias ? bias[oc] : 0.0f);
    output[index] = std::min(std::max(value, clamp.min), clamp.max);
  };
  if (kDepthwise) {
    ConvolveDepthwise<float>(g, input, filter, [](float x) { return x; }, MulAdd<kFused>, finish);
  } else if (packed != nullptr) {
    ConvolvePacked<float>(g, input, packed, [](float x) { return x; }, MulAdd<kFused>, finish);
  } else {
    auto row = [](float acc, const float* x, const float* w, int n) {
      for (int i = 0; i < n; ++i) acc = MulAdd<kFused>(acc, x[i], w[i]);  // in order: float sums are not associative
      return acc;
    };
    Convolve<float>(g, input, filter, row, finish);
  }
}

// int8/uint8 activations and weights: int32 accumulator of offset products,
// bias, requantization, output zero point, clamp.
// `packed` (optional): CONV_2D (ungrouped): the filter from
// PackFilterByOutputChannel<int16_t> with the filter offset added;
// DEPTHWISE_CONV_2D: the filter as int16 with the offset added, same layout.
template <bool kDepthwise, typename T, typename W>
void ConvQuantizedT(const ConvGeometry& g, const T* input, const W* filter, const int32_t* bias, const ChannelRequant& q,
                    T* output, const int16_t* packed = nullptr) {
  auto finish = [&](int index, int oc, int32_t acc) {
    if (bias) acc = quant::WrappingAdd(acc, bias[oc]);
    if (!q.xnn_scales.empty()) {
      output[index] = static_cast<T>(XnnpackRequantize(acc, q.xnn_scales[static_cast<size_t>(oc)], q.output_offset, q.clamp));
      return;
    }
    const quant::RoundingMode mode = oc < q.half_up_channels ? quant::RoundingMode::kDoubleHalfUp : q.rounding;
    int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[static_cast<size_t>(oc)], mode);
    v = quant::WrappingAdd(v, q.output_offset);
    output[index] = static_cast<T>(std::min(std::max(v, q.clamp.min), q.clamp.max));
  };
  const int32_t input_offset = q.input_offset;
  const int32_t filter_offset = q.filter_offset;
  if (kDepthwise) {
    auto tap = [input_offset, filter_offset](int32_t acc, T x, W w) {
      return quant::WrappingAdd(acc, (static_cast<int32_t>(w) + filter_offset) * (static_cast<int32_t>(x) + input_offset));
    };
    if (packed != nullptr) {
      ConvolveDepthwise<uint32_t>(
          g, input, packed, [input_offset](T x) { return static_cast<int16_t>(static_cast<int32_t>(x) + input_offset); },
          [](uint32_t acc, int16_t x, int16_t w) {
            return acc + static_cast<uint32_t>(static_cast<int32_t>(x) * static_cast<int32_t>(w));
          },
          [&](int index, int oc, uint32_t acc) { finish(index, oc, static_cast<int32_t>(acc)); });
      return;
    }
    ConvolveDepthwise<int32_t>(g, input, filter, [](T x) { return x; }, tap, finish);
  } else if (packed != nullptr) {
    ConvolvePacked<uint32_t>(
        g, input, packed, [input_offset](T x) { return static_cast<int16_t>(static_cast<int32_t>(x) + input_offset); },
        [](uint32_t acc, int16_t x, int16_t w) {
          return acc + static_cast<uint32_t>(static_cast<int32_t>(x) * static_cast<int32_t>(w));
        },
        [&](int index, int oc, uint32_t acc) { finish(index, oc, static_cast<int32_t>(acc)); });
  } else {
    auto row = [input_offset, filter_offset](int32_t acc, const T* x, const W* w, int n) {
      return quant::WrappingAdd(acc, DotWithOffsets(x, w, n, input_offset, filter_offset));
    };
    Convolve<int32_t>(g, input, filter, row, finish);
  }
}

// int16 activations, int8 weights, int64 bias and accumulator (16x8).
template <bool kDepthwise, typename BiasT>
void ConvInt16T(const ConvGeometry& g, const int16_t* input, const int8_t* filter, const BiasT* bias,
                const ChannelRequant& q, int16_t* output) {
  auto tap = [](int64_t acc, int16_t x, int8_t w) { return acc + static_cast<int64_t>(w) * x; };
  auto row = [](int64_t acc, const int16_t* x, const int8_t* w, int n) {
    for (int i = 0; i < n; ++i) acc += static_cast<int64_t>(w[i]) * x[i];
    return acc;
  };
  auto finish = [&](int index, int oc, int64_t acc) {
    if (bias) acc += static_cast<int64_t>(bias[oc]);
    int32_t v = quant::MultiplyByQuantizedMultiplier(acc, q.multipliers[static_cast<size_t>(oc)], q.rounding);
    v = quant::WrappingAdd(v, q.output_offset);
    output[index] = static_cast<int16_t>(std::min(std::max(v, q.clamp.min), q.clamp.max));
  };
  if (kDepthwise) {
    ConvolveDepthwise<int64_t>(g, input, filter, [](int16_t x) { return x; }, tap, finish);
  } else {
    Convolve<int64_t>(g, input, filter, row, finish);
  }
}

}  // namespace tfldbg::math
