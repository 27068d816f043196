// Reduction math, as LiteRT's reference kernels (reference/reduce.h,
// reference/arg_min_max.h) and, where noted, its optimized ones.
//
// MEAN visits the input in order and adds each element into its output slot
// (float: float sums, then one division by N; integers: int32 sums). Quantized
// means take QuantizedMeanOrSum's path, which the BUILTIN_REF resolver uses for
// every axis set (the 4-D {1,2} special case is only on the optimized path):
// one requantization of (sum - N*zp_in) by s_in/s_out with 1/N folded into the
// multiplier (MeanMultiplier), then + zp_out and the type's clamp.
// SUM/PROD/MAX/MIN/ANY/ALL fold each output's inputs in input order
// (FoldReduce); quantized PROD rescales every step (QuantizedProd); int8/int16
// SUM is the optimized kernel's float rescale (QuantizedSumOptimized).
//
//   math::ReduceShape r = math::MakeReduceShape(input_shape, reduced_axes);
//   math::MeanFloat(r, in, out);
//   math::MeanQuantized(r, MeanMultiplier(base, r.count), zp_in, zp_out, rounding, in, out);
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "quant/fixed_point.h"
#include "quant/quantize.h"

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
  // Kept outer axes × reduced axes × kept inner axes (MEAN over H and W of
  // NHWC, a row sum, ...), axes of size 1 aside: plain loops, the innermost
  // over consecutive inputs and outputs. Same calls in the same order.
  int64_t groups[3] = {1, 1, 1};
  int group = 0;  // 0: outer kept, 1: reduced, 2: inner kept
  bool plain = true;
  for (int d = 0; d < rank && plain; ++d) {
    const auto u = static_cast<size_t>(d);
    if (r.input[u] == 1) continue;
    const int want = r.reduced[u] ? 1 : (group == 0 ? 0 : 2);
    if (want < group) plain = false;
    group = want;
    groups[group] *= r.input[u];
  }
  if (plain) {
    const int64_t outer = groups[0], mid = groups[1], inner = groups[2];
    int64_t in = 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t m = 0; m < mid; ++m) {
        const int64_t out = o * inner;
        for (int64_t i = 0; i < inner; ++i) fn(in + i, out + i);
        in += inner;
      }
    }
    return;
  }
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

// True when the input is `count` reduced rows of `outputs` consecutive kept
// values, axes of size 1 aside (MEAN over H and W of NHWC with one image):
// output o then sums input[m · outputs + o] over m in [0, count).
inline bool ReducedRowsOfOutputs(const ReduceShape& r) {
  bool kept_seen = false;
  for (size_t d = 0; d < r.input.size(); ++d) {
    if (r.input[d] == 1) continue;
    if (!r.reduced[d]) kept_seen = true;
    else if (kept_seen) return false;
  }
  return true;
}

// MeanQuantized's outputs [o0, o1) of an input ReducedRowsOfOutputs accepts
// (count > 0): the same wrapping sums and requantization, the sums of a run
// of outputs kept in a local array across the rows (so the loop vectorizes).
// Outputs are independent, so ranges may run on different threads.
template <typename T>
void MeanQuantizedOutputs(const ReduceShape& r, quant::QuantizedMultiplier multiplier, int32_t zp_in, int32_t zp_out,
                          quant::RoundingMode rounding, const T* input, T* output, int64_t o0, int64_t o1) {
  constexpr int kRun = 256;
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  const int32_t offset = static_cast<int32_t>(static_cast<uint32_t>(zp_in) * static_cast<uint32_t>(r.count));
  for (int64_t begin = o0; begin < o1; begin += kRun) {
    const int n = static_cast<int>(std::min<int64_t>(kRun, o1 - begin));
    uint32_t sums[kRun];
    for (int i = 0; i < n; ++i) sums[i] = 0;
    const T* row = input + begin;
    for (int64_t m = 0; m < r.count; ++m, row += r.outputs) {
      for (int i = 0; i < n; ++i) sums[i] += static_cast<uint32_t>(static_cast<int32_t>(row[i]));
    }
    for (int i = 0; i < n; ++i) {
      const int32_t centered = quant::WrappingAdd(static_cast<int32_t>(sums[i]), -offset);
      const int32_t v = quant::WrappingAdd(quant::MultiplyByQuantizedMultiplier(centered, multiplier, rounding), zp_out);
      output[begin + i] = static_cast<T>(std::min(std::max(v, kMin), kMax));
    }
  }
}

// LiteRT's optimized 4-D MEAN (int8/uint8, --kernels optimized): the raw
// values' int32 sum times the multiplier, plus `bias`, clamped. Channels are
// done 16 at a time in vector code (NEON, through NEON_2_SSE on x86), whose
// rounding shift rounds ties up, and the last depth % 16 channels in scalar
// code, which rounds them away from zero (MultiplyByQuantizedMultiplier).
template <typename T>
void MeanOptimized(const ReduceShape& r, quant::QuantizedMultiplier multiplier, int32_t bias, const T* input, T* output,
                   std::vector<int32_t>& sums) {
  const int64_t depth = r.input.empty() ? 1 : r.input.back();
  const int64_t vector_channels = depth / 16 * 16;
  sums.assign(static_cast<size_t>(r.outputs), 0);
  ForEachReduced(r, [&](int64_t in, int64_t out) {
    sums[static_cast<size_t>(out)] = quant::WrappingAdd(sums[static_cast<size_t>(out)], input[in]);
  });
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < r.outputs; ++i) {
    const quant::RoundingMode mode =
        i % depth < vector_channels ? quant::RoundingMode::kDoubleHalfUp : quant::RoundingMode::kDouble;
    const int32_t v = quant::WrappingAdd(quant::MultiplyByQuantizedMultiplier(sums[static_cast<size_t>(i)], multiplier, mode), bias);
    output[i] = static_cast<T>(std::min(std::max(v, kMin), kMax));
  }
}

// True when every axis is reduced: LiteRT then folds from the first element
// (ReduceAllDims) instead of from the reduction's identity, which differs for
// MAX/MIN when the first element is NaN or an infinity.
inline bool ReducesAll(const ReduceShape& r) {
  return std::all_of(r.reduced.begin(), r.reduced.end(), [](bool b) { return b; });
}

// Each output starts at `identity` (or, reducing every axis, at the first
// input) and takes its inputs in input order: out = fold(out, in).
template <typename T, typename Fold>
void FoldReduce(const ReduceShape& r, T identity, Fold fold, const T* input, T* output) {
  std::fill(output, output + r.outputs, identity);
  int64_t n = 1;
  for (int32_t d : r.input) n *= d;
  if (ReducesAll(r) && n > 0 && r.outputs == 1) {
    T acc = input[0];
    for (int64_t i = 1; i < n; ++i) acc = fold(acc, input[i]);
    output[0] = acc;
    return;
  }
  ForEachReduced(r, [&](int64_t i, int64_t o) { output[o] = fold(output[o], input[i]); });
}

// x + y and x · y with the two's-complement wrap of LiteRT's
// (sanitizer-silenced) integer arithmetic; plain float arithmetic; on bool,
// + and · are OR and AND.
template <typename T>
T WrappingSum(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<std::common_type_t<T, unsigned>>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
template <typename T>
T WrappingProduct(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a && b;
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<std::common_type_t<T, unsigned>>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}

// Quantized REDUCE_PROD (int8, int16): the first input of each output minus
// the zero point, then every further factor multiplied in int64 and rescaled
// by s_in / s_out^(1/N) (the int64 MultiplyByQuantizedMultiplier), and one
// last rescale: N rescales make s_in^N / s_out. Then + zp_out, clamped.
template <typename T>
void QuantizedProd(const ReduceShape& r, quant::QuantizedMultiplier m, int32_t zp_in, int32_t zp_out,
                   quant::RoundingMode rounding, const T* input, T* output, std::vector<int32_t>& products,
                   std::vector<uint8_t>& started) {
  products.assign(static_cast<size_t>(r.outputs), 0);
  started.assign(static_cast<size_t>(r.outputs), 0);
  ForEachReduced(r, [&](int64_t i, int64_t o) {
    const auto u = static_cast<size_t>(o);
    const int32_t factor = static_cast<int32_t>(input[i]) - zp_in;
    if (!started[u]) {
      products[u] = factor;
      started[u] = 1;
    } else {
      products[u] = quant::MultiplyByQuantizedMultiplier(static_cast<int64_t>(products[u]) * factor, m, rounding);
    }
  });
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (int64_t o = 0; o < r.outputs; ++o) {
    const int32_t v = quant::WrappingAdd(
        quant::MultiplyByQuantizedMultiplier(static_cast<int64_t>(products[static_cast<size_t>(o)]), m, rounding), zp_out);
    output[o] = static_cast<T>(std::min(std::max(v, kMin), kMax));
  }
}

// int8/int16 SUM as LiteRT's optimized QuantizedMeanOrSum computes it (its
// reference kernel reads every quantized type as uint8): int32 sums, then
// round(sum·scale + bias) in float with scale = s_in/s_out and
// bias = -zp_in·scale·N, converted as x86 converts, + zp_out, clamped.
template <typename T>
void QuantizedSumOptimized(const ReduceShape& r, float scale, float bias, int32_t zp_out, const T* input, T* output,
                           std::vector<int32_t>& sums) {
  sums.assign(static_cast<size_t>(r.outputs), 0);
  ForEachReduced(r, [&](int64_t i, int64_t o) {
    sums[static_cast<size_t>(o)] = quant::WrappingAdd(sums[static_cast<size_t>(o)], input[i]);
  });
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  for (int64_t o = 0; o < r.outputs; ++o) {
    const float rescaled = static_cast<float>(sums[static_cast<size_t>(o)]) * scale + bias;
    const int32_t v = quant::WrappingAdd(math::FloatToInt32X86(std::round(rescaled)), zp_out);
    output[o] = static_cast<T>(std::min(std::max(v, kMin), kMax));
  }
}

// ARG_MAX / ARG_MIN along the middle axis of [outer, size, inner]: the index
// of the first extreme. LiteRT (measured on the pinned version) compares
// floats two ways: along the last axis (inner == 1, its vector fast path) with
// plain < and >, so a NaN in front stays the answer; along any other axis
// NaN-aware: a NaN never wins and any number replaces a NaN. Either way an
// all-NaN line gives 0.
template <typename T>
bool ArgBetter(T candidate, T current, bool is_max, bool nan_aware) {
  if constexpr (std::is_floating_point_v<T>) {
    if (nan_aware) {
      if (std::isnan(candidate)) return false;
      if (std::isnan(current)) return true;
    }
  }
  return is_max ? candidate > current : candidate < current;
}

template <typename T, typename Index>
void ArgMinMax(int64_t outer, int64_t size, int64_t inner, bool is_max, const T* input, Index* output) {
  const bool nan_aware = inner != 1;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const T* x = input + o * size * inner + i;
      T best = x[0];
      int64_t best_index = 0;
      for (int64_t k = 1; k < size; ++k) {
        if (ArgBetter(x[k * inner], best, is_max, nan_aware)) {
          best = x[k * inner];
          best_index = k;
        }
      }
      output[o * inner + i] = static_cast<Index>(best_index);
    }
  }
}

// CUMSUM along the middle axis of [outer, size, inner], from the end when
// `reverse`; `exclusive` writes the sum before adding the element. Integers
// wrap.
template <typename T>
void CumSum(int64_t outer, int64_t size, int64_t inner, bool exclusive, bool reverse, const T* input, T* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      T acc = T(0);
      for (int64_t step = 0; step < size; ++step) {
        const int64_t k = reverse ? size - 1 - step : step;
        const int64_t at = (o * size + k) * inner + i;
        if (exclusive) {
          output[at] = acc;
          acc = WrappingSum(acc, input[at]);
        } else {
          acc = WrappingSum(acc, input[at]);
          output[at] = acc;
        }
      }
    }
  }
}

}  // namespace tfldbg::math
