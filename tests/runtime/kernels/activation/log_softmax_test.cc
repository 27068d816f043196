#include "kernels/activation/log_softmax_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace tfldbg::math {
namespace {

// The Q12 raw value of x (x < 2^19).
quant::Fixed<12> Q12(double x) { return quant::Fixed<12>::FromRaw(static_cast<int32_t>(std::lround(x * (1 << 19)))); }
double FromQ5(quant::Fixed<5> v) { return v.raw / static_cast<double>(1 << 26); }

TEST(LogOfSumQ12, ApproximatesTheNaturalLogarithmOverTheSumsRange) {
  for (double x : {1.0, 1.5, 2.0, std::exp(1.0), 10.0, 100.0, 1000.0, 4095.0}) {
    EXPECT_NEAR(FromQ5(LogOfSumQ12(Q12(x))), std::log(x), 2e-6) << "x = " << x;
  }
}

TEST(LogOfSumQ12, IsMonotonicOverPowersOfTwoAndTheirNeighbours) {
  double previous = -1.0;
  for (int k = 0; k < 12; ++k) {
    for (double f : {1.0, 1.2, 1.7}) {
      const double v = FromQ5(LogOfSumQ12(Q12(std::ldexp(f, k))));
      EXPECT_GT(v, previous);
      previous = v;
    }
  }
}

TEST(LogSoftmaxQuantized, AConstantRowIsMinusTheLogOfItsLength) {
  // 8 equal int8 values: each output is -ln 8 on the 16/256 scale, + 127.
  LogSoftmaxQuantizedParams p;
  p.input_multiplier = quant::PreprocessSoftmaxScaling(1.0, 0.1, 5, quant::RoundingMode::kDouble);
  p.reverse_multiplier = quant::QuantizeMultiplierSmallerThanOneExp(
      static_cast<double>(int64_t{1} << (31 - p.input_multiplier.shift)) / p.input_multiplier.multiplier);
  p.diff_min = -quant::CalculateInputRadius(5, p.input_multiplier.shift);
  const std::vector<int8_t> in(8, 17);
  std::vector<int8_t> out(8);
  ASSERT_TRUE(LogSoftmaxQuantized(p, in.data(), 1, 8, out.data()));
  const int expected = 127 + static_cast<int>(std::lround(-std::log(8.0) * 16.0));
  for (int8_t v : out) EXPECT_EQ(v, expected);
}

TEST(LogSoftmaxQuantized, ReportsAnOverflowingSumOfExponentials) {
  LogSoftmaxQuantizedParams p;
  p.input_multiplier = quant::PreprocessSoftmaxScaling(1.0, 0.1, 5, quant::RoundingMode::kDouble);
  p.diff_min = -quant::CalculateInputRadius(5, p.input_multiplier.shift);
  const std::vector<uint8_t> in(5000, 200);  // 5000 · exp(0) overflows Q12
  std::vector<uint8_t> out(5000);
  EXPECT_FALSE(LogSoftmaxQuantized(p, in.data(), 1, 5000, out.data()));
}

}  // namespace
}  // namespace tfldbg::math
