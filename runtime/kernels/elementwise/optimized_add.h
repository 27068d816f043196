// LiteRT's *optimized* 8-bit ADD (--kernels optimized), x86 build: which
// output elements its vector code computes, and how.
//
// optimized_integer_ops::Add / optimized_ops::Add (same shapes) and
// BroadcastAddDispatch (the "fivefold" broadcast of BinaryBroadcastFiveFold)
// write the output in runs: the whole tensor, or runs of y4 elements (the
// inner dimensions both inputs share) through the elementwise function, or
// runs of y3 elements against one broadcast value (AddScalarBroadcast) when
// y4 is 1. Inside each run, whole blocks go through the NEON code (compiled
// through NEON_2_SSE on x86) and the rest through the scalar loop, which is
// the reference arithmetic. Broadcasts the fivefold pattern cannot express
// (kGenericBroadcast) run the reference kernel.
//
// The NEON blocks:
//   kFoldedShift  int8 AddElementwiseInt8, blocks of 16: each input's shift
//                 folded into the pre-shift, SRDHM only (exact otherwise).
//   kShiftAfter   int8/uint8 AddScalarBroadcast and uint8 AddElementwise,
//                 blocks of 8: SRDHM(x·2^20, M), then an arithmetic (flooring)
//                 right shift instead of RoundingDivideByPOT.
// Both then rescale the sum as the reference does, narrow it to int16 by
// truncation (vmovn), add the output zero point in int16 (wrapping) and
// saturate to 8 bits before the activation clamp. MUL: see PlanOptimizedMul.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/elementwise/arithmetic_math.h"

namespace tfldbg::math {

enum class OptimizedAddPath : uint8_t {
  kReference,
  kFoldedShift,     // ADD int8 elementwise
  kShiftAfter,      // ADD uint8 elementwise, ADD AddScalarBroadcast
  kMulSaturating,   // MUL: int32 -> int16 saturating (vqmovn_s32)
  kMulTruncating,   // MUL uint8 MulSimpleBroadcast: int32 -> int16 truncating (vmovn_s32)
};

// Where the NEON blocks are: element o of the output (flat index) is in one
// when (o % run) < run / block · block.
struct OptimizedAddPlan {
  OptimizedAddPath path = OptimizedAddPath::kReference;
  int64_t run = 0;
  int64_t block = 1;

  OptimizedAddPath At(int64_t o) const {
    if (path == OptimizedAddPath::kReference || run <= 0) return OptimizedAddPath::kReference;
    return (o % run) < run / block * block ? path : OptimizedAddPath::kReference;
  }
};

// LiteRT's ProcessBroadcastShapes followed by the choice of kernel of its
// optimized 8-bit ADD. `int8`: the int8 kernels, else the uint8 ones.
// The runs of BinaryBroadcastFiveFold: `elementwise` for the same-shape
// kernel and the y4 runs, `scalar` for the y3 runs against one value, with
// their vector block sizes. (A plan with path kReference: the reference kernel.)
struct FiveFoldPaths {
  OptimizedAddPath elementwise, scalar;
  int64_t elementwise_block, scalar_block;
};

inline OptimizedAddPlan PlanFiveFold(const std::vector<int32_t>& shape1, const std::vector<int32_t>& shape2,
                                     const FiveFoldPaths& k);

inline OptimizedAddPlan PlanOptimizedAdd(const std::vector<int32_t>& shape1, const std::vector<int32_t>& shape2, bool int8) {
  const OptimizedAddPath elementwise = int8 ? OptimizedAddPath::kFoldedShift : OptimizedAddPath::kShiftAfter;
  return PlanFiveFold(shape1, shape2, {elementwise, OptimizedAddPath::kShiftAfter, int8 ? 16 : 8, 8});
}

inline OptimizedAddPlan PlanFiveFold(const std::vector<int32_t>& shape1, const std::vector<int32_t>& shape2,
                                     const FiveFoldPaths& k) {
  const size_t rank = std::max(shape1.size(), shape2.size());
  std::vector<int64_t> s0(rank, 1), s1(rank, 1);
  std::copy(shape1.begin(), shape1.end(), s0.begin() + static_cast<std::ptrdiff_t>(rank - shape1.size()));
  std::copy(shape2.begin(), shape2.end(), s1.begin() + static_cast<std::ptrdiff_t>(rank - shape2.size()));
  OptimizedAddPlan plan;
  if (s0 == s1) {  // elementwise over the whole tensor
    int64_t n = 1;
    for (int64_t d : s0) n *= d;
    plan.path = k.elementwise;
    plan.run = n;
    plan.block = k.elementwise_block;
    return plan;
  }
  // The innermost differing dimension decides which input "broadcasts fast".
  int first_fast = -1;  // 1: input 1 has the 1 there, 0: input 2
  for (int i = static_cast<int>(rank) - 1; i >= 0; --i) {
    if (s0[i] == s1[i]) continue;
    if (s0[i] == 1) {
      first_fast = 1;
    } else if (s1[i] == 1) {
      first_fast = 0;
    } else {
      return plan;  // not broadcastable here; the kernel refused it earlier
    }
    break;
  }
  const std::vector<int64_t>& a = first_fast == 1 ? s0 : s1;  // the one broadcasting in the inner dimensions
  const std::vector<int64_t>& b = first_fast == 1 ? s1 : s0;
  int64_t y[5] = {1, 1, 1, 1, 1};
  int i = static_cast<int>(rank) - 1;
  for (; i >= 0 && a[i] == b[i]; --i) y[4] *= b[i];
  for (; i >= 0 && a[i] == 1; --i) y[3] *= b[i];
  for (; i >= 0 && a[i] == b[i]; --i) y[2] *= a[i];
  for (; i >= 0 && b[i] == 1; --i) y[1] *= a[i];
  for (; i >= 0 && a[i] == b[i]; --i) y[0] *= b[i];
  if (i >= 0) return plan;  // kGenericBroadcast: the reference kernel
  if (y[4] > 1) {
    plan.path = k.elementwise;
    plan.run = y[4];
    plan.block = k.elementwise_block;
  } else {
    plan.path = k.scalar;
    plan.run = y[3];
    plan.block = k.scalar_block;
  }
  return plan;
}

// The NEON blocks' output stage: truncate to int16, add the zero point in
// int16, saturate to T, clamp to the activation range.
template <typename T>
int32_t NarrowOptimizedAddOutput(const QuantizedAddSubParams& p, int32_t scaled) {
  const int32_t v16 = static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(scaled)));
  const int32_t with_offset = static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v16 + p.output_offset)));
  const int32_t saturated = std::clamp<int32_t>(with_offset, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  return std::min(std::max(saturated, p.clamp.min), p.clamp.max);
}

// x·2^shift for shift >= 0 (wrapping as vshl does), an arithmetic right shift
// (flooring) for shift < 0.
inline int32_t VectorShift(int32_t x, int shift) {
  if (shift >= 0) return static_cast<int32_t>(static_cast<uint32_t>(x) << std::min(shift, 31));
  const int s = std::min(-shift, 31);
  return x >= 0 ? x >> s : ~((~x) >> s);
}

template <typename T>
int32_t QuantizedAddOptimized(OptimizedAddPath path, const QuantizedAddSubParams& p, int32_t q1, int32_t q2) {
  if (path == OptimizedAddPath::kReference) return QuantizedAddSub(p, q1, q2);
  const auto scale = [&](int32_t x, quant::QuantizedMultiplier m) {
    if (path == OptimizedAddPath::kFoldedShift) {
      return quant::SaturatingRoundingDoublingHighMul(VectorShift(x, p.left_shift + m.shift), m.multiplier);
    }
    return VectorShift(quant::SaturatingRoundingDoublingHighMul(VectorShift(x, p.left_shift), m.multiplier), m.shift);
  };
  const int32_t raw = quant::WrappingAdd(scale(p.input1_offset + q1, p.input1_multiplier),
                                         scale(p.input2_offset + q2, p.input2_multiplier));
  const int32_t scaled =
      quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output_multiplier, quant::RoundingMode::kDouble);
  return NarrowOptimizedAddOutput<T>(p, scaled);
}

// LiteRT's optimized 8-bit MUL (MulElementwise, MulSimpleBroadcast through
// the same fivefold runs): the reference's product and double-rounding rescale,
// then the vector narrowing: int32 to int16 (saturating, or truncating in
// uint8 MulSimpleBroadcast), + the output zero point in int16 (wrapping),
// saturated to 8 bits, clamped. int8 blocks of 16, uint8 blocks of 8.
inline OptimizedAddPlan PlanOptimizedMul(const std::vector<int32_t>& shape1, const std::vector<int32_t>& shape2, bool int8) {
  const int64_t block = int8 ? 16 : 8;
  return PlanFiveFold(shape1, shape2,
                      {OptimizedAddPath::kMulSaturating, int8 ? OptimizedAddPath::kMulSaturating : OptimizedAddPath::kMulTruncating,
                       block, block});
}

template <typename T>
int32_t QuantizedMulOptimized(OptimizedAddPath path, const QuantizedMulParams& p, int32_t q1, int32_t q2) {
  if (path == OptimizedAddPath::kReference) return QuantizedMul(p, q1, q2);
  const int32_t product = (p.input1_offset + q1) * (p.input2_offset + q2);
  const int32_t scaled = quant::MultiplyByQuantizedMultiplier(product, p.output_multiplier, quant::RoundingMode::kDouble);
  const int32_t v16 = path == OptimizedAddPath::kMulTruncating
                          ? static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(scaled)))
                          : std::clamp<int32_t>(scaled, -32768, 32767);
  const int32_t with_offset = static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v16 + p.output_offset)));
  const int32_t saturated = std::clamp<int32_t>(with_offset, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  return std::min(std::max(saturated, p.clamp.min), p.clamp.max);
}

}  // namespace tfldbg::math
