// The fast hybrid CONV_2D (float input, constant int8 filter; kernels/fast/hybrid.h):
// each image quantized as the reference kernels do (conv.cc: symmetric for
// LiteRT's HybridConv, asymmetric for EvalHybridPerChannel), im2col of the
// quantized bytes, the 8-bit GEMM of the node's CPU path, LiteRT's float
// scaling; or, under --kernels xnnpack, XNNPACK's qd8 quantization and float
// stage. Results equal conv.cc's hybrid loops bit for bit.
//
//   FastHybridConv fast;
//   if (fast.Prepare(node, geometry, filter, per_channel, clamp)) ...
//   if (fast.ready()) fast.Run(input, bias, output, node.pool);
#pragma once

#include <vector>

#include "kernels/conv/conv_math.h"
#include "kernels/fast/hybrid.h"
#include "kernels/kernel.h"

namespace tfldbg {

class FastHybridConv {
 public:
  // Takes an ungrouped CONV_2D (not depthwise) with a constant int8 filter
  // when the node's CPU path has fast kernels. per_channel: the filter scales
  // differ (LiteRT's asymmetric EvalHybridPerChannel), else HybridConv.
  // qd8: --kernels xnnpack's qd8 convolution instead (conv.cc EvalHybridXnnpack):
  // math::QuantizeRowQd8 per image (per pixel for a 1x1 stride-1 filter,
  // XNNPACK's fully connected), padding taps at the zero point, the
  // kRowThenChannel float stage.
  bool Prepare(const NodeContext& node, const math::ConvGeometry& g, const Tensor& filter, bool per_channel,
               quant::FloatRange clamp, bool qd8 = false);
  bool ready() const { return gemm_.ready(); }
  // bias: the node's float bias or null.
  void Run(const Tensor& input, const float* bias, Tensor& output, ThreadPool* pool);

 private:
  void RunQd8(const Tensor& input, fast::HybridStage& s, Tensor& output, ThreadPool* pool);

  math::ConvGeometry g_;
  bool per_channel_ = false;
  bool qd8_ = false;        // XNNPACK's qd8 arithmetic
  bool qd8_pixels_ = false;  // qd8 with a 1x1 stride-1 filter: each pixel quantized on its own
  std::vector<float> qd8_scales_;  // qd8: each output channel's filter scale
  bool direct_rows_ = false;  // 1x1, stride 1, no padding: A rows are the quantized pixels
  float filter_scale_ = 0;    // HybridConv: the first filter scale
  std::vector<float> channel_scales_;
  quant::FloatRange clamp_;
  fast::PackedHybridGemm gemm_;
  std::vector<uint8_t> quantized_;  // one image, as q + 128
  std::vector<float> scales_;      // per image (qd8_pixels_: per pixel)
  std::vector<int32_t> zero_points_;
};

}  // namespace tfldbg
