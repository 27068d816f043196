// AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D math, LiteRT's reference order: the window
// is clipped to the image; the average divides by the number of valid taps
// (integers: rounding half away from zero); then the activation clamp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/common/lanes.h"
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

// Visits every output pixel with its clipped window [ya,yb) x [xa,xb) in
// input coordinates (ForEachWindow's order, without the channel loop).
template <typename Fn>
void ForEachWindowPixel(const PoolGeometry& g, Fn fn) {
  for (int b = 0; b < g.output.n; ++b) {
    for (int oy = 0; oy < g.output.h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_h;
      const int ya = iy0 + std::max(0, -iy0), yb = iy0 + std::min(g.filter_h, g.input.h - iy0);
      for (int ox = 0; ox < g.output.w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_w;
        const int xa = ix0 + std::max(0, -ix0), xb = ix0 + std::min(g.filter_w, g.input.w - ix0);
        fn(b, oy, ox, ya, yb, xa, xb);
      }
    }
  }
}

// Channels per block of the channel-innermost walks below (their sums on the stack).
constexpr int kPoolBlock = 256;

// Returns false when a window holds no valid tap (LiteRT fails the op then).
// Each channel's taps are summed from +0 in the window's row-major order, as
// a loop over the window per channel would, with the channels innermost, a
// block of contiguous channels at a time (the adds vectorize across channels;
// each channel's sum is the same sequence of rounded adds).
inline bool AveragePoolFloat(const PoolGeometry& g, const float* input, float lo, float hi, float* output) {
  float acc[kPoolBlock];
  bool ok = true;
  ForEachWindowPixel(g, [&](int b, int oy, int ox, int ya, int yb, int xa, int xb) {
    if (ya >= yb || xa >= xb) {  // no valid tap
      ok = false;
      return;
    }
    const float count = static_cast<float>((yb - ya) * (xb - xa));
    int c_start = 0;
    // Whole groups of 16 channels: the sums in four registers across the window.
    for (; c_start + 16 <= g.output.c; c_start += 16) {
      lanes::F4 a0 = lanes::Splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
      for (int y = ya; y < yb; ++y) {
        for (int x = xa; x < xb; ++x) {
          const float* in = input + g.input.Offset(b, y, x, c_start);
          a0 += lanes::Load(in);
          a1 += lanes::Load(in + 4);
          a2 += lanes::Load(in + 8);
          a3 += lanes::Load(in + 12);
        }
      }
      float* out = output + g.output.Offset(b, oy, ox, c_start);
      const lanes::F4 sums[4] = {a0, a1, a2, a3};
      for (int j = 0; j < 4; ++j) {
        const lanes::F4 average = sums[j] / lanes::Splat(count);
        lanes::Store(out + 4 * j, lanes::Min(lanes::Max(average, lanes::Splat(lo)), lanes::Splat(hi)));
      }
    }
    for (int c0 = c_start; c0 < g.output.c; c0 += kPoolBlock) {
      const int n = std::min(kPoolBlock, g.output.c - c0);
      std::fill(acc, acc + n, 0.0f);
      for (int y = ya; y < yb; ++y) {
        for (int x = xa; x < xb; ++x) {
          const float* in = input + g.input.Offset(b, y, x, c0);
          for (int i = 0; i < n; ++i) acc[i] += in[i];
        }
      }
      float* out = output + g.output.Offset(b, oy, ox, c0);
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        const lanes::F4 average = lanes::Load(acc + i) / lanes::Splat(count);
        lanes::Store(out + i, lanes::Min(lanes::Max(average, lanes::Splat(lo)), lanes::Splat(hi)));
      }
      for (; i < n; ++i) out[i] = std::min(std::max(acc[i] / count, lo), hi);
    }
  });
  return ok;
}

// The same window walk as ForEachWindow, with the channels innermost: each
// channel's taps are summed in wrapping int32 (the order of integer sums does
// not change them), a block of contiguous channels at a time so the loop
// vectorizes.
template <typename T>
bool AveragePoolQuantized(const PoolGeometry& g, const T* input, int32_t lo, int32_t hi, T* output) {
  uint32_t acc[kPoolBlock];
  bool ok = true;
  ForEachWindowPixel(g, [&](int b, int oy, int ox, int ya, int yb, int xa, int xb) {
    if (ya >= yb || xa >= xb) {  // no valid tap
      ok = false;
      return;
    }
    const int count = (yb - ya) * (xb - xa);
    for (int c0 = 0; c0 < g.output.c; c0 += kPoolBlock) {
      const int n = std::min(kPoolBlock, g.output.c - c0);
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
  });
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

// best = max(best, tap) over the window in row-major order from the type's
// lowest value, then the clamp; channels innermost in blocks, as above (float
// in four lanes with std::max's semantics, NaN included; integers as the
// compiler vectorizes them: max is exact whatever the order).
template <typename T, typename Clamp>
void MaxPool(const PoolGeometry& g, const T* input, Clamp lo, Clamp hi, T* output) {
  T best[kPoolBlock];
  ForEachWindowPixel(g, [&](int b, int oy, int ox, int ya, int yb, int xa, int xb) {
    for (int c0 = 0; c0 < g.output.c; c0 += kPoolBlock) {
      const int n = std::min(kPoolBlock, g.output.c - c0);
      std::fill(best, best + n, std::numeric_limits<T>::lowest());
      for (int y = ya; y < yb; ++y) {
        for (int x = xa; x < xb; ++x) {
          const T* in = input + g.input.Offset(b, y, x, c0);
          int i = 0;
          if constexpr (std::is_same_v<T, float>) {
            for (; i + 4 <= n; i += 4) lanes::Store(best + i, lanes::Max(lanes::Load(best + i), lanes::Load(in + i)));
          }
          for (; i < n; ++i) best[i] = std::max(best[i], in[i]);
        }
      }
      T* out = output + g.output.Offset(b, oy, ox, c0);
      int i = 0;
      if constexpr (std::is_same_v<T, float>) {
        for (; i + 4 <= n; i += 4) {
          lanes::Store(out + i, lanes::Min(lanes::Max(lanes::Load(best + i), lanes::Splat(lo)), lanes::Splat(hi)));
        }
      }
      for (; i < n; ++i) {
        const Clamp v = std::min(std::max(static_cast<Clamp>(best[i]), lo), hi);
        out[i] = static_cast<T>(v);
      }
    }
  });
}

}  // namespace tfldbg::math
