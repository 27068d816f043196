#include "kernels/pooling/pooling_math.h"

#include <gtest/gtest.h>

#include <vector>

namespace tfldbg::math {
namespace {

PoolGeometry Line(int in_w, int out_w, int filter_w, int stride_w, int pad_w) {
  PoolGeometry g;
  g.input = {1, 1, in_w, 1};
  g.output = {1, 1, out_w, 1};
  g.filter_w = filter_w;
  g.stride_w = stride_w;
  g.pad_w = pad_w;
  return g;
}

TEST(AveragePoolQuantized, RoundsHalfAwayFromZero) {
  const std::vector<int8_t> in{1, 2, -1, -2, 3, 4, -127, -128};
  std::vector<int8_t> out(4);
  ASSERT_TRUE(AveragePoolQuantized(Line(8, 4, 2, 2, 0), in.data(), -128, 127, out.data()));
  EXPECT_EQ(out, (std::vector<int8_t>{2, -2, 4, -128}));
}

TEST(AveragePoolQuantized, DividesByTheTapsInsideTheImage) {
  // SAME padding, filter 3 over width 2: the first window holds one padded tap.
  const std::vector<int16_t> in{10, 21};
  std::vector<int16_t> out(2);
  ASSERT_TRUE(AveragePoolQuantized(Line(2, 2, 3, 1, 1), in.data(), -32768, 32767, out.data()));
  EXPECT_EQ(out, (std::vector<int16_t>{16, 16}));  // (10+21)/2 = 15.5 -> 16 both times
}

TEST(AveragePoolFloat, ClampsAfterAveraging) {
  const std::vector<float> in{-3, 1, 8, 10};
  std::vector<float> out(2);
  ASSERT_TRUE(AveragePoolFloat(Line(4, 2, 2, 2, 0), in.data(), 0.0f, 6.0f, out.data()));
  EXPECT_EQ(out, (std::vector<float>{0, 6}));
}

TEST(MaxPool, TakesTheWindowMaximumThenClamps) {
  const std::vector<uint8_t> in{5, 200, 7, 9, 250, 3};
  std::vector<uint8_t> out(2);
  MaxPool(Line(6, 2, 3, 3, 0), in.data(), int32_t{0}, int32_t{240}, out.data());
  EXPECT_EQ(out, (std::vector<uint8_t>{200, 240}));
}

TEST(AveragePool, AWindowOutsideTheImageFails) {
  std::vector<float> in{1}, out(2);
  EXPECT_FALSE(AveragePoolFloat(Line(1, 2, 1, 5, 0), in.data(), -1e9f, 1e9f, out.data()));
}

}  // namespace
}  // namespace tfldbg::math
