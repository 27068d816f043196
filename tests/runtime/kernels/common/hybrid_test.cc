#include "kernels/common/hybrid.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace tfldbg::math {
namespace {

int32_t Reference(float v, int32_t lo, int32_t hi) {
  const float r = std::round(v);
  if (std::isnan(r)) return 0;
  return static_cast<int32_t>(std::min(std::max(r, static_cast<float>(lo)), static_cast<float>(hi)));
}

TEST(Hybrid, RoundToInt8RangeEqualsStdRoundEverywhere) {
  // Every float in [-200, 200] around the half-way points, plus random ones.
  for (int k = -400; k <= 400; ++k) {
    const float half = static_cast<float>(k) * 0.5f;
    float v = half;
    for (int step = 0; step < 64; ++step) v = std::nextafter(v, -1000.0f);
    for (int step = 0; step < 128; ++step, v = std::nextafter(v, 1000.0f)) {
      ASSERT_EQ(RoundToInt8Range(v, -127, 127), Reference(v, -127, 127)) << v;
      ASSERT_EQ(RoundToInt8Range(v, -128, 127), Reference(v, -128, 127)) << v;
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 1000000; ++i) {
    uint32_t bits = rng();
    float v;
    std::memcpy(&v, &bits, sizeof(v));
    ASSERT_EQ(RoundToInt8Range(v, -127, 127), Reference(v, -127, 127)) << v;
  }
  EXPECT_EQ(RoundToInt8Range(std::numeric_limits<float>::infinity(), -127, 127), 127);
  EXPECT_EQ(RoundToInt8Range(-std::numeric_limits<float>::infinity(), -127, 127), -127);
  EXPECT_EQ(RoundToInt8Range(std::numeric_limits<float>::quiet_NaN(), -127, 127), 0);
}

}  // namespace
}  // namespace tfldbg::math
