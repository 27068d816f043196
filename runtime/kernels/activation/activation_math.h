// The math of LiteRT's reference activation kernels, apart from the interpreter:
// SOFTMAX over the last axis (float with std::exp; int8/uint8 through gemmlowp
// fixed point: exp of the rescaled difference to the row max in Q5.26, a Q12
// sum, a fixed-point reciprocal; int16 through two interpolated tables), float
// LOGISTIC/TANH, the int16 LOGISTIC/TANH of reference_integer_ops (a 256-entry
// sigmoid table with interpolation) and HARD_SWISH's int16 fixed point.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include "quant/gemmlowp_fixed_point.h"
#include "quant/int16_lut.h"

namespace tfldbg::math {

inline void SoftmaxFloat(const float* input, int64_t rows, int depth, float beta, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * depth;
    float* y = output + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int c = 0; c < depth; ++c) {
      const float e = std::exp((x[c] - max) * beta);
      y[c] = e;
      sum += e;
    }
    for (int c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

struct SoftmaxParams {
  quant::QuantizedMultiplier input_beta;  // multiplier and left shift for the input difference
  int diff_min = 0;                        // differences below this give exp() = 0
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
};

// The exponential of a difference to the row's maximum (<= 0), in Q0.31.
inline quant::Fixed<0> SoftmaxExp(const SoftmaxParams& p, int32_t diff) {
  const int32_t rescaled = quant::MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_beta, p.rounding);
  return quant::ExpOnNegativeValues(quant::Fixed<5>::FromRaw(rescaled));
}

// SoftmaxExp of the differences 0, -1, ..., -255 (table[d] for -d; 0 below
// diff_min, never read): every difference an 8-bit input can have.
inline void SoftmaxExpTable(const SoftmaxParams& p, int32_t* table) {
  for (int d = 0; d < 256; ++d) table[d] = -d >= p.diff_min ? SoftmaxExp(p, -d).raw : 0;
}

// `table`: SoftmaxExpTable(p) computed beforehand (8-bit inputs only; the fast
// paths keep one per node), else computed here when it pays.
template <typename In, typename Out>
void SoftmaxQuantized(const SoftmaxParams& p, const In* input, int64_t rows, int depth, Out* output,
                      const int32_t* table = nullptr) {
  constexpr int kAccumulationIntegerBits = 12;
  using Accum = quant::Fixed<kAccumulationIntegerBits>;
  // The exponential depends only on the difference to the row's maximum, which
  // 8-bit inputs keep in [-255, 0]: with enough elements, each of the 256 is
  // computed once per call (the same function of the same value).
  constexpr bool kByteInput = sizeof(In) == 1;
  int32_t exp_table[256];
  if (kByteInput && table == nullptr && rows * depth >= 512) {
    SoftmaxExpTable(p, exp_table);
    table = exp_table;
  }
  const bool use_table = kByteInput && table != nullptr;
  auto exp_at = [&](int32_t diff) { return use_table ? quant::Fixed<0>::FromRaw(table[-diff]) : SoftmaxExp(p, diff); };
  for (int64_t r = 0; r < rows; ++r) {
    const In* x = input + r * depth;
    Out* y = output + r * depth;
    In max_in_row = std::numeric_limits<In>::min();
    for (int c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    Accum sum = Accum::FromRaw(0);
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) sum = sum + quant::Rescale<kAccumulationIntegerBits>(exp_at(diff));
    }
    int bits_over_unit = 0;
    const quant::Fixed<0> scale = quant::Fixed<0>::FromRaw(quant::GetReciprocal(sum.raw, kAccumulationIntegerBits, &bits_over_unit));
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max_in_row;
      if (diff >= p.diff_min) {
        const quant::Fixed<0> e = exp_at(diff);
        const int32_t unsaturated =
            quant::RoundingDivideByPOT((scale * e).raw, bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8));
        const int32_t shifted = unsaturated + static_cast<int32_t>(std::numeric_limits<Out>::min());
        y[c] = static_cast<Out>(std::clamp<int32_t>(shifted, std::numeric_limits<Out>::min(), std::numeric_limits<Out>::max()));
      } else {
        y[c] = std::numeric_limits<Out>::min();
      }
    }
  }
}

// int16 (zero point 0, output scale 1/32768): exp and 1/(1+x) through
// interpolated 513-entry tables, as LiteRT's SoftmaxInt16.
struct SoftmaxInt16Params {
  quant::QuantizedMultiplier input_multiplier;  // maps input differences onto [-65535, 0] ~ [-10, 0]
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
  const int16_t* exp_lut = nullptr;
  const int16_t* one_over_one_plus_x_lut = nullptr;
};

inline void SoftmaxInt16(const SoftmaxInt16Params& p, const int16_t* input, int64_t rows, int depth, int16_t* output) {
  std::vector<int16_t> exp_q015(static_cast<size_t>(depth));
  for (int64_t r = 0; r < rows; ++r) {
    const int16_t* x = input + r * depth;
    int16_t* y = output + r * depth;
    int16_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    int32_t sum = 0;
    for (int c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      const int32_t scaled = quant::MultiplyByQuantizedMultiplier(diff, p.input_multiplier, p.rounding);
      const int32_t symmetric = std::min(std::max(scaled + 32767, -32768), 32767);
      exp_q015[static_cast<size_t>(c)] = quant::Int16LutLookup(static_cast<int16_t>(symmetric), p.exp_lut);
      sum = quant::WrappingAdd(sum, exp_q015[static_cast<size_t>(c)]);
    }
    const uint32_t usum = static_cast<uint32_t>(sum);
    const int headroom_plus_one = usum == 0 ? 32 : __builtin_clz(usum);
    const int32_t shifted_sum =
        headroom_plus_one >= 1 && headroom_plus_one <= 32
            ? static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14)
            : 0;
    const int32_t symmetric_sum = std::min(std::max(shifted_sum - ((1 << 15) + (1 << 16)), -32768), 32767);
    const int16_t reciprocal = quant::Int16LutLookup(static_cast<int16_t>(symmetric_sum), p.one_over_one_plus_x_lut);
    const int right_shift = std::max(1, 31 - headroom_plus_one);
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int c = 0; c < depth; ++c) {
      const int64_t v = (static_cast<int64_t>(exp_q015[static_cast<size_t>(c)]) * reciprocal + round) >> right_shift;
      y[c] = static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, 0), 32767));
    }
  }
}


// ---- LOGISTIC / TANH, float ------------------------------------------------

// reference_ops::Logistic<float>: exp(x) below -9, 1 above ~16.6.
inline float LogisticFloat(float x) {
  if (x > 16.619047164916992188f) return 1.0f;
  if (x < -9.0f) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}
// The function LiteRT's int8/uint8 LOGISTIC table is built from (no cut-offs).
inline float LogisticForTable(float x) { return 1.0f / (1.0f + std::exp(-x)); }
inline float TanhFloat(float x) { return std::tanh(x); }

// ---- LOGISTIC / TANH, int16 ------------------------------------------------

// sigmoid(i/24) for i in [0, 256) in Q0.16, each entry raised by half the
// linear-interpolation error at its segment's midpoint; the last is 65535.
// This is how the values of TFLite's sigmoid_table_uint16 come out (checked
// entry for entry against common.h).
inline const std::array<uint16_t, 256>& SigmoidTableUint16() {
  static const std::array<uint16_t, 256> table = [] {
    std::array<uint16_t, 256> t{};
    const auto sigmoid = [](double x) { return 1.0 / (1.0 + std::exp(-x)); };
    for (int i = 0; i < 255; ++i) {
      const double lo = sigmoid(i / 24.0), hi = sigmoid((i + 1) / 24.0), mid = sigmoid((i + 0.5) / 24.0);
      const double v = std::round(65536.0 * (lo + (mid - (lo + hi) / 2) / 2));
      t[static_cast<size_t>(i)] = static_cast<uint16_t>(std::min(v, 65535.0));
    }
    t[255] = 65535;
    return t;
  }();
  return table;
}

// Input rescaling of reference_integer_ops::Logistic/Tanh: x·multiplier,
// rounded right shift. multiplier 0 is LiteRT's power-of-two case (3 << shift).
struct Int16SigmoidParams {
  int32_t input_multiplier = 0;
  int input_left_shift = 0;
};

inline int32_t Int16SigmoidRescale(Int16SigmoidParams p, int16_t x) {
  if (p.input_multiplier == 0) {
    p.input_multiplier = 3 << p.input_left_shift;
    p.input_left_shift = 0;
  }
  const int32_t round = p.input_left_shift > 0 ? 1 << (p.input_left_shift - 1) : 0;
  return (x * p.input_multiplier + round) >> p.input_left_shift;
}

// LOGISTIC int16: output scale 2^-15; 9 interpolation bits.
inline int16_t Int16Logistic(const Int16SigmoidParams& p, int16_t x) {
  const std::array<uint16_t, 256>& table = SigmoidTableUint16();
  const int32_t input = Int16SigmoidRescale(p, x);
  const uint32_t abs_input = static_cast<uint32_t>(std::abs(input));
  const uint32_t uh = abs_input >> 9;
  uint32_t result;
  if (uh >= 255) {
    result = 0x7FFFu << 10;
  } else {
    const uint32_t ua = table[uh], ub = table[uh + 1];
    result = (ua << 9) + (abs_input & 0x1FFu) * (ub - ua);  // ub - ua wraps like LiteRT's uint32 arithmetic
  }
  result = input >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1;
  return static_cast<int16_t>(result >> 10);
}

// TANH int16 = 2·sigmoid(2x) − 1 from the same table; 8 interpolation bits.
inline int16_t Int16Tanh(const Int16SigmoidParams& p, int16_t x) {
  const std::array<uint16_t, 256>& table = SigmoidTableUint16();
  const int32_t input = Int16SigmoidRescale(p, x);
  const uint32_t abs_input = static_cast<uint32_t>(std::abs(input));
  const uint32_t uh = abs_input >> 8;
  int32_t result;
  if (uh >= 255) {
    result = 0xFFFF << 8;
  } else {
    const uint32_t ua = table[uh], ub = table[uh + 1];
    const uint8_t ut = static_cast<uint8_t>(abs_input & 0xFFu);
    result = static_cast<int32_t>((ua << 8) + ut * (ub - ua));
  }
  result = input >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
  return static_cast<int16_t>(result >> (9 - 1));
}

// ---- HARD_SWISH, int16 fixed point ------------------------------------------

// gemmlowp's SaturatingRoundingDoublingHighMul on int16.
inline int16_t Srdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// The truncating variant reference HARD_SWISH uses for its last product.
inline int16_t TruncatingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

inline int16_t SaturatingLeftShift16(int16_t v, int amount) {
  const int64_t r = static_cast<int64_t>(v) * (int64_t{1} << std::min(amount, 40));
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(r, -32768), 32767));
}

inline int16_t RoundingDivideByPot16(int16_t x, int exponent) {
  return static_cast<int16_t>(quant::RoundingDivideByPOT(x, std::min(exponent, 15)));
}

struct HardSwishParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0, reluish_multiplier = 0;  // 16-bit, from DownScaleInt32ToInt16Multiplier
  int output_exponent = 0, reluish_exponent = 0;
  quant::IntRange range;
};

inline int32_t HardSwishQuantized(const HardSwishParams& p, int32_t q) {
  const int16_t x = static_cast<int16_t>(q - p.input_zero_point);
  const int16_t hires = static_cast<int16_t>(x * (1 << 7));
  const int16_t preshift_output = Srdhm16(hires, p.output_multiplier);
  int16_t reluish = hires;
  if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, p.reluish_exponent - 1);
  reluish = Srdhm16(reluish, p.reluish_multiplier);
  if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, 1);
  if (p.reluish_exponent < 0) reluish = RoundingDivideByPot16(reluish, -p.reluish_exponent);
  reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
  const int16_t preshift = TruncatingDoublingHighMul16(reluish, preshift_output);
  const int32_t v = RoundingDivideByPot16(preshift, -p.output_exponent) + p.output_zero_point;
  return std::min(std::max(v, p.range.min), p.range.max);
}

inline float HardSwishFloat(float x) { return x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f; }

}  // namespace tfldbg::math
