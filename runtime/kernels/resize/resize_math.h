// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR over NHWC data, as LiteRT's
// reference kernels (reference/resize_bilinear.h, resize_nearest_neighbor.h):
//   - float32 and uint8: the float kernel (uint8 adds 0.5 and truncates);
//   - int8 and int16: the integer kernel in 10-bit fixed point;
//   - nearest neighbour: a copy of whole pixels, any element size.
//
//   math::ResizeParams p{in_shape, out_shape, /*align_corners=*/false, /*half_pixel_centers=*/true};
//   math::ResizeBilinearFloat(p, in, out);                       // float or uint8
//   math::ResizeBilinearInteger(p, quant::RoundingMode::kDouble, in, out);  // int8 or int16
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kernels/common/padding.h"
#include "quant/fixed_point.h"

namespace tfldbg::math {

struct ResizeParams {
  Shape4 input, output;  // same batch and channels; only height and width change
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// Input pixels per output pixel along one axis, in float.
inline float ResizeScale(int in, int out, bool align_corners) {
  return (align_corners && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                    : static_cast<float>(in) / static_cast<float>(out);
}

// The source position of output index `value` and the two input indices around it.
inline void BilinearSource(int value, float scale, bool half_pixel_centers, int in_size, float* scaled, int32_t* lo, int32_t* hi) {
  *scaled = half_pixel_centers ? (static_cast<float>(value) + 0.5f) * scale - 0.5f : static_cast<float>(value) * scale;
  *lo = std::max(static_cast<int32_t>(std::floor(*scaled)), int32_t{0});
  *hi = std::min(static_cast<int32_t>(std::ceil(*scaled)), static_cast<int32_t>(in_size - 1));
}

// float32, or uint8 with LiteRT's "+ 0.5 then truncate" in float; the four
// products and their sum in LiteRT's order (build with -ffp-contract=off).
template <typename T>
void ResizeBilinearFloat(const ResizeParams& p, const T* input, T* output) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, uint8_t>, "float32 or uint8");
  const float hs = ResizeScale(p.input.h, p.output.h, p.align_corners);
  const float ws = ResizeScale(p.input.w, p.output.w, p.align_corners);
  const float rounding = std::is_same_v<T, float> ? 0.0f : 0.5f;
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      float iy;
      int32_t y0, y1;
      BilinearSource(oy, hs, p.half_pixel_centers, p.input.h, &iy, &y0, &y1);
      const float dy = iy - static_cast<float>(y0);
      for (int ox = 0; ox < p.output.w; ++ox) {
        float ix;
        int32_t x0, x1;
        BilinearSource(ox, ws, p.half_pixel_centers, p.input.w, &ix, &x0, &x1);
        const float dx = ix - static_cast<float>(x0);
        // The four source pixels and the output pixel: channels contiguous,
        // so the loop below vectorizes (each value's arithmetic unchanged).
        const T* __restrict p00 = input + p.input.Offset(b, y0, x0, 0);
        const T* __restrict p10 = input + p.input.Offset(b, y1, x0, 0);
        const T* __restrict p01 = input + p.input.Offset(b, y0, x1, 0);
        const T* __restrict p11 = input + p.input.Offset(b, y1, x1, 0);
        T* __restrict out = output + p.output.Offset(b, oy, ox, 0);
        const float wy = 1 - dy, wx = 1 - dx;
        for (int c = 0; c < p.output.c; ++c) {
          const float v = static_cast<float>(p00[c]) * wy * wx + static_cast<float>(p10[c]) * dy * wx +
                          static_cast<float>(p01[c]) * wy * dx + static_cast<float>(p11[c]) * dy * dx + rounding;
          if constexpr (std::is_same_v<T, float>) {
            out[c] = v;
          } else {
            // LiteRT converts the float straight to uint8; values stay in [0, 256),
            // the clamp only keeps a hostile case defined.
            out[c] = static_cast<uint8_t>(static_cast<int32_t>(std::min(std::max(v, 0.0f), 255.0f)));
          }
        }
      }
    }
  }
}

// LiteRT's *optimized* uint8 RESIZE_BILINEAR (--kernels optimized; its
// ResizeBilinearGenericSmallChannel): the four weights are products formed
// first, ((1-dy)(1-dx), (1-dy)dx, dy(1-dx), dy·dx), and the taps are summed in
// the order (y0,x0), (y0,x1), (y1,x0), (y1,x1), + 0.5, truncated; the
// reference multiplies each tap by the two factors in turn, (y1,x0) second.
inline void ResizeBilinearUint8Optimized(const ResizeParams& p, const uint8_t* input, uint8_t* output) {
  const float hs = ResizeScale(p.input.h, p.output.h, p.align_corners);
  const float ws = ResizeScale(p.input.w, p.output.w, p.align_corners);
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      float iy;
      int32_t y0, y1;
      BilinearSource(oy, hs, p.half_pixel_centers, p.input.h, &iy, &y0, &y1);
      const float dy = iy - static_cast<float>(y0);
      for (int ox = 0; ox < p.output.w; ++ox) {
        float ix;
        int32_t x0, x1;
        BilinearSource(ox, ws, p.half_pixel_centers, p.input.w, &ix, &x0, &x1);
        const float dx = ix - static_cast<float>(x0);
        const float w[4] = {(1 - dy) * (1 - dx), (1 - dy) * dx, dy * (1 - dx), dy * dx};
        for (int c = 0; c < p.output.c; ++c) {
          const float v = static_cast<float>(input[p.input.Offset(b, y0, x0, c)]) * w[0] +
                          static_cast<float>(input[p.input.Offset(b, y0, x1, c)]) * w[1] +
                          static_cast<float>(input[p.input.Offset(b, y1, x0, c)]) * w[2] +
                          static_cast<float>(input[p.input.Offset(b, y1, x1, c)]) * w[3] + 0.5f;
          output[p.output.Offset(b, oy, ox, c)] = static_cast<uint8_t>(static_cast<int32_t>(std::min(std::max(v, 0.0f), 255.0f)));
        }
      }
    }
  }
}

// LiteRT's optimized uint8 kernel takes a fixed-point path of its own for an
// exact 8x upsampling with half-pixel centres and channels in multiples of 8
// (ResizeBilinear888Uint8), not modelled.
inline bool ResizeBilinearUint8TakesThe888Path(const ResizeParams& p) {
  if (p.align_corners || !p.half_pixel_centers || p.output.c % 8 != 0) return false;
  if (p.output.h < 8 || p.output.w < 8 || p.input.h <= 0) return false;
  const int scale = p.output.h / p.input.h;
  return scale == 8 && p.input.h * scale == p.output.h && p.input.w * scale == p.output.w;
}

// Scale in 1/1024 input pixels, rounded to nearest.
inline int32_t ResizeScale10(int in, int out, bool align_corners) {
  if (align_corners && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((1 << 10) * in + out / 2) / out;
}

inline void BilinearSource10(int value, int32_t scale10, bool half_pixel_centers, int in_size, int32_t* scaled, int32_t* lo,
                             int32_t* hi) {
  *scaled = half_pixel_centers ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
  *lo = std::max(*scaled / (1 << 10), int32_t{0});  // C division: toward zero
  *hi = std::min((*scaled + (1 << 10) - 1) / (1 << 10), static_cast<int32_t>(in_size - 1));
}

// Divides a Q20 interpolation by 2^20 the way the build rounds: double-rounding
// builds (LiteRT's default) round half away from zero, TFLITE_SINGLE_ROUNDING half up.
inline int64_t ResizeRoundQ20(int64_t value, quant::RoundingMode rounding) {
  if (rounding == quant::RoundingMode::kSingle) return (value + (1 << 19)) >> 20;
  return (value + (value > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
}

// int8 and int16: weights in 1/1024, products in Q20, no requantization.
template <typename T>
void ResizeBilinearInteger(const ResizeParams& p, quant::RoundingMode rounding, const T* input, T* output) {
  const int32_t hs = ResizeScale10(p.input.h, p.output.h, p.align_corners);
  const int32_t ws = ResizeScale10(p.input.w, p.output.w, p.align_corners);
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      int32_t iy, y0, y1;
      BilinearSource10(oy, hs, p.half_pixel_centers, p.input.h, &iy, &y0, &y1);
      const int64_t fy = iy - (1 << 10) * y0;
      for (int ox = 0; ox < p.output.w; ++ox) {
        int32_t ix, x0, x1;
        BilinearSource10(ox, ws, p.half_pixel_centers, p.input.w, &ix, &x0, &x1);
        const int64_t fx = ix - (1 << 10) * x0;
        for (int c = 0; c < p.output.c; ++c) {
          const int64_t sum = static_cast<int64_t>(input[p.input.Offset(b, y0, x0, c)]) * ((1 << 10) - fy) * ((1 << 10) - fx) +
                              static_cast<int64_t>(input[p.input.Offset(b, y1, x0, c)]) * fy * ((1 << 10) - fx) +
                              static_cast<int64_t>(input[p.input.Offset(b, y0, x1, c)]) * ((1 << 10) - fy) * fx +
                              static_cast<int64_t>(input[p.input.Offset(b, y1, x1, c)]) * fy * fx;
          output[p.output.Offset(b, oy, ox, c)] = static_cast<T>(ResizeRoundQ20(sum, rounding));
        }
      }
    }
  }
}

// The input index nearest to output index `value` (LiteRT's GetNearestNeighbor).
inline int32_t NearestSource(int value, int in_size, int out_size, bool align_corners, bool half_pixel_centers) {
  const float scale = ResizeScale(in_size, out_size, align_corners);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float s = (static_cast<float>(value) + offset) * scale;
  const int32_t i = align_corners ? static_cast<int32_t>(std::round(s)) : static_cast<int32_t>(std::floor(s));
  return std::max(std::min(i, static_cast<int32_t>(in_size - 1)), int32_t{0});
}

inline void ResizeNearestNeighbor(const ResizeParams& p, size_t element_size, const uint8_t* input, uint8_t* output) {
  const size_t pixel = static_cast<size_t>(p.output.c) * element_size;
  for (int b = 0; b < p.output.n; ++b) {
    for (int oy = 0; oy < p.output.h; ++oy) {
      const int32_t sy = NearestSource(oy, p.input.h, p.output.h, p.align_corners, p.half_pixel_centers);
      for (int ox = 0; ox < p.output.w; ++ox) {
        const int32_t sx = NearestSource(ox, p.input.w, p.output.w, p.align_corners, p.half_pixel_centers);
        std::memcpy(output + static_cast<size_t>(p.output.Offset(b, oy, ox, 0)) * element_size,
                    input + static_cast<size_t>(p.input.Offset(b, sy, sx, 0)) * element_size, pixel);
      }
    }
  }
}

}  // namespace tfldbg::math
