// CONV_3D (float32): input [N, D, H, W, Cin], filter [KD, KH, KW, Cin, Cout]
// (a constant or a computed tensor), optional bias [Cout]; SAME/VALID
// padding, strides and dilations per axis, fused activation. Each output
// channel sums its taps in LiteRT's reference order (depth, row, column,
// input channel), then adds the bias and clamps.
#include <algorithm>
#include <array>
#include <limits>

#include "kernels/common/requant.h"
#include "kernels/common/padding.h"

namespace tfldbg {
namespace {

class Conv3DKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "filter"));
    const Tensor& input = *node.input(0);
    const Tensor& filter = *node.input(1);
    const Tensor* bias = node.input(2);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", filter, "filter"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 5, 5));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, filter, "filter", 5, 5));
    const auto* o = node.options<tflite::Conv3DOptions>();
    if (o == nullptr) return node.InvalidModelError("CONV_3D needs its Conv3DOptions");
    TFLDBG_ASSIGN_OR_RETURN(const quant::Activation activation, FusedActivation(node, static_cast<int>(o->fused_activation_function())));
    clamp_ = quant::FloatActivationRange(activation);
    const math::Padding padding = o->padding() == tflite::Padding::SAME ? math::Padding::kSame : math::Padding::kValid;
    stride_ = {o->stride_d(), o->stride_h(), o->stride_w()};
    dilation_ = {o->dilation_d_factor(), o->dilation_h_factor(), o->dilation_w_factor()};
    for (int a = 0; a < 3; ++a) {
      if (stride_[static_cast<size_t>(a)] <= 0 || dilation_[static_cast<size_t>(a)] <= 0 || stride_[static_cast<size_t>(a)] > (1 << 16) || dilation_[static_cast<size_t>(a)] > (1 << 16)) {
        return node.InvalidModelError("strides and dilations must be in [1, 65536], got " + std::to_string(stride_[static_cast<size_t>(a)]) +
                                      " and " + std::to_string(dilation_[static_cast<size_t>(a)]));
      }
    }
    if (filter.dim(3) != input.dim(4)) {
      return node.InvalidModelError("filter " + ShapeToString(filter.shape) + " takes " + std::to_string(filter.dim(3)) +
                                    " input channels, the input " + ShapeToString(input.shape) + " has " +
                                    std::to_string(input.dim(4)));
    }
    const int out_channels = filter.dim(4);
    if (bias != nullptr && (bias->type != DataType::kFloat32 || bias->element_count() != out_channels)) {
      return node.InvalidModelError("bias must be float32 with " + std::to_string(out_channels) + " values, got " +
                                    DescribeTypeAndShape(*bias));
    }
    std::vector<int32_t> shape = {input.dim(0), 0, 0, 0, out_channels};
    for (int a = 0; a < 3; ++a) {
      const int in = input.dim(1 + a), k = filter.dim(a);
      const int out = math::ComputeOutSize(padding, in, k, stride_[static_cast<size_t>(a)], dilation_[static_cast<size_t>(a)]);
      if (k <= 0 || out < 0) return node.InvalidModelError("the filter does not fit the input along axis " + std::to_string(1 + a));
      shape[static_cast<size_t>(1 + a)] = out;
      pad_[static_cast<size_t>(a)] = padding == math::Padding::kSame ? math::ComputePaddingBefore(stride_[static_cast<size_t>(a)], dilation_[static_cast<size_t>(a)], in, k, out) : 0;
    }
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    const Tensor& filter = *node.input(1);
    const Tensor* bias = node.input(2);
    Tensor& output = *node.output(0);
    const float* x = input.data<float>();
    const float* w = filter.data<float>();
    float* y = output.data<float>();
    const int n = input.dim(0), in_d = input.dim(1), in_h = input.dim(2), in_w = input.dim(3), cin = input.dim(4);
    const int kd = filter.dim(0), kh = filter.dim(1), kw = filter.dim(2), cout = filter.dim(4);
    const int out_d = output.dim(1), out_h = output.dim(2), out_w = output.dim(3);
    std::vector<float> acc(static_cast<size_t>(cout));
    for (int b = 0; b < n; ++b) {
      for (int od = 0; od < out_d; ++od) {
        for (int oy = 0; oy < out_h; ++oy) {
          for (int ox = 0; ox < out_w; ++ox) {
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int fd = 0; fd < kd; ++fd) {
              const int id = od * stride_[0] - pad_[0] + fd * dilation_[0];
              if (id < 0 || id >= in_d) continue;
              for (int fy = 0; fy < kh; ++fy) {
                const int iy = oy * stride_[1] - pad_[1] + fy * dilation_[1];
                if (iy < 0 || iy >= in_h) continue;
                for (int fx = 0; fx < kw; ++fx) {
                  const int ix = ox * stride_[2] - pad_[2] + fx * dilation_[2];
                  if (ix < 0 || ix >= in_w) continue;
                  const float* xp = x + (((static_cast<int64_t>(b) * in_d + id) * in_h + iy) * in_w + ix) * cin;
                  const float* wp = w + ((static_cast<int64_t>(fd) * kh + fy) * kw + fx) * cin * cout;
                  for (int ic = 0; ic < cin; ++ic) {
                    const float xv = xp[ic];
                    const float* wr = wp + static_cast<int64_t>(ic) * cout;
                    for (int oc = 0; oc < cout; ++oc) acc[static_cast<size_t>(oc)] += xv * wr[oc];
                  }
                }
              }
            }
            float* yp = y + (((static_cast<int64_t>(b) * out_d + od) * out_h + oy) * out_w + ox) * cout;
            for (int oc = 0; oc < cout; ++oc) {
              const float v = acc[static_cast<size_t>(oc)] + (bias != nullptr ? bias->data<float>()[oc] : 0.0f);
              yp[oc] = std::min(clamp_.max, std::max(clamp_.min, v));
            }
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  std::array<int, 3> stride_ = {1, 1, 1};
  std::array<int, 3> dilation_ = {1, 1, 1};
  std::array<int, 3> pad_ = {0, 0, 0};
  quant::FloatRange clamp_;
};

}  // namespace

std::unique_ptr<Kernel> CreateConv3DKernel() { return std::make_unique<Conv3DKernel>(); }

}  // namespace tfldbg
