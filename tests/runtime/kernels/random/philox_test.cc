// Unit tests of the Philox4x32-10 generator and TensorFlow's conversions of
// its words: the Random123 known-answer vectors, the counter's carries in
// Skip, and the float/double/Box-Muller conversions at their edges.
#include "kernels/random/philox.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace tfldbg::random {
namespace {

// Philox(seed, seed2) keys with seed and puts seed2 in the counter's high
// half; Skip sets the low half. Together they reach any counter and key.
Philox::Block Generate(uint64_t key, uint64_t counter_high, uint64_t counter_low) {
  Philox rng(key, counter_high);
  rng.Skip(counter_low);
  return rng.Next();
}

TEST(Philox, MatchesTheRandom123KnownAnswers) {
  EXPECT_EQ(Generate(0, 0, 0), (Philox::Block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(Generate(~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}),
            (Philox::Block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(Generate(0x299f31d0a4093822ull, 0x0370734413198a2eull, 0x85a308d3243f6a88ull),
            (Philox::Block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

TEST(Philox, NextAdvancesTheCounterByOneBlock) {
  Philox rng(42, 7);
  rng.Next();
  const Philox::Block second = rng.Next();
  EXPECT_EQ(second, Generate(42, 7, 1));
  Philox skipped(42, 7);
  skipped.Skip(5);
  EXPECT_EQ(skipped.Next(), Generate(42, 7, 5));
}

TEST(Philox, SkipCarriesIntoTheHighWordsAsTensorFlowDoes) {
  // Low word overflow carries into word 1.
  Philox a(3, 0);
  a.Skip(0xffffffffull);
  a.Skip(1);
  EXPECT_EQ(a.Next(), Generate(3, 0, 0x100000000ull));
  // Word 1 overflow carries into the counter's high half (seed2).
  Philox b(3, 0);
  b.Skip(~uint64_t{0});
  b.Skip(1);
  EXPECT_EQ(b.Next(), Generate(3, 1, 0));
  // TensorFlow loses the carry of the low word when the high count word is all
  // ones (count_hi wraps to 0): Skip(2^64 - 1) from counter low 1 gives low 0
  // and no carry into word 2.
  Philox c(3, 0);
  c.Skip(1);
  c.Skip(~uint64_t{0});
  EXPECT_EQ(c.Next(), Generate(3, 0, 0));
}

TEST(PhiloxConversions, UniformFloatCoversZeroToJustBelowOne) {
  EXPECT_EQ(UniformFloat(0), 0.0f);
  EXPECT_EQ(UniformFloat(0xff800000u), 0.0f);  // only the low 23 bits count
  EXPECT_EQ(UniformFloat(0x7fffffu), 1.0f - std::ldexp(1.0f, -23));
  EXPECT_EQ(UniformFloat(0x400000u), 0.5f);
}

TEST(PhiloxConversions, UniformDoubleTakes20BitsOfX0And32OfX1) {
  EXPECT_EQ(UniformDouble(0, 0), 0.0);
  EXPECT_EQ(UniformDouble(0xfff00000u, 0), 0.0);
  EXPECT_EQ(UniformDouble(0xfffffu, 0xffffffffu), 1.0 - std::ldexp(1.0, -52));
  EXPECT_EQ(UniformDouble(0x80000u, 0), 0.5);
  EXPECT_EQ(UniformDouble(0, 1), std::ldexp(1.0, -52));
}

TEST(PhiloxConversions, BoxMullerFloorsTheRadiusAndFollowsTheAngle) {
  float f0, f1;
  BoxMuller(0, 0, &f0, &f1);  // u1 = 0 is floored at 1e-7; angle 0
  const float radius = std::sqrt(-2.0f * std::log(1.0e-7f));
  EXPECT_EQ(f0, 0.0f);
  EXPECT_EQ(f1, radius);
  BoxMuller(0x400000u, 0x200000u, &f0, &f1);  // u1 = 0.5, angle = 2*pi*0.25
  const float r = std::sqrt(-2.0f * std::log(0.5f));
  EXPECT_NEAR(f0, r, 1e-6);
  EXPECT_NEAR(f1, 0.0f, 1e-6);
}

}  // namespace
}  // namespace tfldbg::random
