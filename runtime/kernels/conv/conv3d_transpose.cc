// CONV_3D_TRANSPOSE (float32): inputs (output shape [5], filter [KD, KH, KW,
// C_out, C_in], input [N, D, H, W, C_in], optional bias [C_out]); SAME/VALID
// padding, strides and dilations per axis, fused activation. As LiteRT's
// reference kernel: the output must be what a forward CONV_3D with these
// options would shrink back to the input's size; every input element scatters
// its products into the outputs it reaches (so each output sums its
// contributions by input depth, row, column, channel), then bias and clamp.
#include <array>

#include "kernels/common/requant.h"

namespace tfldbg {
namespace {

constexpr int kOutputShape = 0;
constexpr int kFilter = 1;
constexpr int kInput = 2;
constexpr int kBias = 3;  // optional

// TFLite's forward output size along one axis; false where it is undefined.
bool ForwardOutSize(bool same, int64_t image, int64_t filter, int64_t stride, int64_t dilation, int64_t* out) {
  if (image < 0 || filter <= 0) return false;
  const int64_t effective = (filter - 1) * dilation + 1;
  const int64_t value = same ? (image + stride - 1) / stride : (image + stride - effective) / stride;
  if (value < 0) return false;
  *out = value;
  return true;
}

class Conv3DTransposeKernel : public Kernel {
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
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape_tensor, "output shape", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, shape_tensor, "output shape", 1, 1));
    if (shape_tensor.dim(0) != 5) return node.InvalidModelError("the output shape must hold 5 values, got " + std::to_string(shape_tensor.dim(0)));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", filter, "filter"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 5, 5));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, filter, "filter", 5, 5));
    if (input.dim(4) != filter.dim(4)) {
      return node.InvalidModelError("the input " + ShapeToString(input.shape) + " has " + std::to_string(input.dim(4)) +
                                    " channels, the filter " + ShapeToString(filter.shape) + " takes " +
                                    std::to_string(filter.dim(4)));
    }
    const int out_channels = filter.dim(3);
    if (bias != nullptr && (bias->type != DataType::kFloat32 || bias->element_count() != out_channels)) {
      return node.InvalidModelError("bias must be float32 with " + std::to_string(out_channels) + " values, got " +
                                    DescribeTypeAndShape(*bias));
    }
    const auto* o = node.options<tflite::Conv3DOptions>();
    if (o == nullptr) return node.InvalidModelError("CONV_3D_TRANSPOSE needs its Conv3DOptions");
    if (o->padding() != tflite::Padding::SAME && o->padding() != tflite::Padding::VALID) {
      return node.InvalidModelError("unknown padding " + std::to_string(static_cast<int>(o->padding())));
    }
    const int activation = static_cast<int>(o->fused_activation_function());
    if (activation < 0 || activation > 5) return node.InvalidModelError("unknown fused activation " + std::to_string(activation));
    // TANH and SIGN_BIT set no clamp in LiteRT's activation range (docs/litert-defects.md).
    clamp_ = quant::FloatActivationRange(activation <= 3 ? static_cast<quant::Activation>(activation) : quant::Activation::kNone);
    stride_ = {o->stride_d(), o->stride_h(), o->stride_w()};
    dilation_ = {o->dilation_d_factor(), o->dilation_h_factor(), o->dilation_w_factor()};
    for (size_t a = 0; a < 3; ++a) {
      if (stride_[a] <= 0 || dilation_[a] <= 0 || stride_[a] > (1 << 16) || dilation_[a] > (1 << 16)) {
        return node.InvalidModelError("strides and dilations must be in [1, 65536], got " + std::to_string(stride_[a]) +
                                      " and " + std::to_string(dilation_[a]));
      }
    }

    if (node.DeferUnlessValuesKnown({&shape_tensor})) return Status::Ok();
    std::vector<int64_t> values;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, shape_tensor, "output shape", values));
    std::vector<int32_t> shape(values.begin(), values.end());
    for (int32_t d : shape) {
      if (d < 0) return node.InvalidModelError("output shape " + ShapeToString(shape) + " has a negative dimension");
    }
    if (shape[0] != input.dim(0) || shape[4] != out_channels) {
      return node.InvalidModelError("output shape " + ShapeToString(shape) + " must keep the input's batch " +
                                    std::to_string(input.dim(0)) + " and have the filter's " + std::to_string(out_channels) +
                                    " output channels");
    }
    const bool same = o->padding() == tflite::Padding::SAME;
    for (size_t a = 0; a < 3; ++a) {
      // The forward convolution of the output must give back the input.
      const int64_t image = shape[1 + a], k = filter.dim(static_cast<int>(a));
      int64_t forward = 0;
      if (!ForwardOutSize(same, image, k, stride_[a], dilation_[a], &forward)) forward = 0;
      if (forward != input.dim(static_cast<int>(1 + a))) {
        return node.InvalidModelError("output shape " + ShapeToString(shape) + " does not convolve back to the input " +
                                      ShapeToString(input.shape) + " along axis " + std::to_string(1 + a) + " (it gives " +
                                      std::to_string(forward) + ")");
      }
      const int64_t effective = (k - 1) * dilation_[a] + 1;
      pad_[a] = std::max<int64_t>((forward - 1) * stride_[a] + effective - image, 0) / 2;
    }
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& filter = *node.input(kFilter);
    const Tensor& input = *node.input(kInput);
    const Tensor* bias = node.input(kBias);
    Tensor& output = *node.output(0);
    const float* x = input.data<float>();
    const float* w = filter.data<float>();
    float* y = output.data<float>();
    const int64_t n = input.dim(0), in_d = input.dim(1), in_h = input.dim(2), in_w = input.dim(3), cin = input.dim(4);
    const int64_t kd = filter.dim(0), kh = filter.dim(1), kw = filter.dim(2), cout = filter.dim(3);
    const int64_t out_d = output.dim(1), out_h = output.dim(2), out_w = output.dim(3);
    const int64_t total = n * out_d * out_h * out_w * cout;
    std::fill(y, y + total, 0.0f);
    // Loops reordered from LiteRT's (input channel before the filter taps) so
    // that the output channels are innermost; an input position reaches each
    // output element through one tap, so every sum keeps LiteRT's order.
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t id = 0; id < in_d; ++id) {
        for (int64_t iy = 0; iy < in_h; ++iy) {
          for (int64_t ix = 0; ix < in_w; ++ix) {
            const float* xp = x + (((b * in_d + id) * in_h + iy) * in_w + ix) * cin;
            for (int64_t fd = 0; fd < kd; ++fd) {
              const int64_t od = id * stride_[0] - pad_[0] + fd * dilation_[0];
              if (od < 0 || od >= out_d) continue;
              for (int64_t fy = 0; fy < kh; ++fy) {
                const int64_t oy = iy * stride_[1] - pad_[1] + fy * dilation_[1];
                if (oy < 0 || oy >= out_h) continue;
                for (int64_t fx = 0; fx < kw; ++fx) {
                  const int64_t ox = ix * stride_[2] - pad_[2] + fx * dilation_[2];
                  if (ox < 0 || ox >= out_w) continue;
                  float* yp = y + (((b * out_d + od) * out_h + oy) * out_w + ox) * cout;
                  // filter[fd][fy][fx][oc][ic]
                  const float* wp = w + ((fd * kh + fy) * kw + fx) * cout * cin;
                  for (int64_t ic = 0; ic < cin; ++ic) {
                    const float xv = xp[ic];
                    for (int64_t oc = 0; oc < cout; ++oc) yp[oc] += xv * wp[oc * cin + ic];
                  }
                }
              }
            }
          }
        }
      }
    }
    const float* bv = bias != nullptr ? bias->data<float>() : nullptr;
    for (int64_t i = 0; i < total; ++i) {
      const float v = bv != nullptr ? y[i] + bv[i % cout] : y[i];
      y[i] = std::min(std::max(v, clamp_.min), clamp_.max);
    }
    return Status::Ok();
  }

 private:
  std::array<int64_t, 3> stride_ = {1, 1, 1};
  std::array<int64_t, 3> dilation_ = {1, 1, 1};
  std::array<int64_t, 3> pad_ = {0, 0, 0};
  quant::FloatRange clamp_;
};

}  // namespace

std::unique_ptr<Kernel> CreateConv3DTransposeKernel() { return std::make_unique<Conv3DTransposeKernel>(); }

}  // namespace tfldbg
