// LOG_SOFTMAX math over the last axis, as LiteRT's reference kernels
// (reference/log_softmax.h, reference/integer_ops/log_softmax.h):
//
// float: x - max - log(sum(exp(x - max))), with std::exp and std::log.
// int8/uint8 (output scale 16/256, zero point 127 or 255): the differences to
// the row maximum rescaled to Q5.26, gemmlowp's exp summed in Q12, TFLite's
// fixed-point log of that sum (LogOfSumQ12), and each output the rescaled
// difference minus the log, rounded to the output's 4 integer bits.
//
//   LogSoftmaxQuantizedParams p = {input_multiplier, reverse_multiplier, diff_min, rounding};
//   if (!LogSoftmaxQuantized(p, input, rows, depth, output)) ...the Q12 sum overflowed
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/gemmlowp_fixed_point.h"

namespace tfldbg::math {

inline void LogSoftmaxFloat(const float* input, int64_t rows, int depth, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * depth;
    float* y = output + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int c = 0; c < depth; ++c) sum += std::exp(x[c] - max);
    const float log_sum = std::log(sum);
    for (int c = 0; c < depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

// TFLite's SaturatingAddNonGemmlowp / SaturatingSub on int32.
inline int32_t SaturatingAdd32(int32_t a, int32_t b) {
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{a} + b, INT32_MIN, INT32_MAX));
}
inline int32_t SaturatingSub32(int32_t a, int32_t b) {
  return static_cast<int32_t>(std::clamp<int64_t>(int64_t{a} - b, INT32_MIN, INT32_MAX));
}

// TFLite's log_x_for_x_greater_than_or_equal_to_1<5, 12>: ln(x) for a Q12
// sum x >= 1, in Q5.26. x = 2^k·r with r normalised two ways (around 1 and
// around sqrt(1/2)); the closer one feeds a rational approximation of
// ln(r) around 2^(-1/4), and k·ln 2 is added in Q6 before the final Q5.
inline quant::Fixed<5> LogOfSumQ12(quant::Fixed<12> sum) {
  using quant::Fixed;
  using F0 = Fixed<0>;
  constexpr int kInputIntegerBits = 12;
  constexpr int kAccumIntegerBits = 6;  // one more than the output, for headroom
  using Accum = Fixed<kAccumIntegerBits>;
  const F0 log_2 = F0::FromRaw(1488522236);            // ln 2
  const F0 sqrt_sqrt_half = F0::FromRaw(1805811301);   // 2^(-1/4)
  const F0 sqrt_half = F0::FromRaw(1518500250);        // 2^(-1/2)
  const F0 one_quarter = F0::FromRaw(536870912);
  const F0 alpha_n = F0::FromRaw(117049297);   // 11/240·2^(1/4)
  const F0 alpha_d = F0::FromRaw(127690142);   // 1/20·2^(1/4)
  const F0 alpha_i = F0::FromRaw(1057819769);  // 2·2^(-1/4) - 2^(1/4)
  const F0 alpha_f = F0::FromRaw(638450708);   // 1/4·2^(1/4)
  const Accum shifted_quarter = quant::Rescale<kAccumIntegerBits>(one_quarter);
  const auto clz = [](int32_t v) { return v == 0 ? 32 : __builtin_clz(static_cast<uint32_t>(v)); };
  // Integer powers of two as Q6 values: k·2^25, saturated.
  const auto pow2_in_accum = [](int k) { return quant::SaturatingRoundingMultiplyByPOT(k, 31 - kAccumIntegerBits); };

  // The raw sum read as Q0.31; its headroom gives the power of two.
  const F0 z_a = F0::FromRaw(sum.raw);
  const int z_a_headroom_plus_1 = clz(z_a.raw);
  const F0 r_a_tmp = F0::FromRaw(quant::SaturatingRoundingMultiplyByPOT(z_a.raw, z_a_headroom_plus_1 - 1));
  const int32_t r_a_raw = quant::SaturatingRoundingMultiplyByPOT((r_a_tmp * sqrt_half).raw, 1);
  const Accum z_a_pow_2_adj = Accum::FromRaw(
      SaturatingAdd32(pow2_in_accum(kInputIntegerBits - z_a_headroom_plus_1), shifted_quarter.raw));
  // The same, premultiplied by sqrt(1/2).
  const F0 z_b = z_a * sqrt_half;
  const int z_b_headroom = clz(z_b.raw) - 1;
  const int32_t r_b_raw = quant::SaturatingRoundingMultiplyByPOT(z_a.raw, z_b_headroom);
  const Accum z_b_pow_2_adj =
      Accum::FromRaw(SaturatingSub32(pow2_in_accum(kInputIntegerBits - z_b_headroom), shifted_quarter.raw));

  const F0 r = F0::FromRaw(std::min(r_a_raw, r_b_raw));
  const Accum z_pow_2_adj = Accum::FromRaw(std::max(z_a_pow_2_adj.raw, z_b_pow_2_adj.raw));

  const F0 p = F0::FromRaw(quant::RoundingHalfSum(r.raw, sqrt_sqrt_half.raw));
  F0 q = r - sqrt_sqrt_half;
  q = q + q;
  const F0 common_sq = q * q;
  const F0 num = q * r + q * common_sq * alpha_n;
  const F0 denom_minus_one = p * (alpha_i + q + alpha_d * common_sq) + alpha_f * q;
  const F0 recip_denom = quant::OneOverOnePlusXForXIn01(denom_minus_one);
  const Accum num_scaled = quant::Rescale<kAccumIntegerBits>(num);
  return quant::Rescale<5>(z_pow_2_adj * log_2 + num_scaled * recip_denom);
}

struct LogSoftmaxQuantizedParams {
  quant::QuantizedMultiplier input_multiplier;    // input differences to Q5.26 (shift > 0)
  quant::QuantizedMultiplier reverse_multiplier;  // Q5.26 back to input differences (shift <= 0)
  int32_t diff_min = 0;                           // differences below this add no exp
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

// T is int8_t (output zero point 127) or uint8_t (255). Returns false when a
// row's Q12 sum of exponentials overflows (more than 4096 values near the
// maximum), where LiteRT's result is undefined; `output` is then incomplete.
template <typename T>
bool LogSoftmaxQuantized(const LogSoftmaxQuantizedParams& p, const T* input, int64_t rows, int depth, T* output) {
  constexpr int kScaledDiffIntegerBits = 5;
  constexpr int kAccumulationIntegerBits = 12;
  constexpr int kOutputIntegerBits = 4;
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = input + r * depth;
    T* y = output + r * depth;
    T max_in_row = std::numeric_limits<T>::min();
    for (int c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    const auto rescaled_diff = [&](int c) {
      return quant::MultiplyByQuantizedMultiplier(static_cast<int32_t>(x[c]) - max_in_row, p.input_multiplier, p.rounding);
    };
    int64_t exact_sum = 0;  // to detect the wrap of the int32 Q12 accumulator
    for (int c = 0; c < depth; ++c) {
      if (static_cast<int32_t>(x[c]) - max_in_row < p.diff_min) continue;
      const quant::Fixed<0> e = quant::ExpOnNegativeValues(quant::Fixed<kScaledDiffIntegerBits>::FromRaw(rescaled_diff(c)));
      exact_sum += quant::Rescale<kAccumulationIntegerBits>(e).raw;
    }
    if (exact_sum > INT32_MAX) return false;
    const int32_t log_sum = LogOfSumQ12(quant::Fixed<kAccumulationIntegerBits>::FromRaw(static_cast<int32_t>(exact_sum))).raw;
    // Differences whose output would fall below the lowest representable
    // Q5.26 value (after subtracting the log) take the type's minimum.
    const int32_t shifted_log_sum = quant::WrappingAdd(log_sum, INT32_MIN);
    const int32_t adjusted_diff_min =
        std::max(p.diff_min - 1, quant::MultiplyByQuantizedMultiplier(shifted_log_sum, p.reverse_multiplier, p.rounding));
    for (int c = 0; c < depth; ++c) {
      if (static_cast<int32_t>(x[c]) - max_in_row <= adjusted_diff_min) {  // note: > here, >= above
        y[c] = static_cast<T>(kMin);
        continue;
      }
      const int32_t diff_minus_log =
          static_cast<int32_t>(static_cast<uint32_t>(rescaled_diff(c)) - static_cast<uint32_t>(log_sum));
      const int32_t v = quant::RoundingDivideByPOT(diff_minus_log, 31 - kScaledDiffIntegerBits - kOutputIntegerBits) + kMax;
      y[c] = static_cast<T>(std::min(std::max(v, kMin), kMax));
    }
  }
  return true;
}

}  // namespace tfldbg::math
