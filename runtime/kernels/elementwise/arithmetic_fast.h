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
#include "kernels/fast/isa.h"
#include "kernels/kernel.h"

namespace tfldbg {

class FastAddSub {
 public:
  bool Prepare(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out,
               const math::QuantizedAddSubParams& p);
  bool ready() const { return isa_ != nullptr; }
  void Run(const Tensor& a, const Tensor& b, Tensor& out, ThreadPool* pool) const;

 private:
  // One multiplier for all lanes, as a stage's arrays want it.
  struct UniformStage {
    int32_t multiplier[fast::kPanel], left[fast::kPanel], right[fast::kPanel];
  };
  const fast::IsaKernels* isa_ = nullptr;
  UniformStage in1_, in2_, out_;
  fast::Int8AddRow row_;
};

}  // namespace tfldbg
