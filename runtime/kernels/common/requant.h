// Prepare-time helpers of quantized ops with fused activations (conv, fully
// connected, pooling, arithmetic, recurrent): the per-channel requantization
// multipliers derived exactly as LiteRT does, and the fused activation.
#pragma once

#include <vector>

#include "kernels/kernel.h"
#include "kernels/common/channel_requant.h"

namespace tfldbg {

// Checks the quantization of input, filter and output and fills `q`:
// offsets, the activation clamp and one multiplier per output channel.
// `channel_axis` is the filter dimension that carries per-channel scales.
// LiteRT derives per-channel multipliers from double(s_in)·double(s_w)/double(s_out),
// but its legacy per-tensor path (GetQuantizedConvolutionMultipler: uint8 conv,
// per-tensor FULLY_CONNECTED) from the float product s_in·s_w: `float_product`.
Status PrepareChannelRequant(const NodeContext& node, const Tensor& input, const Tensor& filter, const Tensor& output,
                             int channels, int channel_axis, quant::Activation activation, bool float_product,
                             math::ChannelRequant& q);

// The fused activation of an op's options, refusing those LiteRT cannot fuse.
Result<quant::Activation> FusedActivation(const NodeContext& node, int value);

}  // namespace tfldbg
