#include "kernels/recurrent/lstm_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace tfldbg::math {
namespace {

float FromBits(uint32_t bits) {
  float f = 0.0f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

uint32_t Bits(float f) {
  uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

// Input and output bits measured from LiteRT 2.3.0 (an RNN with identity
// weights for tanh; an LSTM whose cell state is its input gate for the
// sigmoid), each where libm's result differs.
TEST(RecurrentActivations, TanhIsLiteRtsBitForBit) {
  const uint32_t cases[][2] = {{0xc0935625, 0xbf7ff2de}, {0x40c87e32, 0x3f7fff85}, {0x40087e69, 0x3f78e87d},
                               {0xc112e373, 0xbf800000}, {0x410414f0, 0x3f800000}};
  for (const auto& c : cases) {
    EXPECT_EQ(Bits(RecurrentTanh(FromBits(c[0]))), c[1]) << FromBits(c[0]);
    EXPECT_EQ(Bits(LstmActivation(quant::Activation::kTanh, FromBits(c[0]))), c[1]);
  }
}

TEST(RecurrentActivations, SigmoidPacketFormulaIsLiteRtsBitForBit) {
  const uint32_t cases[][2] = {{0xc1135625, 0x38d212eb}, {0xc192e373, 0x32365a62}, {0xc19ab60e, 0x31892ccd},
                               {0xc19540ab, 0x3207b290}, {0x3fd4480d, 0x3f570c2e}};
  for (const auto& c : cases) EXPECT_EQ(Bits(RecurrentSigmoidPacket(FromBits(c[0]))), c[1]) << FromBits(c[0]);
}

TEST(RecurrentActivations, SigmoidOfShortVectorsUsesTheScalarFormula) {
  // A vector of three at an aligned start: no group of four, all scalar.
  const uint32_t cases[][2] = {{0xc1002f34, 0x39adce60}, {0xc170756e, 0x349f96a9}, {0xc094e48a, 0x3c1aba94}};
  float v[3];
  for (int i = 0; i < 3; ++i) v[i] = FromBits(cases[i][0]);
  RecurrentSigmoid(v, 3, 0);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Bits(v[i]), cases[i][1]) << i;
}

TEST(RecurrentActivations, SigmoidSplitFollowsAlignment) {
  // Offset 3 from a 16-byte boundary: one scalar element, a group of four, two scalar.
  float v[7], expected[7];
  for (int i = 0; i < 7; ++i) v[i] = -3.0f + 0.9f * static_cast<float>(i);
  for (int i = 0; i < 7; ++i) {
    expected[i] = (i >= 1 && i < 5) ? RecurrentSigmoidPacket(v[i]) : RecurrentSigmoidScalar(v[i]);
  }
  RecurrentSigmoid(v, 7, 3);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(Bits(v[i]), Bits(expected[i])) << i;
  EXPECT_EQ(RecurrentSigmoidPacket(-200.0f), 0.0f);
  EXPECT_EQ(RecurrentSigmoidPacket(30.0f), 1.0f);
}

// The four-lane forms (what RecurrentSigmoid runs on the groups of four, and
// the tanh loops) against the scalar ones: every 509th bit pattern (all
// exponents, both signs, NaNs with payloads, infinities), then the edges.
TEST(RecurrentActivations, FourLaneFormsEqualTheScalarOnes) {
  constexpr uint32_t kStep = 509;
  std::vector<float> v;
  for (uint64_t b = 0; b <= 0xffffffffu; b += kStep) v.push_back(FromBits(static_cast<uint32_t>(b)));
  for (float x : {-104.0f, std::nextafter(-104.0f, -200.0f), std::nextafter(-104.0f, 0.0f), 16.6355324f, 0.0f, -0.0f,
                  INFINITY, -INFINITY, NAN, -NAN, FromBits(0x7f800001), FromBits(0xffa00005), -87.3f, -88.7f, 88.7f,
                  7.90738964f, -7.90738964f, 1e-30f, -1e-30f}) {
    v.push_back(x);
  }
  while (v.size() % 4 != 0) v.push_back(0.5f);
  int sigmoid_mismatches = 0, tanh_mismatches = 0;
  for (size_t i = 0; i < v.size(); i += 4) {
    float sig[4], tanh4[4];
    lanes::Store(sig, RecurrentSigmoidPacket4(lanes::Load(&v[i])));
    lanes::Store(tanh4, RecurrentTanh4(lanes::Load(&v[i])));
    for (int j = 0; j < 4; ++j) {
      const float x = v[i + static_cast<size_t>(j)];
      if (Bits(sig[j]) != Bits(RecurrentSigmoidPacket(x)) && ++sigmoid_mismatches <= 5) {
        ADD_FAILURE() << "sigmoid " << std::hex << Bits(x) << ": " << Bits(sig[j]) << " != " << Bits(RecurrentSigmoidPacket(x));
      }
      if (Bits(tanh4[j]) != Bits(RecurrentTanh(x)) && ++tanh_mismatches <= 5) {
        ADD_FAILURE() << "tanh " << std::hex << Bits(x) << ": " << Bits(tanh4[j]) << " != " << Bits(RecurrentTanh(x));
      }
    }
  }
  EXPECT_EQ(sigmoid_mismatches, 0);
  EXPECT_EQ(tanh_mismatches, 0);
}

TEST(Hybrid, MatVecSubtractsZeroPointTimesRowSums) {
  // Two rows of weights, one batch row quantized asymmetrically (zero point 5):
  // Σ w·(q − 5) scaled, added to what the result held.
  const int8_t w[] = {1, -2, 3, 127, -127, 0};
  const int8_t q[] = {10, -128, 7};
  int32_t sums[2];
  WeightRowSums(w, 2, 3, sums);
  EXPECT_EQ(sums[0], 2);
  EXPECT_EQ(sums[1], 0);
  const float scale = 0.5f;
  const int32_t zero_point = 5;
  float out[2] = {1.0f, -1.0f};
  HybridMatVecAccumulate(w, 2, 3, 0.25f, q, &scale, &zero_point, sums, 1, out, 2);
  const int32_t dot0 = 1 * 10 + -2 * -128 + 3 * 7 - 5 * 2;
  const int32_t dot1 = 127 * 10 + -127 * -128 + 0 * 7 - 5 * 0;
  EXPECT_EQ(out[0], 1.0f + static_cast<float>(dot0) * (0.5f * 0.25f));
  EXPECT_EQ(out[1], -1.0f + static_cast<float>(dot1) * (0.5f * 0.25f));
}

}  // namespace
}  // namespace tfldbg::math
