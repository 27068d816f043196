// Unit tests of the QUANTIZE / DEQUANTIZE element math.
#include "quant/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace tfldbg::math {
namespace {

constexpr quant::IntRange kInt8{-128, 127};
constexpr quant::IntRange kUInt8{0, 255};

TEST(AffineQuantize, RoundsTiesAwayFromZeroAfterAFloatDivision) {
  EXPECT_EQ(AffineQuantize(0.25f, 0.5f, 0, kInt8), 1);    // 0.5 -> 1
  EXPECT_EQ(AffineQuantize(-0.25f, 0.5f, 0, kInt8), -1);  // -0.5 -> -1
  EXPECT_EQ(AffineQuantize(0.75f, 0.5f, 3, kInt8), 5);    // 1.5 -> 2, + 3
  EXPECT_EQ(AffineQuantize(-0.0f, 0.1f, -7, kInt8), -7);
  EXPECT_EQ(AffineQuantize(1000.0f, 0.1f, 0, kInt8), 127);
  EXPECT_EQ(AffineQuantize(-1000.0f, 0.1f, 128, kUInt8), 0);
}

TEST(AffineQuantize, OutOfInt32AndNanFollowX86) {
  // static_cast<int32_t> of such a float gives INT32_MIN on x86, which LiteRT then offsets and clamps.
  EXPECT_EQ(FloatToInt32X86(3e9f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(FloatToInt32X86(std::nanf("")), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(FloatToInt32X86(-2147483648.0f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(FloatToInt32X86(2147483520.0f), 2147483520);
  EXPECT_EQ(AffineQuantize(1e9f, 0.02f, 0, kInt8), -128);
  EXPECT_EQ(AffineQuantize(1e9f, 0.02f, -3, kInt8), 127);  // INT32_MIN - 3 wraps to the top
  EXPECT_EQ(AffineQuantize(std::nanf(""), 0.02f, 128, kUInt8), 0);
}

TEST(Requantize, Int8ToUint8ShiftIsExact) {
  const quant::QuantizedMultiplier same = quant::QuantizeMultiplier(1.0);
  EXPECT_EQ(same.multiplier, 1 << 30);
  EXPECT_EQ(same.shift, 1);
  for (int q = -128; q < 128; ++q) {
    const int32_t u = Requantize(q - 5, same, 133, kUInt8, quant::RoundingMode::kDouble);
    EXPECT_EQ(u, static_cast<uint8_t>(static_cast<int8_t>(q) ^ 0x80) + 0) << q;  // LiteRT's XOR fast path
    EXPECT_EQ(Requantize(u - 133, same, 5, kInt8, quant::RoundingMode::kSingle), q);
  }
}

TEST(Requantize, Rescales) {
  const quant::QuantizedMultiplier m = quant::QuantizeMultiplier(0.02 / 0.05);
  EXPECT_EQ(Requantize(10, m, 0, kInt8, quant::RoundingMode::kDouble), 4);
  EXPECT_EQ(Requantize(-5, m, 1, kInt8, quant::RoundingMode::kDouble), -1);  // -2, + 1
  EXPECT_EQ(Requantize(1000, m, 0, kInt8, quant::RoundingMode::kDouble), 127);
}

TEST(Dequantize, WidensTheScale) {
  EXPECT_EQ(Dequantize(10, static_cast<double>(0.1f), 3), static_cast<float>(static_cast<double>(0.1f) * 7));
  EXPECT_EQ(DequantizePerChannel(10, 0.1f, 3), 7.0f * 0.1f);
  EXPECT_EQ(Dequantize(-32768, 1.0, 0), -32768.0f);
}

TEST(CheckedLog2, NearPowersOfTwoOnly) {
  int log2 = 0;
  EXPECT_TRUE(CheckedLog2(1.0f / 4096, &log2));
  EXPECT_EQ(log2, -12);
  EXPECT_TRUE(CheckedLog2(1.0f / 4096 * 1.0005f, &log2));  // within 1e-3 of an integer log2
  EXPECT_EQ(log2, -12);
  EXPECT_FALSE(CheckedLog2(0.001f, &log2));
  EXPECT_FALSE(CheckedLog2(3.0f, &log2));
  EXPECT_TRUE(CheckedLog2(32768.0f, &log2));
  EXPECT_EQ(log2, 15);
}

TEST(HalfToFloat, ExactForEveryClass) {
  EXPECT_EQ(HalfToFloat(0x0000), 0.0f);
  EXPECT_TRUE(std::signbit(HalfToFloat(0x8000)));
  EXPECT_EQ(HalfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xC000), -2.0f);
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03FF), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
  EXPECT_EQ(HalfToFloat(0x3555), 0.333251953125f);
}

}  // namespace
}  // namespace tfldbg::math
