// RANGE's element count as LiteRT computes it, with the cases where LiteRT's
// own arithmetic is undefined (signed overflow, a float size beyond int)
// reported instead of computed.
//
//   std::string why;
//   int64_t n = math::RangeSize<int32_t>(start, limit, delta, &why);  // -1 and a reason when refused
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace tfldbg::math {

// Integers: (|limit - start| + |delta| - 1) / |delta|, evaluated in T as
// LiteRT does; refused where an intermediate leaves T (LiteRT's result is
// then undefined). Floats: ceil(|(limit - start) / delta|) in float, refused
// when not finite or beyond int32 (LiteRT converts it to int).
template <typename T>
int64_t RangeSize(T start, T limit, T delta, std::string* why) {
  if (delta == 0) {
    *why = "delta is 0";
    return -1;
  }
  if (!((start >= limit && delta < 0) || (start <= limit && delta > 0))) {
    *why = "delta's sign does not lead from start to limit";
    return -1;
  }
  if constexpr (std::is_integral_v<T>) {
    // Every product below fits __int128 for 64-bit T, and each must fit T.
    using Wide = __int128;
    constexpr Wide kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
    const Wide span = static_cast<Wide>(limit) - static_cast<Wide>(start);
    const Wide abs_span = span < 0 ? -span : span;
    const Wide abs_delta = delta < 0 ? -static_cast<Wide>(delta) : static_cast<Wide>(delta);
    if (span < kMin || span > kMax || abs_span > kMax || abs_delta > kMax || abs_span + abs_delta - 1 > kMax) {
      *why = "limit - start or the size computation overflows its type (LiteRT's size is undefined)";
      return -1;
    }
    return static_cast<int64_t>((abs_span + abs_delta - 1) / abs_delta);
  } else {
    const T size = std::ceil(std::abs((limit - start) / delta));
    if (!std::isfinite(size) || size > static_cast<T>(std::numeric_limits<int32_t>::max())) {
      *why = "the size ceil(|(limit - start) / delta|) is not a finite int32";
      return -1;
    }
    return static_cast<int64_t>(size);
  }
}

// start, start + delta, ... accumulated in T as LiteRT does (floats drift the
// same way); integer steps wrap instead of overflowing past the last element.
template <typename T>
void RangeValues(T start, T delta, T* out, int64_t n) {
  T value = start;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = value;
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      value = static_cast<T>(static_cast<U>(value) + static_cast<U>(delta));
    } else {
      value += delta;
    }
  }
}

}  // namespace tfldbg::math
