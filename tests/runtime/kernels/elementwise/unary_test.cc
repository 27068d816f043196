// Unit tests of the unary elementwise math: round half to even, SIGN, the
// wrapping integer ABS/NEG, float -> half rounding, the quantized int8 RSQRT
// and SQRT paths, and the int16 table's treatment of overflowed entries.
#include "kernels/elementwise/unary_math.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "quant/int16_lut.h"

namespace tfldbg::math {
namespace {

float BitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

uint32_t FloatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

TEST(RoundHalfToEven, TiesGoToTheEvenNeighbour) {
  EXPECT_EQ(RoundHalfToEven(0.5f), 0.0f);
  EXPECT_EQ(RoundHalfToEven(1.5f), 2.0f);
  EXPECT_EQ(RoundHalfToEven(2.5f), 2.0f);
  EXPECT_EQ(RoundHalfToEven(-0.5f), 0.0f);
  EXPECT_EQ(RoundHalfToEven(-1.5f), -2.0f);
  EXPECT_EQ(RoundHalfToEven(-2.5f), -2.0f);
  EXPECT_EQ(RoundHalfToEven(2.4999998f), 2.0f);
  EXPECT_EQ(RoundHalfToEven(4194303.5f), 4194304.0f);
  EXPECT_EQ(RoundHalfToEven(1e30f), 1e30f);
}

TEST(RoundHalfToEven, ZerosKeepLiteRTsSignsAndNonFiniteValuesPassThrough) {
  // -0.5 and -0.25 both take floor -1 + 1: +0, not -0. -0 itself is its own floor.
  EXPECT_EQ(FloatBits(RoundHalfToEven(-0.5f)), FloatBits(0.0f));
  EXPECT_EQ(FloatBits(RoundHalfToEven(-0.25f)), FloatBits(0.0f));
  EXPECT_EQ(FloatBits(RoundHalfToEven(-0.0f)), FloatBits(-0.0f));
  EXPECT_TRUE(std::isnan(RoundHalfToEven(std::nanf(""))));
  EXPECT_EQ(RoundHalfToEven(std::numeric_limits<float>::infinity()), std::numeric_limits<float>::infinity());
  EXPECT_EQ(RoundHalfToEven(-std::numeric_limits<float>::infinity()), -std::numeric_limits<float>::infinity());
}

TEST(Sign, FloatNaNPassesThroughAndZerosGiveZero) {
  const float nan = -std::nanf("");
  EXPECT_EQ(FloatBits(Sign(nan)), FloatBits(nan));
  EXPECT_EQ(FloatBits(Sign(-0.0f)), FloatBits(0.0f));
  EXPECT_EQ(Sign(-3.5f), -1.0f);
  EXPECT_EQ(Sign(1e-40f), 1.0f);
  EXPECT_EQ(Sign(-7), -1);
  EXPECT_EQ(Sign(std::numeric_limits<int32_t>::min()), -1);
  EXPECT_EQ(Sign(0.0), 0.0);
}

TEST(WrappingIntegers, TheMinimumMapsOntoItself) {
  EXPECT_EQ(WrappingNegate<int8_t>(-128), -128);
  EXPECT_EQ(WrappingNegate<int8_t>(127), -127);
  EXPECT_EQ(WrappingNegate<int16_t>(-32768), -32768);
  EXPECT_EQ(WrappingNegate<int32_t>(std::numeric_limits<int32_t>::min()), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(WrappingNegate<int64_t>(std::numeric_limits<int64_t>::min()), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(WrappingNegate<int64_t>(5), -5);
  EXPECT_EQ(WrappingAbs<int16_t>(-32768), -32768);
  EXPECT_EQ(WrappingAbs<int32_t>(-5), 5);
  EXPECT_EQ(WrappingAbs<int32_t>(std::numeric_limits<int32_t>::min()), std::numeric_limits<int32_t>::min());
}

TEST(FloatToHalf, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const uint16_t half = static_cast<uint16_t>(h);
    const bool nan = (half & 0x7C00u) == 0x7C00u && (half & 0x3FFu) != 0;
    if (nan) {
      const uint16_t back = FloatToHalf(HalfToFloat(half));
      EXPECT_TRUE((back & 0x7C00u) == 0x7C00u && (back & 0x3FFu) != 0) << h;
      EXPECT_EQ(back & 0x8000u, half & 0x8000u) << h;
    } else {
      EXPECT_EQ(FloatToHalf(HalfToFloat(half)), half) << h;
    }
  }
}

TEST(FloatToHalf, MidpointsRoundToEvenAndNeighboursToTheNearer) {
  // Between each pair of adjacent positive finite halves (subnormals included).
  for (uint16_t h = 0; h < 0x7BFF; ++h) {
    const double low = HalfToFloat(h), high = HalfToFloat(static_cast<uint16_t>(h + 1));
    const float mid = static_cast<float>((low + high) / 2);  // exact: a half has 11 significant bits
    const uint16_t even = (h & 1u) == 0 ? h : static_cast<uint16_t>(h + 1);
    EXPECT_EQ(FloatToHalf(mid), even) << h;
    EXPECT_EQ(FloatToHalf(std::nextafter(mid, 0.0f)), h) << h;
    EXPECT_EQ(FloatToHalf(std::nextafter(mid, 1e9f)), h + 1) << h;
    EXPECT_EQ(FloatToHalf(-mid), even | 0x8000u) << h;
  }
}

TEST(FloatToHalf, OverflowAndUnderflow) {
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65519.996f), 0x7BFF);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7C00);  // the tie goes up, to infinity
  EXPECT_EQ(FloatToHalf(-1e10f), 0xFC00);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::infinity()), 0x7C00);
  EXPECT_EQ(FloatToHalf(BitsToFloat(0x33000000u)), 0x0000);  // 2^-25: a tie between 0 and the least subnormal
  EXPECT_EQ(FloatToHalf(BitsToFloat(0x33000001u)), 0x0001);
  EXPECT_EQ(FloatToHalf(1e-30f), 0x0000);
  EXPECT_EQ(FloatToHalf(-1e-30f), 0x8000);
}

#if defined(__FLT16_MAX__)
TEST(FloatToHalf, AgreesWithTheCompilersFloat16OnAFloatSample) {
  // The compiler's _Float16 conversion (correctly rounded) as an independent oracle.
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFull; bits += 4093) {
    const float f = BitsToFloat(static_cast<uint32_t>(bits));
    if (std::isnan(f)) continue;
    const _Float16 h = static_cast<_Float16>(f);
    uint16_t expected;
    std::memcpy(&expected, &h, sizeof(expected));
    ASSERT_EQ(FloatToHalf(f), expected) << bits;
  }
}
#endif

TEST(RsqrtInt8, EqualToTheZeroPointGivesTheMaximum) {
  RsqrtInt8Params p;
  p.input_zero_point = -5;
  p.output_zero_point = 100;
  p.multiplier = quant::QuantizeMultiplier(1.0);
  EXPECT_EQ(RsqrtInt8(p, -5), 127);  // the maximum, not max + zero point
}

TEST(RsqrtInt8, FollowsOneOverTheSquareRoot) {
  // s_in = 1, s_out = 1/64: y = 64/sqrt(x), to within the fixed point's rounding.
  RsqrtInt8Params p;
  p.multiplier = quant::QuantizeMultiplier(64.0);
  for (int x = 1; x <= 127; ++x) {
    const double expected = 64.0 / std::sqrt(static_cast<double>(x));
    EXPECT_NEAR(RsqrtInt8(p, x), std::min(127.0, expected), 1.0) << x;
  }
  EXPECT_EQ(RsqrtInt8(p, 4), 32);
  EXPECT_EQ(RsqrtInt8(p, 16), 16);
  EXPECT_EQ(RsqrtInt8(p, 64), 8);
}

TEST(SqrtQuantized, TruncatesRatherThanRounds) {
  SqrtQuantizedParams p{1.0f, 0, 1.0f, 0, {-128, 127}};
  EXPECT_EQ(SqrtQuantized(p, SqrtDequantized(p, 3)), 1);  // sqrt(3) = 1.73 -> 1
  EXPECT_EQ(SqrtQuantized(p, SqrtDequantized(p, 8)), 2);  // 2.83 -> 2
  EXPECT_EQ(SqrtQuantized(p, SqrtDequantized(p, 9)), 3);
  // An out-of-range quotient converts as x86 does (INT32_MIN), then clamps.
  SqrtQuantizedParams tiny{1.0f, 0, 1e-30f, 5, {-128, 127}};
  EXPECT_EQ(SqrtQuantized(tiny, SqrtDequantized(tiny, 100)), -128);
}

TEST(AbsQuantized, RescalesOnlyWhenTheScalesDiffer) {
  AbsQuantizedParams p;
  p.input_zero_point = 10;
  p.output_zero_point = -128;
  p.range = {-128, 127};
  EXPECT_EQ(AbsQuantized(p, -118), 0);     // |-128| - 128
  EXPECT_EQ(AbsQuantized(p, 127), -11);    // 117 - 128
  p.rescale = true;
  p.multiplier = quant::QuantizeMultiplier(0.5);
  EXPECT_EQ(AbsQuantized(p, 13), -126);    // |3|·0.5 = 1.5 rounds to 2, then -128
}

// A function that overflows to infinity makes inf - inf = NaN table entries;
// LiteRT's conversion turns them into 0 (x86), and so does the builder.
float ExpForTable(float x, const void*) { return std::exp(x); }

TEST(Int16Lut, OverflowedEntriesBecomeZero) {
  std::array<int16_t, quant::kInt16LutSize> lut{};
  // Inputs up to 327.67, exp overflows float past 88.7.
  quant::BuildInt16Lut(ExpForTable, nullptr, 0.01f * -32768, 0.01f * 32767, 1.0f * -32768, 1.0f * 32767, lut.data());
  EXPECT_EQ(lut[256], 1);       // exp(0) = 1
  EXPECT_EQ(lut[511], 0);       // exp(325.1): an overflowed entry
  EXPECT_EQ(lut[512], 32767);   // the end point is clamped, not biased
  EXPECT_EQ(quant::Int16LutLookup(32767, lut.data()), 32511);  // LiteRT's value, measured
}

}  // namespace
}  // namespace tfldbg::math
