#include "kernels/conv/transpose_conv_math.h"

#include <gtest/gtest.h>

#include <vector>

namespace tfldbg::math {
namespace {

TEST(TransposeConvPadding, SameTrimsHalfTheOverhangBefore) {
  // Output 8 from input 4, filter 3, stride 2: the forward SAME convolution of 8 gives 4;
  // total padding (4-1)·2 + 3 - 8 = 1, none before.
  TransposeConvPadding pad;
  ASSERT_TRUE(ComputeTransposeConvPadding(true, 8, 7, 3, 4, 2, 2, &pad));
  EXPECT_EQ(pad.forward_h, 4);
  EXPECT_EQ(pad.forward_w, 4);
  EXPECT_EQ(pad.h, 0);
  EXPECT_EQ(pad.w, 1);  // (4-1)·2 + 4 - 7 = 3
}

TEST(TransposeConvPadding, ValidHasNoPaddingAndItsOwnForwardSize) {
  TransposeConvPadding pad;
  ASSERT_TRUE(ComputeTransposeConvPadding(false, 10, 9, 3, 3, 2, 2, &pad));
  EXPECT_EQ(pad.forward_h, 4);  // (10 + 2 - 3) / 2
  EXPECT_EQ(pad.forward_w, 4);
  EXPECT_EQ(pad.h, 0);
  EXPECT_EQ(pad.w, 0);
}

TEST(TransposeConvPadding, UndefinedForwardSizesAreReported) {
  TransposeConvPadding pad;
  EXPECT_FALSE(ComputeTransposeConvPadding(false, 1, 4, 9, 1, 2, 1, &pad));  // (1 + 2 - 9) / 2 < 0
  EXPECT_FALSE(ComputeTransposeConvPadding(true, 4, 4, 0, 3, 1, 1, &pad));  // empty filter
}

// The scatter equals the direct definition: output[oy][ox][oc] sums
// input[iy][ix][ic]·filter[oc][fy][fx][ic] over oy = iy·s − pad + fy.
TEST(TransposeConvScatter, MatchesTheGatherDefinition) {
  TransposeConvGeometry g;
  g.input = {2, 3, 4, 2};
  g.filter = {3, 3, 2, 2};
  g.output = {2, 6, 7, 3};
  g.stride_h = 2;
  g.stride_w = 2;
  g.pad_h = 1;
  g.pad_w = 0;
  std::vector<int32_t> input(static_cast<size_t>(g.input.Size())), filter(static_cast<size_t>(g.filter.Size()));
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int32_t>(i % 7) - 3;
  for (size_t i = 0; i < filter.size(); ++i) filter[i] = static_cast<int32_t>(i % 5) - 2;
  std::vector<int32_t> packed;
  PackTransposeFilter(g, filter.data(), packed);
  std::vector<int32_t> scattered(static_cast<size_t>(g.output.Size()), 0);
  TransposeConvScatter<int32_t>(g, input.data(), packed.data(), scattered.data(),
                                [](int32_t x, int32_t w) { return x * w; });
  for (int64_t b = 0; b < g.output.n; ++b) {
    for (int64_t oy = 0; oy < g.output.h; ++oy) {
      for (int64_t ox = 0; ox < g.output.w; ++ox) {
        for (int64_t oc = 0; oc < g.output.c; ++oc) {
          int32_t want = 0;
          for (int64_t iy = 0; iy < g.input.h; ++iy) {
            for (int64_t ix = 0; ix < g.input.w; ++ix) {
              const int64_t fy = oy - (iy * g.stride_h - g.pad_h), fx = ox - (ix * g.stride_w - g.pad_w);
              if (fy < 0 || fy >= g.filter.h || fx < 0 || fx >= g.filter.w) continue;
              for (int64_t ic = 0; ic < g.input.c; ++ic) {
                want += input[static_cast<size_t>(g.input.Offset(b, iy, ix, ic))] *
                        filter[static_cast<size_t>(g.filter.Offset(oc, fy, fx, ic))];
              }
            }
          }
          EXPECT_EQ(scattered[static_cast<size_t>(g.output.Offset(b, oy, ox, oc))], want) << b << " " << oy << " " << ox << " " << oc;
        }
      }
    }
  }
}

}  // namespace
}  // namespace tfldbg::math
