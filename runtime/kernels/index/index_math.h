// Pure math shared by the index family's kernels: the order TOPK_V2 ranks a
// row in, and integer sums and products that wrap as LiteRT's do.
//
//   math::TopKRow(row, 8, 3, indices, values, scratch);  // three largest, ties to the lower index
//   int32_t s = math::WrappingAdd<int32_t>(a, b);        // two's complement, never UB
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
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

}  // namespace tfldbg::math
