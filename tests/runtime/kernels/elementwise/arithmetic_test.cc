// Unit tests of the ADD/SUB/MUL element math and the N-D broadcast walk,
// against values worked out by hand from LiteRT's reference formulas.
#include "kernels/elementwise/arithmetic_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "kernels/common/broadcast.h"

namespace tfldbg::math {
namespace {

using quant::QuantizeMultiplier;
using quant::RoundingMode;

// ---------------------------------------------------------------- Broadcast

std::vector<std::tuple<int64_t, int64_t, int64_t>> Walk(const Broadcast& b) {
  std::vector<std::tuple<int64_t, int64_t, int64_t>> v;
  b.ForEach([&](int64_t o, int64_t i1, int64_t i2) { v.emplace_back(o, i1, i2); });
  return v;
}

TEST(Broadcast, SameShapeIsFlat) {
  Broadcast b;
  ASSERT_TRUE(b.Init({2, 3}, {2, 3}));
  EXPECT_EQ(b.output_shape(), (std::vector<int32_t>{2, 3}));
  const auto v = Walk(b);
  ASSERT_EQ(v.size(), 6u);
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(v[static_cast<size_t>(i)], std::make_tuple(i, i, i));
}

TEST(Broadcast, BothSidesExpand) {
  Broadcast b;
  ASSERT_TRUE(b.Init({2, 1}, {1, 3}));
  EXPECT_EQ(b.output_shape(), (std::vector<int32_t>{2, 3}));
  const auto v = Walk(b);
  const std::vector<std::tuple<int64_t, int64_t, int64_t>> expected = {
      {0, 0, 0}, {1, 0, 1}, {2, 0, 2}, {3, 1, 0}, {4, 1, 1}, {5, 1, 2}};
  EXPECT_EQ(v, expected);
}

TEST(Broadcast, LowerRankAlignsRight) {
  Broadcast b;
  ASSERT_TRUE(b.Init({2, 2, 3}, {3}));
  EXPECT_EQ(b.output_shape(), (std::vector<int32_t>{2, 2, 3}));
  const auto v = Walk(b);
  ASSERT_EQ(v.size(), 12u);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_EQ(std::get<2>(v[i]), static_cast<int64_t>(i % 3));
}

TEST(Broadcast, SixDimensionsAndRefusals) {
  Broadcast b;
  ASSERT_TRUE(b.Init({2, 1, 1, 1, 1, 2}, {1, 1, 1, 1, 3, 1}));
  EXPECT_EQ(b.output_shape(), (std::vector<int32_t>{2, 1, 1, 1, 3, 2}));
  EXPECT_EQ(Walk(b).size(), 12u);
  EXPECT_FALSE(b.Init({2, 3}, {3, 2}));
  EXPECT_FALSE(b.Init({1, 1, 1, 1, 1, 1, 1}, {1}));  // 7-D broadcast
  ASSERT_TRUE(b.Init({2, 1, 1, 1, 1, 1, 3}, {2, 1, 1, 1, 1, 1, 3}));  // 7-D, equal: flat
  EXPECT_EQ(Walk(b).size(), 6u);
  ASSERT_TRUE(b.Init({2, 3}, {3}));  // re-initialised after an equal-shape use
  EXPECT_EQ(Walk(b).size(), 6u);
  EXPECT_EQ(std::get<2>(Walk(b)[4]), 1);
}

TEST(Broadcast, ZeroSizedOutputVisitsNothing) {
  Broadcast b;
  ASSERT_TRUE(b.Init({0, 3}, {1, 3}));
  EXPECT_TRUE(Walk(b).empty());
}

// ---------------------------------------------------------------- ADD / SUB

QuantizedAddSubParams AddParams(float s1, int32_t z1, float s2, int32_t z2, float so, int32_t zo, int left_shift,
                                bool subtract, quant::IntRange clamp) {
  QuantizedAddSubParams p;
  p.subtract = subtract;
  p.input1_offset = -z1;
  p.input2_offset = -z2;
  p.output_offset = zo;
  p.left_shift = left_shift;
  const double twice_max = static_cast<double>(2 * std::max(s1, s2));
  p.input1_multiplier = QuantizeMultiplier(s1 / twice_max);
  p.input2_multiplier = QuantizeMultiplier(s2 / twice_max);
  p.output_multiplier = QuantizeMultiplier(twice_max / static_cast<double>(static_cast<float>(1 << left_shift) * so));
  p.clamp = clamp;
  return p;
}

TEST(QuantizedAddSub, EqualScalesAddExactly) {
  // All scales 0.5, zero points 0: the sum of the integers.
  const auto p = AddParams(0.5f, 0, 0.5f, 0, 0.5f, 0, 20, false, {-128, 127});
  EXPECT_EQ(QuantizedAddSub(p, 3, 4), 7);
  EXPECT_EQ(QuantizedAddSub(p, -100, -27), -127);
  EXPECT_EQ(QuantizedAddSub(p, 100, 100), 127);  // clamped
  auto s = p;
  s.subtract = true;
  EXPECT_EQ(QuantizedAddSub(s, 3, 4), -1);
  EXPECT_EQ(QuantizedAddSub(s, -128, 127), -128);
}

TEST(QuantizedAddSub, ZeroPointsAndRescale) {
  // 0.1·(q1 − 10) + 0.2·(q2 + 5) on an output of scale 0.3, zero point −3.
  const auto p = AddParams(0.1f, 10, 0.2f, -5, 0.3f, -3, 20, false, {-128, 127});
  for (int q1 = -128; q1 < 128; q1 += 17) {
    for (int q2 = -128; q2 < 128; q2 += 13) {
      const double real = 0.1 * (q1 - 10) + 0.2 * (q2 + 5);
      const int expected = std::min(127, std::max(-128, static_cast<int>(std::lround(real / 0.3)) - 3));
      EXPECT_NEAR(QuantizedAddSub(p, q1, q2), expected, 1) << q1 << " " << q2;
    }
  }
}

TEST(QuantizedAddSub, Int16GeneralPathUsesShift15) {
  const auto p = AddParams(1.0f / 1024, 0, 1.0f / 1024, 0, 1.0f / 1024, 0, 15, false, {-32768, 32767});
  EXPECT_EQ(QuantizedAddSub(p, 1000, 2000), 3000);
  EXPECT_EQ(QuantizedAddSub(p, 32767, 32767), 32767);
  EXPECT_EQ(QuantizedAddSub(p, -32768, -32768), -32768);
}

TEST(QuantizedAddSub, ActivationClamp) {
  const auto p = AddParams(0.5f, 0, 0.5f, 0, 0.5f, 0, 20, false, {0, 12});
  EXPECT_EQ(QuantizedAddSub(p, -3, 1), 0);
  EXPECT_EQ(QuantizedAddSub(p, 10, 5), 12);
}

TEST(QuantizedAddSub, SingleRoundingDiffersOnlyByOne) {
  auto d = AddParams(0.013f, 3, 0.021f, -9, 0.05f, 1, 20, false, {-128, 127});
  auto s = d;
  s.rounding = RoundingMode::kSingle;
  for (int q1 = -128; q1 < 128; ++q1) {
    for (int q2 = -128; q2 < 128; q2 += 7) EXPECT_NEAR(QuantizedAddSub(d, q1, q2), QuantizedAddSub(s, q1, q2), 1);
  }
}

// ---------------------------------------------------------------- int16 power-of-two path

TEST(RoundingDivideByPOTInt16, RoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOTInt16(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPOTInt16(-5, 1), -3);
  EXPECT_EQ(RoundingDivideByPOTInt16(4, 1), 2);
  EXPECT_EQ(RoundingDivideByPOTInt16(32767, 3), 4096);
  EXPECT_EQ(RoundingDivideByPOTInt16(-32768, 15), -1);
  EXPECT_EQ(RoundingDivideByPOTInt16(7, 0), 7);
}

TEST(RoundingDivideByPOTInt16, ExponentsPastFifteenKeepGemmlowpsInt16Quirk) {
  // The int16 mask is all ones from 16 on: non-negative values come out as 1, negative as -1.
  EXPECT_EQ(RoundingDivideByPOTInt16(0, 16), 1);
  EXPECT_EQ(RoundingDivideByPOTInt16(12345, 20), 1);
  EXPECT_EQ(RoundingDivideByPOTInt16(-1, 20), -1);
  EXPECT_EQ(RoundingDivideByPOTInt16(-32768, 31), -1);
}

TEST(Int16PotAddSub, ShiftsTheFinerInput) {
  Int16PotAddSubParams p;
  p.input2_shift = -3;  // input 2 is 8 times finer than the output
  p.clamp = {-32768, 32767};
  EXPECT_EQ(Int16PotAddSub(p, 100, 80), 110);
  EXPECT_EQ(Int16PotAddSub(p, 100, -84), 89);  // -84/8 = -10.5 -> -11
  EXPECT_EQ(Int16PotAddSub(p, 32767, 800), 32767);  // saturates
  p.subtract = true;
  EXPECT_EQ(Int16PotAddSub(p, 100, 80), 90);
  EXPECT_EQ(Int16PotAddSub(p, -32768, 800), -32768);
  p.subtract = false;
  p.input2_shift = 0;
  p.input1_shift = -1;
  EXPECT_EQ(Int16PotAddSub(p, 3, 10), 12);  // 3/2 = 1.5 -> 2
  p.clamp = {0, 32767};                     // RELU
  EXPECT_EQ(Int16PotAddSub(p, -30, 10), 0);
}

// ---------------------------------------------------------------- MUL

TEST(QuantizedMul, ProductRequantized) {
  QuantizedMulParams p;
  p.input1_offset = -2;
  p.input2_offset = 3;
  p.output_offset = -1;
  p.output_multiplier = QuantizeMultiplier(static_cast<double>(0.5f * 0.25f / 0.125f));  // 1.0
  p.clamp = {-128, 127};
  EXPECT_EQ(QuantizedMul(p, 12, -1), (12 - 2) * (-1 + 3) - 1);
  EXPECT_EQ(QuantizedMul(p, 127, 127), 127);
  EXPECT_EQ(QuantizedMul(p, -128, 127), -128);
  p.output_multiplier = QuantizeMultiplier(0.5);
  EXPECT_EQ(QuantizedMul(p, 5, -2), 2 - 1);  // 3·1·0.5 = 1.5 -> 2 (ties up), then the offset -1
}

TEST(QuantizedMul, Int16ExtremesDoNotOverflow) {
  QuantizedMulParams p;
  p.output_multiplier = QuantizeMultiplier(1.0 / 32768);
  p.clamp = {-32768, 32767};
  EXPECT_EQ(QuantizedMul(p, -32768, -32768), 32767);
  EXPECT_EQ(QuantizedMul(p, -32768, 32767), -32767);
}

}  // namespace
}  // namespace tfldbg::math
