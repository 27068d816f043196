#include "kernels/pooling/pooling_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
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

// The channel-innermost float pools against a window loop per channel (the
// form they replaced), byte for byte (an average's NaN only as NaN, below):
// NaNs, infinities and signed zeros among the inputs, channel counts around
// the lane width, the 16-channel groups and the block size, SAME padding
// (clipped windows), a clamp that cuts.
TEST(PoolFloat, ChannelBlocksEqualAWindowLoopPerChannel) {
  auto bits = [](const std::vector<float>& v) {
    std::vector<uint32_t> b(v.size());
    std::memcpy(b.data(), v.data(), v.size() * sizeof(float));
    return b;
  };
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed;
  };
  const float specials[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e-40f, 3e38f};
  for (int channels : {1, 3, 4, 5, 17, 64, 259, 520}) {
    PoolGeometry g;
    g.input = {2, 5, 6, channels};
    g.output = {2, 3, 3, channels};
    g.filter_h = 3;
    g.filter_w = 2;
    g.stride_h = 2;
    g.stride_w = 2;
    g.pad_h = 1;
    g.pad_w = 0;
    std::vector<float> in(static_cast<size_t>(2 * 5 * 6 * channels));
    for (float& v : in) {
      const uint32_t r = next();
      v = r % 3 == 0 ? specials[(r >> 8) % 8] : static_cast<float>(static_cast<int32_t>(r >> 8) % 2001 - 1000) / 77.0f;
    }
    const size_t out_size = static_cast<size_t>(2 * 3 * 3 * channels);
    for (const auto& [lo, hi] : {std::pair<float, float>{-1e30f, 1e30f}, std::pair<float, float>{-3.0f, 6.0f}}) {
      std::vector<float> avg(out_size), avg_ref(out_size), max(out_size), max_ref(out_size);
      ASSERT_TRUE(AveragePoolFloat(g, in.data(), lo, hi, avg.data()));
      MaxPool(g, in.data(), lo, hi, max.data());
      ForEachWindow(g, [&](int b, int oy, int ox, int c, int ya, int yb, int xa, int xb) {
        float total = 0.0f, best = std::numeric_limits<float>::lowest();
        int count = 0;
        for (int y = ya; y < yb; ++y) {
          for (int x = xa; x < xb; ++x) {
            const float v = in[static_cast<size_t>(g.input.Offset(b, y, x, c))];
            total += v;
            best = std::max(best, v);
            ++count;
          }
        }
        const size_t o = static_cast<size_t>(g.output.Offset(b, oy, ox, c));
        avg_ref[o] = std::min(std::max(total / static_cast<float>(count), lo), hi);
        max_ref[o] = std::min(std::max(best, lo), hi);
      });
      // A sum that meets two different NaNs (NaN and -NaN, or a NaN and
      // inf + -inf's) keeps whichever operand the compiler put first, in
      // either form: there only NaN-ness is defined.
      for (size_t o = 0; o < out_size; ++o) {
        if (std::isnan(avg_ref[o])) {
          EXPECT_TRUE(std::isnan(avg[o])) << o;
          avg[o] = avg_ref[o];
        }
      }
      EXPECT_EQ(bits(avg), bits(avg_ref)) << channels << " channels, clamp " << lo;
      EXPECT_EQ(bits(max), bits(max_ref)) << channels << " channels, clamp " << lo;
    }
  }
}

}  // namespace
}  // namespace tfldbg::math
