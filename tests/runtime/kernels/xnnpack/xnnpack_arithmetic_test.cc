// XNNPACK's arithmetic as --kernels xnnpack computes it, against values worked
// out by hand (docs/deployment.md, "What LiteRT's default path computes").
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "cpu/cpu.h"
#include "kernels/common/channel_requant.h"
#include "kernels/fast/hybrid.h"
#include "kernels/common/qd8.h"
#include "kernels/xnnpack/delegation.h"
#include "support/cpu_paths.h"

namespace tfldbg {
namespace {

TEST(XnnpackArithmetic, Fp32RequantizationRoundsTiesToEven) {
  const quant::IntRange full{-128, 127};
  const float scale = 1.0f / 32.0f;  // exact: every accumulator ≡ 16 (mod 32) is a tie
  EXPECT_EQ(math::XnnpackRequantize(16, scale, 0, full), 0);    // 0.5 -> 0
  EXPECT_EQ(math::XnnpackRequantize(48, scale, 0, full), 2);    // 1.5 -> 2
  EXPECT_EQ(math::XnnpackRequantize(-16, scale, 0, full), 0);   // -0.5 -> 0 (LiteRT's reference: -1)
  EXPECT_EQ(math::XnnpackRequantize(-48, scale, 0, full), -2);  // -1.5 -> -2
  EXPECT_EQ(math::XnnpackRequantize(-17, scale, 0, full), -1);  // -0.53 -> -1
  EXPECT_EQ(math::XnnpackRequantize(80, scale, 3, full), 5);    // 2.5 -> 2, + zero point 3
  EXPECT_EQ(math::XnnpackRequantize(100000, 1.0f, 3, full), 127);
  EXPECT_EQ(math::XnnpackRequantize(-100000, 1.0f, 3, full), -128);
  EXPECT_EQ(math::XnnpackRequantize(1000, 1.0f, 0, quant::IntRange{0, 6}), 6);  // a fused RELU6's range
}

TEST(XnnpackArithmetic, OutputRangeOfFusedActivations) {
  // RELU6 with scale 0.05, zero point -128: 6 / 0.05 - 128 = -8.
  const quant::IntRange r6 = xnnpack::QuantizedOutputRange(quant::Activation::kRelu6, 0.05f, -128, DataType::kInt8);
  EXPECT_EQ(r6.min, -128);
  EXPECT_EQ(r6.max, -8);
  const quant::IntRange none = xnnpack::QuantizedOutputRange(quant::Activation::kNone, 0.05f, 10, DataType::kUInt8);
  EXPECT_EQ(none.min, 0);
  EXPECT_EQ(none.max, 255);
}

TEST(XnnpackArithmetic, AddParamsAndTiesUp) {
  const quant::IntRange full{-128, 127};
  // Equal scales: ratio 1, shift 20, multipliers 2^20.
  xnnpack::AddParams p = xnnpack::MakeAddParams(1.0f, 0, 1.0f, 0, 1.0f, 0, full, false);
  EXPECT_EQ(p.shift, 20u);
  EXPECT_EQ(p.a_multiplier, 1 << 20);
  EXPECT_EQ(p.Apply(3, 4), 7);
  EXPECT_EQ(p.Apply(120, 100), 127);  // saturates
  xnnpack::AddParams sub = xnnpack::MakeAddParams(1.0f, 0, 1.0f, 0, 1.0f, 0, full, true);
  EXPECT_EQ(sub.b_multiplier, -(1 << 20));
  EXPECT_EQ(sub.Apply(3, 4), -1);
  // Halved: ratio 0.5, shift 21, multipliers 2^20: x/2 with ties up.
  xnnpack::AddParams half = xnnpack::MakeAddParams(0.5f, 0, 0.5f, 0, 1.0f, 0, full, false);
  EXPECT_EQ(half.shift, 21u);
  EXPECT_EQ(half.Apply(1, 0), 1);   // 0.5 -> 1
  EXPECT_EQ(half.Apply(-1, 0), 0);  // -0.5 -> 0
  EXPECT_EQ(half.Apply(-3, 0), -1);  // -1.5 -> -1
  // Zero points fold into the bias: (a - 5) + (b + 2) with output zero point 1.
  xnnpack::AddParams zp = xnnpack::MakeAddParams(1.0f, 5, 1.0f, -2, 1.0f, 1, full, false);
  EXPECT_EQ(zp.Apply(5, -2), 1);
  EXPECT_EQ(zp.Apply(10, 0), 8);
}

TEST(XnnpackArithmetic, Qd8RowQuantization) {
  // [0, 2.55]: scale 100, zero point -128 (the minimum is exact).
  const std::vector<float> x = {0.0f, 2.55f, 1.0f, 0.005f};
  std::vector<int8_t> q(x.size());
  int32_t zp = 0;
  const float dequant = math::QuantizeRowQd8(x.data(), static_cast<int>(x.size()), q.data(), &zp);
  EXPECT_EQ(zp, -128);
  EXPECT_FLOAT_EQ(dequant, 0.01f);
  EXPECT_EQ(q[0], -128);
  EXPECT_EQ(q[1], 127);
  EXPECT_EQ(q[2], -28);   // 100 - 128
  EXPECT_EQ(q[3], -128);  // 0.5 rounds to even: 0
  // An all-zero row: scale 1; the errors' sum (-128 + 127) is not positive,
  // so the zero point comes from the maximum: 127, and every value is 127.
  const std::vector<float> zeros(3, 0.0f);
  std::vector<int8_t> qz(3);
  EXPECT_FLOAT_EQ(math::QuantizeRowQd8(zeros.data(), 3, qz.data(), &zp), 1.0f);
  EXPECT_EQ(zp, 127);
  EXPECT_EQ(qz[0], 127);
}

// The fast paths' quantizers (QuantizeRowQd8Biased and each path's
// PackedHybridGemm::QuantizeQd8) write QuantizeRowQd8's values as q + 128: the
// same scale, zero point and bytes for every length (vector bodies and tails),
// ties, signed zeros, NaN and infinities.
TEST(XnnpackArithmetic, Qd8BiasedRowMatchesReference) {
  std::vector<fast::PackedHybridGemm> gemms;
  const int8_t one = 1;
  for (CpuPath p : testing::FastCpuPathsHere()) {
    gemms.emplace_back();
    ASSERT_TRUE(gemms.back().Pack(fast::IsaKernelsFor(p), &one, 1, 1)) << CpuPathName(p);
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-3.0f, 5.0f);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (int trial = 0; trial < 400; ++trial) {
    const int n = 1 + trial % 41;
    std::vector<float> x(static_cast<size_t>(n));
    for (float& v : x) v = value(rng);
    if (trial % 5 == 1) x[static_cast<size_t>(trial) % x.size()] = -0.0f;
    if (trial % 7 == 2) x[static_cast<size_t>(trial) % x.size()] = nan;
    if (trial % 11 == 3) x[0] = inf;
    if (trial % 13 == 4) x.back() = -inf;
    if (trial % 17 == 5) {  // ties: the range [0, 2.55] scales by 100, so k + 0.5 hundredths round to even
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 256) * 0.005f;
      x[0] = 2.55f;
    }
    if (trial % 19 == 6) std::fill(x.begin(), x.end(), trial % 2 ? 0.0f : -0.0f);
    std::vector<int8_t> q(x.size());
    std::vector<uint8_t> u(x.size());
    int32_t zp = 0, zp_biased = 0;
    const float scale = math::QuantizeRowQd8(x.data(), n, q.data(), &zp);
    const float scale_biased = math::QuantizeRowQd8Biased(x.data(), n, u.data(), &zp_biased);
    EXPECT_EQ(std::memcmp(&scale, &scale_biased, sizeof(float)), 0) << "trial " << trial;
    EXPECT_EQ(zp, zp_biased) << "trial " << trial;
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(static_cast<uint8_t>(q[static_cast<size_t>(i)] + 128), u[static_cast<size_t>(i)]) << "trial " << trial << " i " << i;
    }
    for (const fast::PackedHybridGemm& g : gemms) {
      std::vector<uint8_t> v(x.size());
      int32_t zp_fast = 0;
      const float scale_fast = g.QuantizeQd8(x.data(), n, v.data(), &zp_fast);
      EXPECT_EQ(std::memcmp(&scale, &scale_fast, sizeof(float)), 0) << "trial " << trial;
      EXPECT_EQ(zp, zp_fast) << "trial " << trial;
      EXPECT_EQ(u, v) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace tfldbg
