// Unit tests of the binary elementwise math: LiteRT's x86 rounding shift past
// 31, quantized DIV, FLOOR_DIV/FLOOR_MOD signs and overflows, RIGHT_SHIFT's
// clamp, POW's squaring path and BroadcastN.
#include "kernels/elementwise/binary_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/common/broadcast.h"
#include "quant/quantize.h"

namespace tfldbg::math {
namespace {

TEST(CountLeadingSignBits, MatchesGccBuiltin) {
  for (int64_t v = -70000; v <= 70000; v += 7) {
    EXPECT_EQ(CountLeadingSignBits(static_cast<int32_t>(v)), __builtin_clrsb(static_cast<int32_t>(v))) << v;
  }
  for (int32_t v : {0, -1, 1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    EXPECT_EQ(CountLeadingSignBits(v), __builtin_clrsb(v)) << v;
  }
}

TEST(RoundingDivideByPOTX86, IsTheOrdinaryRoundingDivisionUpTo31) {
  for (int e = 0; e <= 31; ++e) {
    for (int32_t x : {0, 1, -1, 2, -2, 3, -3, 1000, -1000, 123456789, -123456789, std::numeric_limits<int32_t>::max(),
                      std::numeric_limits<int32_t>::min()}) {
      EXPECT_EQ(RoundingDivideByPOTX86(x, e), quant::RoundingDivideByPOT(x, e)) << x << " " << e;
    }
  }
}

TEST(RoundingDivideByPOTX86, MasksTheShiftPast31AsX86Does) {
  // e in [32, 63]: mask all ones, x >> (e - 32), +1 for x >= 0.
  EXPECT_EQ(RoundingDivideByPOTX86(0, 32), 1);
  EXPECT_EQ(RoundingDivideByPOTX86(0, 45), 1);
  EXPECT_EQ(RoundingDivideByPOTX86(-1, 40), -1);
  EXPECT_EQ(RoundingDivideByPOTX86(1000, 33), 501);
  EXPECT_EQ(RoundingDivideByPOTX86(-1000, 33), -500);
  EXPECT_EQ(RoundingDivideByPOTX86(-1342177279, 32), -1342177279);
  // A negative exponent (a rescale above 1): shift count 31, mask of 2^63 - 1.
  EXPECT_EQ(RoundingDivideByPOTX86(5, -1), 1);
  EXPECT_EQ(RoundingDivideByPOTX86(-5, -1), -1);
}

QuantizedDivParams Int8DivParams(float s1, int32_t z1, float s2, int32_t z2, float so, int32_t zo) {
  QuantizedDivParams p;
  p.input1_offset = -z1;
  p.input2_offset = -z2;
  p.output_offset = zo;
  p.output_multiplier = quant::QuantizeMultiplier(static_cast<double>(s1 / (s2 * so)));
  p.clamp = {-128, 127};
  return p;
}

TEST(QuantizedDiv, DividesRealValues) {
  const QuantizedDivParams p = Int8DivParams(0.1f, 3, 0.2f, -2, 0.05f, 1);
  // 1.0 / 1.0 = 1.0 -> 20 steps of 0.05 above zero point 1.
  EXPECT_EQ(QuantizedDiv(p, 13, 3), 21);
  // -1.0 / 1.0 -> -20 + 1.
  EXPECT_EQ(QuantizedDiv(p, -7, 3), -19);
  // 1.0 / -1.0: the sign moves to the dividend.
  EXPECT_EQ(QuantizedDiv(p, 13, -7), -19);
  // 3.0 / 2.0 = 1.5 -> 30 + 1.
  EXPECT_EQ(QuantizedDiv(p, 33, 8), 31);
  // 12.4 / ±0.2 saturates.
  EXPECT_EQ(QuantizedDiv(p, 127, -1), 127);
  EXPECT_EQ(QuantizedDiv(p, 127, -3), -128);
}

TEST(QuantizedDiv, SmallDividendsTakeLiteRtsMaskedShift) {
  // Values LiteRT 2.3.0 gives (measured): the quotient's shift is -32 there.
  const QuantizedDivParams p = Int8DivParams(0.1f, 3, 0.2f, -2, 0.05f, 1);
  EXPECT_EQ(QuantizedDiv(p, 1, 62), -128);  // dividend -2, divisor 64
  EXPECT_EQ(QuantizedDiv(p, 3 + 2, 126), 127);  // dividend 2, divisor 128
}

TEST(FloorDiv, RoundsTowardMinusInfinity) {
  EXPECT_EQ(FloorDiv<int32_t>(7, 2), 3);
  EXPECT_EQ(FloorDiv<int32_t>(-7, 2), -4);
  EXPECT_EQ(FloorDiv<int32_t>(7, -2), -4);
  EXPECT_EQ(FloorDiv<int32_t>(-7, -2), 3);
  EXPECT_EQ(FloorDiv<float>(-7.0f, 2.0f), -4.0f);
  // The overflows convert through int32 (the scalar path).
  EXPECT_EQ(FloorDiv<int8_t>(-128, -1), -128);
  EXPECT_EQ(FloorDiv<int16_t>(-32768, -1), -32768);
  EXPECT_EQ(FloorDiv<int32_t>(std::numeric_limits<int32_t>::min(), -1), std::numeric_limits<int32_t>::min());
}

TEST(FloorDivSaturates, OnlyInWholeBlocksOfEight) {
  EXPECT_FALSE(FloorDivSaturates(0, 7));
  EXPECT_TRUE(FloorDivSaturates(0, 8));
  EXPECT_TRUE(FloorDivSaturates(7, 9));
  EXPECT_FALSE(FloorDivSaturates(8, 9));
  EXPECT_TRUE(FloorDivSaturates(95, 100));
  EXPECT_FALSE(FloorDivSaturates(96, 100));
}

TEST(FloorMod, TakesTheDivisorsSign) {
  EXPECT_EQ(FloorMod<int32_t>(7, 3), 1);
  EXPECT_EQ(FloorMod<int32_t>(-7, 3), 2);
  EXPECT_EQ(FloorMod<int32_t>(7, -3), -2);
  EXPECT_EQ(FloorMod<int32_t>(-7, -3), -1);
  EXPECT_EQ(FloorMod<int8_t>(-128, -1), 0);
  EXPECT_EQ(FloorMod<int32_t>(std::numeric_limits<int32_t>::min(), -1), 0);
  EXPECT_EQ(FloorMod<int64_t>(std::numeric_limits<int64_t>::min(), -1), 0);
  EXPECT_FLOAT_EQ(FloorMod<float>(-7.5f, 2.0f), 0.5f);
  EXPECT_TRUE(std::isnan(FloorMod<float>(1.0f, 0.0f)));
}

TEST(RightShift, ClampsTheShiftToTheWidth) {
  EXPECT_EQ(RightShift<int8_t>(-128, 9), -1);
  EXPECT_EQ(RightShift<int8_t>(-128, -3), -128);
  EXPECT_EQ(RightShift<uint8_t>(255, 200), 1);
  EXPECT_EQ(RightShift<int32_t>(-7, 1), -4);
  EXPECT_EQ(RightShift<uint32_t>(0x80000000u, 40), 1u);
  EXPECT_EQ(RightShift<int16_t>(12345, 0), 12345);
}

TEST(DivideInt32, TruncatesAndSaturatesTheOneOverflow) {
  EXPECT_EQ(DivideInt32(-7, 2), -3);
  EXPECT_EQ(DivideInt32(7, -1), -7);
  EXPECT_EQ(DivideInt32(std::numeric_limits<int32_t>::min(), -1), std::numeric_limits<int32_t>::max());
}

TEST(IntegerPow, SquaresAndClamps) {
  EXPECT_EQ(IntegerPowExponent(3.0f), 3);
  EXPECT_EQ(IntegerPowExponent(2.000001f), 2);
  EXPECT_EQ(IntegerPowExponent(2.5f), 0);
  EXPECT_EQ(IntegerPowExponent(0.0f), 0);
  EXPECT_EQ(IntegerPowExponent(std::nanf("")), 0);
  EXPECT_EQ(IntegerPowExponent(std::numeric_limits<float>::infinity()), 0);
  EXPECT_EQ(IntegerPowExponent(int32_t{5}), 5);
  EXPECT_EQ(IntegerPow<int32_t>(3, 5), 243);
  EXPECT_EQ(IntegerPow<int32_t>(2, 32), 0);  // wraps
  EXPECT_EQ(IntegerPow<float>(1e20f, 3), std::numeric_limits<float>::max());
  EXPECT_EQ(IntegerPow<float>(-1e20f, 3), std::numeric_limits<float>::lowest());
  EXPECT_FLOAT_EQ(IntegerPow<float>(1.5f, 7), 1.5f * 1.5f * 1.5f * 1.5f * 1.5f * 1.5f * 1.5f);
}

TEST(PowInt32, OverflowGivesInt32Min) {
  EXPECT_EQ(PowInt32(-7, 3), -343);
  EXPECT_EQ(PowInt32(2, 31), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(PowInt32(7, 40), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(PowInt32(0, 0), 1);
}

TEST(BroadcastN, WalksThreeOperandsInOutputOrder) {
  const std::vector<int32_t> a = {2, 1, 3}, b = {4, 1}, c = {3};
  BroadcastN<3> broadcast;
  ASSERT_TRUE(broadcast.Init({&a, &b, &c}));
  EXPECT_EQ(broadcast.output_shape(), (std::vector<int32_t>{2, 4, 3}));
  std::vector<std::array<int64_t, 3>> seen;
  int64_t expected_out = 0;
  broadcast.ForEach([&](int64_t out, const std::array<int64_t, 3>& in) {
    EXPECT_EQ(out, expected_out++);
    seen.push_back(in);
  });
  ASSERT_EQ(seen.size(), 24u);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      for (int k = 0; k < 3; ++k) {
        const auto& in = seen[static_cast<size_t>((i * 4 + j) * 3 + k)];
        EXPECT_EQ(in[0], i * 3 + k);
        EXPECT_EQ(in[1], j);
        EXPECT_EQ(in[2], k);
      }
    }
  }
}

TEST(BroadcastN, AcceptsEightDimensionsAndEqualShapesOfAnyRank) {
  const std::vector<int32_t> a = {2, 1, 2, 1, 2, 1, 2, 1}, b = {1, 2, 1, 2, 1, 2, 1, 2};
  BroadcastN<2> eight;
  ASSERT_TRUE(eight.Init({&a, &b}));
  int64_t count = 0;
  eight.ForEach([&](int64_t, const std::array<int64_t, 2>& in) {
    EXPECT_LT(in[0], 16);
    EXPECT_LT(in[1], 16);
    ++count;
  });
  EXPECT_EQ(count, 256);
  const std::vector<int32_t> nine_a = {2, 1, 2, 1, 2, 1, 2, 1, 2}, nine_b = {1, 2, 1, 2, 1, 2, 1, 2, 1};
  BroadcastN<2> nine;
  EXPECT_FALSE(nine.Init({&nine_a, &nine_b}));
  EXPECT_TRUE(nine.Init({&nine_a, &nine_a}));
}

TEST(BroadcastN, RefusesIncompatibleShapesAndWalksNothingWhenEmpty) {
  const std::vector<int32_t> a = {2, 3}, b = {4}, empty = {0, 3}, row = {1, 3};
  BroadcastN<2> broadcast;
  EXPECT_FALSE(broadcast.Init({&a, &b}));
  ASSERT_TRUE(broadcast.Init({&empty, &row}));
  EXPECT_EQ(broadcast.output_shape(), (std::vector<int32_t>{0, 3}));
  broadcast.ForEach([](int64_t, const std::array<int64_t, 2>&) { ADD_FAILURE(); });
  const std::vector<int32_t> zero = {0}, two = {2};
  EXPECT_FALSE(broadcast.Init({&zero, &two}));
}

}  // namespace
}  // namespace tfldbg::math
