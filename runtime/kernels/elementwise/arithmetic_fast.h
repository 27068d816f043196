// The fast 8-bit ADD and SUB of two tensors of one shape (kernels/fast):
// LiteRT's three requantizations per element, 16 lanes at a time, the same
// results bit for bit as math::QuantizedAddSub. Broadcasting, MUL, int16 and
// the scalar CPU path keep the reference loop.
//
// The deployment kernel sets take the same entry with their own arithmetic
// (fast::Int8AddArithmetic): PrepareOptimized, LiteRT's optimized ADD
// (--kernels optimized: its vector blocks, the last n % block elements as the
// reference, math::QuantizedAddOptimized); PrepareXnnpack, XNNPACK's qs8/qu8
// vadd (--kernels xnnpack, xnnpack::AddParams).
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
  // `block`: the vector block of LiteRT's kernel (16 int8, 8 uint8); kFoldedShift or kShiftAfter.
  bool PrepareOptimized(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out,
                        const math::QuantizedAddSubParams& p, bool folded_shift, int64_t block);
  // XNNPACK's vadd: clamp(((bias + q1·m1 + q2·m2) >> shift) + output_zero_point, clamp).
  bool PrepareXnnpack(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out, int32_t m1, int32_t m2,
                      int32_t bias, int shift, int32_t output_zero_point, quant::IntRange clamp);
  bool ready() const { return isa_ != nullptr; }
  void Run(const Tensor& a, const Tensor& b, Tensor& out, ThreadPool* pool) const;

 private:
  const fast::IsaKernels* isa_ = nullptr;
  fast::OutputStageArrays in1_, in2_, out_;  // one multiplier each, for all lanes
  fast::Int8AddRow row_;
  int64_t block_ = 0;                   // PrepareOptimized: the table entry takes whole blocks, the rest the reference
  math::QuantizedAddSubParams params_;  // PrepareOptimized: the reference, for the rest
};

}  // namespace tfldbg
