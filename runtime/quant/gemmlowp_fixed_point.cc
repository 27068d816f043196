#include "quant/gemmlowp_fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tfldbg::quant {

int16_t ApplyTanh16(int integer_bits, int16_t x) {
  switch (integer_bits) {
    case 0: return Tanh(Fixed16<0>::FromRaw(x)).raw;
    case 1: return Tanh(Fixed16<1>::FromRaw(x)).raw;
    case 2: return Tanh(Fixed16<2>::FromRaw(x)).raw;
    case 3: return Tanh(Fixed16<3>::FromRaw(x)).raw;
    case 4: return Tanh(Fixed16<4>::FromRaw(x)).raw;
    case 5: return Tanh(Fixed16<5>::FromRaw(x)).raw;
    default: return Tanh(Fixed16<6>::FromRaw(x)).raw;
  }
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
