#include "kernels/layout/mirror_pad_math.h"

#include <gtest/gtest.h>

#include <vector>

namespace tfldbg::math {
namespace {

TEST(MirrorPadIndexMap, ReflectMirrorsAroundTheEdgeElement) {
  // [a b c] padded by 2 and 2: c b | a b c | b a
  EXPECT_EQ(MirrorPadIndexMap(3, 2, 2, /*offset=*/1), (std::vector<int32_t>{2, 1, 0, 1, 2, 1, 0}));
}

TEST(MirrorPadIndexMap, SymmetricRepeatsTheEdgeElement) {
  // [a b c] padded by 3 and 2: c b a | a b c | c b
  EXPECT_EQ(MirrorPadIndexMap(3, 3, 2, /*offset=*/0), (std::vector<int32_t>{2, 1, 0, 0, 1, 2, 2, 1}));
}

TEST(MirrorPadIndexMap, StaysInsideTheInputAtTheLargestPaddings) {
  for (int32_t size = 1; size <= 6; ++size) {
    for (int32_t offset = 0; offset <= 1; ++offset) {
      const int32_t most = size - offset;
      for (int32_t before = 0; before <= most; ++before) {
        for (int32_t after = 0; after <= most; ++after) {
          const std::vector<int32_t> map = MirrorPadIndexMap(size, before, after, offset);
          ASSERT_EQ(map.size(), static_cast<size_t>(size + before + after));
          for (int32_t i : map) {
            ASSERT_GE(i, 0);
            ASSERT_LT(i, size);
          }
        }
      }
    }
  }
}

TEST(MirrorPadIndexMap, AnEmptyDimensionWithoutPaddingMapsNothing) {
  EXPECT_TRUE(MirrorPadIndexMap(0, 0, 0, 0).empty());
}

}  // namespace
}  // namespace tfldbg::math
