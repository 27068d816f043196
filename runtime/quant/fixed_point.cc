#include "quant/fixed_point.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tfldbg::quant {

QuantizedMultiplier QuantizeMultiplier(double real, RoundingMode mode) {
  QuantizedMultiplier out;
  if (real == 0.0 || !std::isfinite(real)) return out;
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction · 2^exponent, |fraction| in [0.5, 1)
  int64_t q = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  // Rounding carried into the next power of two. TFLite tests only the
  // positive carry: -2^31 fits in int32 and is kept as it is.
  if (q == (int64_t{1} << 31)) {
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) return out;  // too small to represent: treated as zero
  if (mode == RoundingMode::kSingle && exponent > 30) {
    exponent = 30;
    q = (int64_t{1} << 31) - 1;
  }
  out.multiplier = static_cast<int32_t>(q);
  out.shift = exponent;
  return out;
}

// Both go through QuantizeMultiplier, so a single-rounding build also applies
// the shift cap to GreaterThanOne (SOFTMAX's beta multiplier can reach it).
QuantizedMultiplier QuantizeMultiplierSmallerThanOneExp(double real, RoundingMode mode) {
  return QuantizeMultiplier(real, mode);
}

QuantizedMultiplier QuantizeMultiplierGreaterThanOne(double real, RoundingMode mode) {
  return QuantizeMultiplier(real, mode);
}

int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier) {
  // Adding the rounding offset would overflow int32 (and the int16 result)
  // at the top of the range.
  if (multiplier >= std::numeric_limits<int32_t>::max() - (1 << 15)) return std::numeric_limits<int16_t>::max();
  const int64_t nudged = static_cast<int64_t>(multiplier) + (1 << 15);
  // Floor shift without shifting a negative value (TFLite only sees m >= 0).
  return static_cast<int16_t>(nudged >= 0 ? (nudged >> 16) : ~((~nudged) >> 16));
}

int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t product = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = product >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  // Division truncates toward zero, as gemmlowp's does.
  return static_cast<int32_t>((product + nudge) / (int64_t{1} << 31));
}

int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  exponent = std::min(exponent, 31);
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  // Arithmetic right shift of a negative value is implementation-defined
  // before C++20; divide with floor semantics instead.
  const int32_t floor_div = static_cast<int32_t>(x >= 0 ? (x >> exponent) : ~((~x) >> exponent));
  return floor_div + (remainder > threshold ? 1 : 0);
}

int32_t RoundingDivideByPOTHalfUp(int32_t x, int exponent) {
  if (exponent <= 0) return x;
  exponent = std::min(exponent, 31);
  const int64_t sum = static_cast<int64_t>(x) + (int64_t{1} << (exponent - 1));
  // Floor shift of a possibly negative value, without implementation-defined shifts.
  return static_cast<int32_t>(sum >= 0 ? (sum >> exponent) : ~((~sum) >> exponent));
}

int64_t RoundingDivideByPOT64(int64_t x, int exponent) {
  if (exponent <= 0) return x;
  exponent = std::min(exponent, 63);
  // The mask is built unsigned: 2^63 - 1 would overflow int64 on the way.
  const int64_t mask = static_cast<int64_t>((uint64_t{1} << exponent) - 1);
  const int64_t remainder = x & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  const int64_t floor_div = x >= 0 ? (x >> exponent) : ~((~x) >> exponent);
  return floor_div + (remainder > threshold ? 1 : 0);
}

int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int64_t result = static_cast<int64_t>(x) * (int64_t{1} << std::min(exponent, 32));
  return static_cast<int32_t>(std::clamp<int64_t>(result, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

namespace {

// x · 2^left with the wrap-around of a 32-bit multiply, as the reference does
// (callers keep x small enough that it does not wrap).
int32_t ShiftLeft(int32_t x, int left) {
  if (left >= 32) return 0;  // only reachable with scales no valid model has
  return static_cast<int32_t>(static_cast<uint32_t>(x) << left);
}

// Floor of x / 2^shift for shift >= 1, via unsigned arithmetic (no UB).
int64_t FloorShift(uint64_t wrapped, int shift) {
  const int64_t v = static_cast<int64_t>(wrapped);
  if (shift >= 64) return v < 0 ? -1 : 0;
  return v >= 0 ? (v >> shift) : ~((~v) >> shift);
}

int32_t SingleRounding(int32_t x, QuantizedMultiplier m) {
  // QuantizeMultiplier keeps the shift in [-31, 30] in this mode (total shift
  // 1..62); the upper clamp only keeps hand-made multipliers free of UB.
  const int total_shift = std::clamp(31 - m.shift, 1, 63);
  const uint64_t round = uint64_t{1} << (total_shift - 1);
  const uint64_t product = static_cast<uint64_t>(static_cast<int64_t>(x) * m.multiplier) + round;
  return static_cast<int32_t>(FloorShift(product, total_shift));
}

}  // namespace

int32_t MultiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m, RoundingMode mode) {
  if (mode == RoundingMode::kSingle) return SingleRounding(x, m);
  const int left = m.shift > 0 ? m.shift : 0;
  const int right = m.shift > 0 ? 0 : std::min(31, -m.shift);
  if (mode == RoundingMode::kDoubleHalfUp) {
    return RoundingDivideByPOTHalfUp(SaturatingRoundingDoublingHighMul(ShiftLeft(x, left), m.multiplier), right);
  }
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(ShiftLeft(x, left), m.multiplier), right);
}

int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, QuantizedMultiplier m, RoundingMode mode) {
  if (mode == RoundingMode::kSingle) return SingleRounding(x, m);
  if (mode == RoundingMode::kDoubleHalfUp) {
    return RoundingDivideByPOTHalfUp(SaturatingRoundingDoublingHighMul(x, m.multiplier), std::min(31, -m.shift));
  }
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m.multiplier), std::min(31, -m.shift));
}

int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, QuantizedMultiplier m, RoundingMode mode) {
  if (mode == RoundingMode::kSingle) return SingleRounding(x, m);
  return SaturatingRoundingDoublingHighMul(ShiftLeft(x, m.shift), m.multiplier);
}

int32_t MultiplyByQuantizedMultiplier(int64_t x, QuantizedMultiplier m, RoundingMode mode) {
  if (mode == RoundingMode::kSingle) {
    const int total_shift = std::clamp(31 - m.shift, 1, 120);
    const __int128 product = static_cast<__int128>(x) * m.multiplier + (static_cast<__int128>(1) << (total_shift - 1));
    const __int128 shifted = product >> total_shift;  // arithmetic shift of __int128: GCC/Clang define it as floor
    return static_cast<int32_t>(static_cast<int64_t>(shifted));
  }
  // Reduce the 31-bit multiplier to 16 bits (rounding, saturating) and use a
  // single 64-bit rounding shift: total_shift = 15 - shift.
  // (The threshold differs from DownScaleInt32ToInt16Multiplier's, but both
  // give 0x7FFF for every multiplier between them.)
  const int32_t reduced = m.multiplier < 0x7FFF0000 ? ((m.multiplier + (1 << 15)) >> 16) : 0x7FFF;
  // Valid 16x8 models have shift in [-31, 7]; other values only need to be safe.
  const int total_shift = std::clamp(15 - m.shift, 1, 63);
  const uint64_t round = uint64_t{1} << (total_shift - 1);
  const uint64_t product = static_cast<uint64_t>(x) * static_cast<uint64_t>(static_cast<int64_t>(reduced)) + round;
  return static_cast<int32_t>(FloorShift(product, total_shift));
}

IntRange TypeRange(DataType type) {
  switch (type) {
    case DataType::kInt8: return {-128, 127};
    case DataType::kUInt8: return {0, 255};
    case DataType::kInt16: return {-32768, 32767};
    case DataType::kInt4: return {-8, 7};
    default: return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
}

IntRange QuantizedActivationRange(Activation activation, float scale, int32_t zero_point, DataType type) {
  const IntRange limits = TypeRange(type);
  // TFLite: zero_point + (int32)std::round(f / scale), with a float division.
  // A tiny or zero scale makes the quotient huge or infinite (UB in TFLite's
  // cast); saturating keeps hostile models defined and never changes a value
  // a valid model can produce.
  auto quantize = [&](float f) -> int32_t {
    const float q = std::round(f / scale);
    if (std::isnan(q)) return zero_point;
    const double clamped = std::clamp<double>(q, -4294967296.0, 4294967296.0);
    return static_cast<int32_t>(std::clamp<int64_t>(static_cast<int64_t>(clamped) + zero_point,
                                                    std::numeric_limits<int32_t>::min(),
                                                    std::numeric_limits<int32_t>::max()));
  };
  IntRange r = limits;
  switch (activation) {
    case Activation::kRelu:
      r.min = std::max(limits.min, quantize(0.0f));
      break;
    case Activation::kRelu6:
      r.min = std::max(limits.min, quantize(0.0f));
      r.max = std::min(limits.max, quantize(6.0f));
      break;
    case Activation::kReluN1To1:
      r.min = std::max(limits.min, quantize(-1.0f));
      r.max = std::min(limits.max, quantize(1.0f));
      break;
    default:
      break;
  }
  return r;
}

FloatRange FloatActivationRange(Activation activation) {
  const float lowest = std::numeric_limits<float>::lowest();
  const float highest = std::numeric_limits<float>::max();
  switch (activation) {
    case Activation::kRelu: return {0.0f, highest};
    case Activation::kRelu6: return {0.0f, 6.0f};
    case Activation::kReluN1To1: return {-1.0f, 1.0f};
    default: return {lowest, highest};
  }
}

namespace {

template <typename Fn>
std::array<uint8_t, 256> BuildLookupTableInt8With(float in_scale, int32_t in_zero_point, float out_scale,
                                                  int32_t out_zero_point, Fn fn, bool is_uint8) {
  const int32_t qmin = is_uint8 ? 0 : -128;
  const int32_t qmax = is_uint8 ? 255 : 127;
  // TFLite multiplies by this reciprocal; dividing by out_scale can differ in
  // the last float bit and flip an entry that sits on a .5.
  const float inverse_scale = 1.0f / out_scale;
  std::array<uint8_t, 256> table{};
  for (int32_t q = qmin; q <= qmax; ++q) {
    // int difference converted to float, then a float product: TFLite's order.
    const float dequantized = in_scale * static_cast<float>(q - in_zero_point);
    const float rescaled = std::round(fn(dequantized) * inverse_scale);
    // The zero point is added in float, as TFLite does, before the cast.
    const float shifted = rescaled + static_cast<float>(out_zero_point);
    // TFLite casts to int32 unguarded (UB for NaN or huge values); saturate.
    int32_t value = 0;
    if (!std::isnan(shifted)) value = static_cast<int32_t>(std::clamp(shifted, -1e9f, 1e9f));
    value = std::clamp(value, qmin, qmax);
    table[static_cast<uint8_t>(q & 0xFF)] = static_cast<uint8_t>(value & 0xFF);
  }
  return table;
}

}  // namespace

std::array<uint8_t, 256> BuildLookupTableInt8(float in_scale, int32_t in_zero_point, float out_scale,
                                              int32_t out_zero_point, float (*fn)(float), bool is_uint8) {
  return BuildLookupTableInt8With(in_scale, in_zero_point, out_scale, out_zero_point, fn, is_uint8);
}

std::array<uint8_t, 256> BuildLookupTableInt8(float in_scale, int32_t in_zero_point, float out_scale,
                                              int32_t out_zero_point, float (*fn)(float, const void*),
                                              const void* params, bool is_uint8) {
  return BuildLookupTableInt8With(in_scale, in_zero_point, out_scale, out_zero_point,
                                  [fn, params](float x) { return fn(x, params); }, is_uint8);
}

}  // namespace tfldbg::quant
