// The element arithmetic of QUANTIZE and DEQUANTIZE, as LiteRT's reference
// kernels (reference/quantize.h, requantize.h, dequantize.h) compute it.
//
//   int32_t q = AffineQuantize(x, scale, zero_point, range);    // float -> int
//   int32_t r = Requantize(q - zp_in, m, zp_out, range, mode);  // int -> int
//   float f = Dequantize(q, double(scale), zero_point);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "quant/fixed_point.h"

namespace tfldbg::math {

// static_cast<int32_t>(float) as x86 computes it (cvttss2si): values outside
// int32 and NaN give INT32_MIN, which LiteRT then offsets and clamps.
inline int32_t FloatToInt32X86(float v) {
  if (!(v >= -2147483648.0f && v < 2147483648.0f)) return INT32_MIN;
  return static_cast<int32_t>(v);
}

// round(x / float(scale)) + zero_point, clamped to the type: a float division
// and std::round on float (ties away from zero), as reference AffineQuantize.
inline int32_t AffineQuantize(float x, float scale, int32_t zero_point, quant::IntRange range) {
  const int32_t v = quant::WrappingAdd(FloatToInt32X86(std::round(x / scale)), zero_point);
  return std::min(std::max(v, range.min), range.max);
}

// Integer requantization: MultiplyByQuantizedMultiplier(q − zp_in, s_in/s_out)
// + zp_out, clamped. An int8 <-> uint8 change of zero point by exactly 128 at
// equal scales (multiplier 2^30, shift 1) equals LiteRT's XOR-0x80 fast path.
inline int32_t Requantize(int32_t centred, quant::QuantizedMultiplier m, int32_t output_zero_point,
                          quant::IntRange range, quant::RoundingMode mode) {
  const int32_t v = quant::WrappingAdd(quant::MultiplyByQuantizedMultiplier(centred, m, mode), output_zero_point);
  return std::min(std::max(v, range.min), range.max);
}

// Per-tensor DEQUANTIZE: the scale widened to double, the product narrowed.
inline float Dequantize(int32_t q, double scale, int32_t zero_point) {
  return static_cast<float>(scale * (q - zero_point));
}
// Per-channel DEQUANTIZE: int times float.
inline float DequantizePerChannel(int32_t q, float scale, int32_t zero_point) {
  return static_cast<float>(q - zero_point) * scale;
}

// TFLite's CheckedLog2 (the int16 power-of-two paths of ADD, SUB, LOGISTIC,
// TANH): log2 computed in float, rounded; true when within 1e-3 of an integer.
inline bool CheckedLog2(float x, int* log2_rounded) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::fabs(x_log2 - rounded) < 1e-3f;
}

// IEEE half to float, exactly (subnormals, infinities and NaN payloads kept).
inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3FFu) << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7F800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Float to IEEE half, rounded to nearest even (as Eigen::half and LiteRT's
// half convert): overflow gives infinity, tiny values become subnormals or
// zero, NaN stays NaN (quiet, sign kept).
inline uint16_t FloatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) return static_cast<uint16_t>(sign | 0x7E00u | ((magnitude >> 13) & 0x3FFu));  // NaN
  if (magnitude >= 0x477FF000u) return static_cast<uint16_t>(sign | 0x7C00u);  // rounds to >= 65520: infinity
  if (magnitude < 0x38800000u) {
    // Below half's smallest normal (2^-14): a subnormal multiple of 2^-24,
    // rounded to nearest even on the full 24-bit significand.
    if (magnitude < 0x33000000u) return sign;  // below 2^-25: rounds to zero
    const int exponent = static_cast<int>(magnitude >> 23);
    const uint32_t significand = (magnitude & 0x7FFFFFu) | 0x800000u;
    const int shift = 126 - exponent;  // 14..24 for exponents 102..112
    const uint32_t kept = significand >> shift;
    const uint32_t rest = significand & ((1u << shift) - 1);
    const uint32_t half_way = 1u << (shift - 1);
    const uint32_t rounded = kept + ((rest > half_way || (rest == half_way && (kept & 1u))) ? 1u : 0u);
    return static_cast<uint16_t>(sign | rounded);
  }
  // Normal: rebias the exponent, round the 13 dropped bits to nearest even; a
  // carry out of the significand moves into the exponent, as it should.
  const uint32_t rebased = magnitude - (static_cast<uint32_t>(127 - 15) << 23);
  const uint32_t rest = rebased & 0x1FFFu;
  uint32_t half = rebased >> 13;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;
  return static_cast<uint16_t>(sign | half);
}

}  // namespace tfldbg::math
