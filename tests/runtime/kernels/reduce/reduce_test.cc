#include "kernels/reduce/reduce_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tfldbg::math {
namespace {

TEST(ReduceShape, CountsReducedAndKeptElements) {
  const ReduceShape r = MakeReduceShape({2, 3, 4}, {false, true, true});
  EXPECT_EQ(r.count, 12);
  EXPECT_EQ(r.outputs, 2);
}

TEST(MeanFloat, AveragesOverTheMiddleAxis) {
  const ReduceShape r = MakeReduceShape({2, 3, 2}, {false, true, false});
  const std::vector<float> in{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<float> out(4);
  MeanFloat(r, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 4, 9, 10}));
}

TEST(MeanFloat, AnEmptyReductionGivesNaN) {
  const ReduceShape r = MakeReduceShape({2, 0}, {false, true});
  std::vector<float> out(2, 1.0f);
  MeanFloat(r, nullptr, out.data());
  EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1]));
}

TEST(MeanMultiplier, FoldsOneOverNIntoTheMultiplier) {
  const quant::QuantizedMultiplier base = quant::QuantizeMultiplier(1.0);  // 2^30, shift 1
  const quant::QuantizedMultiplier m = MeanMultiplier(base, 4);           // k = 2
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, -1);
  // N = 3: k = 1, (2^30 << 1) / 3 truncated.
  const quant::QuantizedMultiplier t = MeanMultiplier(base, 3);
  EXPECT_EQ(t.multiplier, static_cast<int32_t>((int64_t{1} << 31) / 3));
  EXPECT_EQ(t.shift, 0);
}

TEST(MeanMultiplier, KeepsAtMostThirtyTwoBitsAndAShiftOfMinusThirtyOne) {
  const quant::QuantizedMultiplier base = quant::QuantizeMultiplier(1.0);
  EXPECT_EQ(MeanMultiplier(base, int64_t{1} << 40).shift, 1 - 32);
  const quant::QuantizedMultiplier tiny = quant::QuantizeMultiplier(std::ldexp(0.75, -25));  // shift -25
  EXPECT_EQ(MeanMultiplier(tiny, 1 << 10).shift, -31);  // k limited to 31 + shift = 6
}

TEST(MeanQuantized, SubtractsTheZeroPointAndRequantizes) {
  // Mean of {10, 20, 31} around zp 1 is 19.33; scale ratio 1, output zp -2 -> 17.
  const ReduceShape r = MakeReduceShape({3}, {true});
  const std::vector<int8_t> in{10, 20, 31};
  int8_t out = 0;
  std::vector<int32_t> sums;
  MeanQuantized(r, MeanMultiplier(quant::QuantizeMultiplier(1.0), r.count), 1, -2, quant::RoundingMode::kDouble, in.data(), &out, sums);
  EXPECT_EQ(out, 17);
}

TEST(MeanQuantized, ClampsToTheType) {
  const ReduceShape r = MakeReduceShape({2}, {true});
  const std::vector<uint8_t> in{250, 252};
  uint8_t out = 0;
  std::vector<int32_t> sums;
  // s_in / s_out = 4: 251 * 4 saturates to 255.
  MeanQuantized(r, MeanMultiplier(quant::QuantizeMultiplier(4.0), r.count), 0, 0, quant::RoundingMode::kDouble, in.data(), &out, sums);
  EXPECT_EQ(out, 255);
}

TEST(ArgMax, TiesGoToTheFirstMaximum) {
  const std::vector<int8_t> in{3, 7, 7, 1, -5, -5, -9, -5};  // [2, 4], axis 1
  std::vector<int64_t> out(2);
  ArgMax(2, 4, 1, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int64_t>{1, 0}));
}

TEST(ArgMax, ReducesAnInnerAxis) {
  const std::vector<float> in{1, 9, 5, 2, 8, 3};  // [1, 3, 2], axis 1
  std::vector<int32_t> out(2);
  ArgMax(1, 3, 2, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{2, 0}));
}

}  // namespace
}  // namespace tfldbg::math
