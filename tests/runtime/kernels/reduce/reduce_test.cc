#include "kernels/reduce/reduce_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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
  ArgMinMax(2, 4, 1, /*is_max=*/true, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int64_t>{1, 0}));
}

TEST(ArgMax, ReducesAnInnerAxis) {
  const std::vector<float> in{1, 9, 5, 2, 8, 3};  // [1, 3, 2], axis 1
  std::vector<int32_t> out(2);
  ArgMinMax(1, 3, 2, /*is_max=*/true, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{2, 0}));
}


TEST(ArgMinMax, NaNNeverWinsExceptInFrontOfTheLastAxis) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // [2, 4] along axis 1 (the last): plain comparisons, a leading NaN stays.
  const std::vector<float> rows{nan, 2, nan, 5, 3, nan, 7, nan};
  std::vector<int32_t> max(2), min(2);
  ArgMinMax(2, 4, 1, /*is_max=*/true, rows.data(), max.data());
  ArgMinMax(2, 4, 1, /*is_max=*/false, rows.data(), min.data());
  EXPECT_EQ(max, (std::vector<int32_t>{0, 2}));
  EXPECT_EQ(min, (std::vector<int32_t>{0, 0}));
  // The same lines along axis 0 of [4, 2]: NaN-aware.
  const std::vector<float> columns{nan, 3, 2, nan, nan, 7, 5, nan};
  ArgMinMax(1, 4, 2, /*is_max=*/true, columns.data(), max.data());
  ArgMinMax(1, 4, 2, /*is_max=*/false, columns.data(), min.data());
  EXPECT_EQ(max, (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(min, (std::vector<int32_t>{1, 0}));
  const std::vector<float> all_nan{nan, nan, nan};
  ArgMinMax(1, 3, 1, /*is_max=*/true, all_nan.data(), max.data());
  EXPECT_EQ(max[0], 0);
}

TEST(FoldReduce, ReducingEveryAxisStartsFromTheFirstElement) {
  // LiteRT's ReduceAllDims: MAX of {-inf, -inf} is -inf, not the identity (lowest).
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> in{-inf, -inf};
  float all = 0;
  FoldReduce(MakeReduceShape({2}, {true}), std::numeric_limits<float>::lowest(),
             [](float acc, float v) { return v > acc ? v : acc; }, in.data(), &all);
  EXPECT_EQ(all, -inf);
  std::vector<float> rows(2);  // one axis of two: each output starts from the identity
  FoldReduce(MakeReduceShape({2, 1}, {false, true}), std::numeric_limits<float>::lowest(),
             [](float acc, float v) { return v > acc ? v : acc; }, in.data(), rows.data());
  EXPECT_EQ(rows, (std::vector<float>{std::numeric_limits<float>::lowest(), std::numeric_limits<float>::lowest()}));
}

TEST(QuantizedProd, RescalesEveryStepAndOnceMore) {
  // Three factors 4·4·4 with s_in = 1 and s_out = 64: each step scales by
  // 1/64^(1/3) = 1/4 and the last rescale once more: 4·(4/4)·(4/4)/4 = 1.
  const ReduceShape r = MakeReduceShape({3}, {true});
  const std::vector<int8_t> in{4, 4, 4};
  int8_t out = 0;
  std::vector<int32_t> products;
  std::vector<uint8_t> started;
  QuantizedProd(r, quant::QuantizeMultiplier(0.25), 0, 0, quant::RoundingMode::kDouble, in.data(), &out, products, started);
  EXPECT_EQ(out, 1);
}

TEST(QuantizedSumOptimized, RoundsInFloatAndClamps) {
  // (1 + 2 + 3 + 4 - 4·(-2))·0.5 + 3 = 12; a sum past the type clamps.
  const ReduceShape r = MakeReduceShape({4, 2}, {true, false});
  const std::vector<int8_t> in{1, 100, 2, 100, 3, 127, 4, 127};
  std::vector<int8_t> out(2);
  std::vector<int32_t> sums;
  QuantizedSumOptimized(r, 0.5f, 2.0f * 0.5f * 4.0f, 3, in.data(), out.data(), sums);
  EXPECT_EQ(out, (std::vector<int8_t>{12, 127}));
}

TEST(CumSum, ExclusiveAndReverse) {
  const std::vector<int32_t> in{1, 2, 3, 4};  // [1, 4, 1]
  std::vector<int32_t> out(4);
  CumSum<int32_t>(1, 4, 1, /*exclusive=*/false, /*reverse=*/false, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{1, 3, 6, 10}));
  CumSum<int32_t>(1, 4, 1, /*exclusive=*/true, /*reverse=*/false, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 1, 3, 6}));
  CumSum<int32_t>(1, 4, 1, /*exclusive=*/true, /*reverse=*/true, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int32_t>{9, 7, 4, 0}));
}

TEST(CumSum, IntegersWrap) {
  const std::vector<int32_t> in{INT32_MAX, 1};
  std::vector<int32_t> out(2);
  CumSum<int32_t>(1, 2, 1, false, false, in.data(), out.data());
  EXPECT_EQ(out[1], INT32_MIN);
}

}  // namespace
}  // namespace tfldbg::math
