#include "kernels/resize/resize_math.h"

#include <gtest/gtest.h>

#include <vector>

namespace tfldbg::math {
namespace {

ResizeParams Params(int in_h, int in_w, int out_h, int out_w, bool align = false, bool half = false) {
  return ResizeParams{{1, in_h, in_w, 1}, {1, out_h, out_w, 1}, align, half};
}

TEST(ResizeScale10, RoundsTheRatioToNearest) {
  EXPECT_EQ(ResizeScale10(4, 8, false), 512);
  EXPECT_EQ(ResizeScale10(3, 7, false), (3072 + 3) / 7);
  EXPECT_EQ(ResizeScale10(4, 7, true), (3072 + 3) / 6);
  EXPECT_EQ(ResizeScale10(4, 1, true), 4096);  // one output pixel: no corner alignment
}

TEST(ResizeRoundQ20, DoubleRoundingTiesAwayFromZeroSingleRoundsUp) {
  const int64_t half = int64_t{1} << 19;
  EXPECT_EQ(ResizeRoundQ20(3 * half, quant::RoundingMode::kDouble), 2);
  EXPECT_EQ(ResizeRoundQ20(-3 * half, quant::RoundingMode::kDouble), -2);
  EXPECT_EQ(ResizeRoundQ20(-3 * half, quant::RoundingMode::kSingle), -1);
  EXPECT_EQ(ResizeRoundQ20(3 * half, quant::RoundingMode::kSingle), 2);
}

TEST(ResizeBilinearInteger, DoublesAlongOneAxis) {
  const std::vector<int8_t> in{0, 100};
  std::vector<int8_t> out(4);
  ResizeBilinearInteger(Params(1, 2, 1, 4), quant::RoundingMode::kDouble, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{0, 50, 100, 100}));
}

TEST(ResizeBilinearInteger, HalfPixelCentersShiftTheGrid) {
  const std::vector<int16_t> in{0, 1000};
  std::vector<int16_t> out(4);
  ResizeBilinearInteger(Params(1, 2, 1, 4, false, true), quant::RoundingMode::kDouble, in.data(), out.data());
  // sources -0.25, 0.25, 0.75, 1.25 -> clamped to the edge pixels
  EXPECT_EQ(out, (std::vector<int16_t>{0, 250, 750, 1000}));
}

TEST(ResizeBilinearFloat, Uint8AddsAHalfAndTruncates) {
  const std::vector<uint8_t> in{0, 3};
  std::vector<uint8_t> out(4);
  ResizeBilinearFloat(Params(1, 2, 1, 4), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 2, 3, 3}));  // 0, 1.5 -> 2, 3, 3
}

TEST(ResizeBilinearFloat, AlignCornersHitsBothEnds) {
  const std::vector<float> in{0, 3};
  std::vector<float> out(4);
  ResizeBilinearFloat(Params(1, 2, 1, 4, true), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0, 1, 2, 3}));
}

TEST(NearestSource, FloorsOrRoundsByAlignCorners) {
  EXPECT_EQ(NearestSource(1, 3, 2, false, false), 1);  // 1.5 floors
  EXPECT_EQ(NearestSource(1, 3, 2, true, false), 2);   // 2.0
  EXPECT_EQ(NearestSource(3, 2, 4, false, true), 1);   // 1.75 floors, within range
  EXPECT_EQ(NearestSource(0, 5, 1, true, false), 0);
}

TEST(ResizeNearestNeighbor, CopiesWholePixels) {
  const std::vector<int16_t> in{1, 2, 3, 4};  // [1, 1, 2, 2]
  std::vector<int16_t> out(8);
  ResizeParams p{{1, 1, 2, 2}, {1, 1, 4, 2}, false, false};
  ResizeNearestNeighbor(p, sizeof(int16_t), reinterpret_cast<const uint8_t*>(in.data()), reinterpret_cast<uint8_t*>(out.data()));
  EXPECT_EQ(out, (std::vector<int16_t>{1, 2, 1, 2, 3, 4, 3, 4}));
}

}  // namespace
}  // namespace tfldbg::math
