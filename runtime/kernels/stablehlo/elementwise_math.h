// The arithmetic of LiteRT's StableHLO elementwise kernels, shared by the
// elementwise ops and SCATTER's update computation: what C++ computes on the
// element type. Integers wrap (two's complement); bool ADD is OR and bool
// MULTIPLY is AND; MAXIMUM/MINIMUM are std::max/std::min (a unless a < b;
// a unless b < a: a NaN first wins, a NaN second loses, max(-0, +0) is -0);
// float16 (Eigen::half) computes in float and rounds back to nearest even,
// MAXIMUM/MINIMUM copying the chosen half.
#pragma once

#include <cstdint>
#include <type_traits>

#include "quant/quantize.h"

namespace tfldbg::stablehlo {

enum class Op { kAdd, kMultiply, kMaximum, kMinimum, kAnd, kShiftLeft };

// The unsigned type integer arithmetic wraps in (at least 32 bits, as C++ promotes).
template <typename T>
using Wide = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;

template <Op op, typename T>
T Apply(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    if constexpr (op == Op::kAdd || op == Op::kMaximum) return a || b;
    else return a && b;  // MULTIPLY, MINIMUM, AND
  } else if constexpr (std::is_floating_point_v<T>) {
    if constexpr (op == Op::kAdd) return a + b;
    else if constexpr (op == Op::kMultiply) return a * b;
    else if constexpr (op == Op::kMaximum) return a < b ? b : a;
    else return b < a ? b : a;  // MINIMUM (AND and SHIFT_LEFT refuse floats)
  } else {
    if constexpr (op == Op::kAdd) return static_cast<T>(static_cast<Wide<T>>(a) + static_cast<Wide<T>>(b));
    else if constexpr (op == Op::kMultiply) return static_cast<T>(static_cast<Wide<T>>(a) * static_cast<Wide<T>>(b));
    else if constexpr (op == Op::kMaximum) return a < b ? b : a;
    else if constexpr (op == Op::kMinimum) return b < a ? b : a;
    else if constexpr (op == Op::kAnd) return static_cast<T>(a & b);
    else {
      // SHIFT_LEFT: the promoted 32-bit value shifted, truncated back. Prepare
      // admits int8/int16/int32 only; Eval refuses counts outside [0, 31].
      const uint32_t count = static_cast<uint32_t>(static_cast<int32_t>(b)) & 31u;
      return static_cast<T>(static_cast<uint32_t>(static_cast<int32_t>(a)) << count);
    }
  }
}

template <Op op>
uint16_t ApplyHalf(uint16_t a, uint16_t b) {
  const float fa = math::HalfToFloat(a), fb = math::HalfToFloat(b);
  if constexpr (op == Op::kMaximum) return fa < fb ? b : a;
  else if constexpr (op == Op::kMinimum) return fb < fa ? b : a;
  else return math::FloatToHalf(Apply<op, float>(fa, fb));
}

}  // namespace tfldbg::stablehlo
