// The requantization of a quantized op's outputs, one multiplier per output
// channel (one entry when per-tensor): what Prepare derives and the integer
// math of conv, fully connected and their relatives applies to each sum.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "quant/fixed_point.h"

namespace tfldbg::math {

// Requantization of one output channel.
struct ChannelRequant {
  std::vector<quant::QuantizedMultiplier> multipliers;  // one per output channel
  int32_t input_offset = 0;                             // -input zero point
  int32_t filter_offset = 0;                            // -filter zero point (uint8 only)
  int32_t output_offset = 0;                            // output zero point
  quant::IntRange clamp;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
  // Output channels [0, half_up_channels) round with RoundingMode::kDoubleHalfUp
  // instead: LiteRT's optimized int8 DEPTHWISE_CONV_2D requantizes whole
  // blocks of 8 channels in vector code (ties up) and the rest of each
  // pixel's channels in scalar code (--kernels optimized; docs/deployment.md).
  int half_up_channels = 0;
  // --kernels xnnpack, a node XNNPACK delegates: one float32 scale per output
  // channel (s_in·s_w/s_out, in float as XNNPACK computes it), and the
  // accumulator requantizes in float (XnnpackRequantize below) instead of the
  // multipliers. Empty otherwise.
  std::vector<float> xnn_scales;
};

// XNNPACK's fp32 requantization (qs8/qu8/qc8 GEMM, IGEMM and DWCONV
// microkernels on x86): the int32 accumulator (bias included) as float times
// the scale, clamped to [min - zp, max - zp], rounded to nearest even, plus
// the zero point.
inline int32_t XnnpackRequantize(int32_t acc, float scale, int32_t zero_point, quant::IntRange clamp) {
  float scaled = static_cast<float>(acc) * scale;
  scaled = std::max(scaled, static_cast<float>(clamp.min - zero_point));
  scaled = std::min(scaled, static_cast<float>(clamp.max - zero_point));
  return static_cast<int32_t>(std::nearbyint(scaled)) + zero_point;
}

}  // namespace tfldbg::math
