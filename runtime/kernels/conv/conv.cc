// CONV_2D and DEPTHWISE_CONV_2D: float32, int8 (per-tensor and per-channel
// weights), uint8 and int16x8, matching LiteRT's reference kernels.
#include <algorithm>

#include "kernels/common/requant.h"
#include "kernels/xnnpack/delegation.h"
#include "kernels/conv/conv_fast.h"
#include "kernels/conv/conv_hybrid_fast.h"
#include "kernels/conv/conv_math.h"
#include "kernels/common/dot.h"
#include "kernels/common/hybrid.h"
#include "kernels/common/qd8.h"

namespace tfldbg {
namespace {

constexpr int kConvInput = 0;
constexpr int kConvFilter = 1;
constexpr int kConvBias = 2;  // optional

struct ConvOptions {
  math::Padding padding = math::Padding::kSame;
  int stride_w = 1, stride_h = 1, dilation_w = 1, dilation_h = 1;
  int activation = 0;
  int depth_multiplier = 0;
};

math::Shape4 ToShape4(const Tensor& t) { return {t.dim(0), t.dim(1), t.dim(2), t.dim(3)}; }

class ConvKernelBase : public Kernel {
 protected:
  explicit ConvKernelBase(bool depthwise) : depthwise_(depthwise) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kConvInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kConvFilter, "filter"));
    const Tensor& input = *node.input(kConvInput);
    const Tensor& filter = *node.input(kConvFilter);
    const Tensor* bias = node.input(kConvBias);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, filter, "filter", 4, 4));
    TFLDBG_RETURN_IF_ERROR(ReadOptions(node));

    geometry_.input = ToShape4(input);
    geometry_.filter = ToShape4(filter);
    int out_channels = 0;
    if (depthwise_) {
      if (filter.dim(0) != 1) return node.InvalidModelError("depthwise filter must be [1, H, W, C], got " + ShapeToString(filter.shape));
      out_channels = filter.dim(3);
      if (input.dim(3) <= 0 || out_channels % input.dim(3) != 0) {
        return node.InvalidModelError("output channels " + std::to_string(out_channels) + " are not a multiple of input channels " +
                                      std::to_string(input.dim(3)));
      }
      geometry_.depth_multiplier = out_channels / input.dim(3);
    } else {
      out_channels = filter.dim(0);
      if (filter.dim(3) <= 0 || input.dim(3) % filter.dim(3) != 0) {
        return node.InvalidModelError("input channels " + std::to_string(input.dim(3)) + " are not a multiple of filter channels " +
                                      std::to_string(filter.dim(3)));
      }
      const int groups = input.dim(3) / filter.dim(3);
      if (out_channels % groups != 0) {
        return node.InvalidModelError(std::to_string(out_channels) + " output channels cannot be split into " +
                                      std::to_string(groups) + " groups");
      }
    }
    if (bias != nullptr && (bias->rank() != 1 || bias->dim(0) != out_channels)) {
      return node.InvalidModelError("bias must be [" + std::to_string(out_channels) + "], got " + ShapeToString(bias->shape));
    }
    const int out_h = math::ComputeOutSize(options_.padding, input.dim(1), filter.dim(1), options_.stride_h, options_.dilation_h);
    const int out_w = math::ComputeOutSize(options_.padding, input.dim(2), filter.dim(2), options_.stride_w, options_.dilation_w);
    if (out_h <= 0 || out_w <= 0) {
      return node.InvalidModelError("the filter " + ShapeToString(filter.shape) + " does not fit the input " +
                                    ShapeToString(input.shape) + " (output " + std::to_string(out_h) + "x" + std::to_string(out_w) + ")");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {input.dim(0), out_h, out_w, out_channels}));
    geometry_.output = ToShape4(output);
    geometry_.stride_h = options_.stride_h;
    geometry_.stride_w = options_.stride_w;
    geometry_.dilation_h = options_.dilation_h;
    geometry_.dilation_w = options_.dilation_w;
    geometry_.pad_h = math::ComputePaddingBefore(options_.stride_h, options_.dilation_h, input.dim(1), filter.dim(1), out_h);
    geometry_.pad_w = math::ComputePaddingBefore(options_.stride_w, options_.dilation_w, input.dim(2), filter.dim(2), out_w);
    TFLDBG_ASSIGN_OR_RETURN(activation_, FusedActivation(node, options_.activation));
    TFLDBG_RETURN_IF_ERROR(PrepareTypes(node, input, filter, bias, output, out_channels));
    // The fast kernels (conv_fast.h) when the node's CPU path has them; else the reference loops.
    if (fast_.Prepare(node, geometry_, depthwise_, input, filter, bias, requant_, float_clamp_)) {
      packed_float_.clear();
      packed_int_.clear();
      return Status::Ok();
    }
    PackFilter(input, filter);
    if (hybrid_fast_.ready()) {  // the fast hybrid GEMM: no int16 copy, no quantized input here
      packed_int_.clear();
      quantized_input_.clear();
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kConvInput);
    const Tensor& filter = *node.input(kConvFilter);
    const Tensor* bias = node.input(kConvBias);
    Tensor& output = *node.output(0);
    const math::ConvGeometry& g = geometry_;
    if (fast_.ready()) {
      fast_.Run(input, output, node.pool);
      return Status::Ok();
    }
    switch (input.type) {
      case DataType::kFloat32: {
        const float* b = bias ? bias->data<float>() : nullptr;
        if (filter.type == DataType::kInt8) {
          if (hybrid_fast_.ready()) {
            hybrid_fast_.Run(input, b, output, node.pool);
            return Status::Ok();
          }
          EvalHybrid(input, filter, b, output);
          return Status::Ok();
        }
        const float* packed = packed_float_.empty() ? nullptr : packed_float_.data();
        const float* x = input.data<float>();
        const float* w = filter.data<float>();
        float* y = output.data<float>();
        if (depthwise_) {
          node.fused_float_sums() ? math::ConvFloatT<true, true>(g, x, w, b, float_clamp_, y)
                                  : math::ConvFloatT<true, false>(g, x, w, b, float_clamp_, y);
        } else {
          node.fused_float_sums() ? math::ConvFloatT<false, true>(g, x, w, b, float_clamp_, y, packed)
                                  : math::ConvFloatT<false, false>(g, x, w, b, float_clamp_, y, packed);
        }
        return Status::Ok();
      }
      case DataType::kInt8: {
        const int32_t* b = bias ? bias->data<int32_t>() : nullptr;
        if (depthwise_) {
          math::ConvQuantizedT<true>(g, input.data<int8_t>(), filter.data<int8_t>(), b, requant_, output.data<int8_t>(),
                                     packed_int_.empty() ? nullptr : packed_int_.data());
        } else {
          math::ConvQuantizedT<false>(g, input.data<int8_t>(), filter.data<int8_t>(), b, requant_, output.data<int8_t>(),
                                      packed_int_.empty() ? nullptr : packed_int_.data());
        }
        return Status::Ok();
      }
      case DataType::kUInt8: {
        const int32_t* b = bias ? bias->data<int32_t>() : nullptr;
        if (depthwise_) {
          math::ConvQuantizedT<true>(g, input.data<uint8_t>(), filter.data<uint8_t>(), b, requant_, output.data<uint8_t>(),
                                     packed_int_.empty() ? nullptr : packed_int_.data());
        } else {
          math::ConvQuantizedT<false>(g, input.data<uint8_t>(), filter.data<uint8_t>(), b, requant_, output.data<uint8_t>(),
                                      packed_int_.empty() ? nullptr : packed_int_.data());
        }
        return Status::Ok();
      }
      case DataType::kInt16: {
        if (bias != nullptr && bias->type == DataType::kInt32) {
          return EvalInt16(input, filter, bias->data<int32_t>(), output);
        }
        return EvalInt16(input, filter, bias ? bias->data<int64_t>() : nullptr, output);
      }
      default:
        return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  Status PrepareHybrid(const NodeContext& node, const Tensor& input, const Tensor& filter, int out_channels) {
    if (filter.quant.empty()) return node.InvalidModelError("int8 filters need scales");
    xnn_qd8_ = node.xnnpack_delegated && !depthwise_;
    if (input.dim(0) == 0) return node.UnsupportedError("hybrid convolution of an empty batch (LiteRT refuses it)");
    if (depthwise_) {
      // LiteRT's EvalHybridPerChannel: one scale per output channel along axis 3.
      if (filter.quant.scale.size() != static_cast<size_t>(out_channels) || filter.quant.quantized_dimension != 3) {
        return node.UnsupportedError("hybrid DEPTHWISE_CONV_2D needs one filter scale per output channel (axis 3), got " +
                                     std::to_string(filter.quant.scale.size()) + " scales on axis " +
                                     std::to_string(filter.quant.quantized_dimension));
      }
      for (int64_t zp : filter.quant.zero_point) {
        if (zp != 0) return node.UnsupportedError("hybrid int8 filters must have zero point 0");
      }
      quantized_input_.assign(static_cast<size_t>(input.element_count()), 0);
      return Status::Ok();
    }
    if (filter.quant.per_channel() &&
        (filter.quant.scale.size() != static_cast<size_t>(out_channels) || filter.quant.quantized_dimension != 0)) {
      return node.InvalidModelError(std::to_string(filter.quant.scale.size()) + " filter scales on axis " +
                                    std::to_string(filter.quant.quantized_dimension) + " for " +
                                    std::to_string(out_channels) + " output channels");
    }
    for (int64_t zp : filter.quant.zero_point) {
      if (zp != 0) return node.UnsupportedError("hybrid int8 filters must have zero point 0");
    }
    // LiteRT takes the per-channel (asymmetric) path only when the channel
    // scales differ; equal ones run the per-tensor (symmetric) path with the first.
    const std::vector<float>& scales = filter.quant.scale;
    hybrid_per_channel_ = std::any_of(scales.begin(), scales.end(), [&](float s) { return s != scales[0]; });
    if (input.dim(3) != filter.dim(3) && !hybrid_per_channel_) {
      // Grouped: LiteRT runs the per-channel path, reading input offsets it never set up.
      return node.UnsupportedError("grouped hybrid CONV_2D needs distinct per-channel filter scales "
                                   "(otherwise LiteRT reads input offsets it never computed)");
    }
    quantized_input_.assign(static_cast<size_t>(input.element_count()), 0);
    // The fast kernels (conv_hybrid_fast.h) when the node's CPU path has them,
    // with XNNPACK's qd8 arithmetic under --kernels xnnpack.
    hybrid_fast_ = FastHybridConv{};
    hybrid_fast_.Prepare(node, geometry_, filter, hybrid_per_channel_, float_clamp_, xnn_qd8_);
    return Status::Ok();
  }

  // LiteRT's HybridConv: each batch of the input is quantized symmetrically as
  // a whole, the convolution is integer (padding contributes 0), and each
  // output is bias + acc · (batch scale · filter scale), then clamped.
  // LiteRT's depthwise EvalHybridPerChannel (reference): each batch quantized
  // asymmetrically (scale, zero point), acc = Σ w·(x − zero point) over the
  // taps inside the image, output = acc · (channel scale · batch scale) + bias.
  void EvalHybridDepthwise(const Tensor& input, const Tensor& filter, const float* bias, Tensor& output) {
    math::ConvGeometry g = geometry_;
    const int batches = g.input.n;
    g.input.n = g.output.n = 1;
    const int64_t per_batch = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
    const int64_t per_output_batch = static_cast<int64_t>(g.output.h) * g.output.w * g.output.c;
    const std::vector<float>& channel_scales = filter.quant.scale;
    for (int b = 0; b < batches; ++b) {
      float scale = 1.0f;
      int32_t zero_point = 0;
      math::AsymmetricQuantizeRow(input.data<float>() + b * per_batch, per_batch, quantized_input_.data() + b * per_batch,
                                  &scale, &zero_point);
      float* y = output.data<float>() + b * per_output_batch;
      math::ConvolveDepthwise<int32_t>(
          g, quantized_input_.data() + b * per_batch, filter.data<int8_t>(),
          [zero_point](int8_t x) { return static_cast<int32_t>(x) - zero_point; },
          [](int32_t acc, int32_t x, int8_t w) { return quant::WrappingAdd(acc, static_cast<int32_t>(w) * x); },
          [&](int index, int oc, int32_t acc) {
            float v = static_cast<float>(acc);
            v *= channel_scales[static_cast<size_t>(oc)] * scale;
            if (bias) v += bias[oc];
            y[index] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
          });
    }
  }

  // LiteRT's CONV_2D EvalHybridPerChannel (reference): as the depthwise one,
  // output = acc · channel scale · batch scale + bias.
  void EvalHybridPerChannel(const Tensor& input, const Tensor& filter, const float* bias, Tensor& output) {
    math::ConvGeometry g = geometry_;
    const int batches = g.input.n;
    g.input.n = g.output.n = 1;
    const int64_t per_batch = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
    const int64_t per_output_batch = static_cast<int64_t>(g.output.h) * g.output.w * g.output.c;
    const std::vector<float>& channel_scales = filter.quant.scale;
    for (int b = 0; b < batches; ++b) {
      float scale = 1.0f;
      int32_t zero_point = 0;
      const int8_t* q = quantized_input_.data() + b * per_batch;
      math::AsymmetricQuantizeRow(input.data<float>() + b * per_batch, per_batch, quantized_input_.data() + b * per_batch,
                                  &scale, &zero_point);
      float* y = output.data<float>() + b * per_output_batch;
      auto finish = [&](int index, int oc, int32_t acc) {
        float v = static_cast<float>(acc) * channel_scales[static_cast<size_t>(oc)] * scale;
        if (bias) v += bias[oc];
        y[index] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
      };
      if (!packed_int_.empty()) {
        math::ConvolvePacked<uint32_t>(
            g, q, packed_int_.data(), [zero_point](int8_t x) { return static_cast<int16_t>(x - zero_point); },
            [](uint32_t acc, int16_t x, int16_t w) {
              return acc + static_cast<uint32_t>(static_cast<int32_t>(x) * static_cast<int32_t>(w));
            },
            [&](int index, int oc, uint32_t acc) { finish(index, oc, static_cast<int32_t>(acc)); });
      } else {
        math::Convolve<int32_t>(
            g, q, filter.data<int8_t>(),
            [zero_point](int32_t acc, const int8_t* x, const int8_t* w, int n) {
              return quant::WrappingAdd(acc, math::DotWithOffsets(x, w, n, -zero_point, 0));
            },
            finish);
      }
    }
  }

  // --kernels xnnpack, a delegated hybrid CONV_2D: XNNPACK's qd8 convolution.
  // Each batch image quantized asymmetrically (math::QuantizeRowQd8),
  // acc = Σ (q − z)·w over the taps inside the image (XNNPACK pads with z),
  // output = float(acc) · image scale · filter scale + bias, clamped.
  void EvalHybridXnnpack(const Tensor& input, const Tensor& filter, const float* bias, Tensor& output) {
    math::ConvGeometry g = geometry_;
    const int batches = g.input.n;
    g.input.n = g.output.n = 1;
    const int64_t per_batch = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
    const int64_t per_output_batch = static_cast<int64_t>(g.output.h) * g.output.w * g.output.c;
    const bool per_channel = filter.quant.per_channel();
    if (g.filter.h == 1 && g.filter.w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.filter.c == g.input.c) {
      // A 1x1 convolution is XNNPACK's fully connected: each pixel's row of
      // channels quantized on its own.
      const int channels = g.input.c;
      const int64_t pixels = static_cast<int64_t>(batches) * g.input.h * g.input.w;
      const int out_channels = g.output.c;
      for (int64_t p = 0; p < pixels; ++p) {
        int32_t zero_point = 0;
        int8_t* q = quantized_input_.data() + p * channels;
        const float scale = math::QuantizeRowQd8(input.data<float>() + p * channels, channels, q, &zero_point);
        for (int oc = 0; oc < out_channels; ++oc) {
          const int32_t acc = math::DotWithOffsets(q, filter.data<int8_t>() + static_cast<int64_t>(oc) * channels, channels,
                                                   -zero_point, 0);
          const float ws = filter.quant.scale[per_channel ? static_cast<size_t>(oc) : 0];
          const float v = static_cast<float>(acc) * scale * ws + (bias ? bias[oc] : 0.0f);
          output.data<float>()[p * out_channels + oc] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
        }
      }
      return;
    }
    for (int b = 0; b < batches; ++b) {
      int32_t zero_point = 0;
      int8_t* q = quantized_input_.data() + b * per_batch;
      const float scale = math::QuantizeRowQd8(input.data<float>() + b * per_batch, static_cast<int>(per_batch), q,
                                                  &zero_point);
      float* y = output.data<float>() + b * per_output_batch;
      math::Convolve<int32_t>(
          g, q, filter.data<int8_t>(),
          [zero_point](int32_t acc, const int8_t* x, const int8_t* w, int n) {
            return quant::WrappingAdd(acc, math::DotWithOffsets(x, w, n, -zero_point, 0));
          },
          [&](int index, int oc, int32_t acc) {
            const float ws = filter.quant.scale[per_channel ? static_cast<size_t>(oc) : 0];
            const float v = static_cast<float>(acc) * scale * ws + (bias ? bias[oc] : 0.0f);
            y[index] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
          });
    }
  }

  void EvalHybrid(const Tensor& input, const Tensor& filter, const float* bias, Tensor& output) {
    if (xnn_qd8_) {
      EvalHybridXnnpack(input, filter, bias, output);
      return;
    }
    if (depthwise_) {
      EvalHybridDepthwise(input, filter, bias, output);
      return;
    }
    if (hybrid_per_channel_) {
      EvalHybridPerChannel(input, filter, bias, output);
      return;
    }
    const math::ConvGeometry& g = geometry_;
    const int64_t per_batch = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
    std::vector<float> scales(static_cast<size_t>(g.input.n));
    for (int b = 0; b < g.input.n; ++b) {
      scales[static_cast<size_t>(b)] = math::SymmetricQuantizeRow(input.data<float>() + b * per_batch, per_batch,
                                                                   quantized_input_.data() + b * per_batch) * filter.scale();
    }
    const int64_t per_output_batch = static_cast<int64_t>(g.output.h) * g.output.w * g.output.c;
    float* y = output.data<float>();
    auto finish = [&](int index, int oc, int32_t acc) {
      const float v = static_cast<float>(acc) * scales[static_cast<size_t>(index / per_output_batch)] + (bias ? bias[oc] : 0.0f);
      y[index] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
    };
    if (!packed_int_.empty()) {
      math::ConvolvePacked<uint32_t>(
          g, quantized_input_.data(), packed_int_.data(), [](int8_t x) { return static_cast<int16_t>(x); },
          [](uint32_t acc, int16_t x, int16_t w) {
            return acc + static_cast<uint32_t>(static_cast<int32_t>(x) * static_cast<int32_t>(w));
          },
          [&](int index, int oc, uint32_t acc) { finish(index, oc, static_cast<int32_t>(acc)); });
      return;
    }
    math::Convolve<int32_t>(
        g, quantized_input_.data(), filter.data<int8_t>(),
        [](int32_t acc, const int8_t* x, const int8_t* w, int n) {
          return quant::WrappingAdd(acc, math::DotWithOffsets(x, w, n, 0, 0));
        },
        finish);
  }

  // Ungrouped CONV_2D with a constant filter runs the channel-vectorized loop
  // on a repacked copy of the filter (integer filters as int16 with their
  // offset added); integer DEPTHWISE_CONV_2D gets the int16 copy; anything
  // else keeps the plain loop.
  void PackFilter(const Tensor& input, const Tensor& filter) {
    packed_float_.clear();
    packed_int_.clear();
    if (!filter.is_constant()) return;
    const int32_t offset = requant_.filter_offset;
    const bool offsets_fit = offset >= -255 && offset <= 255 && requant_.input_offset >= -255 && requant_.input_offset <= 255;
    if (depthwise_) {  // already channel-contiguous: integer filters as int16 with the offset added
      if ((input.type == DataType::kInt8 || input.type == DataType::kUInt8) && offsets_fit) {
        packed_int_.resize(static_cast<size_t>(filter.element_count()));
        for (size_t i = 0; i < packed_int_.size(); ++i) {
          const int32_t w = input.type == DataType::kInt8 ? filter.data<int8_t>()[i] : filter.data<uint8_t>()[i];
          packed_int_[i] = static_cast<int16_t>(w + offset);
        }
      }
      return;
    }
    if (input.dim(3) != filter.dim(3)) return;
    if (input.type == DataType::kFloat32 && filter.type == DataType::kFloat32) {
      packed_float_ = math::PackFilterByOutputChannel<float>(geometry_, filter.data<float>(), 0);
    } else if (input.type == DataType::kFloat32 && filter.type == DataType::kInt8) {
      packed_int_ = math::PackFilterByOutputChannel<int16_t>(geometry_, filter.data<int8_t>(), 0);
    } else if (input.type == DataType::kInt8 && offsets_fit) {
      packed_int_ = math::PackFilterByOutputChannel<int16_t>(geometry_, filter.data<int8_t>(), offset);
    } else if (input.type == DataType::kUInt8 && offsets_fit) {
      packed_int_ = math::PackFilterByOutputChannel<int16_t>(geometry_, filter.data<uint8_t>(), offset);
    }
  }

  std::vector<float> packed_float_;
  std::vector<int16_t> packed_int_;
  std::vector<int8_t> quantized_input_;
  bool hybrid_per_channel_ = false;  // CONV_2D: per-channel scales that differ
  FastHybridConv hybrid_fast_;

  template <typename BiasT>
  Status EvalInt16(const Tensor& input, const Tensor& filter, const BiasT* bias, Tensor& output) {
    if (depthwise_) {
      math::ConvInt16T<true>(geometry_, input.data<int16_t>(), filter.data<int8_t>(), bias, requant_, output.data<int16_t>());
    } else {
      math::ConvInt16T<false>(geometry_, input.data<int16_t>(), filter.data<int8_t>(), bias, requant_, output.data<int16_t>());
    }
    return Status::Ok();
  }

  Status ReadOptions(const NodeContext& node) {
    if (depthwise_) {
      const auto* o = node.options<tflite::DepthwiseConv2DOptions>();
      if (o == nullptr) return node.InvalidModelError("DepthwiseConv2DOptions are missing");
      options_ = {static_cast<math::Padding>(o->padding()), o->stride_w(), o->stride_h(), o->dilation_w_factor(),
                  o->dilation_h_factor(), static_cast<int>(o->fused_activation_function()), o->depth_multiplier()};
    } else {
      const auto* o = node.options<tflite::Conv2DOptions>();
      if (o == nullptr) return node.InvalidModelError("Conv2DOptions are missing");
      options_ = {static_cast<math::Padding>(o->padding()), o->stride_w(), o->stride_h(), o->dilation_w_factor(),
                  o->dilation_h_factor(), static_cast<int>(o->fused_activation_function()), 0};
    }
    if (options_.padding != math::Padding::kSame && options_.padding != math::Padding::kValid) {
      return node.InvalidModelError("unknown padding " + std::to_string(static_cast<int>(options_.padding)));
    }
    // Positive, and small enough that the geometry arithmetic cannot overflow.
    constexpr int kMaxStep = 1 << 16;
    if (options_.stride_w <= 0 || options_.stride_h <= 0 || options_.dilation_w <= 0 || options_.dilation_h <= 0 ||
        options_.stride_w > kMaxStep || options_.stride_h > kMaxStep || options_.dilation_w > kMaxStep ||
        options_.dilation_h > kMaxStep) {
      return node.InvalidModelError("strides and dilations must be in [1, 65536], got stride " + std::to_string(options_.stride_h) +
                                    "x" + std::to_string(options_.stride_w) + " dilation " + std::to_string(options_.dilation_h) +
                                    "x" + std::to_string(options_.dilation_w));
    }
    return Status::Ok();
  }

  Status PrepareTypes(const NodeContext& node, const Tensor& input, const Tensor& filter, const Tensor* bias,
                      const Tensor& output, int out_channels) {
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    switch (input.type) {
      case DataType::kFloat32:
        if (bias && bias->type != DataType::kFloat32) return node.InvalidModelError("float32 conv needs a float32 bias");
        float_clamp_ = quant::FloatActivationRange(activation_);
        if (filter.type == DataType::kInt8) return PrepareHybrid(node, input, filter, out_channels);
        if (filter.type != DataType::kFloat32) {
          return node.UnsupportedError("float32 input with a " + std::string(DataTypeName(filter.type)) + " filter");
        }
        return Status::Ok();
      case DataType::kInt8:
      case DataType::kUInt8:
        TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", filter, "filter"));
        if (bias && bias->type != DataType::kInt32) {
          return node.UnsupportedError(std::string(DataTypeName(bias->type)) + " bias; expected int32");
        }
        break;
      case DataType::kInt16:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, filter, "filter", {DataType::kInt8}));
        if (bias && bias->type != DataType::kInt64 && bias->type != DataType::kInt32) {
          return node.UnsupportedError(std::string(DataTypeName(bias->type)) + " bias; expected int64 or int32");
        }
        break;
      default:
        break;
    }
    const bool float_product = input.type == DataType::kUInt8;
    TFLDBG_RETURN_IF_ERROR(PrepareChannelRequant(node, input, filter, output, out_channels, depthwise_ ? 3 : 0,
                                                 activation_, float_product, requant_));
    requant_.half_up_channels = 0;
    if (depthwise_ && node.kernels == KernelSet::kOptimized && node.rounding_follows_litert &&
        input.type == DataType::kInt8) {
      requant_.half_up_channels = out_channels / 8 * 8;  // measured: uint8 keeps the reference rounding
    }
    requant_.xnn_scales.clear();
    if (node.xnnpack_delegated && input.type != DataType::kInt16) {
      requant_.xnn_scales = xnnpack::RequantizationScales(input, filter, output, out_channels);
      requant_.clamp = xnnpack::QuantizedOutputRange(activation_, output.scale(), output.zero_point(), output.type);
    }
    return Status::Ok();
  }

  bool depthwise_;
  FastConv fast_;
  ConvOptions options_;
  math::ConvGeometry geometry_;
  quant::Activation activation_ = quant::Activation::kNone;
  quant::FloatRange float_clamp_;
  math::ChannelRequant requant_;
  bool xnn_qd8_ = false;  // --kernels xnnpack, a delegated hybrid CONV_2D: XNNPACK's qd8 path
};

class Conv2DKernel : public ConvKernelBase {
 public:
  Conv2DKernel() : ConvKernelBase(false) {}
};

class DepthwiseConv2DKernel : public ConvKernelBase {
 public:
  DepthwiseConv2DKernel() : ConvKernelBase(true) {}
};

}  // namespace

std::unique_ptr<Kernel> CreateConv2DKernel() { return std::make_unique<Conv2DKernel>(); }
std::unique_ptr<Kernel> CreateDepthwiseConv2DKernel() { return std::make_unique<DepthwiseConv2DKernel>(); }

}  // namespace tfldbg
