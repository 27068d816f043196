#include "quant/gemmlowp_fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tfldbg::quant {

int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + static_cast<int64_t>(b);
  // Division truncates toward zero, so adding the sign rounds halves outward.
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

Fixed<0> ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Fixed<0> a) {
  using F = Fixed<0>;
  const F exp_of_minus_one_eighth = F::FromRaw(1895147668);
  const F one_third = F::FromRaw(715827883);
  // Expand around -1/8, the middle of the interval: exp(a) = e^(-1/8)·exp(x)
  // with x = a + 1/8 in [-1/8, 1/8), and exp(x) ≈ 1 + x + x²/2 + x³/6 + x⁴/24.
  const F x = a + F::ConstantPOT<-3>();
  const F x2 = x * x;
  const F x3 = x2 * x;
  const F x4 = x2 * x2;
  const F x4_over_4 = F::FromRaw(SaturatingRoundingMultiplyByPOT(x4.raw, -2));
  // ((x⁴/4 + x³)/3 + x²)/2 = x⁴/24 + x³/6 + x²/2, in gemmlowp's order of roundings.
  const F higher_terms = F::FromRaw(SaturatingRoundingMultiplyByPOT((((x4_over_4 + x3) * one_third) + x2).raw, -1));
  return exp_of_minus_one_eighth + exp_of_minus_one_eighth * (x + higher_terms);
}

namespace {

// Newton-Raphson for 1/d with d = half_denominator in [1/2, 1): start from
// the best linear guess 48/17 - 32/17·d, then three steps x += x·(1 - d·x).
// Returns x in Q2.29 (1/d lies in (1, 2]).
Fixed<2> ReciprocalOfHalfDenominator(Fixed<0> half_denominator) {
  using F2 = Fixed<2>;
  const F2 forty_eight_seventeenths = F2::FromRaw(1515870810);
  const F2 minus_thirty_two_seventeenths = F2::FromRaw(-1010580540);
  F2 x = forty_eight_seventeenths + half_denominator * minus_thirty_two_seventeenths;
  for (int i = 0; i < 3; ++i) {
    const F2 half_denominator_times_x = half_denominator * x;
    const F2 one_minus_half_denominator_times_x = F2::One() - half_denominator_times_x;
    x = x + Rescale<2>(x * one_minus_half_denominator_times_x);
  }
  return x;
}

}  // namespace

Fixed<0> OneOverOnePlusXForXIn01(Fixed<0> a) {
  // 1/(1 + a) = (1/2) / ((1 + a)/2), and (1 + a)/2 lies in [1/2, 1).
  const Fixed<0> half_denominator = Fixed<0>::FromRaw(RoundingHalfSum(a.raw, Fixed<0>::One().raw));
  const Fixed<2> reciprocal = ReciprocalOfHalfDenominator(half_denominator);
  // Halving is a move of the binary point (Q2 -> Q1, same raw), then Q0.
  return Rescale<0>(ExactMulByPot<-1>(reciprocal));
}

Fixed<0> OneMinusXOverOnePlusXForXIn01(Fixed<0> a) {
  // (1 - a)/(1 + a) = 1/((1 + a)/2) - 1.
  const Fixed<0> half_denominator = Fixed<0>::FromRaw(RoundingHalfSum(a.raw, Fixed<0>::One().raw));
  const Fixed<2> reciprocal = ReciprocalOfHalfDenominator(half_denominator);
  return Rescale<0>(reciprocal - Fixed<2>::One());
}

int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const uint32_t ux = static_cast<uint32_t>(x);
  const int headroom_plus_one = ux == 0 ? 32 : __builtin_clz(ux);
  // Bits of x above 1.0: x = 2^num_bits_over_unit · (1 + f), f in [0, 1).
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  // Shifting out the leading one leaves f in Q0.31 (as an unsigned wrap).
  const uint32_t shifted = headroom_plus_one >= 32 ? 0u : (ux << headroom_plus_one);
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(shifted - (uint32_t{1} << 31));
  return OneOverOnePlusXForXIn01(Fixed<0>::FromRaw(shifted_sum_minus_one)).raw;
}

QuantizedMultiplier GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift) {
  // 0 is invalid and 1 would overflow the iteration below; TFLite answers
  // both with the largest multiplier.
  if (input <= 1) return {std::numeric_limits<int32_t>::max(), 0};
  // Normalise input into [2^27, 2^29) by an even number of bits so the square
  // root of the factor is an exact power of two, tracked in `shift` (a right
  // shift, TFLite's convention, starting from 11).
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = __builtin_clz(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input = static_cast<int32_t>(static_cast<uint32_t>(input) << (2 * left_shift_bit_pairs));

  using F3 = Fixed<3>;
  using F0 = Fixed<0>;
  const F3 fixed_input = F3::FromRaw(input >> 1);  // input is positive here
  const F3 half_input = F3::FromRaw(SaturatingRoundingMultiplyByPOT(fixed_input.raw, -1));
  const F3 three_halves = F3::FromRaw((1 << 28) + (1 << 27));
  // Newton-Raphson for 1/sqrt: x ← x·(3/2 - input/2·x²), from x = 1, five steps.
  F3 x = F3::One();
  for (int i = 0; i < 5; ++i) {
    const F3 x3 = Rescale<3>(x * x * x);
    x = Rescale<3>(three_halves * x - half_input * x3);
  }
  const F0 half_sqrt_2 = F0::FromRaw(1518500250);
  x = x * half_sqrt_2;  // F3·F0 stays in F3
  QuantizedMultiplier out{x.raw, shift};
  if (out.shift < 0) {
    // TFLite shifts the signed raw left; do it in unsigned arithmetic.
    out.multiplier = static_cast<int32_t>(static_cast<uint32_t>(out.multiplier) << -out.shift);
    out.shift = 0;
  }
  out.shift *= reverse_shift;
  return out;
}

QuantizedMultiplier PreprocessSoftmaxScaling(double beta, double input_scale, int input_integer_bits, RoundingMode mode) {
  // Single-rounding builds cap the multiplier one bit lower, as their
  // MultiplyByQuantizedMultiplier cannot shift left by 31.
  const double max_real_multiplier = mode == RoundingMode::kSingle ? (1LL << 30) - 1.0 : (1LL << 31) - 1.0;
  const double real = std::min<double>(beta * input_scale * static_cast<double>(1 << (31 - input_integer_bits)),
                                       max_real_multiplier);
  return QuantizeMultiplierGreaterThanOne(real, mode);
}

int CalculateInputRadius(int input_integer_bits, int input_left_shift, int total_signed_bits) {
  // (2^ib - 1)·2^(tsb - ib) / 2^left_shift, in double, floored so that the
  // rescaled radius stays strictly inside the format.
  const double max_input_rescaled = 1.0 * ((1 << input_integer_bits) - 1) *
                                    static_cast<double>(int64_t{1} << (total_signed_bits - input_integer_bits)) /
                                    static_cast<double>(int64_t{1} << std::clamp(input_left_shift, 0, 62));
  return static_cast<int>(std::floor(max_input_rescaled));
}

}  // namespace tfldbg::quant
