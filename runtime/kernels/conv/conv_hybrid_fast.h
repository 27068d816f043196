// The fast hybrid CONV_2D (float input, constant int8 filter; kernels/fast/hybrid.h):
// each image quantized as the reference kernels do (conv.cc: symmetric for
// LiteRT's HybridConv, asymmetric for EvalHybridPerChannel), im2col of the
// quantized bytes, the 8-bit GEMM of the node's CPU path, LiteRT's float
// scaling. Results equal conv.cc's hybrid loops bit for bit.
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
  bool Prepare(const NodeContext& node, const math::ConvGeometry& g, const Tensor& filter, bool per_channel,
               quant::FloatRange clamp);
  bool ready() const { return gemm_.ready(); }
  // bias: the node's float bias or null.
  void Run(const Tensor& input, const float* bias, Tensor& output, ThreadPool* pool);

 private:
  math::ConvGeometry g_;
  bool per_channel_ = false;
  bool direct_rows_ = false;  // 1x1, stride 1, no padding: A rows are the quantized pixels
  float filter_scale_ = 0;    // HybridConv: the first filter scale
  std::vector<float> channel_scales_;
  quant::FloatRange clamp_;
  fast::PackedHybridGemm gemm_;
  std::vector<uint8_t> quantized_;  // one image, as q + 128
  std::vector<float> scales_;      // per image
  std::vector<int32_t> zero_points_;
};

}  // namespace tfldbg
