// The fast FULLY_CONNECTED (kernels/fast/gemm.h): weights packed once at
// Prepare, the batch rows as the GEMM's rows. Results equal the reference
// (fully_connected_math.h) bit for bit, floats too (each output summed in
// depth order, without fused multiply-adds).
//
//   FastFullyConnected fast;
//   fast.Prepare(node, shape, input, weights, bias, requant, clamp);
//   if (fast.ready()) fast.Run(input, output, node.pool); else ...the reference loop...
#pragma once

#include "kernels/fast/gemm.h"
#include "kernels/kernel.h"
#include "kernels/matmul/fully_connected_math.h"

namespace tfldbg {

class FastFullyConnected {
 public:
  // Takes the node when its CPU path has fast kernels, the weights (and bias)
  // are constant and the types are int8/uint8 (same as the weights) or float32.
  bool Prepare(const NodeContext& node, const math::FullyConnectedShape& shape, const Tensor& input, const Tensor& weights,
               const Tensor* bias, const math::ChannelRequant& q, quant::FloatRange clamp);
  bool ready() const { return int8_.ready() || float_.ready(); }
  void Run(const Tensor& input, Tensor& output, ThreadPool* pool) const;

 private:
  math::FullyConnectedShape shape_;
  fast::PackedInt8Gemm int8_;
  fast::PackedFloatGemm float_;
};

}  // namespace tfldbg
