// The fast CONV_2D and DEPTHWISE_CONV_2D (kernels/fast): weights packed once
// at Prepare, tiles on the instruction set of the node's CPU path, threads.
// Results equal the scalar loops (conv_math.h) bit for bit, integers and
// floats alike (each float output is summed in the reference's tap order,
// with fused multiply-adds where the node's kernel set fuses them:
// NodeContext::fused_float_sums), whatever the thread count.
//
//   FastConv fast;
//   if (fast.Prepare(node, geometry, depthwise, input, filter, bias, requant, clamp)) ...
//   if (fast.ready()) fast.Run(input, output, node.pool); else ...the reference loop...
#pragma once

#include <vector>

#include "kernels/conv/conv_math.h"
#include "kernels/fast/gemm.h"
#include "kernels/kernel.h"

namespace tfldbg {

class FastConv {
 public:
  // Takes the node when its CPU path has fast kernels and the node is one
  // they cover: constant filter (and bias); int8 or uint8 (same type as the
  // filter) or float32; CONV_2D without groups, DEPTHWISE_CONV_2D with depth
  // multiplier 1 (any multiplier for 8-bit). Returns whether it did.
  bool Prepare(const NodeContext& node, const math::ConvGeometry& g, bool depthwise, const Tensor& input,
               const Tensor& filter, const Tensor* bias, const math::ChannelRequant& q, quant::FloatRange clamp);
  bool ready() const { return kind_ != Kind::kNone; }
  void Run(const Tensor& input, Tensor& output, ThreadPool* pool) const;

 private:
  enum class Kind { kNone, kInt8Gemm, kFloatGemm, kInt8Depthwise, kFloatDepthwise };
  void RunDepthwise(const uint8_t* input, uint8_t* output, size_t element_bytes, ThreadPool* pool) const;
  void RunDepthwisePairs(const uint8_t* input, uint8_t* output, ThreadPool* pool) const;
  bool PairScratchFits() const;
  // The input with each channel repeated dw_expand_ times (thread-local scratch).
  const uint8_t* ExpandDepthwiseInput(const uint8_t* input) const;

  Kind kind_ = Kind::kNone;
  math::ConvGeometry g_;
  const fast::IsaKernels* isa_ = nullptr;
  bool direct_rows_ = false;  // 1x1, stride 1, no padding: A rows are the input's pixels
  fast::PackedInt8Gemm int8_gemm_;
  fast::PackedFloatGemm float_gemm_;
  std::vector<float> float_zeros_;  // one filter row of zeros: the indirect rows' taps outside the image
  // Depthwise: weights [tap][padded channels] (int32 with the filter offset, or float), bias padded.
  std::vector<int32_t> dw_int_weights_, dw_int_bias_;
  fast::OutputStageArrays dw_arrays_;
  std::vector<int32_t> dw_pair_weights_;  // int8 on isa->int8_depthwise_pairs: [fy][pair][block][16] int16 pairs
  std::vector<float> dw_float_weights_, dw_float_bias_;
  fast::Int8OutputStage dw_stage_;
  int32_t dw_input_offset_ = 0;
  bool dw_input_unsigned_ = false;
  int dw_expand_ = 1;  // depth multiplier (8-bit); g_.input.c is then the expanded out_c
  quant::FloatRange clamp_;
  bool fused_ = false;  // float sums: NodeContext::fused_float_sums
};

}  // namespace tfldbg
