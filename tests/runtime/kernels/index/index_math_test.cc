#include "kernels/index/index_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace tfldbg::math {
namespace {

template <typename T>
std::vector<int32_t> TopKPositions(const std::vector<T>& row, int64_t k) {
  std::vector<int32_t> positions(static_cast<size_t>(k));
  std::vector<T> values(static_cast<size_t>(k));
  std::vector<int64_t> scratch;
  TopKRow(row.data(), static_cast<int64_t>(row.size()), k, positions.data(), values.data(), scratch);
  return positions;
}

TEST(TopKRow, LargerValuesFirstAndTiesToTheLowerPosition) {
  EXPECT_EQ(TopKPositions<int8_t>({1, 3, 2, 3, 0, 3}, 4), (std::vector<int32_t>{1, 3, 5, 2}));
}

TEST(TopKRow, NaNComesAfterEveryNumberAndNaNsKeepTheirOrder) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(TopKPositions<float>({nan, -inf, nan, 1.0f, -0.0f, 0.0f}, 6), (std::vector<int32_t>{3, 4, 5, 1, 0, 2}));
}

TEST(TopKRow, SelectsTheSameElementsAsAFullSortWouldPutFirst) {
  std::vector<int32_t> row;
  for (int i = 0; i < 50; ++i) row.push_back((i * 37) % 11);
  const std::vector<int32_t> all = TopKPositions(row, 50);
  EXPECT_EQ(TopKPositions(row, 7), std::vector<int32_t>(all.begin(), all.begin() + 7));
}

TEST(WrappingArithmetic, IntegersWrapAndBoolsOr) {
  EXPECT_EQ(WrappingAdd<int8_t>(120, 10), -126);
  EXPECT_EQ(WrappingAdd<uint8_t>(250, 10), 4);
  EXPECT_EQ(WrappingAdd<int32_t>(std::numeric_limits<int32_t>::max(), 1), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(WrappingAdd<bool>(true, true), true);
  EXPECT_EQ(WrappingMul<int32_t>(65536, 65536), 0);
  EXPECT_EQ(WrappingMul<int32_t>(-3, std::numeric_limits<int32_t>::min()), std::numeric_limits<int32_t>::min());
}

TEST(FloatToHalfBits, RoundsToNearestEven) {
  EXPECT_EQ(FloatToHalfBits(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalfBits(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalfBits(65504.0f), 0x7bff);            // the largest half
  EXPECT_EQ(FloatToHalfBits(65519.0f), 0x7bff);            // below the midpoint to 65536
  EXPECT_EQ(FloatToHalfBits(65520.0f), 0x7c00);            // the midpoint rounds to even: infinity
  EXPECT_EQ(FloatToHalfBits(1.0f + 1.0f / 2048), 0x3c00);  // halfway between 1 and the next half: even (down)
  EXPECT_EQ(FloatToHalfBits(1.0f + 3.0f / 2048), 0x3c02);  // halfway, odd below: up
  EXPECT_EQ(FloatToHalfBits(0.1f), 0x2e66);
}

TEST(FloatToHalfBits, SubnormalsZerosInfinitiesAndNaN) {
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1.0f, -24)), 0x0001);        // the smallest subnormal
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1.0f, -25)), 0x0000);        // half of it: ties to even, zero
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(FloatToHalfBits(std::ldexp(1023.5f, -24)), 0x0400);     // rounds up into the smallest normal
  EXPECT_EQ(FloatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(FloatToHalfBits(-std::numeric_limits<float>::infinity()), 0xfc00);
  EXPECT_EQ(FloatToHalfBits(1e30f), 0x7c00);
  EXPECT_EQ(FloatToHalfBits(std::numeric_limits<float>::quiet_NaN()), 0x7e00);
  EXPECT_EQ(FloatToHalfBits(std::numeric_limits<float>::denorm_min()), 0x0000);
}

}  // namespace
}  // namespace tfldbg::math
