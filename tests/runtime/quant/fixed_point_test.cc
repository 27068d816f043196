// Tests of the fixed-point library against values worked out by hand, against
// std::exp/std::tanh within the fixed-point error, and (where a value is
// labelled "gemmlowp's value") against raw outputs of upstream gemmlowp,
// which the implementation was cross-checked against bit for bit.
#include "quant/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/gemmlowp_fixed_point.h"
#include "quant/gemmlowp_fixed_point.h"
#include "quant/int16_lut.h"

namespace tfldbg::quant {
namespace {

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr double kTwoTo31 = 2147483648.0;

// ---------------------------------------------------------------- QuantizeMultiplier

TEST(QuantizeMultiplier, NormalisesIntoThirtyOneBits) {
  const QuantizedMultiplier half = QuantizeMultiplier(0.5);
  EXPECT_EQ(half.multiplier, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  const QuantizedMultiplier one = QuantizeMultiplier(1.0);
  EXPECT_EQ(one.multiplier, 1 << 30);
  EXPECT_EQ(one.shift, 1);
  const QuantizedMultiplier three = QuantizeMultiplier(3.0);  // 0.75 · 2^2
  EXPECT_EQ(three.multiplier, 1610612736);
  EXPECT_EQ(three.shift, 2);
  const QuantizedMultiplier small = QuantizeMultiplier(0.0078125 * 0.75);  // 0.75 · 2^-7
  EXPECT_EQ(small.multiplier, 1610612736);                               // 0.75 · 2^31
  EXPECT_EQ(small.shift, -7);
}

TEST(QuantizeMultiplier, ZeroAndNonFiniteGiveZero) {
  for (double real : {0.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    const QuantizedMultiplier m = QuantizeMultiplier(real);
    EXPECT_EQ(m.multiplier, 0) << real;
    EXPECT_EQ(m.shift, 0) << real;
  }
}

TEST(QuantizeMultiplier, FlushesExponentsBelowMinus31ToZero) {
  // 2^-32 = 0.5 · 2^-31: the smallest exponent kept.
  const QuantizedMultiplier kept = QuantizeMultiplier(std::ldexp(1.0, -32));
  EXPECT_EQ(kept.multiplier, 1 << 30);
  EXPECT_EQ(kept.shift, -31);
  // 2^-33 has exponent -32 and 2^-40 far less: both become {0, 0}.
  for (double real : {std::ldexp(1.0, -33), std::ldexp(1.0, -40)}) {
    const QuantizedMultiplier m = QuantizeMultiplier(real);
    EXPECT_EQ(m.multiplier, 0);
    EXPECT_EQ(m.shift, 0);
  }
}

TEST(QuantizeMultiplier, CarriesWhenTheMantissaRoundsUpToTwoToThe31) {
  const double almost_one = 1.0 - std::ldexp(1.0, -33);  // mantissa·2^31 = 2^31 - 0.25 rounds to 2^31
  const QuantizedMultiplier m = QuantizeMultiplier(almost_one);
  EXPECT_EQ(m.multiplier, 1 << 30);
  EXPECT_EQ(m.shift, 1);
  // Just below the carry: 2^31 - 1 survives.
  const QuantizedMultiplier below = QuantizeMultiplier(1.0 - std::ldexp(1.0, -31));
  EXPECT_EQ(below.multiplier, kInt32Max);
  EXPECT_EQ(below.shift, 0);
}

TEST(QuantizeMultiplier, NegativeMantissaRoundingToMinus2To31IsNotCarried) {
  // TFLite only tests q == +2^31; -2^31 fits and is kept.
  const QuantizedMultiplier m = QuantizeMultiplier(-(1.0 - std::ldexp(1.0, -33)));
  EXPECT_EQ(m.multiplier, kInt32Min);
  EXPECT_EQ(m.shift, 0);
  const QuantizedMultiplier minus_half = QuantizeMultiplier(-0.5);
  EXPECT_EQ(minus_half.multiplier, -(1 << 30));
  EXPECT_EQ(minus_half.shift, 0);
}

TEST(QuantizeMultiplier, SingleRoundingCapsTheShiftAtThirty) {
  const QuantizedMultiplier m = QuantizeMultiplier(std::ldexp(1.0, 40), RoundingMode::kSingle);
  EXPECT_EQ(m.shift, 30);
  EXPECT_EQ(m.multiplier, kInt32Max);
  EXPECT_EQ(QuantizeMultiplier(std::ldexp(1.0, 40), RoundingMode::kDouble).shift, 41);
  // 2^29 has exponent 30: not capped.
  const QuantizedMultiplier at_cap = QuantizeMultiplier(std::ldexp(1.0, 29), RoundingMode::kSingle);
  EXPECT_EQ(at_cap.multiplier, 1 << 30);
  EXPECT_EQ(at_cap.shift, 30);
}

TEST(QuantizeMultiplier, GreaterThanOneAppliesTheSingleRoundingCapToo) {
  const QuantizedMultiplier single = QuantizeMultiplierGreaterThanOne(std::ldexp(1.0, 31), RoundingMode::kSingle);
  EXPECT_EQ(single.multiplier, kInt32Max);
  EXPECT_EQ(single.shift, 30);
  const QuantizedMultiplier twice = QuantizeMultiplierGreaterThanOne(std::ldexp(1.0, 31));
  EXPECT_EQ(twice.multiplier, 1 << 30);
  EXPECT_EQ(twice.shift, 32);
  const QuantizedMultiplier smaller = QuantizeMultiplierSmallerThanOneExp(0.375);  // 0.75 · 2^-1
  EXPECT_EQ(smaller.multiplier, 1610612736);
  EXPECT_EQ(smaller.shift, -1);
}

TEST(DownScaleInt32ToInt16Multiplier, RoundsToTheTopSixteenBitsAndSaturates) {
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(1 << 30), 1 << 14);
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(0x12347FFF), 0x1234);
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(0x12348000), 0x1235);  // half rounds up
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(0x7FFF8000), 0x7FFF);  // would be 0x8000: saturates
  EXPECT_EQ(DownScaleInt32ToInt16Multiplier(kInt32Max), 0x7FFF);
}

// ------------------------------------------------------------- SRDHM, rounding shifts

TEST(SaturatingRoundingDoublingHighMul, SaturatesOnlyForInt32MinSquared) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kInt32Min, kInt32Min), kInt32Max);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kInt32Min, kInt32Max), -kInt32Max);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kInt32Max, kInt32Max), kInt32Max - 1);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
}

TEST(SaturatingRoundingDoublingHighMul, RoundsTiesTowardPositiveInfinity) {
  // a·b / 2^31 with b = 2^30 is a / 2.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);     // 1.5 -> 2
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);   // -1.5 -> -1
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-5, 1 << 30), -2);   // -2.5 -> -2
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-7, 1 << 29), -2);   // -1.75 -> -2 (not a tie)
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1, 1 << 30), 1);     // 0.5 -> 1
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-1, 1 << 30), 0);    // -0.5 -> 0
}

TEST(RoundingDivideByPot, RoundsTiesAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);    // 2.5 -> 3
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);  // -2.5 -> -3
  EXPECT_EQ(RoundingDivideByPOT(1, 1), 1);    // 0.5 -> 1
  EXPECT_EQ(RoundingDivideByPOT(-1, 1), -1);  // -0.5 -> -1
  EXPECT_EQ(RoundingDivideByPOT(7, 2), 2);    // 1.75 -> 2
  EXPECT_EQ(RoundingDivideByPOT(-7, 2), -2);
  EXPECT_EQ(RoundingDivideByPOT(-6, 2), -2);  // -1.5 -> -2
  EXPECT_EQ(RoundingDivideByPOT(-5, 2), -1);  // -1.25 -> -1
  EXPECT_EQ(RoundingDivideByPOT(-(1 << 30), 31), -1);  // -0.5 -> -1
  EXPECT_EQ(RoundingDivideByPOT(-(1 << 30) + 1, 31), 0);
}

TEST(RoundingDivideByPot, HandlesTheExtremes) {
  EXPECT_EQ(RoundingDivideByPOT(12345, 0), 12345);
  EXPECT_EQ(RoundingDivideByPOT(kInt32Min, 31), -1);
  EXPECT_EQ(RoundingDivideByPOT(kInt32Max, 31), 1);
  EXPECT_EQ(RoundingDivideByPOT(-1, 31), 0);
  EXPECT_EQ(RoundingDivideByPOT(kInt32Min, 1), -(1 << 30));
}

TEST(RoundingDivideByPot, Int64VariantRoundsTiesAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT64(-(int64_t{5} << 40), 41), -3);
  EXPECT_EQ(RoundingDivideByPOT64(int64_t{5} << 40, 41), 3);
  EXPECT_EQ(RoundingDivideByPOT64(std::numeric_limits<int64_t>::min(), 63), -1);
  EXPECT_EQ(RoundingDivideByPOT64((int64_t{1} << 40) + 1, 40), 1);
}

TEST(SaturatingRoundingMultiplyByPot, SaturatesLeftAndRoundsRight) {
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(1 << 29, 1), 1 << 30);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(1 << 30, 1), kInt32Max);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-(1 << 30), 1), kInt32Min);  // exactly representable
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-(1 << 30) - 1, 1), kInt32Min);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-1, 31), kInt32Min);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(3, -1), 2);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-3, -1), -2);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(77, 0), 77);
}

// --------------------------------------------------------- MultiplyByQuantizedMultiplier

TEST(MultiplyByQuantizedMultiplier, DoubleRoundingCanRoundAQuarterUpToOne) {
  // real = 0.25 (2^30, shift -1), x = 1: the exact product 0.25 is no tie.
  // Double rounding: SRDHM gives round(0.5) = 1, then 1/2 = 0.5 rounds away
  // from zero to 1. Single rounding: floor(0.25 + 0.5) = 0.
  const QuantizedMultiplier quarter = QuantizeMultiplier(0.25);
  ASSERT_EQ(quarter.multiplier, 1 << 30);
  ASSERT_EQ(quarter.shift, -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1, quarter, RoundingMode::kDouble), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1, quarter, RoundingMode::kSingle), 0);
}

TEST(MultiplyByQuantizedMultiplier, SingleRoundingRoundsNegativeTiesUp) {
  // -2 · 0.25 = -0.5: double rounding goes away from zero, single toward +inf.
  const QuantizedMultiplier quarter = QuantizeMultiplier(0.25);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(2, quarter, RoundingMode::kDouble), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(2, quarter, RoundingMode::kSingle), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-2, quarter, RoundingMode::kDouble), -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-2, quarter, RoundingMode::kSingle), 0);
}

TEST(MultiplyByQuantizedMultiplier, SingleRoundingErrsByHalfAnLsbDoubleByUpToThreeQuarters) {
  // Single rounding is off the real product by at most 1/2 (plus the
  // multiplier's own 2^-31 relative error). Double rounding adds the first
  // rounding's 1/2, scaled down by the right shift: 1/2 + 1/2^(1 + right).
  for (double real : {0.0123, 0.75, 1.0 / 3.0, 3.7, 1e-6}) {
    const QuantizedMultiplier m = QuantizeMultiplier(real);
    const int right_shift = m.shift < 0 ? -m.shift : 0;
    for (int32_t x : {0, 1, -1, 1000, -1000, 123456, -98765, 50000000}) {
      const double exact = static_cast<double>(x) * real;
      if (std::fabs(exact) > 2e9) continue;
      EXPECT_NEAR(MultiplyByQuantizedMultiplier(x, m, RoundingMode::kSingle), exact, 0.5 + 1e-3) << real << " " << x;
      EXPECT_NEAR(MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDouble), exact,
                  0.5 + std::ldexp(0.5, -right_shift) + 1e-3)
          << real << " " << x;
    }
  }
  // The worst case is reached: 1 · (1/3) is 0.33 but double rounding gives 1
  // (SRDHM rounds 2/3 up to 1, then 1/2 rounds away from zero).
  const QuantizedMultiplier third = QuantizeMultiplier(1.0 / 3.0);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1, third, RoundingMode::kDouble), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1, third, RoundingMode::kSingle), 0);
}

TEST(MultiplyByQuantizedMultiplier, LeftShiftsForMultipliersAboveOne) {
  const QuantizedMultiplier m = QuantizeMultiplier(3.0);  // (0.75·2^31, 2)
  EXPECT_EQ(MultiplyByQuantizedMultiplier(7, m, RoundingMode::kDouble), 21);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-7, m, RoundingMode::kSingle), -21);
  EXPECT_EQ(MultiplyByQuantizedMultiplierGreaterThanOne(7, m, RoundingMode::kDouble), 21);
  EXPECT_EQ(MultiplyByQuantizedMultiplierGreaterThanOne(-7, m, RoundingMode::kSingle), -21);
}

TEST(MultiplyByQuantizedMultiplier, SmallerThanOneExpMatchesTheGeneralForm) {
  const QuantizedMultiplier m = QuantizeMultiplierSmallerThanOneExp(0.3);
  for (int32_t x = -5000; x <= 5000; x += 37) {
    EXPECT_EQ(MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, RoundingMode::kDouble),
              MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDouble))
        << x;
    EXPECT_EQ(MultiplyByQuantizedMultiplierSmallerThanOneExp(x, m, RoundingMode::kSingle),
              MultiplyByQuantizedMultiplier(x, m, RoundingMode::kSingle))
        << x;
  }
}

TEST(MultiplyByQuantizedMultiplier, ExtremeShiftsAreDefined) {
  // Shift -31 (the smallest QuantizeMultiplier keeps) and hand-made shifts
  // beyond it must not shift by 64 or more (UBSan would abort here).
  // INT32_MAX · 2^-32 = 0.49999...: single rounding gives 0; double rounding
  // first rounds INT32_MAX/2 up to 2^30, then 2^30 / 2^31 = 0.5 up to 1.
  const QuantizedMultiplier tiny = QuantizeMultiplier(std::ldexp(1.0, -32));
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kInt32Max, tiny, RoundingMode::kDouble), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kInt32Max, tiny, RoundingMode::kSingle), 0);
  const QuantizedMultiplier hand_made{1 << 30, -80};
  EXPECT_EQ(MultiplyByQuantizedMultiplier(kInt32Max, hand_made, RoundingMode::kSingle), 0);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1} << 40, hand_made, RoundingMode::kDouble), 0);
}

TEST(MultiplyByQuantizedMultiplier, Int64AccumulatorsUseASixteenBitMultiplier) {
  const QuantizedMultiplier half = QuantizeMultiplier(0.5);  // (2^30, 0) -> reduced 2^14, k = 15
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1000}, half), 500);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{-1001}, half), -500);  // (-1001·2^14 + 2^14) >> 15 = -500
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1} << 40, QuantizeMultiplier(std::ldexp(1.0, -20))), 1 << 20);
}

TEST(MultiplyByQuantizedMultiplier, Int64DoubleRoundingLosesTheLowMultiplierBits) {
  // m = 0x5A5A5A5A (≈ 0.7059), shift -10. Reduced: (m + 2^15) >> 16 = 0x5A5A.
  const QuantizedMultiplier m{0x5A5A5A5A, -10};
  const int64_t x = int64_t{1} << 40;
  // Double: (2^40 · 0x5A5A + 2^24) >> 25 = 0x5A5A · 2^15 exactly.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDouble), 0x5A5A << 15);
  // Single keeps all 31 bits: (2^40 · m + 2^40) >> 41 = round(m / 2) = 0x2D2D2D2D.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(x, m, RoundingMode::kSingle), 0x2D2D2D2D);
}

// ----------------------------------------------------------------- activation ranges

TEST(ActivationRange, QuantizesTheBoundsWithTheOutputScale) {
  const IntRange relu6 = QuantizedActivationRange(Activation::kRelu6, 0.05f, -128, DataType::kInt8);
  EXPECT_EQ(relu6.min, -128);
  EXPECT_EQ(relu6.max, -8);  // -128 + round(6 / 0.05)
  const IntRange relu = QuantizedActivationRange(Activation::kRelu, 0.1f, 10, DataType::kUInt8);
  EXPECT_EQ(relu.min, 10);
  EXPECT_EQ(relu.max, 255);
  const IntRange none = QuantizedActivationRange(Activation::kNone, 0.1f, 0, DataType::kInt16);
  EXPECT_EQ(none.min, -32768);
  EXPECT_EQ(none.max, 32767);
}

TEST(ActivationRange, RoundsQuantizedBoundsHalfAwayFromZero) {
  const IntRange relu6 = QuantizedActivationRange(Activation::kRelu6, 4.0f, 0, DataType::kInt8);
  EXPECT_EQ(relu6.max, 2);  // 6 / 4 = 1.5 -> 2
  const IntRange relu1 = QuantizedActivationRange(Activation::kReluN1To1, 2.0f, 3, DataType::kInt8);
  EXPECT_EQ(relu1.min, 2);  // 3 + round(-0.5) = 3 - 1
  EXPECT_EQ(relu1.max, 4);  // 3 + round(0.5)
}

TEST(ActivationRange, IntersectsWithTheTypeRange) {
  const IntRange relu1 = QuantizedActivationRange(Activation::kReluN1To1, 1.0f / 256, 0, DataType::kInt8);
  EXPECT_EQ(relu1.min, -128);
  EXPECT_EQ(relu1.max, 127);
  const IntRange relu6_uint8 = QuantizedActivationRange(Activation::kRelu6, 0.01f, 0, DataType::kUInt8);
  EXPECT_EQ(relu6_uint8.max, 255);
}

TEST(ActivationRange, TanhAndSignBitDoNotClamp) {
  for (Activation a : {Activation::kTanh, Activation::kSignBit}) {
    const IntRange r = QuantizedActivationRange(a, 0.01f, 5, DataType::kInt8);
    EXPECT_EQ(r.min, -128);
    EXPECT_EQ(r.max, 127);
  }
}

TEST(ActivationRange, DegenerateScalesStayDefined) {
  // 6 / 1e-45 overflows to inf and 0 / 0 is NaN: TFLite's cast is UB there;
  // ours saturates, and the result stays inside the type.
  for (float scale : {1e-45f, 0.0f}) {
    const IntRange r = QuantizedActivationRange(Activation::kRelu6, scale, 0, DataType::kInt8);
    EXPECT_GE(r.min, -128);
    EXPECT_LE(r.max, 127);
  }
}

TEST(ActivationRange, FloatNoneClampsToTheFiniteExtremesAsTfliteDoes) {
  const FloatRange none = FloatActivationRange(Activation::kNone);
  EXPECT_EQ(none.min, std::numeric_limits<float>::lowest());
  EXPECT_EQ(none.max, std::numeric_limits<float>::max());
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(std::min(std::max(inf, none.min), none.max), std::numeric_limits<float>::max());
  const FloatRange relu = FloatActivationRange(Activation::kRelu);
  EXPECT_EQ(relu.min, 0.0f);
  EXPECT_EQ(relu.max, std::numeric_limits<float>::max());
  const FloatRange relu6 = FloatActivationRange(Activation::kRelu6);
  EXPECT_EQ(relu6.max, 6.0f);
  const FloatRange relu1 = FloatActivationRange(Activation::kReluN1To1);
  EXPECT_EQ(relu1.min, -1.0f);
  EXPECT_EQ(relu1.max, 1.0f);
}

// ------------------------------------------------------------------- int8 lookup table

float Identity(float x) { return x; }
float Logistic(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float TanhF(float x) { return std::tanh(x); }

TEST(BuildLookupTableInt8, IsIndexedByTheInputByteAndRoundsTiesAway) {
  // Identity with in_scale 0.5 and out_scale 1: q -> round(q / 2).
  const std::array<uint8_t, 256> t = BuildLookupTableInt8(0.5f, 0, 1.0f, 0, Identity, false);
  EXPECT_EQ(static_cast<int8_t>(t[0]), 0);
  EXPECT_EQ(static_cast<int8_t>(t[1]), 1);      // 0.5 -> 1
  EXPECT_EQ(static_cast<int8_t>(t[3]), 2);      // 1.5 -> 2
  EXPECT_EQ(static_cast<int8_t>(t[0xFF]), -1);  // q = -1: -0.5 -> -1
  EXPECT_EQ(static_cast<int8_t>(t[0xFD]), -2);  // q = -3: -1.5 -> -2
  EXPECT_EQ(static_cast<int8_t>(t[0x80]), -64);  // q = -128
}

TEST(BuildLookupTableInt8, LogisticInt8HitsTheOutputRangeEnds) {
  const std::array<uint8_t, 256> t = BuildLookupTableInt8(0.1f, 0, 1.0f / 256, -128, Logistic, false);
  EXPECT_EQ(static_cast<int8_t>(t[0]), 0);       // σ(0)·256 - 128
  EXPECT_EQ(static_cast<int8_t>(t[127]), 127);   // 256 - 128 = 128, clamped
  EXPECT_EQ(static_cast<int8_t>(t[0x80]), -128);  // σ(-12.8)·256 ≈ 0.0007
  EXPECT_EQ(static_cast<int8_t>(t[10]), static_cast<int8_t>(std::round(Logistic(1.0f) * 256.0f) - 128));
}

TEST(BuildLookupTableInt8, Uint8TablesUseTheUnsignedRange) {
  const std::array<uint8_t, 256> t = BuildLookupTableInt8(1.0f / 32, 128, 1.0f / 128, 128, TanhF, true);
  EXPECT_EQ(t[128], 128);  // tanh(0)
  EXPECT_EQ(t[0], 0);      // tanh(-4)·128 = -127.9 -> -128, + 128
  EXPECT_EQ(t[255], 255);  // tanh(3.97)·128 = 127.9 -> 128, + 128 = 256 clamped
}

// -------------------------------------------------------------------- gemmlowp pieces

TEST(Fixed, ConstantsHaveTheirFormatsRawValues) {
  EXPECT_EQ(Fixed<0>::One().raw, kInt32Max);  // 1 saturates in Q0.31
  EXPECT_EQ(Fixed<5>::One().raw, 1 << 26);
  EXPECT_EQ(Fixed<5>::ConstantPOT<-2>().raw, 1 << 24);
  EXPECT_EQ((Fixed<2>::FromRaw(1 << 29) * Fixed<3>::FromRaw(1 << 28)).raw, 1 << 26);  // 1·1 in Q5.26
  EXPECT_EQ(Rescale<3>(Fixed<5>::FromRaw(1 << 26)).raw, 1 << 28);
  EXPECT_EQ((-Fixed<0>::FromRaw(kInt32Min)).raw, kInt32Min);  // wraps like the SIMD negate
}

TEST(RoundingHalfSum, RoundsHalvesAwayFromZeroWithoutOverflow) {
  EXPECT_EQ(RoundingHalfSum(kInt32Max, kInt32Max), kInt32Max);
  EXPECT_EQ(RoundingHalfSum(1, 2), 2);
  EXPECT_EQ(RoundingHalfSum(-1, -2), -2);
  EXPECT_EQ(RoundingHalfSum(kInt32Min, kInt32Min), kInt32Min);
}

TEST(ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl, IsExactAtTheExpansionPoint) {
  // At -1/8 the Taylor variable is 0 and the result is the constant exp(-1/8).
  EXPECT_EQ(ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0>::FromRaw(-(1 << 28))).raw, 1895147668);
  for (int32_t raw = -(1 << 29); raw < 0; raw += 1 << 20) {
    EXPECT_NEAR(ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0>::FromRaw(raw)).raw / kTwoTo31,
                std::exp(raw / kTwoTo31), 2.5e-7);
  }
}

TEST(ExpOnNegativeValues, TracksStdExpWithinTwoTenthsOfAMillionth) {
  using F5 = Fixed<5>;
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(0)).raw, kInt32Max);
  for (int32_t raw = kInt32Min + 1; raw < 0; raw += 1 << 18) {
    const double x = raw / static_cast<double>(1 << 26);
    EXPECT_NEAR(ExpOnNegativeValues(F5::FromRaw(raw)).raw / kTwoTo31, std::exp(x), 2.5e-7) << x;
  }
}

TEST(ExpOnNegativeValues, ReproducesGemmlowpsRawValues) {
  using F5 = Fixed<5>;
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(-(1 << 26))).raw, 790015308);   // exp(-1)
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(-(1 << 24))).raw, 1672462419);  // exp(-1/4)
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(-(3 << 26))).raw, 106916946);   // exp(-3)
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(-(10 << 26))).raw, 97496);      // exp(-10)
  EXPECT_EQ(ExpOnNegativeValues(F5::FromRaw(-(31 << 26))).raw, 0);          // exp(-31) < 2^-31
}

TEST(ExpOnNegativeValues, WideFormatsFlushBelowMinus32) {
  // Q12: -40 is representable, beyond the seven barrel-shifter steps.
  EXPECT_EQ(ExpOnNegativeValues(Fixed<12>::FromRaw(-(40 << 19))).raw, 0);
  EXPECT_NEAR(ExpOnNegativeValues(Fixed<12>::FromRaw(-(2 << 19))).raw / kTwoTo31, std::exp(-2.0), 2.5e-7);
}

TEST(OneOverOnePlusXForXIn01, TracksTheQuotient) {
  EXPECT_EQ(OneOverOnePlusXForXIn01(Fixed<0>::FromRaw(0)).raw, kInt32Max);
  EXPECT_EQ(OneOverOnePlusXForXIn01(Fixed<0>::FromRaw(1 << 30)).raw, 1431655762);  // gemmlowp's 2/3
  for (int32_t raw = 0; raw < kInt32Max - (1 << 22); raw += 1 << 22) {
    const double x = raw / kTwoTo31;
    EXPECT_NEAR(OneOverOnePlusXForXIn01(Fixed<0>::FromRaw(raw)).raw / kTwoTo31, 1.0 / (1.0 + x), 1e-8) << x;
    EXPECT_NEAR(OneMinusXOverOnePlusXForXIn01(Fixed<0>::FromRaw(raw)).raw / kTwoTo31, (1.0 - x) / (1.0 + x), 1e-8)
        << x;
  }
}

TEST(Logistic, IsOneHalfAtZeroAndSymmetric) {
  using F4 = Fixed<4>;
  EXPECT_EQ(Logistic(F4::FromRaw(0)).raw, 1 << 30);
  for (int32_t raw = 1; raw < kInt32Max / 2; raw = raw * 3 + 7) {
    // σ(-x) is computed as 1 - σ(x), in raw terms exactly.
    EXPECT_EQ(Logistic(F4::FromRaw(raw)).raw + Logistic(F4::FromRaw(-raw)).raw, kInt32Max) << raw;
  }
}

TEST(Logistic, TracksTheRealFunction) {
  using F4 = Fixed<4>;
  EXPECT_EQ(Logistic(F4::FromRaw(1 << 27)).raw, 1569936226);  // gemmlowp's σ(1)
  EXPECT_EQ(Logistic(F4::FromRaw(kInt32Min)).raw, 241);        // σ(-16)
  for (int32_t raw = kInt32Min + 1; raw < kInt32Max - (1 << 20); raw += 1 << 20) {
    const double x = raw / static_cast<double>(1 << 27);
    EXPECT_NEAR(Logistic(F4::FromRaw(raw)).raw / kTwoTo31, 1.0 / (1.0 + std::exp(-x)), 1e-7) << x;
  }
}

TEST(Tanh, IsOddAndTracksTheRealFunction) {
  using F4 = Fixed<4>;
  EXPECT_EQ(Tanh(F4::FromRaw(0)).raw, 0);
  EXPECT_EQ(Tanh(F4::FromRaw(1 << 27)).raw, 1635510876);     // gemmlowp's tanh(1)
  EXPECT_EQ(Tanh(F4::FromRaw(kInt32Min)).raw, -kInt32Max);   // no negation overflow
  for (int32_t raw = kInt32Min + 1; raw < kInt32Max - (1 << 20); raw += 1 << 20) {
    const double x = raw / static_cast<double>(1 << 27);
    EXPECT_EQ(Tanh(F4::FromRaw(-raw)).raw, -Tanh(F4::FromRaw(raw)).raw) << x;
    EXPECT_NEAR(Tanh(F4::FromRaw(raw)).raw / kTwoTo31, std::tanh(x), 2e-7) << x;
  }
}

TEST(GetReciprocal, MatchesOneOverXAfterTheBitsOverUnit) {
  // x in Q12.19, as SOFTMAX's sum of exponentials.
  int bits_over_unit = 0;
  EXPECT_EQ(GetReciprocal(3 << 19, 12, &bits_over_unit), 1431655762);  // (1/3)·2^1 in Q0.31
  EXPECT_EQ(bits_over_unit, 1);
  for (double x : {1.0, 1.25, 2.0, 3.0, 7.5, 100.0, 255.0, 4000.0}) {
    const int32_t raw = static_cast<int32_t>(x * (1 << 19));
    const int32_t r = GetReciprocal(raw, 12, &bits_over_unit);
    EXPECT_NEAR(r / kTwoTo31 * std::ldexp(1.0, -bits_over_unit), 1.0 / x, 1e-8 / x) << x;
  }
}

TEST(GetInvSqrtQuantizedMultiplierExp, ApproximatesOneOverSquareRoot) {
  const QuantizedMultiplier at_one = GetInvSqrtQuantizedMultiplierExp(1, -1);
  EXPECT_EQ(at_one.multiplier, kInt32Max);
  EXPECT_EQ(at_one.shift, 0);
  for (int32_t input : {2, 3, 100, 4096, 123456, 1 << 20, 1000000007, kInt32Max}) {
    const QuantizedMultiplier m = GetInvSqrtQuantizedMultiplierExp(input, -1);
    const double value = m.multiplier * std::ldexp(1.0, m.shift - 31);
    EXPECT_NEAR(value * std::sqrt(static_cast<double>(input)), 1.0, 2e-6) << input;
    // reverse_shift = +1 keeps TFLite's right-shift sign convention.
    EXPECT_EQ(GetInvSqrtQuantizedMultiplierExp(input, 1).shift, -m.shift) << input;
  }
}

TEST(PreprocessSoftmaxScaling, CapsTheMultiplierLowerInSingleRounding) {
  // 1.0 · 0.1 · 2^26 = 6710886.4 = 0.8 · 2^23.
  const QuantizedMultiplier m = PreprocessSoftmaxScaling(1.0, 0.1, 5, RoundingMode::kDouble);
  EXPECT_EQ(m.multiplier, 1717986918);
  EXPECT_EQ(m.shift, 23);
  const QuantizedMultiplier huge_double = PreprocessSoftmaxScaling(1e6, 1.0, 5, RoundingMode::kDouble);
  EXPECT_EQ(huge_double.multiplier, kInt32Max);  // 2^31 - 1 = (1 - 2^-31)·2^31
  EXPECT_EQ(huge_double.shift, 31);
  const QuantizedMultiplier huge_single = PreprocessSoftmaxScaling(1e6, 1.0, 5, RoundingMode::kSingle);
  // Capped at 2^30 - 1 = (1 - 2^-30)·2^30 instead: mantissa 2^31 - 2.
  EXPECT_EQ(huge_single.multiplier, kInt32Max - 1);
  EXPECT_EQ(huge_single.shift, 30);
}

TEST(CalculateInputRadius, FloorsTheLargestRescaledDifference) {
  EXPECT_EQ(CalculateInputRadius(5, 23), 248);  // 31 · 2^26 / 2^23
  EXPECT_EQ(CalculateInputRadius(5, 30), 1);    // 31 · 2^26 / 2^30 = 1.94
  EXPECT_EQ(CalculateInputRadius(4, 27, 31), 15);
}

// ---------------------------------------------------------------------- int16 tables

double ExpDouble(double x) { return std::exp(x); }

TEST(Int16Lut, EndPointsAndInterpolationTrackExp) {
  int16_t lut[kInt16LutSize];
  BuildInt16Lut(ExpDouble, -10.0, 0.0, -1.0, 1.0, lut);
  EXPECT_EQ(lut[512], 32767);  // exp(0)·32768 clamped
  EXPECT_EQ(lut[0], 2);        // exp(-10)·32768 = 1.49 -> 1, minus the bias of -1
  EXPECT_EQ(Int16LutLookup(-32768, lut), lut[0]);
  EXPECT_EQ(Int16LutLookup(0, lut), lut[256]);
  for (int v = -32768; v < 32767; v += 7) {
    const double x = -10.0 + (v + 32768) / 65536.0 * 10.0;
    EXPECT_NEAR(Int16LutLookup(static_cast<int16_t>(v), lut), std::exp(x) * 32768.0, 2.6) << v;
  }
}

TEST(Int16Lut, FloatAndDoubleBuildsAgreeOnASmoothFunction) {
  int16_t in_double[kInt16LutSize], in_float[kInt16LutSize];
  BuildInt16Lut([](double x) { return 1.0 / (1.0 + x); }, 0.0, 1.0, -1.0, 1.0, in_double);
  BuildInt16Lut([](float x) { return 1.0f / (1.0f + x); }, 0.0f, 1.0f, -1.0f, 1.0f, in_float);
  int differing = 0;
  for (int i = 0; i < kInt16LutSize; ++i) {
    EXPECT_LE(std::abs(in_double[i] - in_float[i]), 1) << i;
    differing += in_double[i] != in_float[i];
  }
  EXPECT_LT(differing, 20);
  EXPECT_EQ(in_double[0], 32767);
  EXPECT_EQ(in_double[512], 16384);
}

TEST(Int16LutLookup, RoundsTheInterpolationHalfUp) {
  int16_t lut[kInt16LutSize] = {};
  lut[257] = 1;  // segment 256 (inputs 0..127) rises by one
  EXPECT_EQ(Int16LutLookup(63, lut), 0);   // (63 + 64) >> 7
  EXPECT_EQ(Int16LutLookup(64, lut), 1);   // (64 + 64) >> 7
  lut[257] = -1;
  EXPECT_EQ(Int16LutLookup(64, lut), 0);   // (-64 + 64) >> 7
  EXPECT_EQ(Int16LutLookup(65, lut), -1);  // (-65 + 64) >> 7 floors
}

TEST(Int16LutLookup, SlopeWrapsInInt16AsTfliteDoes) {
  int16_t lut[kInt16LutSize] = {};
  lut[256] = -32768;
  lut[257] = 32767;  // a rise of 65535 is -1 in int16
  EXPECT_EQ(Int16LutLookup(64, lut), -32768);
}

// ------------------------------------------------ gemmlowp on int16 (integer LSTM)
// Bit-exactness is checked end to end against LiteRT's integer LSTM
// (tests/python/test_ops_lstm.py); here: the shape of the functions.

TEST(Fixed16, ConstantsAreTheInt32OnesRoundedTo16Bits) {
  EXPECT_EQ(Fixed16<0>::FromInt32Constant(1 << 30).raw, 16384);
  EXPECT_EQ(Fixed16<0>::FromInt32Constant(1895147668).raw, 28918);  // exp(-1/8) in Q0.15
  EXPECT_EQ(Fixed16<2>::FromInt32Constant(-1010580540).raw, -15420);  // -32/17 in Q2.13
}

TEST(Fixed16, ProductRoundsAndSaturatesOnlyMinTimesMin) {
  EXPECT_EQ(RawOps<int16_t>::Mul(-32768, -32768), 32767);
  EXPECT_EQ(RawOps<int16_t>::Mul(16384, 16384), 8192);
  EXPECT_EQ(RawOps<int16_t>::Mul(3, 16384), 2);    // ties go toward +inf,
  EXPECT_EQ(RawOps<int16_t>::Mul(-3, 16384), -1);   // as in the int32 form
}

// gemmlowp's 16-bit exp is not exactly monotone (its Taylor step restarts at
// each quarter, a few LSB apart), so these check the values, not the order.
TEST(Logistic16, IsASigmoidInQ015) {
  EXPECT_EQ(Logistic(Fixed16<3>::FromRaw(0)).raw, 16384);
  for (int x = -32768; x <= 32767; x += 7) {
    const int16_t y = Logistic(Fixed16<3>::FromRaw(static_cast<int16_t>(x))).raw;
    EXPECT_NEAR(y / 32768.0, 1.0 / (1.0 + std::exp(-x / 4096.0)), 3e-4) << x;
  }
}

TEST(Tanh16, IsAnOddTanhForEveryIntegerWidth) {
  for (int bits = 0; bits <= 6; ++bits) {
    EXPECT_EQ(ApplyTanh16(bits, 0), 0);
    for (int x = -32767; x <= 32767; x += 13) {
      const int16_t y = ApplyTanh16(bits, static_cast<int16_t>(x));
      EXPECT_NEAR(y, -ApplyTanh16(bits, static_cast<int16_t>(-x)), 1) << bits << " " << x;
      EXPECT_NEAR(y / 32768.0, std::tanh(x / std::ldexp(1.0, 15 - bits)), 4e-4) << bits << " " << x;
    }
  }
}

}  // namespace
}  // namespace tfldbg::quant

// LiteRT's optimized CONV_2D / FULLY_CONNECTED output stage (docs/deployment.md):
// SRDHM, then a shift whose ties round up. Multiplier 2^30, shift -4: real 2^-5.
TEST(DoubleHalfUp, DiffersFromDoubleOnlyOnNegativeTiesOfTheShift) {
  using tfldbg::quant::MultiplyByQuantizedMultiplier;
  using tfldbg::quant::RoundingMode;
  const tfldbg::quant::QuantizedMultiplier m{1 << 30, -4};
  // -17 / 32: SRDHM gives -8 (ties of the high multiply round up), then -8 / 16 = -0.5.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int32_t{-17}, m, RoundingMode::kDouble), -1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int32_t{-17}, m, RoundingMode::kDoubleHalfUp), 0);
  // Positive ties and non-ties agree.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int32_t{16}, m, RoundingMode::kDoubleHalfUp), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int32_t{16}, m, RoundingMode::kDouble), 1);
  int differ = 0;
  for (int32_t x = -4096; x <= 4096; ++x) {
    const int32_t a = MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDouble);
    const int32_t b = MultiplyByQuantizedMultiplier(x, m, RoundingMode::kDoubleHalfUp);
    EXPECT_LE(std::abs(a - b), 1);
    if (a != b) {
      ++differ;
      EXPECT_LT(x, 0);
      EXPECT_EQ(b, a + 1);
    }
  }
  EXPECT_GT(differ, 0);
}

TEST(DoubleHalfUp, RoundingDivideByPOTHalfUpAtTheEnds) {
  using tfldbg::quant::RoundingDivideByPOTHalfUp;
  EXPECT_EQ(RoundingDivideByPOTHalfUp(-3, 1), -1);  // -1.5 -> -1
  EXPECT_EQ(RoundingDivideByPOTHalfUp(3, 1), 2);    // 1.5 -> 2
  EXPECT_EQ(RoundingDivideByPOTHalfUp(std::numeric_limits<int32_t>::max(), 31), 1);
  EXPECT_EQ(RoundingDivideByPOTHalfUp(std::numeric_limits<int32_t>::min(), 31), -1);
  EXPECT_EQ(RoundingDivideByPOTHalfUp(7, 0), 7);
}
