// TRANSPOSE_CONV: inputs (output shape, filter OHWI, input NHWC, optional
// bias). float32; int8 with per-tensor or per-channel filter scales; uint8
// (per-tensor); int16x8 with an int64 bias (or int32 with quantized_bias_type
// INT32); hybrid (float input, int8 filter): each batch quantized
// asymmetrically. Matches LiteRT's reference kernels (transpose_conv.cc), which
// scatter every input element into the outputs it reaches.
#include "kernels/common/hybrid.h"
#include "kernels/common/requant.h"
#include "kernels/conv/transpose_conv_math.h"
#include "kernels/xnnpack/delegation.h"

namespace tfldbg {
namespace {

constexpr int kOutputShape = 0;
constexpr int kFilter = 1;
constexpr int kInput = 2;
constexpr int kBias = 3;  // optional

class TransposeConvKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 4));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOutputShape, "output shape"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFilter, "filter"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& shape_tensor = *node.input(kOutputShape);
    const Tensor& filter = *node.input(kFilter);
    const Tensor& input = *node.input(kInput);
    const Tensor* bias = node.input(kBias);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, shape_tensor, "output shape", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, filter, "filter", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    // LiteRT resizes the output from int32 values only.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape_tensor, "output shape", {DataType::kInt32}));
    if (input.dim(3) != filter.dim(3)) {
      return node.InvalidModelError("the input " + ShapeToString(input.shape) + " has " + std::to_string(input.dim(3)) +
                                    " channels, the filter " + ShapeToString(filter.shape) + " takes " +
                                    std::to_string(filter.dim(3)));
    }
    const auto* options = node.options<tflite::TransposeConvOptions>();
    if (options == nullptr) return node.InvalidModelError("TransposeConvOptions are missing");
    if (options->padding() != tflite::Padding::SAME && options->padding() != tflite::Padding::VALID) {
      return node.InvalidModelError("unknown padding " + std::to_string(static_cast<int>(options->padding())));
    }
    constexpr int kMaxStride = 1 << 16;  // keeps the geometry arithmetic far from overflow
    if (options->stride_h() <= 0 || options->stride_w() <= 0 || options->stride_h() > kMaxStride ||
        options->stride_w() > kMaxStride) {
      return node.InvalidModelError("strides must be in [1, 65536], got " + std::to_string(options->stride_h()) + "x" +
                                    std::to_string(options->stride_w()));
    }
    const int activation_code = static_cast<int>(options->fused_activation_function());
    if (activation_code < 0 || activation_code > 5) {
      return node.InvalidModelError("unknown fused activation " + std::to_string(activation_code));
    }
    // TANH and SIGN_BIT set no clamp in LiteRT's activation ranges: it
    // computes them as NONE (docs/litert-defects.md).
    activation_ = activation_code <= 3 ? static_cast<quant::Activation>(activation_code) : quant::Activation::kNone;

    const int out_channels = filter.dim(0);
    if (bias != nullptr && bias->element_count() != out_channels) {
      return node.InvalidModelError("bias has " + std::to_string(bias->element_count()) + " values for " +
                                    std::to_string(out_channels) + " output channels");
    }
    TFLDBG_RETURN_IF_ERROR(PrepareTypes(node, input, filter, bias, output, *options));

    if (node.DeferUnlessValuesKnown({&shape_tensor})) return Status::Ok();
    std::vector<int64_t> values;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, shape_tensor, "output shape", values));
    if (values.size() != 4) {
      return node.UnsupportedError("the output shape has " + std::to_string(values.size()) + " values; TRANSPOSE_CONV writes 4-D outputs");
    }
    std::vector<int32_t> shape(values.begin(), values.end());
    for (int32_t d : shape) {
      if (d < 0) return node.InvalidModelError("output shape " + ShapeToString(shape) + " has a negative dimension");
    }
    if (shape[0] != input.dim(0)) {
      return node.InvalidModelError("output shape " + ShapeToString(shape) + " does not keep the input's batch " +
                                    std::to_string(input.dim(0)));
    }
    if (shape[3] != out_channels) {
      // LiteRT does not check this and then writes outside its output.
      return node.InvalidModelError("output shape " + ShapeToString(shape) + " has " + std::to_string(shape[3]) +
                                    " channels, the filter " + ShapeToString(filter.shape) + " makes " +
                                    std::to_string(out_channels));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));

    geometry_.input = {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    geometry_.filter = {filter.dim(0), filter.dim(1), filter.dim(2), filter.dim(3)};
    geometry_.output = {shape[0], shape[1], shape[2], shape[3]};
    geometry_.stride_h = options->stride_h();
    geometry_.stride_w = options->stride_w();
    math::TransposeConvPadding pad;
    const bool defined = math::ComputeTransposeConvPadding(options->padding() == tflite::Padding::SAME, shape[1], shape[2],
                                                           filter.dim(1), filter.dim(2), options->stride_h(),
                                                           options->stride_w(), &pad);
    if (!defined || pad.forward_h != input.dim(1) || pad.forward_w != input.dim(2)) {
      // LiteRT 2.3 refuses these too (computed_input_height/width checks).
      return node.InvalidModelError("output shape " + ShapeToString(shape) + " with filter " + ShapeToString(filter.shape) +
                                    " does not convolve back to the input " + ShapeToString(input.shape) +
                                    (defined ? " (it gives " + std::to_string(pad.forward_h) + "x" +
                                                   std::to_string(pad.forward_w) + ")"
                                             : ""));
    }
    geometry_.pad_h = pad.h;
    geometry_.pad_w = pad.w;
    // The filter reordered for the scatter loop: once here when it is a
    // constant; else at every Eval. Scratch (sums, the quantized input) is
    // sized at Eval too, once the planner has placed the tensors it mirrors
    // within its arena limit.
    filter_is_constant_ = filter.is_constant();
    if (filter_is_constant_) {
      switch (filter.type) {
        case DataType::kFloat32: math::PackTransposeFilter(geometry_, filter.data<float>(), packed_float_); break;
        case DataType::kInt8: math::PackTransposeFilter(geometry_, filter.data<int8_t>(), packed_int8_); break;
        default: math::PackTransposeFilter(geometry_, filter.data<uint8_t>(), packed_uint8_); break;
      }
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& filter = *node.input(kFilter);
    const Tensor& input = *node.input(kInput);
    const Tensor* bias = node.input(kBias);
    Tensor& output = *node.output(0);
    const size_t out_elements = static_cast<size_t>(geometry_.output.Size());
    if (input.type == DataType::kInt16 && !int16_int32_bias_) {
      acc64_.resize(out_elements);
    } else if (input.type != DataType::kFloat32) {
      acc32_.resize(out_elements);
    }
    if (hybrid_) quantized_input_.resize(static_cast<size_t>(input.element_count()));
    switch (input.type) {
      case DataType::kFloat32:
        if (hybrid_) {
          EvalHybrid(input, filter, bias, output);
        } else {
          EvalFloat(input, filter, bias, output);
        }
        break;
      case DataType::kInt8:
        EvalQuantized(input.data<int8_t>(), filter.data<int8_t>(), bias ? bias->data<int32_t>() : nullptr,
                      output.data<int8_t>(), acc32_.data());
        break;
      case DataType::kUInt8:
        EvalQuantized(input.data<uint8_t>(), filter.data<uint8_t>(), bias ? bias->data<int32_t>() : nullptr,
                      output.data<uint8_t>(), acc32_.data());
        break;
      case DataType::kInt16:
        if (int16_int32_bias_) {
          EvalQuantized(input.data<int16_t>(), filter.data<int8_t>(), bias ? bias->data<int32_t>() : nullptr,
                        output.data<int16_t>(), acc32_.data());
        } else {
          EvalQuantized(input.data<int16_t>(), filter.data<int8_t>(), bias ? bias->data<int64_t>() : nullptr,
                        output.data<int16_t>(), acc64_.data());
        }
        break;
      default:
        return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  Status PrepareTypes(const NodeContext& node, const Tensor& input, const Tensor& filter, const Tensor* bias,
                      const Tensor& output, const tflite::TransposeConvOptions& options) {
    hybrid_ = false;
    int16_int32_bias_ = false;
    const int out_channels = filter.dim(0);
    switch (input.type) {
      case DataType::kFloat32:
        if (bias != nullptr && bias->type != DataType::kFloat32) return node.InvalidModelError("float32 TRANSPOSE_CONV needs a float32 bias");
        float_clamp_ = quant::FloatActivationRange(activation_);
        if (filter.type == DataType::kInt8) return PrepareHybrid(node, input, filter);
        if (filter.type != DataType::kFloat32) {
          return node.UnsupportedError("float32 input with a " + std::string(DataTypeName(filter.type)) + " filter");
        }
        return Status::Ok();
      case DataType::kInt8:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, filter, "filter", {DataType::kInt8}));
        if (bias != nullptr) {
          TFLDBG_RETURN_IF_ERROR(CheckType(node, *bias, "bias", {DataType::kInt32}));
          if (bias->zero_point() != 0) return node.InvalidModelError("int8 TRANSPOSE_CONV needs a bias zero point of 0");
        }
        break;
      case DataType::kUInt8:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, filter, "filter", {DataType::kUInt8}));
        if (bias != nullptr) TFLDBG_RETURN_IF_ERROR(CheckType(node, *bias, "bias", {DataType::kInt32}));
        if (filter.quant.per_channel()) {
          // LiteRT's uint8 kernel applies the filter's first scale to every channel.
          return node.UnsupportedError("uint8 TRANSPOSE_CONV with per-channel filter scales (LiteRT's uint8 kernel is per-tensor)");
        }
        break;
      case DataType::kInt16: {
        TFLDBG_RETURN_IF_ERROR(CheckType(node, filter, "filter", {DataType::kInt8}));
        if (bias != nullptr) {
          TFLDBG_RETURN_IF_ERROR(CheckType(node, *bias, "bias", {DataType::kInt64, DataType::kInt32}));
          if (bias->zero_point() != 0) return node.InvalidModelError("int16 TRANSPOSE_CONV needs a bias zero point of 0");
        }
        // quantized_bias_type picks the accumulator (and the bias LiteRT
        // reads); left unset (FLOAT32), LiteRT accumulates and reads the bias
        // in 64 bits.
        const tflite::TensorType bias_type = options.quantized_bias_type();
        if (bias_type == tflite::TensorType::INT32) {
          int16_int32_bias_ = true;
        } else if (bias_type != tflite::TensorType::FLOAT32 && bias_type != tflite::TensorType::INT64) {
          return node.InvalidModelError("quantized_bias_type must be INT32 or INT64");
        }
        const DataType expected = int16_int32_bias_ ? DataType::kInt32 : DataType::kInt64;
        if (bias != nullptr && bias->type != expected) {
          return node.UnsupportedError(std::string(DataTypeName(bias->type)) + " bias with quantized_bias_type " +
                                       (bias_type == tflite::TensorType::FLOAT32 ? "unset" : tflite::EnumNameTensorType(bias_type)) +
                                       ": LiteRT reads the bias as " + DataTypeName(expected));
        }
        break;
      }
      default:
        break;
    }
    if (!filter.quant.empty() && filter.quant.per_channel() && filter.quant.quantized_dimension != 0) {
      return node.UnsupportedError("per-channel filter scales along axis " + std::to_string(filter.quant.quantized_dimension) +
                                   "; TRANSPOSE_CONV's output channels are axis 0");
    }
    // --kernels optimized, uint8: LiteRT's optimized TransposeConvV2 requantizes
    // the whole output in blocks of 16 with MultiplyByQuantizedMultiplier4Rows
    // (the shift's ties round up), the last n % 16 values as the reference.
    optimized_uint8_ = input.type == DataType::kUInt8 && node.kernels == KernelSet::kOptimized && node.rounding_follows_litert;
    TFLDBG_RETURN_IF_ERROR(PrepareChannelRequant(node, input, filter, output, out_channels, 0, activation_,
                                                 /*float_product=*/input.type == DataType::kUInt8, requant_));
    requant_.xnn_scales.clear();
    if (node.xnnpack_delegated && input.type != DataType::kInt16) {  // --kernels xnnpack: fp32 requantization
      requant_.xnn_scales = xnnpack::RequantizationScales(input, filter, output, out_channels);
      requant_.clamp = xnnpack::QuantizedOutputRange(activation_, output.scale(), output.zero_point(), output.type);
    }
    return Status::Ok();
  }

  // LiteRT's hybrid TRANSPOSE_CONV: one scale per output channel (a single
  // filter scale is repeated), each batch quantized asymmetrically.
  Status PrepareHybrid(const NodeContext& node, const Tensor& input, const Tensor& filter) {
    if (filter.quant.empty()) return node.InvalidModelError("int8 filters need scales");
    const int out_channels = filter.dim(0);
    const int axis = filter.quant.quantized_dimension;
    if (axis < 0 || axis >= 4) return node.InvalidModelError("filter quantized_dimension " + std::to_string(axis) + " is not an axis");
    if (filter.quant.per_channel()) {
      if (axis != 0 || filter.quant.scale.size() != static_cast<size_t>(out_channels)) {
        return node.UnsupportedError("hybrid TRANSPOSE_CONV needs one filter scale per output channel (axis 0), got " +
                                     std::to_string(filter.quant.scale.size()) + " on axis " + std::to_string(axis));
      }
    } else if (filter.dim(axis) < out_channels) {
      // LiteRT repeats the one scale dim(axis) times, then reads out_channels of them.
      return node.UnsupportedError("hybrid TRANSPOSE_CONV with one filter scale and quantized_dimension " +
                                   std::to_string(axis) + ": LiteRT reads past its scales");
    }
    for (int64_t zp : filter.quant.zero_point) {
      if (zp != 0) return node.UnsupportedError("hybrid int8 filters must have zero point 0");
    }
    if (input.dim(0) == 0) return node.UnsupportedError("hybrid TRANSPOSE_CONV with an empty batch (LiteRT refuses it)");
    channel_scales_.assign(static_cast<size_t>(out_channels), filter.quant.scale[0]);
    if (filter.quant.per_channel()) channel_scales_ = filter.quant.scale;
    hybrid_ = true;
    return Status::Ok();
  }

  void EvalFloat(const Tensor& input, const Tensor& filter, const Tensor* bias, Tensor& output) {
    if (!filter_is_constant_) math::PackTransposeFilter(geometry_, filter.data<float>(), packed_float_);
    float* y = output.data<float>();
    std::fill(y, y + geometry_.output.Size(), 0.0f);
    math::TransposeConvScatter<float>(geometry_, input.data<float>(), packed_float_.data(), y,
                                      [](float x, float w) { return x * w; });
    FinishFloat(bias ? bias->data<float>() : nullptr, y);
  }

  // Bias after the sums, then the activation clamp.
  void FinishFloat(const float* bias, float* y) const {
    const int64_t channels = geometry_.output.c;
    const int64_t n = geometry_.output.Size();
    for (int64_t i = 0; i < n; ++i) {
      float v = y[i];
      if (bias != nullptr) v += bias[i % channels];
      y[i] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
    }
  }

  // Each batch quantized asymmetrically (scale s_b, zero point z_b); every
  // tap adds float((q − z_b)·w) · channel scale · s_b to the float output.
  void EvalHybrid(const Tensor& input, const Tensor& filter, const Tensor* bias, Tensor& output) {
    math::TransposeConvGeometry one = geometry_;
    one.input.n = one.output.n = 1;
    const int64_t per_batch = one.input.Size();
    const int64_t per_output_batch = one.output.Size();
    if (!filter_is_constant_) math::PackTransposeFilter(geometry_, filter.data<int8_t>(), packed_int8_);
    float* y = output.data<float>();
    std::fill(y, y + geometry_.output.Size(), 0.0f);
    const float* scales = channel_scales_.data();
    const int64_t channels = geometry_.output.c;
    for (int64_t b = 0; b < geometry_.input.n; ++b) {
      float scale = 1.0f;
      int32_t offset = 0;
      int8_t* q = quantized_input_.data() + b * per_batch;
      math::AsymmetricQuantizeRow(input.data<float>() + b * per_batch, per_batch, q, &scale, &offset);
      float* yb = y + b * per_output_batch;
      ScatterHybrid(one, q, offset, scale, scales, channels, yb);
    }
    FinishFloat(bias ? bias->data<float>() : nullptr, y);
  }

  void ScatterHybrid(const math::TransposeConvGeometry& g, const int8_t* q, int32_t offset, float batch_scale,
                     const float* channel_scales, int64_t out_c, float* y) const {
    const int64_t in_c = g.input.c;
    const int8_t* packed = packed_int8_.data();
    for (int64_t iy = 0; iy < g.input.h; ++iy) {
      const int64_t oy0 = iy * g.stride_h - g.pad_h;
      for (int64_t ix = 0; ix < g.input.w; ++ix) {
        const int64_t ox0 = ix * g.stride_w - g.pad_w;
        const int8_t* x = q + g.input.Offset(0, iy, ix, 0);
        for (int64_t fy = 0; fy < g.filter.h; ++fy) {
          const int64_t oy = oy0 + fy;
          if (oy < 0 || oy >= g.output.h) continue;
          for (int64_t fx = 0; fx < g.filter.w; ++fx) {
            const int64_t ox = ox0 + fx;
            if (ox < 0 || ox >= g.output.w) continue;
            float* out = y + g.output.Offset(0, oy, ox, 0);
            const int8_t* w = packed + (fy * g.filter.w + fx) * in_c * out_c;
            for (int64_t ic = 0; ic < in_c; ++ic, w += out_c) {
              const int32_t xv = static_cast<int32_t>(x[ic]) - offset;
              for (int64_t oc = 0; oc < out_c; ++oc) {
                // LiteRT: acc · per_channel_scale · scaling_factor, left to right.
                const float acc = static_cast<float>(xv * static_cast<int32_t>(w[oc]));
                out[oc] += acc * channel_scales[oc] * batch_scale;
              }
            }
          }
        }
      }
    }
  }

  // Integer sums (input + input offset)·(filter + filter offset), wrapping in
  // 32 bits (int64 for int16x8), bias, requantization per channel, output
  // zero point, activation clamp.
  template <typename In, typename W, typename BiasT, typename Acc>
  void EvalQuantized(const In* input, const W* filter, const BiasT* bias, In* output, Acc* acc) {
    using Unsigned = std::conditional_t<sizeof(Acc) == 8, uint64_t, uint32_t>;
    std::vector<W>& packed = PackedFor<W>();
    if (!filter_is_constant_) math::PackTransposeFilter(geometry_, filter, packed);
    const int64_t n = geometry_.output.Size();
    // Unsigned sums: two's-complement wrap-around where LiteRT's int32 overflows.
    Unsigned* sums = reinterpret_cast<Unsigned*>(acc);
    std::fill(sums, sums + n, Unsigned{0});
    const int32_t input_offset = requant_.input_offset;
    const int32_t filter_offset = requant_.filter_offset;
    math::TransposeConvScatter<Unsigned>(geometry_, input, packed.data(), sums, [=](In x, W w) {
      return static_cast<Unsigned>(static_cast<int32_t>(static_cast<int32_t>(x) + input_offset) *
                                   static_cast<int32_t>(static_cast<int32_t>(w) + filter_offset));
    });
    const int64_t channels = geometry_.output.c;
    const int64_t half_up = optimized_uint8_ ? n / 16 * 16 : 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t oc = i % channels;
      Unsigned total = sums[i];
      if (bias != nullptr) total += static_cast<Unsigned>(static_cast<Acc>(bias[oc]));
      if (!requant_.xnn_scales.empty()) {
        output[i] = static_cast<In>(math::XnnpackRequantize(static_cast<int32_t>(static_cast<Acc>(total)),
                                                            requant_.xnn_scales[static_cast<size_t>(oc)],
                                                            requant_.output_offset, requant_.clamp));
        continue;
      }
      int32_t v = quant::MultiplyByQuantizedMultiplier(static_cast<Acc>(total), requant_.multipliers[static_cast<size_t>(oc)],
                                                       i < half_up ? quant::RoundingMode::kDoubleHalfUp : requant_.rounding);
      v = quant::WrappingAdd(v, requant_.output_offset);
      output[i] = static_cast<In>(std::min(std::max(v, requant_.clamp.min), requant_.clamp.max));
    }
  }

  template <typename W>
  std::vector<W>& PackedFor() {
    if constexpr (std::is_same_v<W, uint8_t>) {
      return packed_uint8_;
    } else {
      return packed_int8_;
    }
  }

  math::TransposeConvGeometry geometry_;
  quant::Activation activation_ = quant::Activation::kNone;
  quant::FloatRange float_clamp_;
  math::ChannelRequant requant_;
  bool optimized_uint8_ = false;  // --kernels optimized: LiteRT's uint8 output stage, blocks of 16 ties up
  bool hybrid_ = false;
  bool int16_int32_bias_ = false;
  std::vector<float> channel_scales_;
  std::vector<float> packed_float_;
  std::vector<int8_t> packed_int8_;
  std::vector<uint8_t> packed_uint8_;
  std::vector<int32_t> acc32_;
  std::vector<int64_t> acc64_;
  std::vector<int8_t> quantized_input_;
  bool filter_is_constant_ = false;
};

}  // namespace

std::unique_ptr<Kernel> CreateTransposeConvKernel() { return std::make_unique<TransposeConvKernel>(); }

}  // namespace tfldbg
