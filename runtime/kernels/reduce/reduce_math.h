// MEAN and ARG_MAX math, as LiteRT's reference kernels (reference/reduce.h,
// reference/arg_min_max.h).
//
// MEAN visits the input in order and adds each element into its output slot
// (float: float sums, then one division by N; integers: int32 sums). Quantized
// means take QuantizedMeanOrSum's path, which the BUILTIN_REF resolver uses for
// every axis set (the 4-D {1,2} special case is only on the optimized path):
// one requantization of (sum - N*zp_in) by s_in/s_out with 1/N folded into the
// multiplier (MeanMultiplier), then + zp_out and the type's clamp.
//
//   math::ReduceShape r = math::MakeReduceShape(input_shape, reduced_axes);
//   math::MeanFloat(r, in, out);
//   math::MeanQuantized(r, MeanMultiplier(base, r.count), zp_in, zp_out, rounding, in, out);
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "quant/fixed_point.h"

namespace tfldbg::math {

// The input shape with the axes a reduction folds away.
struct ReduceShape {
  std::vector<int32_t> input;
  std::vector<bool> reduced;  // per input axis
  int64_t count = 1;          // input elements per output element
  int64_t outputs = 1;        // output elements
};

inline ReduceShape MakeReduceShape(const std::vector<int32_t>& input, const std::vector<bool>& reduced) {
  ReduceShape r{input, reduced, 1, 1};
  for (size_t d = 0; d < input.size(); ++d) (reduced[d] ? r.count : r.outputs) *= input[d];
  return r;
}

// Calls fn(input_index, output_index) for every input element, in input order.
template <typename Fn>
void ForEachReduced(const ReduceShape& r, Fn fn) {
  const int rank = static_cast<int>(r.input.size());
  int64_t n = 1;
  for (int32_t d : r.input) n *= d;
  if (n == 0) return;
  // The output index advances by out_stride[d] when input axis d does (0 if reduced).
  std::vector<int64_t> out_stride(static_cast<size_t>(rank), 0);
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (!r.reduced[static_cast<size_t>(d)]) {
      out_stride[static_cast<size_t>(d)] = s;
      s *= r.input[static_cast<size_t>(d)];
    }
  }
  std::vector<int32_t> index(static_cast<size_t>(rank), 0);
  int64_t out = 0;
  for (int64_t i = 0; i < n; ++i) {
    fn(i, out);
    for (int d = rank - 1; d >= 0; --d) {
      const auto u = static_cast<size_t>(d);
      out += out_stride[u];
      if (++index[u] < r.input[u]) break;
      out -= out_stride[u] * r.input[u];
      index[u] = 0;
    }
  }
}

// LiteRT fills the output with "NaN" (0 for integers) when the input is empty.
inline void MeanFloat(const ReduceShape& r, const float* input, float* output) {
  std::fill(output, output + r.outputs, 0.0f);
  ForEachReduced(r, [&](int64_t in, int64_t out) { output[out] += input[in]; });
  if (r.count == 0) {
    std::fill(output, output + r.outputs, std::numeric_limits<float>::quiet_NaN());
    return;
  }
  for (int64_t i = 0; i < r.outputs; ++i) output[i] = output[i] / static_cast<float>(r.count);
}

// 1/N folded into the s_in/s_out multiplier with as many bits as fit (at most
// 32, and the shift must stay >= -31): LiteRT's QuantizedMeanOrSum.
inline quant::QuantizedMultiplier MeanMultiplier(quant::QuantizedMultiplier base, int64_t count) {
  if (count <= 0) return base;
  int k = 0;
  while (k < 62 && (int64_t{1} << (k + 1)) <= count) ++k;  // floor(log2 N)
  k = std::min(k, 32);
  k = std::min(k, 31 + base.shift);
  quant::QuantizedMultiplier m;
  // A negative k (shift below -31) makes LiteRT shift by a negative count; it
  // never happens with scales the loader accepts, and 0 keeps this defined.
  k = std::max(k, 0);
  m.multiplier = static_cast<int32_t>((static_cast<int64_t>(base.multiplier) << k) / count);
  m.shift = base.shift - k;
  return m;
}

template <typename T>
void MeanQuantized(const ReduceShape& r, quant::QuantizedMultiplier multiplier, int32_t zp_in, int32_t zp_out,
                   quant::RoundingMode rounding, const T* input, T* output, std::vector<int32_t>& sums) {
  sums.assign(static_cast<size_t>(r.outputs), 0);
  ForEachReduced(r, [&](int64_t in, int64_t out) {
    sums[static_cast<size_t>(out)] = quant::WrappingAdd(sums[static_cast<size_t>(out)], input[in]);
  });
  if (r.count == 0) {
    std::fill(output, output + r.outputs, T{0});
    return;
  }
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  // LiteRT computes N*zp in int32 (wrapping on absurd sizes, as here).
  const int32_t offset = static_cast<int32_t>(static_cast<uint32_t>(zp_in) * static_cast<uint32_t>(r.count));
  for (int64_t i = 0; i < r.outputs; ++i) {
    const int32_t centered = quant::WrappingAdd(sums[static_cast<size_t>(i)], -offset);
    int32_t v = quant::WrappingAdd(quant::MultiplyByQuantizedMultiplier(centered, multiplier, rounding), zp_out);
    output[i] = static_cast<T>(std::min(std::max(v, kMin), kMax));
  }
}

// Index of the first maximum along the middle axis of [outer, size, inner].
template <typename T, typename Index>
void ArgMax(int64_t outer, int64_t size, int64_t inner, const T* input, Index* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* x = input + o * size * inner + i;
      T best = x[0];
      int64_t best_index = 0;
      for (int64_t k = 1; k < size; ++k) {
        if (x[k * inner] > best) {
          best = x[k * inner];
          best_index = k;
        }
      }
      output[o * inner + i] = static_cast<Index>(best_index);
    }
  }
}

}  // namespace tfldbg::math
