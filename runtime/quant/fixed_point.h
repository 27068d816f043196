// The fixed-point arithmetic of TFLite's quantized kernels, in one place.
//
// Every quantized kernel rescales an integer accumulator by a real factor
// expressed as a 31-bit multiplier and a power-of-two shift. How that product
// is rounded decides whether tfldbg matches a deployed runtime bit for bit:
// LiteRT's reference kernels round twice (a rounding doubling high multiply,
// then a rounding shift); builds with TFLITE_SINGLE_ROUNDING, ruy and CMSIS-NN
// round once. The mode is chosen per run.
//
//   QuantizedMultiplier m = QuantizeMultiplier(in_scale * w_scale / out_scale);
//   int32_t y = MultiplyByQuantizedMultiplier(acc, m, RoundingMode::kDouble) + out_zero_point;
//   y = std::clamp(y, range.min, range.max);
#pragma once

#include <array>
#include <cstdint>

#include "tfldbg/dtype.h"

namespace tfldbg::quant {

// kDouble: LiteRT's default reference build; kSingle: TFLITE_SINGLE_ROUNDING, ruy, CMSIS-NN.
// kDoubleHalfUp: LiteRT's optimized 8-bit CONV_2D and FULLY_CONNECTED on x86
// (their GEMM backend's output stage, measured against the pinned LiteRT):
// the same rounding doubling high multiply as kDouble, then a right shift that
// rounds ties up (toward +inf), not away from zero. It differs from kDouble
// only on negative ties of the shift: -17 · 2^-5 gives -1 in kDouble (SRDHM
// -8.5 → -8, then -0.5 → -1), 0 here (-0.5 → 0). Multipliers are quantized as
// in kDouble; int64 accumulators (16x8) round as kDouble.
enum class RoundingMode { kDouble, kSingle, kDoubleHalfUp };

// real ≈ multiplier · 2^(shift − 31), multiplier in [2^30, 2^31) (or 0). shift > 0 shifts left.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

// TFLite's QuantizeMultiplier: frexp, round the mantissa to 31 bits (carrying
// into the exponent when it rounds up to +2^31), flush tiny values to zero. In
// single-rounding builds the shift is also capped at 30. A negative real keeps
// TFLite's asymmetry: a mantissa rounding to -2^31 is not carried and comes
// back as INT32_MIN. Zero, NaN and infinities give {0, 0}.
QuantizedMultiplier QuantizeMultiplier(double real, RoundingMode mode = RoundingMode::kDouble);
// TFLite's two range-checked wrappers. TFLite aborts when the real is out of
// range ((0, 1) and > 1 respectively); tfldbg has no exceptions, so these
// return QuantizeMultiplier's answer regardless and the caller validates.
QuantizedMultiplier QuantizeMultiplierSmallerThanOneExp(double real, RoundingMode mode = RoundingMode::kDouble);
QuantizedMultiplier QuantizeMultiplierGreaterThanOne(double real, RoundingMode mode = RoundingMode::kDouble);
// TFLite's DownScaleInt32ToInt16Multiplier (HARD_SWISH): round a 31-bit
// multiplier to its top 16 bits, saturating to 0x7FFF.
int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier);

// round(a·b / 2^31), ties toward +inf; INT32_MIN·INT32_MIN saturates to INT32_MAX.
int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b);
// x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31].
int32_t RoundingDivideByPOT(int32_t x, int exponent);
// x / 2^exponent rounded to nearest, ties toward +inf: (x + 2^(exponent-1)) >> exponent
// without overflow. exponent in [0, 31].
int32_t RoundingDivideByPOTHalfUp(int32_t x, int exponent);
int64_t RoundingDivideByPOT64(int64_t x, int exponent);
// x · 2^exponent, saturating (exponent may be negative: a rounding right shift).
int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent);

// x · real, for x an int32 accumulator.
int32_t MultiplyByQuantizedMultiplier(int32_t x, QuantizedMultiplier m, RoundingMode mode);
// The reference ADD/SUB helpers (identical to the general form in single rounding).
int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, QuantizedMultiplier m, RoundingMode mode);
int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, QuantizedMultiplier m, RoundingMode mode);
// x · real for int64 accumulators (16x8 kernels). Double rounding (TFLite's
// reference code) first reduces the multiplier to 16 bits; single rounding
// (what LiteRT's FULLY_CONNECTED computes, measured) keeps all 31 bits and
// rounds once: (x·m + 2^(k-1)) >> k with k = 31 - shift.
// Note: TFLite's own TFLITE_SINGLE_ROUNDING build of this overload also
// reduces to 16 bits (common.cc); kSingle here follows the measurement, not
// that build flag.
int32_t MultiplyByQuantizedMultiplier(int64_t x, QuantizedMultiplier m, RoundingMode mode = RoundingMode::kDouble);

// a + b with two's-complement wrap-around: what the hardware does when an
// accumulator of a hostile model overflows, without undefined behaviour.
inline int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// The .tflite ActivationFunctionType values.
enum class Activation : int8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4, kSignBit = 5 };

struct IntRange {
  int32_t min = 0;
  int32_t max = 0;
};
struct FloatRange {
  float min = 0.0f;
  float max = 0.0f;
};

// Limits of the integer type (int8, uint8, int16, int32).
IntRange TypeRange(DataType type);
// The quantized clamp of a fused activation: TFLite's
// CalculateActivationRangeQuantized (bounds quantized with float division and
// std::round, intersected with the type's range). TANH and SIGN_BIT: no clamp.
IntRange QuantizedActivationRange(Activation activation, float scale, int32_t zero_point, DataType type);
// TFLite's CalculateActivationRange<float>: no clamp is [lowest, max], not
// [-inf, inf], so an overflowed +inf output is clamped to FLT_MAX as TFLite does.
FloatRange FloatActivationRange(Activation activation);

// LiteRT's LUTPopulate for int8/uint8 (LOGISTIC, TANH, ELU...): for each input
// byte, dequantize in float, apply `fn`, multiply by 1/out_scale (a float
// reciprocal, not a division), std::round, add the zero point, clamp to the
// type. The table is indexed by the input's raw byte, (uint8_t)q, so an int8
// table runs 0..127, -128..-1. Entries hold the output's raw byte.
std::array<uint8_t, 256> BuildLookupTableInt8(float in_scale, int32_t in_zero_point, float out_scale,
                                              int32_t out_zero_point, float (*fn)(float), bool is_uint8);
// The same with a function that takes parameters (LiteRT's LUTPopulate with
// transform_params: LOG's output minimum, for one).
std::array<uint8_t, 256> BuildLookupTableInt8(float in_scale, int32_t in_zero_point, float out_scale,
                                              int32_t out_zero_point, float (*fn)(float, const void*),
                                              const void* params, bool is_uint8);

}  // namespace tfldbg::quant
