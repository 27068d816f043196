// AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D math, LiteRT's reference order: the window
// is clipped to the image; the average divides by the number of valid taps
// (integers: rounding half away from zero); then the activation clamp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/common/padding.h"
#include "quant/fixed_point.h"

namespace tfldbg::math {

struct PoolGeometry {
  Shape4 input, output;
  int filter_h = 1, filter_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_h = 0, pad_w = 0;
};

// Visits every output element with its clipped window [y0,y1) x [x0,x1).
template <typename Fn>
void ForEachWindow(const PoolGeometry& g, Fn fn) {
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      const int y0 = std::max(0, -iy0), y1 = std::min(g.filter_h, g.input.h - iy0);
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        const int x0 = std::max(0, -ix0), x1 = std::min(g.filter_w, g.input.w - ix0);
        for (int c = 0; c < g.output.c; ++c) fn(b, oy, ox, c, iy0 + y0, iy0 + y1, ix0 + x0, ix0 + x1);
      }
    }
  }
}

// Returns false when a window holds no valid tap (LiteRT fails the op then).
inline bool AveragePoolFloat(const PoolGeometry& g, const float* input, float lo, float hi, float* output) {
  bool ok = true;
  ForEachWindow(g, [&](int b, int oy, int ox, int c, int ya, int yb, int xa, int xb) {
    float total = 0.0f;
    int count = 0;
    for (int y = ya; y < yb; ++y) {
      for (int x = xa; x < xb; ++x) {
        total += input[g.input.Offset(b, y, x, c)];
        ++count;
      }
    }
    if (count == 0) {
      ok = false;
      return;
    }
    const float average = total / static_cast<float>(count);
    output[g.output.Offset(b, oy, ox, c)] = std::min(std::max(average, lo), hi);
  });
  return ok;
}

// The same window walk as ForEachWindow, with the channels innermost: each
// channel's taps are summed in wrapping int32 (the order of integer sums does
// not change them), a block of contiguous channels at a time so the loop
// vectorizes.
template <typename T>
bool AveragePoolQuantized(const PoolGeometry& g, const T* input, int32_t lo, int32_t hi, T* output) {
  constexpr int kBlock = 256;
  uint32_t acc[kBlock];
  bool ok = true;
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      const int ya = iy0 + std::max(0, -iy0), yb = iy0 + std::min(g.filter_h, g.input.h - iy0);
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        const int xa = ix0 + std::max(0, -ix0), xb = ix0 + std::min(g.filter_w, g.input.w - ix0);
        if (ya >= yb || xa >= xb) {  // no valid tap
          ok = false;
          continue;
        }
        const int count = (yb - ya) * (xb - xa);
        for (int c0 = 0; c0 < g.output.c; c0 += kBlock) {
          const int n = std::min(kBlock, g.output.c - c0);
          std::fill(acc, acc + n, 0u);
          for (int y = ya; y < yb; ++y) {
            for (int x = xa; x < xb; ++x) {
              const T* in = input + g.input.Offset(b, y, x, c0);
              for (int i = 0; i < n; ++i) acc[i] += static_cast<uint32_t>(static_cast<int32_t>(in[i]));
            }
          }
          T* out = output + g.output.Offset(b, oy, ox, c0);
          for (int i = 0; i < n; ++i) {
            // Round half away from zero, in integer arithmetic.
            const int64_t sum = static_cast<int32_t>(acc[i]);  // 64 bits: the rounding offset must not overflow
            const int32_t average = static_cast<int32_t>(sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
            out[i] = static_cast<T>(std::min(std::max(average, lo), hi));
          }
        }
      }
    }
  }
  return ok;
}

// sqrt(mean of squares) over the clipped window, in float, in the window's
// row-major order. LiteRT divides by the tap count as is: a window without
// taps gives 0/0 = NaN (valid geometry never has one).
inline void L2Pool(const PoolGeometry& g, const float* input, float lo, float hi, float* output) {
  ForEachWindow(g, [&](int b, int oy, int ox, int c, int ya, int yb, int xa, int xb) {
    float sum_squares = 0.0f;
    int count = 0;
    for (int y = ya; y < yb; ++y) {
      for (int x = xa; x < xb; ++x) {
        const float v = input[g.input.Offset(b, y, x, c)];
        sum_squares += v * v;
        ++count;
      }
    }
    const float l2 = std::sqrt(sum_squares / static_cast<float>(count));
    output[g.output.Offset(b, oy, ox, c)] = std::min(std::max(l2, lo), hi);
  });
}

template <typename T, typename Clamp>
void MaxPool(const PoolGeometry& g, const T* input, Clamp lo, Clamp hi, T* output) {
  ForEachWindow(g, [&](int b, int oy, int ox, int c, int ya, int yb, int xa, int xb) {
    T best = std::numeric_limits<T>::lowest();
    for (int y = ya; y < yb; ++y) {
      for (int x = xa; x < xb; ++x) best = std::max(best, input[g.input.Offset(b, y, x, c)]);
    }
    const Clamp v = std::min(std::max(static_cast<Clamp>(best), lo), hi);
    output[g.output.Offset(b, oy, ox, c)] = static_cast<T>(v);
  });
}

}  // namespace tfldbg::math
