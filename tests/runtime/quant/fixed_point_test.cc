#include "quant/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tfldbg::quant {
namespace {

TEST(QuantizeMultiplier, NormalisesIntoThirtyOneBits) {
  const QuantizedMultiplier half = QuantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  const QuantizedMultiplier one = QuantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 1);
  const QuantizedMultiplier small = QuantizeMultiplier(0.0078125 * 0.75);  // 0.75 · 2^-7
  EXPECT_EQ(small.multiplier, 1610612736);                               // 0.75 · 2^31
  EXPECT_EQ(small.shift, -7);
  EXPECT_EQ(QuantizeMultiplier(0.0).multiplier, 0);
  EXPECT_EQ(QuantizeMultiplier(std::ldexp(1.0, -40)).multiplier, 0);  // exponent < -31 flushes to zero
}

TEST(QuantizeMultiplier, CarriesWhenTheMantissaRoundsUpToTwoToThe31) {
  const double almost_one = 1.0 - std::ldexp(1.0, -33);  // mantissa rounds to 2^31
  const QuantizedMultiplier m = QuantizeMultiplier(almost_one);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 1);
}

TEST(QuantizeMultiplier, SingleRoundingCapsTheShiftAtThirty) {
  const QuantizedMultiplier m = QuantizeMultiplier(std::ldexp(1.0, 40), RoundingMode::kSingle);
  EXPECT_EQ(m.shift, 30);
  EXPECT_EQ(m.multiplier, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(QuantizeMultiplier(std::ldexp(1.0, 40), RoundingMode::kDouble).shift, 41);
}

TEST(SaturatingRoundingDoublingHighMul, RoundsHalfUpAndSaturates) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min()),
            std::numeric_limits<int32_t>::max());
  // 3 · 2^30 / 2^31 = 1.5 rounds to 2; -1.5 rounds to -1 (ties toward +inf).
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
}

TEST(RoundingDivideByPot, RoundsTiesAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(RoundingDivideByPOT(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(RoundingDivideByPOT(-7, 2), -2);
  EXPECT_EQ(RoundingDivideByPOT(-1, 31), 0);
  EXPECT_EQ(RoundingDivideByPOT64(-(int64_t{5} << 40), 41), -3);
}

TEST(MultiplyByQuantizedMultiplier, DoubleAndSingleRoundingDifferOnTies) {
  // real = 0.5 · 2^-1 = 0.25 exactly; x = 2 gives 0.5: double rounding first
  // rounds 2·2^30/2^31 = 1 exactly, then 1/2 = 0.5 rounds away from zero to 1;
  // single rounding adds 2^(k-1) and floors: also 1. x = -2: double gives -1,
  // single gives floor(-0.5 + 0.5) = 0.
  const QuantizedMultiplier quarter = QuantizeMultiplier(0.25);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(2, quarter, RoundingMode::kDouble), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(2, quarter, RoundingMode::kSingle), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-2, quarter, RoundingMode::kDouble), -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-2, quarter, RoundingMode::kSingle), 0);
  // Ordinary values agree with round(x · real).
  const QuantizedMultiplier m = QuantizeMultiplier(0.0123);
  for (int32_t x : {0, 1, 1000, -1000, 123456, -98765}) {
    EXPECT_NEAR(MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDouble), x * 0.0123, 0.5 + 1e-6) << x;
  }
}

TEST(MultiplyByQuantizedMultiplier, Int64AccumulatorsUseASixteenBitMultiplier) {
  const QuantizedMultiplier m = QuantizeMultiplier(0.5);  // (2^30, 0) -> reduced 2^14
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1000}, m), 500);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{-1001}, m), -500);  // (-1001·2^14 + 2^14) >> 15 = -500
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1} << 40, QuantizeMultiplier(std::ldexp(1.0, -20))), 1 << 20);
}

TEST(ActivationRange, QuantizesTheBoundsWithTheOutputScale) {
  const IntRange relu6 = QuantizedActivationRange(Activation::kRelu6, 0.05f, -128, DataType::kInt8);
  EXPECT_EQ(relu6.min, -128);
  EXPECT_EQ(relu6.max, -8);  // -128 + round(6 / 0.05)
  const IntRange relu = QuantizedActivationRange(Activation::kRelu, 0.1f, 10, DataType::kUInt8);
  EXPECT_EQ(relu.min, 10);
  EXPECT_EQ(relu.max, 255);
  const IntRange none = QuantizedActivationRange(Activation::kNone, 0.1f, 0, DataType::kInt16);
  EXPECT_EQ(none.min, -32768);
  EXPECT_EQ(none.max, 32767);
}

}  // namespace
}  // namespace tfldbg::quant
