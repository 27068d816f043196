// The requantization of a quantized op's outputs, one multiplier per output
// channel (one entry when per-tensor): what Prepare derives and the integer
// math of conv, fully connected and their relatives applies to each sum.
#pragma once

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
};

}  // namespace tfldbg::math
