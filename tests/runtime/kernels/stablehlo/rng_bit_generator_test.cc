#include "kernels/stablehlo/rng_bit_generator_math.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace tfldbg::math {
namespace {

// Known-answer vectors of the Random123 distribution (kat_vectors): LiteRT's
// generators are the standard ones, so tfldbg's are checked against both.
TEST(Philox4x32, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(Philox4x32(0, 0, {0, 0, 0, 0}), (std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(Philox4x32(0xa4093822, 0x299f31d0, {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}),
            (std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Threefry2x32, MatchesRandom123KnownAnswers) {
  EXPECT_EQ(Threefry2x32(0, 0, {0, 0}), (std::array<uint32_t, 2>{0x6b200159, 0x99ba4efe}));
}

}  // namespace
}  // namespace tfldbg::math
