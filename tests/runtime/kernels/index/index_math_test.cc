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

}  // namespace
}  // namespace tfldbg::math
