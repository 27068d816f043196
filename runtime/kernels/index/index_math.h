// Pure math shared by the index family's kernels: the order TOPK_V2 ranks a
// row in, integer sums that wrap as LiteRT's do, and float -> IEEE half.
//
//   math::TopKRow(row, 8, 3, indices, values);        // three largest, ties to the lower index
//   int32_t s = math::WrappingAdd<int32_t>(a, b);      // two's complement, never UB
//   uint16_t h = math::FloatToHalfBits(0.1f);          // round to nearest even
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <type_traits>
#include <vector>

namespace tfldbg::math {

// TOPK_V2's order: larger values first, NaN after every number, equal values
// (and NaNs among themselves) by position. It is a strict total order, so the k
// first of a row are unique whichever selection algorithm picks them.
template <typename T>
bool TopKBefore(const T* row, int64_t a, int64_t b) {
  if constexpr (std::is_floating_point_v<T>) {
    const bool a_nan = std::isnan(row[a]);
    const bool b_nan = std::isnan(row[b]);
    if (a_nan != b_nan) return b_nan;
  }
  if (row[b] < row[a]) return true;
  if (row[a] < row[b]) return false;
  return a < b;
}

// The k (0 < k <= n) first elements of `row` in TopKBefore order: their
// positions in `indices` and their values in `values`. `scratch` is reused.
template <typename T, typename Index>
void TopKRow(const T* row, int64_t n, int64_t k, Index* indices, T* values, std::vector<int64_t>& scratch) {
  scratch.resize(static_cast<size_t>(n));
  std::iota(scratch.begin(), scratch.end(), int64_t{0});
  std::partial_sort(scratch.begin(), scratch.begin() + k, scratch.end(),
                    [row](int64_t a, int64_t b) { return TopKBefore(row, a, b); });
  for (int64_t i = 0; i < k; ++i) {
    indices[i] = static_cast<Index>(scratch[static_cast<size_t>(i)]);
    values[i] = row[scratch[static_cast<size_t>(i)]];
  }
}

// a + b as LiteRT's segment and scatter sums compute it: integers wrap (two's
// complement), bools or, floats add.
template <typename T>
T WrappingAdd(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

// a * b with integers wrapping (UNSORTED_SEGMENT_PROD's int32 products).
template <typename T>
T WrappingMul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    // Promote to at least unsigned int so that uint16 * uint16 cannot overflow a signed int.
    using P = std::common_type_t<U, unsigned int>;
    return static_cast<T>(static_cast<U>(static_cast<P>(static_cast<U>(a)) * static_cast<P>(static_cast<U>(b))));
  } else {
    return a * b;
  }
}

// IEEE 754 binary16 bits of a float, rounded to nearest, ties to even (what a
// float -> half conversion does in LiteRT, in hardware or in its fp16 library);
// NaN becomes the quiet NaN 0x7e00 with the sign kept.
inline uint16_t FloatToHalfBits(float value) {
  uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u);  // NaN
  if (magnitude >= 0x47800000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65536: inf (also rounds there)
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent < -25) return sign;  // below half the smallest subnormal: +-0
  uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;  // 24 bits with the implicit one
  // The number of low bits to drop: 13 for normal halves, more for subnormals.
  const int shift = exponent < -14 ? 13 + (-14 - exponent) : 13;
  uint32_t kept = mantissa >> shift;
  const uint32_t rest = mantissa & ((1u << shift) - 1u);
  const uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1u))) ++kept;
  if (exponent < -14) return static_cast<uint16_t>(sign | kept);  // subnormal (a carry makes it the smallest normal)
  // kept holds 11 bits (1.m); a carry out of them bumps the exponent, which the addition does for us.
  const uint32_t biased = static_cast<uint32_t>(exponent + 15);
  return static_cast<uint16_t>(sign | ((biased << 10) + (kept - 0x400u)));
}

}  // namespace tfldbg::math
