#include "kernels/index/strided_slice_math.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace tfldbg::math {
namespace {

std::vector<int32_t> Iota(int n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

struct Sliced {
  std::string error;
  std::vector<int32_t> shape;
  std::vector<int32_t> values;
};

Sliced RunSlice(const std::vector<int32_t>& shape, const StridedSliceSpec& spec) {
  int n = 1;
  for (int32_t d : shape) n *= d;
  const std::vector<int32_t> in = Iota(n);
  StridedSlicePlan plan;
  Sliced r;
  r.error = PlanStridedSlice(shape, spec, &plan);
  if (!r.error.empty()) return r;
  r.shape = plan.output_shape;
  int64_t count = 1;
  for (int32_t d : plan.output_shape) count *= d;
  r.values.assign(static_cast<size_t>(count), -1);
  StridedSlice(plan, sizeof(int32_t), reinterpret_cast<const uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(r.values.data()));
  return r;
}

StridedSliceSpec Spec(std::vector<int64_t> begin, std::vector<int64_t> end, std::vector<int64_t> strides) {
  StridedSliceSpec s;
  s.begin = std::move(begin);
  s.end = std::move(end);
  s.strides = std::move(strides);
  return s;
}

TEST(StridedSlice, TakesEveryOtherElement) {
  const Sliced r = RunSlice({7}, Spec({1}, {6}, {2}));
  EXPECT_EQ(r.shape, (std::vector<int32_t>{3}));
  EXPECT_EQ(r.values, (std::vector<int32_t>{1, 3, 5}));
}

TEST(StridedSliceNegativeStride, WalksBackwardsFromAClampedStart) {
  // begin 100 clamps to size-1 = 5 for a backward walk; end -100 clamps to -1.
  const Sliced r = RunSlice({6}, Spec({100}, {-100}, {-2}));
  EXPECT_EQ(r.values, (std::vector<int32_t>{5, 3, 1}));
}

TEST(StridedSliceMasks, BeginAndEndMasksTakeTheWholeAxis) {
  StridedSliceSpec s = Spec({3}, {1}, {-1});
  s.begin_mask = s.end_mask = 1;
  EXPECT_EQ(RunSlice({4}, s).values, (std::vector<int32_t>{3, 2, 1, 0}));
}

TEST(StridedSliceMasks, ShrinkDropsTheAxisAndWrapsANegativeBegin) {
  StridedSliceSpec s = Spec({-1, 0}, {0, 3}, {1, 1});
  s.shrink_axis_mask = 1;
  const Sliced r = RunSlice({2, 3}, s);
  EXPECT_EQ(r.shape, (std::vector<int32_t>{3}));
  EXPECT_EQ(r.values, (std::vector<int32_t>{3, 4, 5}));
}

TEST(StridedSliceMasks, EllipsisSpansTheUnspecifiedAxes) {
  // x[..., 1:3] on [2, 2, 4]
  StridedSliceSpec s = Spec({0, 1}, {0, 3}, {1, 1});
  s.ellipsis_mask = 1;
  const Sliced r = RunSlice({2, 2, 4}, s);
  EXPECT_EQ(r.shape, (std::vector<int32_t>{2, 2, 2}));
  EXPECT_EQ(r.values, (std::vector<int32_t>{1, 2, 5, 6, 9, 10, 13, 14}));
}

TEST(StridedSliceMasks, NewAxisInsertsASizeOneAxis) {
  // x[None, 1:, None] on [3, 2]
  StridedSliceSpec s = Spec({0, 1, 0}, {0, 3, 0}, {1, 1, 1});
  s.new_axis_mask = 0b101;
  const Sliced r = RunSlice({3, 2}, s);
  EXPECT_EQ(r.shape, (std::vector<int32_t>{1, 2, 1, 2}));
  EXPECT_EQ(r.values, (std::vector<int32_t>{2, 3, 4, 5}));
}

TEST(StridedSliceMasks, NewAxisUnderTheEllipsisHasNoEffect) {
  StridedSliceSpec s = Spec({0}, {0}, {1});
  s.ellipsis_mask = s.new_axis_mask = 1;
  const Sliced r = RunSlice({2, 3}, s);
  EXPECT_EQ(r.shape, (std::vector<int32_t>{2, 3}));
}

TEST(StridedSliceOffset, EndCountsFromBegin) {
  StridedSliceSpec s = Spec({2}, {3}, {1});
  s.offset = true;
  EXPECT_EQ(RunSlice({8}, s).values, (std::vector<int32_t>{2, 3, 4}));
}

TEST(StridedSliceOffset, RunningPastTheInputIsRefused) {
  StridedSliceSpec s = Spec({6}, {3}, {1});
  s.offset = true;
  EXPECT_NE(RunSlice({8}, s).error, "");
}

TEST(StridedSlice, RefusesZeroStridesAndEmptyShrinks) {
  EXPECT_NE(RunSlice({4}, Spec({0}, {4}, {0})).error, "");
  StridedSliceSpec s = Spec({4}, {5}, {1});
  s.shrink_axis_mask = 1;
  EXPECT_NE(RunSlice({4}, s).error, "");
}

TEST(StridedSlice, RefusesMasksThatDoNotMapOntoTheInput) {
  // A new-axis bit past the spec adds an axis LiteRT does not count: the input's
  // last axis would be lost.
  StridedSliceSpec s = Spec({0}, {1}, {1});
  s.new_axis_mask = 0b10;
  EXPECT_NE(RunSlice({2, 3}, s).error, "");
}

TEST(StridedSlice, EmptyRangesGiveEmptyOutputs) {
  const Sliced r = RunSlice({3, 4}, Spec({2, 0}, {1, 4}, {1, 1}));
  EXPECT_EQ(r.shape, (std::vector<int32_t>{0, 4}));
  EXPECT_TRUE(r.values.empty());
}

}  // namespace
}  // namespace tfldbg::math
