#include "quant/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tfldbg::math {
namespace {

TEST(FloatToHalf, RoundsToNearestEven) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);            // the largest half
  EXPECT_EQ(FloatToHalf(65519.0f), 0x7bff);            // below the midpoint to 65536
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);            // the midpoint rounds to even: infinity
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048), 0x3c00);  // halfway between 1 and the next half: even (down)
  EXPECT_EQ(FloatToHalf(1.0f + 3.0f / 2048), 0x3c02);  // halfway, odd below: up
  EXPECT_EQ(FloatToHalf(0.1f), 0x2e66);
}

TEST(FloatToHalf, SubnormalsZerosInfinitiesAndNaN) {
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -24)), 0x0001);        // the smallest subnormal
  EXPECT_EQ(FloatToHalf(std::ldexp(1.0f, -25)), 0x0000);        // half of it: ties to even, zero
  EXPECT_EQ(FloatToHalf(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(FloatToHalf(std::ldexp(1023.5f, -24)), 0x0400);     // rounds up into the smallest normal
  EXPECT_EQ(FloatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalf(-std::numeric_limits<float>::infinity()), 0xfc00);
  EXPECT_EQ(FloatToHalf(1e30f), 0x7c00);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::quiet_NaN()), 0x7e00);
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::denorm_min()), 0x0000);
}

}  // namespace
}  // namespace tfldbg::math
