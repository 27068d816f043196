#include "quant/gemmlowp_fixed_point.h"

#include <algorithm>
#include <cmath>

namespace tfldbg::quant {

Fixed<0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0> a) {
  using F = Fixed<0>;
  const F constant_term = F::FromRaw(1895147668);     // exp(-1/8)
  const F constant_1_over_3 = F::FromRaw(715827883);  // 1/3
  const F x = a + F::ConstantPOT<-3>();               // x = a + 1/8
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = F::FromRaw(SaturatingRoundingMultiplyByPOT(x4.raw, -2));
  const F poly = F::FromRaw(SaturatingRoundingMultiplyByPOT((((x4_over_4 + x3) * constant_1_over_3) + x2).raw, -1));
  return constant_term + constant_term * (x + poly);
}

template <int IntegerBits>
Fixed<0> ExpOnNegativeValues(Fixed<IntegerBits> a) {
  using InputF = Fixed<IntegerBits>;
  using ResultF = Fixed<0>;
  constexpr int kFractionalBits = InputF::kFractionalBits;
  const InputF one_quarter = InputF::template ConstantPOT<-2>();
  const InputF mask = InputF::FromRaw(one_quarter.raw - 1);
  const InputF a_mod_quarter_minus_one_quarter = InputF::FromRaw(a.raw & mask.raw) - one_quarter;
  ResultF result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale<0>(a_mod_quarter_minus_one_quarter));
  const int32_t remainder = (a_mod_quarter_minus_one_quarter - a).raw;

  // exp(-2^k) for k = -2..4 as Fixed<0>, applied for each set bit of the remainder.
  struct Step {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Step kSteps[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                    {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Step& s : kSteps) {
    if (IntegerBits > s.exponent) {
      const int shift = kFractionalBits + s.exponent;
      if (shift >= 0 && shift < 32 && (remainder & static_cast<int32_t>(uint32_t{1} << shift)) != 0) {
        result = result * ResultF::FromRaw(s.multiplier);
      }
    }
  }
  if (IntegerBits > 5) {
    const int clamp_bits = 36 - IntegerBits;  // -32 in this format
    const int32_t clamp = -static_cast<int32_t>(int64_t{1} << clamp_bits);
    if (a.raw < clamp) result = ResultF::FromRaw(0);
  }
  if (a.raw == 0) result = ResultF::One();
  return result;
}

template Fixed<0> ExpOnNegativeValues<5>(Fixed<5> a);

Fixed<0> OneOverOnePlusXForXIn01(Fixed<0> a) {
  using F0 = Fixed<0>;
  using F2 = Fixed<2>;
  // (a + 1) / 2 with rounding, computed in 64 bits.
  const int64_t sum = static_cast<int64_t>(a.raw) + static_cast<int64_t>(F0::One().raw);
  const F0 half_denominator = F0::FromRaw(static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2));
  const F2 constant_48_over_17 = F2::FromRaw(1515870810);
  const F2 constant_neg_32_over_17 = F2::FromRaw(-1010580540);
  F2 x = constant_48_over_17 + half_denominator * constant_neg_32_over_17;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus_half_denominator_times_x = F2::One() - half_denominator_times_x;
    x = x + Rescale<2>(x * one_minus_half_denominator_times_x);
  }
  // x/2 is exact (a move of the binary point), then back to 0 integer bits.
  return Rescale<0>(Fixed<1>::FromRaw(x.raw));
}

int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const uint32_t ux = static_cast<uint32_t>(x);
  const int headroom_plus_one = ux == 0 ? 32 : __builtin_clz(ux);
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const uint32_t shifted = headroom_plus_one >= 32 ? 0u : (ux << headroom_plus_one);
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(shifted - (uint32_t{1} << 31));
  return OneOverOnePlusXForXIn01(Fixed<0>::FromRaw(shifted_sum_minus_one)).raw;
}

QuantizedMultiplier PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits, RoundingMode mode) {
  // Single-rounding builds cap the multiplier one bit lower.
  const double max_real_multiplier = mode == RoundingMode::kSingle ? (1LL << 30) - 1.0 : (1LL << 31) - 1.0;
  const double real = std::min<double>(beta * input_scale * static_cast<double>(1 << (31 - input_integer_bits)),
                                       max_real_multiplier);
  return QuantizeMultiplier(real, mode);
}

int CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits) {
  const double max_input_rescaled = 1.0 * ((1 << input_integer_bits) - 1) *
                                    static_cast<double>(int64_t{1} << (total_signed_bits - input_integer_bits)) /
                                    static_cast<double>(int64_t{1} << std::clamp(input_left_shift, 0, 62));
  return static_cast<int>(std::floor(max_input_rescaled));
}

}  // namespace tfldbg::quant
