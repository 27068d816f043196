#include "kernels/common/requant.h"

#include <cmath>

namespace tfldbg {

Result<quant::Activation> FusedActivation(const NodeContext& node, int value) {
  switch (value) {
    case 0: return quant::Activation::kNone;
    case 1: return quant::Activation::kRelu;
    case 2: return quant::Activation::kReluN1To1;
    case 3: return quant::Activation::kRelu6;
    default:
      return node.UnsupportedError("fused activation " + std::to_string(value) +
                                   " (TANH/SIGN_BIT or unknown) is not supported for this op");
  }
}

Status PrepareChannelRequant(const NodeContext& node, const Tensor& input, const Tensor& filter, const Tensor& output,
                             int channels, int channel_axis, quant::Activation activation, bool float_product,
                             math::ChannelRequant& q) {
  if (input.quant.empty() || filter.quant.empty() || output.quant.empty()) {
    return node.InvalidModelError("quantized input, filter and output need scales and zero points");
  }
  const size_t scales = filter.quant.scale.size();
  if (scales != 1 && scales != static_cast<size_t>(channels)) {
    return node.InvalidModelError("filter has " + std::to_string(scales) + " scales for " + std::to_string(channels) +
                                  " output channels");
  }
  if (scales > 1 && filter.quant.quantized_dimension != channel_axis) {
    return node.UnsupportedError("per-channel filter scales along axis " + std::to_string(filter.quant.quantized_dimension) +
                                 "; expected axis " + std::to_string(channel_axis));
  }
  const double s_in = input.scale();
  const double s_out = output.scale();
  if (!(s_out > 0) || !(s_in > 0) || !std::isfinite(s_in) || !std::isfinite(s_out)) {
    return node.InvalidModelError("input and output scales must be positive and finite");
  }
  q.input_offset = -input.zero_point();
  q.output_offset = output.zero_point();
  q.filter_offset = 0;
  if (filter.type == DataType::kUInt8) q.filter_offset = -filter.zero_point();
  if (filter.type == DataType::kInt8) {
    for (int64_t zp : filter.quant.zero_point) {
      if (zp != 0) return node.UnsupportedError("int8 filters must have zero point 0, got " + std::to_string(zp));
    }
  }
  if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
    return node.InvalidModelError("int16 input and output must have zero point 0");
  }
  q.multipliers.assign(static_cast<size_t>(channels), {});
  for (int c = 0; c < channels; ++c) {
    const float s_w = filter.quant.scale[scales == 1 ? 0 : static_cast<size_t>(c)];
    if (!(s_w >= 0) || !std::isfinite(s_w)) return node.InvalidModelError("filter scales must be finite and non-negative");
    const double real = float_product ? static_cast<double>(input.scale() * s_w) / s_out : s_in * static_cast<double>(s_w) / s_out;
    q.multipliers[static_cast<size_t>(c)] = quant::QuantizeMultiplier(real, node.rounding);
    if (q.multipliers[static_cast<size_t>(c)].shift > 30) {
      return node.UnsupportedError("requantization scale " + std::to_string(real) + " is too large");
    }
  }
  q.clamp = quant::QuantizedActivationRange(activation, output.scale(), output.zero_point(), output.type);
  q.rounding = node.rounding;
  return Status::Ok();
}

}  // namespace tfldbg
