#include "kernels/xnnpack/delegation.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace tfldbg::xnnpack {
namespace {

using quant::Activation;

bool IsQuantized8(DataType t) { return t == DataType::kInt8 || t == DataType::kUInt8; }

// A tensor XNNPACK can hold as an activation: float32, or int8 / uint8 with one
// scale (positive, normal) and a zero point in the type's range.
bool ActivationTensor(const Tensor* t) {
  if (t == nullptr || t->dynamic) return false;
  if (t->type == DataType::kFloat32) return true;
  if (!IsQuantized8(t->type)) return false;
  if (t->quant.scale.size() != 1 || t->quant.zero_point.size() != 1) return false;
  const float s = t->quant.scale[0];
  if (!(s > 0.0f) || !std::isnormal(s)) return false;
  const int64_t zp = t->quant.zero_point[0];
  return t->type == DataType::kInt8 ? (zp >= -128 && zp <= 127) : (zp >= 0 && zp <= 255);
}

bool SupportedActivation(int fused) {
  switch (static_cast<Activation>(fused)) {
    case Activation::kNone:
    case Activation::kRelu:
    case Activation::kReluN1To1:
    case Activation::kRelu6:
      return true;
    default:
      return false;
  }
}

// The filter of a quantized conv / fully connected: constant, of the input's
// type; int8 symmetric (zero points 0), per-tensor or per-channel along
// `channel_dim`; uint8 per-tensor.
bool QuantizedFilter(const Tensor* filter, DataType input_type, int channel_dim) {
  if (filter == nullptr || !filter->is_constant() || filter->type != input_type) return false;
  const QuantParams& q = filter->quant;
  if (q.scale.empty() || q.scale.size() != q.zero_point.size() || q.has_details) return false;
  for (float s : q.scale) {
    if (!(s > 0.0f) || !std::isnormal(s)) return false;
  }
  // uint8: per-tensor, and (measured) quantized_dimension 0: a per-tensor uint8
  // depthwise filter that says axis 3 is left to LiteRT.
  if (input_type == DataType::kUInt8) return q.scale.size() == 1 && q.quantized_dimension == 0;
  for (int64_t zp : q.zero_point) {
    if (zp != 0) return false;
  }
  if (q.scale.size() > 1) {
    if (q.quantized_dimension != channel_dim || channel_dim >= filter->rank()) return false;
    if (static_cast<int64_t>(q.scale.size()) != filter->dim(channel_dim)) return false;
  }
  return true;
}

bool ConvLike(const NodeContext& node, int channel_dim, int fused) {
  const Tensor* input = node.input(0);
  const Tensor* filter = node.input(1);
  const Tensor* bias = node.input(2);
  const Tensor* output = node.output(0);
  if (!ActivationTensor(input) || !ActivationTensor(output) || input->type != output->type) return false;
  if (!SupportedActivation(fused)) return false;
  if (bias != nullptr && !bias->is_constant()) return false;
  // The delegate's CONV_2D / DEPTHWISE_CONV_2D need a bias (FULLY_CONNECTED does not).
  if (bias == nullptr && node.op_name != "FULLY_CONNECTED") return false;
  if (input->type == DataType::kFloat32 && node.op_name != "DEPTHWISE_CONV_2D" && filter != nullptr &&
      filter->type == DataType::kInt8) {
    // float32 input, int8 weights (FULLY_CONNECTED, CONV_2D): XNNPACK quantizes
    // each input row (each batch image) dynamically (qd8).
    return filter->is_constant() && QuantizedFilter(filter, DataType::kInt8, 0) &&
           (bias == nullptr || bias->type == DataType::kFloat32);
  }
  if (input->type == DataType::kFloat32) {
    // int8 filters of a float DEPTHWISE_CONV_2D: the delegate leaves the node.
    return filter != nullptr && filter->is_constant() && filter->type == DataType::kFloat32 &&
           (bias == nullptr || bias->type == DataType::kFloat32);
  }
  if (bias != nullptr && bias->type != DataType::kInt32) return false;
  if (!QuantizedFilter(filter, input->type, channel_dim)) return false;
  // The delegate's check uses the filter's first scale: s_in·s_w[0]/s_out below 256.
  return input->scale() * filter->quant.scale[0] / output->scale() < 256.0f;
}

bool ScaleRatioIn(float a, float out, float lo, float hi) {
  const float r = a / out;
  return r >= lo && r < hi;
}

bool Binary(const NodeContext& node, int fused, const std::string& op) {
  const Tensor* a = node.input(0);
  const Tensor* b = node.input(1);
  const Tensor* out = node.output(0);
  if (!ActivationTensor(a) || !ActivationTensor(b) || !ActivationTensor(out)) return false;
  if (a->type != out->type || b->type != out->type) return false;
  if (!SupportedActivation(fused)) return false;
  if (a->rank() > 6 || b->rank() > 6) return false;
  if (out->type == DataType::kFloat32) return true;
  if (op == "MUL") {
    const float product = a->scale() * b->scale() / out->scale();
    return product >= 0x1.0p-16f && product < 0x1.0p+8f;
  }
  return ScaleRatioIn(a->scale(), out->scale(), 0x1.0p-10f, 0x1.0p+8f) &&
         ScaleRatioIn(b->scale(), out->scale(), 0x1.0p-10f, 0x1.0p+8f);
}

}  // namespace

bool Delegates(const NodeContext& node) {
  const std::string& op = node.op_name;
  if (op == "CONV_2D") {
    const auto* o = node.options<tflite::Conv2DOptions>();
    if (o == nullptr || node.input(1) == nullptr || node.input(1)->rank() != 4) return false;
    return ConvLike(node, 0, static_cast<int>(o->fused_activation_function()));
  }
  if (op == "DEPTHWISE_CONV_2D") {
    const auto* o = node.options<tflite::DepthwiseConv2DOptions>();
    if (o == nullptr || node.input(1) == nullptr || node.input(1)->rank() != 4) return false;
    return ConvLike(node, 3, static_cast<int>(o->fused_activation_function()));
  }
  if (op == "FULLY_CONNECTED") {
    const auto* o = node.options<tflite::FullyConnectedOptions>();
    if (o != nullptr && o->weights_format() != tflite::FullyConnectedOptionsWeightsFormat::DEFAULT) return false;
    const int fused = o == nullptr ? 0 : static_cast<int>(o->fused_activation_function());
    const Tensor* filter = node.input(1);
    if (filter == nullptr || filter->rank() != 2 || !filter->sparse_levels.empty()) return false;
    return ConvLike(node, 0, fused);
  }
  if (op == "ADD") {
    const auto* o = node.options<tflite::AddOptions>();
    return Binary(node, o == nullptr ? 0 : static_cast<int>(o->fused_activation_function()), op);
  }
  if (op == "SUB") {
    const auto* o = node.options<tflite::SubOptions>();
    return Binary(node, o == nullptr ? 0 : static_cast<int>(o->fused_activation_function()), op);
  }
  if (op == "MUL") {
    const auto* o = node.options<tflite::MulOptions>();
    return Binary(node, o == nullptr ? 0 : static_cast<int>(o->fused_activation_function()), op);
  }
  const Tensor* in = node.input(0);
  const Tensor* out = node.output(0);
  if (op == "LOGISTIC" || op == "TANH") {
    return ActivationTensor(in) && ActivationTensor(out) && in->type == out->type;
  }
  if (op == "ELU") {
    return ActivationTensor(in) && ActivationTensor(out) && in->type == out->type && in->type != DataType::kUInt8;
  }
  if (op == "HARD_SWISH" || op == "RELU" || op == "RELU6" || op == "RELU_N1_TO_1") {
    return ActivationTensor(in) && ActivationTensor(out) && in->type == DataType::kFloat32 &&
           out->type == DataType::kFloat32;
  }
  if (op == "LEAKY_RELU") {
    const auto* o = node.options<tflite::LeakyReluOptions>();
    if (o == nullptr || !std::isnormal(o->alpha())) return false;
    if (!ActivationTensor(in) || !ActivationTensor(out) || in->type != out->type) return false;
    if (in->type == DataType::kFloat32) return true;
    const float positive = in->scale() / out->scale();
    const float negative = positive * o->alpha();
    return positive >= 1.0f / 256.0f && positive <= 128.0f && negative >= -127.99609375f && negative <= 128.0f &&
           std::fabs(negative) >= 1.0f / 256.0f;
  }
  if (op == "RESIZE_BILINEAR") {
    const Tensor* size = node.input(1);
    if (!ActivationTensor(in) || !ActivationTensor(out) || in->type != out->type || in->rank() != 4) return false;
    if (size == nullptr || !size->is_constant() || size->type != DataType::kInt32 || size->element_count() != 2) return false;
    // XNNPACK interpolates the stored values: one quantization for both.
    return in->type == DataType::kFloat32 || (in->scale() == out->scale() && in->zero_point() == out->zero_point());
  }
  if (op == "TRANSPOSE_CONV") {
    // inputs: output shape, filter, input, bias (optional)
    const Tensor* shape = node.input(0);
    const Tensor* filter = node.input(1);
    const Tensor* x = node.input(2);
    const Tensor* bias = node.input(3);
    if (shape == nullptr || !shape->is_constant() || !ActivationTensor(x) || !ActivationTensor(out)) return false;
    if (x->type != out->type) return false;
    if (bias != nullptr && !bias->is_constant()) return false;
    if (x->type == DataType::kFloat32) {
      return filter != nullptr && filter->is_constant() && filter->type == DataType::kFloat32;
    }
    if (bias != nullptr && bias->type != DataType::kInt32) return false;
    return QuantizedFilter(filter, x->type, 0);
  }
  if (op == "BATCH_MATMUL") {
    const Tensor* b = node.input(1);
    if (!ActivationTensor(in) || !ActivationTensor(out) || b == nullptr || b->dynamic) return false;
    if (in->rank() < 2 || b->rank() < 2 || in->type != out->type) return false;
    if (in->type == DataType::kFloat32 && b->type == DataType::kInt8) {
      // Hybrid: XNNPACK quantizes A's rows dynamically (qd8); B symmetric.
      for (int64_t zp : b->quant.zero_point) {
        if (zp != 0) return false;
      }
      return !b->quant.scale.empty() && !b->quant.has_details;
    }
    if (in->type == DataType::kFloat32) return b->type == DataType::kFloat32;
    // int8 (per-tensor B: tfldbg's BATCH_MATMUL takes no per-channel B).
    return in->type == DataType::kInt8 && b->type == DataType::kInt8 && b->quant.scale.size() == 1 &&
           b->quant.zero_point.size() == 1 && b->quant.zero_point[0] == 0 && !b->quant.has_details;
  }
  if (op == "DEQUANTIZE") {
    return ActivationTensor(in) && IsQuantized8(in->type) && ActivationTensor(out) && out->type == DataType::kFloat32;
  }
  if (op == "QUANTIZE") {
    if (!ActivationTensor(in) || !ActivationTensor(out) || !IsQuantized8(out->type)) return false;
    if (in->type == DataType::kFloat32) return true;
    if (in->type != out->type) return false;
    const float r = in->scale() / out->scale();
    return r >= 1.0f / 256.0f && r <= 128.0f;
  }
  if (op == "AVERAGE_POOL_2D" || op == "SOFTMAX") {
    return ActivationTensor(in) && ActivationTensor(out) && in->type == DataType::kFloat32 &&
           out->type == DataType::kFloat32;
  }
  if (op == "MEAN" || op == "SUM") {
    const Tensor* axes = node.input(1);
    return ActivationTensor(in) && ActivationTensor(out) && in->type == out->type && axes != nullptr &&
           axes->is_constant() && axes->type == DataType::kInt32 && axes->element_count() > 0;
  }
  return false;
}

quant::IntRange QuantizedOutputRange(Activation activation, float scale, int32_t zero_point, DataType type) {
  const float lo = type == DataType::kInt8 ? -128.0f : 0.0f;
  const float hi = type == DataType::kInt8 ? 127.0f : 255.0f;
  const quant::FloatRange r = quant::FloatActivationRange(activation);
  auto q = [&](float v) {
    const float x = std::min(std::max(v / scale + static_cast<float>(zero_point), lo), hi);
    return static_cast<int32_t>(std::nearbyint(x));
  };
  return {q(r.min), q(r.max)};
}

std::vector<float> RequantizationScales(const Tensor& input, const Tensor& filter, const Tensor& output, int channels) {
  std::vector<float> scales(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) {
    const float ws = filter.quant.scale.size() > 1 ? filter.quant.scale[static_cast<size_t>(c)] : filter.quant.scale[0];
    scales[static_cast<size_t>(c)] = input.scale() * ws / output.scale();
  }
  return scales;
}

AddParams MakeAddParams(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale, int32_t out_zp,
                        quant::IntRange clamp, bool subtract) {
  const float a_output_scale = a_scale / out_scale;
  const float b_output_scale = (subtract ? -b_scale : b_scale) / out_scale;
  const float abs_a = std::fabs(a_output_scale);
  const float abs_b = std::fabs(b_output_scale);
  const float max_abs = std::max(abs_a, abs_b);
  uint32_t bits = 0;
  std::memcpy(&bits, &max_abs, sizeof(bits));
  const int32_t exponent = static_cast<int32_t>(bits >> 23) - 127;
  const uint32_t shift = static_cast<uint32_t>(20 - exponent);
  // |scale| · 2^shift, by adding to the exponent field as XNNPACK does, then rounded to nearest even.
  auto scaled = [shift](float v) {
    uint32_t b = 0;
    std::memcpy(&b, &v, sizeof(b));
    b += shift << 23;
    float f = 0.0f;
    std::memcpy(&f, &b, sizeof(f));
    return static_cast<int32_t>(std::nearbyint(f));
  };
  AddParams p;
  p.a_multiplier = std::signbit(a_output_scale) ? -scaled(abs_a) : scaled(abs_a);
  p.b_multiplier = std::signbit(b_output_scale) ? -scaled(abs_b) : scaled(abs_b);
  const int32_t rounding = int32_t{1} << (shift - 1);
  p.bias = rounding - p.a_multiplier * a_zp - p.b_multiplier * b_zp;
  p.shift = shift;
  p.output_zero_point = out_zp;
  p.clamp = clamp;
  return p;
}

}  // namespace tfldbg::xnnpack
