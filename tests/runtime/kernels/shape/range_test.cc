#include "kernels/shape/range_math.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace tfldbg::math {
namespace {

TEST(RangeSize, CountsIntegerStepsUpAndDown) {
  std::string why;
  EXPECT_EQ(RangeSize<int32_t>(1, 7, 2, &why), 3);    // 1 3 5
  EXPECT_EQ(RangeSize<int32_t>(10, 1, -3, &why), 3);  // 10 7 4
  EXPECT_EQ(RangeSize<int32_t>(3, 3, 1, &why), 0);
  EXPECT_EQ(RangeSize<int64_t>(int64_t{1} << 40, (int64_t{1} << 40) + 10, 3, &why), 4);
}

TEST(RangeSize, RefusesAZeroDeltaAndTheWrongDirection) {
  std::string why;
  EXPECT_EQ(RangeSize<int32_t>(0, 5, 0, &why), -1);
  EXPECT_EQ(why, "delta is 0");
  EXPECT_EQ(RangeSize<int32_t>(0, 5, -1, &why), -1);
  EXPECT_EQ(RangeSize<float>(0.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f, &why), -1);
}

TEST(RangeSize, RefusesWhereLiteRtsIntegerArithmeticOverflows) {
  std::string why;
  // limit - start leaves int32.
  EXPECT_EQ(RangeSize<int32_t>(-2000000000, 2000000000, 1000000000, &why), -1);
  // |limit - start| fits, but |span| + |delta| - 1 does not.
  EXPECT_EQ(RangeSize<int32_t>(-(1 << 30), (1 << 30) - 1, 1 << 28, &why), -1);
  // |INT64_MIN| as a delta.
  EXPECT_EQ(RangeSize<int64_t>(0, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min(), &why), -1);
  // The largest span that fits, with a step of 1, is fine (its sum is INT32_MAX exactly).
  EXPECT_EQ(RangeSize<int32_t>(std::numeric_limits<int32_t>::min(), -1, 1, &why), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(RangeSize<int32_t>(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::min() + 100, 7, &why), 15);
}

TEST(RangeSize, CountsFloatsInFloat) {
  std::string why;
  EXPECT_EQ(RangeSize<float>(0.0f, 1.0f, 0.1f, &why), 10);  // 1 / 0.1f rounds to 10.0f exactly
  EXPECT_EQ(RangeSize<float>(2.0f, -9.0f, -3.5f, &why), 4);
  EXPECT_EQ(RangeSize<float>(0.0f, std::numeric_limits<float>::infinity(), 1.0f, &why), -1);
  EXPECT_EQ(RangeSize<float>(0.0f, 1e30f, 1.0f, &why), -1);  // beyond int32
}

TEST(RangeValues, AccumulatesFloatsAsLiteRtDoes) {
  std::vector<float> out(10);
  RangeValues<float>(0.0f, 0.1f, out.data(), 10);
  float expected = 0.0f;
  for (float v : out) {
    EXPECT_EQ(v, expected);  // the running sum, not i * delta
    expected += 0.1f;
  }
  EXPECT_NE(out[7], 7 * 0.1f);
}

TEST(RangeValues, StopsAtTheLastElementWithoutOverflow) {
  std::vector<int32_t> out(3);
  RangeValues<int32_t>(std::numeric_limits<int32_t>::max() - 2, 1, out.data(), 3);
  EXPECT_EQ(out, (std::vector<int32_t>{std::numeric_limits<int32_t>::max() - 2, std::numeric_limits<int32_t>::max() - 1,
                                       std::numeric_limits<int32_t>::max()}));
}

}  // namespace
}  // namespace tfldbg::math
