// --kernels xnnpack: which nodes LiteRT's default XNNPACK delegate takes, and
// the parameters of XNNPACK's arithmetic for them (docs/deployment.md).
//
// ai-edge-litert's Python Interpreter applies the XNNPACK delegate by default
// (qs8 and qu8 enabled). The delegate takes a node when it supports the op
// with these types, options and constant operands; the nodes it leaves run
// LiteRT's optimized kernels. XnnpackDelegates answers that question from
// the node alone, as the delegate's per-op checks do (learned from LiteRT's
// xnnpack_delegate.cc and checked, op by op, against which single-op models
// LiteRT delegates: tests/python/test_xnnpack.py).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg::xnnpack {

bool Delegates(const NodeContext& node);

// The kernel computing XNNPACK's arithmetic for a delegated node whose op has
// no xnnpack branch in its usual kernel (quantized ADD/SUB/MUL, LOGISTIC,
// TANH, ELU, LEAKY_RELU, MEAN, SUM; QUANTIZE); null otherwise.
std::unique_ptr<Kernel> MakeKernel(const NodeContext& node);

// XNNPACK's output range for a quantized op with a fused activation: the
// activation's float bounds quantized as XNNPACK's xnn_qs8_quantize /
// xnn_qu8_quantize do (val / scale + zp in float, clamped to the type's
// range, rounded to nearest even).
quant::IntRange QuantizedOutputRange(quant::Activation activation, float scale, int32_t zero_point, DataType type);

// The fp32 requantization scales of a conv / depthwise conv / fully connected
// node: s_in · s_w[c] / s_out in float32, in that order, one per output
// channel (`channels` copies when the filter is per-tensor).
std::vector<float> RequantizationScales(const Tensor& input, const Tensor& filter, const Tensor& output, int channels);

// XNNPACK's qs8/qu8 add parameters (xnn_init_qs8_add_minmax_scalar_params):
// out = clamp(((bias + a·a_mult + b·b_mult) >> shift) + zp_out).
struct AddParams {
  int32_t a_multiplier = 0;
  int32_t b_multiplier = 0;
  int32_t bias = 0;
  uint32_t shift = 0;
  int32_t output_zero_point = 0;
  quant::IntRange clamp;
  int32_t Apply(int32_t a, int32_t b) const {
    int32_t acc = bias + a * a_multiplier + b * b_multiplier;
    acc >>= shift;  // arithmetic shift: the rounding is in the bias
    acc += output_zero_point;
    return std::min(std::max(acc, clamp.min), clamp.max);
  }
};
// For ADD (b_sign +1) and SUB (b's scale negated: XNNPACK's subtract).
AddParams MakeAddParams(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale, int32_t out_zp,
                        quant::IntRange clamp, bool subtract);


}  // namespace tfldbg::xnnpack
