// The fast 8-bit ADD and SUB of two tensors of one shape (kernels/fast):
// LiteRT's three requantizations per element, 16 lanes at a time, the same
// results bit for bit as math::QuantizedAddSub. Broadcasting, MUL, int16 and
// the scalar CPU path keep the reference loop.
//
//   FastAddSub fast;
//   fast.Prepare(node, a, b, out, params);
//   if (fast.ready()) fast.Run(a, b, out, node.pool);
#pragma once

#include <cstdint>

#include "kernels/elementwise/arithmetic_math.h"
#include "kernels/fast/gemm.h"
#include "kernels/kernel.h"

namespace tfldbg {

class FastAddSub {
 public:
  bool Prepare(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out,
               const math::QuantizedAddSubParams& p);
  bool ready() const { return isa_ != nullptr; }
  void Run(const Tensor& a, const Tensor& b, Tensor& out, ThreadPool* pool) const;

 private:
  const fast::IsaKernels* isa_ = nullptr;
  fast::OutputStageArrays in1_, in2_, out_;  // one multiplier each, for all lanes
  fast::Int8AddRow row_;
};

}  // namespace tfldbg
