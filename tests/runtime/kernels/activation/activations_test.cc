// Unit tests of the activation math: the int16 sigmoid table against the
// values of TFLite's sigmoid_table_uint16, int16 LOGISTIC/TANH against the
// real functions, SOFTMAX's int8 path and HARD_SWISH's fixed point.
#include "kernels/activation/activation_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "quant/fixed_point.h"

namespace tfldbg::math {
namespace {

TEST(SigmoidTableUint16, MatchesTflitesTable) {
  const std::array<uint16_t, 256>& t = SigmoidTableUint16();
  // Entries of TFLite's common.h table, and a digest of all 256 (sum and a
  // base-31 polynomial mod 2^32, computed from the upstream source).
  EXPECT_EQ(t[0], 32768);
  EXPECT_EQ(t[1], 33451);
  EXPECT_EQ(t[2], 34133);
  EXPECT_EQ(t[3], 34813);
  EXPECT_EQ(t[4], 35493);
  EXPECT_EQ(t[100], 64536);
  EXPECT_EQ(t[200], 65520);
  EXPECT_EQ(t[254], 65534);
  EXPECT_EQ(t[255], 65535);
  uint64_t sum = 0;
  uint32_t poly = 0;
  for (uint16_t v : t) {
    sum += v;
    poly = poly * 31u + v;
  }
  EXPECT_EQ(sum, 15670629u);
  EXPECT_EQ(poly, 1684986857u);
}

TEST(Int16Logistic, PowerOfTwoInputScale) {
  const Int16SigmoidParams pot{0, 0};  // input scale 2^-12
  EXPECT_EQ(Int16Logistic(pot, 0), 16384);  // 0.5 in Q0.15
  for (int q = -32768; q < 32768; q += 97) {
    const double expected = 32768.0 / (1.0 + std::exp(-q / 4096.0));
    EXPECT_NEAR(Int16Logistic(pot, static_cast<int16_t>(q)), std::min(expected, 32767.0), 2.0) << q;
  }
  EXPECT_EQ(Int16Logistic(pot, 32767), 32757);  // sigmoid(8)
  EXPECT_EQ(Int16Logistic(pot, -32768), 11);    // sigmoid(-8)
}

TEST(Int16Logistic, GeneralInputScale) {
  // Input scale 0.001: LiteRT's Prepare doubles 0.001·4096·3 until it passes 32767/2.
  double multiplier = 0.001 * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  const Int16SigmoidParams p{static_cast<int32_t>(multiplier), shift};
  for (int q = -32768; q < 32768; q += 101) {
    const double expected = 32768.0 / (1.0 + std::exp(-q * 0.001));
    EXPECT_NEAR(Int16Logistic(p, static_cast<int16_t>(q)), std::min(expected, 32767.0), 3.0) << q;
  }
}

TEST(Int16Tanh, PowerOfTwoInputScales) {
  for (int shift : {0, 1}) {  // input scales 2^-12 and 2^-11
    const Int16SigmoidParams p{0, shift};
    const double scale = std::ldexp(1.0, -12 + shift);
    EXPECT_EQ(Int16Tanh(p, 0), 0);
    for (int q = -32768; q < 32768; q += 89) {
      const double expected = 32768.0 * std::tanh(q * scale);
      EXPECT_NEAR(Int16Tanh(p, static_cast<int16_t>(q)), std::max(std::min(expected, 32767.0), -32768.0), 4.0) << q;
    }
  }
}

TEST(SoftmaxQuantized, UniformRowIsOneOverDepth) {
  SoftmaxParams p;
  p.input_beta = quant::PreprocessSoftmaxScaling(1.0, 0.1, 5, quant::RoundingMode::kDouble);
  p.diff_min = -quant::CalculateInputRadius(5, p.input_beta.shift);
  const std::vector<int8_t> x(4, 17);
  std::vector<int8_t> y(4);
  SoftmaxQuantized(p, x.data(), 1, 4, y.data());
  for (int8_t v : y) EXPECT_EQ(v, 64 - 128);  // 1/4 = 64/256, zero point -128
}

TEST(SoftmaxQuantized, FarBelowMaxIsZero) {
  SoftmaxParams p;
  p.input_beta = quant::PreprocessSoftmaxScaling(1.0, 0.5, 5, quant::RoundingMode::kDouble);
  p.diff_min = -quant::CalculateInputRadius(5, p.input_beta.shift);
  const std::vector<int8_t> x = {127, -128};
  std::vector<int8_t> y(2);
  SoftmaxQuantized(p, x.data(), 1, 2, y.data());
  EXPECT_EQ(y[0], 127);
  EXPECT_EQ(y[1], -128);
  std::vector<int16_t> wide(2);  // int8 in, int16 out: zero point -32768, scale 2^-16
  SoftmaxQuantized(p, x.data(), 1, 2, wide.data());
  EXPECT_EQ(wide[0], 32767);
  EXPECT_EQ(wide[1], -32768);
}

TEST(SoftmaxFloat, SumsToOne) {
  const std::vector<float> x = {1.0f, 2.0f, 3.0f, -50.0f};
  std::vector<float> y(4);
  SoftmaxFloat(x.data(), 1, 4, 1.0f, y.data());
  EXPECT_NEAR(y[0] + y[1] + y[2] + y[3], 1.0f, 1e-6f);
  EXPECT_NEAR(y[2], std::exp(0.0f) / (std::exp(-2.0f) + std::exp(-1.0f) + 1.0f + std::exp(-53.0f)), 1e-6f);
}

TEST(LogisticFloat, CutOffs) {
  EXPECT_EQ(LogisticFloat(17.0f), 1.0f);
  EXPECT_EQ(LogisticFloat(-10.0f), std::exp(-10.0f));
  EXPECT_FLOAT_EQ(LogisticFloat(0.0f), 0.5f);
}

TEST(HardSwishQuantized, FollowsTheRealFunction) {
  // int8, input scale 0.05 zero point 5, output scale 0.03 zero point -60.
  HardSwishParams p;
  const float s_in = 0.05f, s_out = 0.03f;
  const float hires = (1.0f / 128.0f) * s_in;
  const quant::QuantizedMultiplier out = quant::QuantizeMultiplier(static_cast<double>(hires / s_out));
  const quant::QuantizedMultiplier reluish = quant::QuantizeMultiplier(static_cast<double>(hires / (3.0f / 32768.0f)));
  p.input_zero_point = 5;
  p.output_zero_point = -60;
  p.output_multiplier = quant::DownScaleInt32ToInt16Multiplier(out.multiplier);
  p.output_exponent = out.shift;
  p.reluish_multiplier = quant::DownScaleInt32ToInt16Multiplier(reluish.multiplier);
  p.reluish_exponent = reluish.shift;
  p.range = {-128, 127};
  for (int q = -128; q < 128; ++q) {
    const float x = s_in * static_cast<float>(q - 5);
    const double expected = std::min(127.0, std::max(-128.0, static_cast<double>(std::round(HardSwishFloat(x) / s_out)) - 60));
    EXPECT_NEAR(HardSwishQuantized(p, q), expected, 1.0) << q;
  }
}

}  // namespace
}  // namespace tfldbg::math
