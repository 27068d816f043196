#include "kernels/math/transpose.h"

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

std::vector<int32_t> RunTranspose(const std::vector<int32_t>& shape, const std::vector<int>& perm) {
  int n = 1;
  for (int32_t d : shape) n *= d;
  const std::vector<int32_t> in = Iota(n);
  std::vector<int32_t> out(static_cast<size_t>(n), -1);
  Transpose(shape, perm, sizeof(int32_t), reinterpret_cast<const uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

TEST(Transpose, SwapsTheAxesOfAMatrix) {
  EXPECT_EQ(RunTranspose({2, 3}, {1, 0}), (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

TEST(Transpose, MovesTheLastAxisFirst) {
  // in[a][b][c] = 12a + 4b + c (shape [2, 3, 4]); out[c][a][b].
  const std::vector<int32_t> out = RunTranspose({2, 3, 4}, {2, 0, 1});
  for (int c = 0; c < 4; ++c) {
    for (int a = 0; a < 2; ++a) {
      for (int b = 0; b < 3; ++b) EXPECT_EQ(out[static_cast<size_t>((c * 2 + a) * 3 + b)], 12 * a + 4 * b + c);
    }
  }
}

TEST(Transpose, HandlesSixDimensions) {
  const std::vector<int32_t> shape{2, 1, 3, 2, 2, 3};
  const std::vector<int> perm{5, 3, 0, 4, 2, 1};
  const std::vector<int32_t> out = RunTranspose(shape, perm);
  // Check against the index formula element by element.
  std::vector<int64_t> stride(6, 1);
  for (int d = 4; d >= 0; --d) stride[static_cast<size_t>(d)] = stride[static_cast<size_t>(d + 1)] * shape[static_cast<size_t>(d + 1)];
  std::vector<int32_t> oshape;
  for (int p : perm) oshape.push_back(shape[static_cast<size_t>(p)]);
  std::vector<int32_t> idx(6, 0);
  for (size_t o = 0; o < out.size(); ++o) {
    int64_t src = 0;
    for (size_t d = 0; d < 6; ++d) src += idx[d] * stride[static_cast<size_t>(perm[d])];
    ASSERT_EQ(out[o], src) << "output element " << o;
    for (int d = 5; d >= 0; --d) {
      if (++idx[static_cast<size_t>(d)] < oshape[static_cast<size_t>(d)]) break;
      idx[static_cast<size_t>(d)] = 0;
    }
  }
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
