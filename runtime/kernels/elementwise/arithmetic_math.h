// Quantized ADD, SUB and MUL of one pair of elements, as LiteRT's reference
// kernels compute them (reference/add.h, sub.h, mul.h, reference_ops.h Sub16).
// The kernels walk the operands with math::Broadcast and call these per element.
//
//   QuantizedAddSubParams p = ...;           // from Prepare
//   y[o] = static_cast<int8_t>(QuantizedAddSub(p, x1[i1], x2[i2]));
#pragma once

#include <algorithm>
#include <cstdint>

#include "quant/fixed_point.h"

namespace tfldbg::math {

// The general 8-bit path (left_shift 20) and the general int16 path (left_shift 15):
// each input centred, shifted left, scaled onto the common scale 2·max(s1, s2),
// summed (or subtracted), rescaled to the output, offset and clamped.
struct QuantizedAddSubParams {
  bool subtract = false;
  int32_t input1_offset = 0, input2_offset = 0;  // −zero point
  int32_t output_offset = 0;
  int left_shift = 20;
  quant::QuantizedMultiplier input1_multiplier, input2_multiplier, output_multiplier;
  quant::IntRange clamp;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

inline int32_t QuantizedAddSub(const QuantizedAddSubParams& p, int32_t q1, int32_t q2) {
  using quant::MultiplyByQuantizedMultiplierSmallerThanOneExp;
  const int32_t shifted1 = (p.input1_offset + q1) * (1 << p.left_shift);
  const int32_t shifted2 = (p.input2_offset + q2) * (1 << p.left_shift);
  const int32_t scaled1 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, p.input1_multiplier, p.rounding);
  const int32_t scaled2 = MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, p.input2_multiplier, p.rounding);
  const int32_t raw = p.subtract ? scaled1 - scaled2 : scaled1 + scaled2;
  // An output factor above 1 (SUB only, single rounding only: see the kernel)
  // takes the well-defined greater-than-one form.
  const int32_t scaled = p.output_multiplier.shift > 0
                             ? quant::MultiplyByQuantizedMultiplierGreaterThanOne(raw, p.output_multiplier, p.rounding)
                             : MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output_multiplier, p.rounding);
  const int32_t v = quant::WrappingAdd(scaled, p.output_offset);
  return std::min(std::max(v, p.clamp.min), p.clamp.max);
}

// gemmlowp's RoundingDivideByPOT instantiated for int16_t, as the int16
// power-of-two ADD/SUB path calls it: mask, threshold and sum are all int16.
// For exponents of 16 and more the int16 mask is all ones, which gemmlowp turns
// into "round up by one" (0 >> 16 gives 1); that is what LiteRT computes.
// exponent in [0, 31].
inline int16_t RoundingDivideByPOTInt16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// The int16 power-of-two path (pot_scale_int16, every scale 2^k, zero points 0;
// meant for LSTM cells): the input on the finer scale is rounded down to the
// output scale by a shift, the other is taken as is. shift1, shift2 <= 0 and
// at least one is 0.
struct Int16PotAddSubParams {
  bool subtract = false;
  int input1_shift = 0, input2_shift = 0;
  quant::IntRange clamp;
};

inline int16_t Int16PotAddSub(const Int16PotAddSubParams& p, int16_t q1, int16_t q2) {
  const int32_t a = RoundingDivideByPOTInt16(q1, -p.input1_shift);
  const int32_t b = RoundingDivideByPOTInt16(q2, -p.input2_shift);
  const int32_t v = p.subtract ? a - b : a + b;  // the clamp (within int16) is the saturation
  return static_cast<int16_t>(std::min(std::max(v, p.clamp.min), p.clamp.max));
}

// MUL: (q1 − z1)·(q2 − z2) requantized with s1·s2/s_out (derived in float).
struct QuantizedMulParams {
  int32_t input1_offset = 0, input2_offset = 0, output_offset = 0;
  quant::QuantizedMultiplier output_multiplier;
  quant::IntRange clamp;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

inline int32_t QuantizedMul(const QuantizedMulParams& p, int32_t q1, int32_t q2) {
  const int32_t product = (p.input1_offset + q1) * (p.input2_offset + q2);
  const int32_t v = quant::WrappingAdd(
      p.output_offset, quant::MultiplyByQuantizedMultiplier(product, p.output_multiplier, p.rounding));
  return std::min(std::max(v, p.clamp.min), p.clamp.max);
}

}  // namespace tfldbg::math
