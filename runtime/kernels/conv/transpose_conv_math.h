// Transposed convolution math in LiteRT's reference ("scatter") order: every
// input element, in memory order, adds its products with the filter taps into
// the output elements it reaches. Each output element therefore sums its
// contributions ordered by input row, input column, then input channel, which
// is what float results depend on. Pure functions over parameters and raw
// pointers; 64-bit offsets throughout.
//
//   math::TransposeConvGeometry g = ...;          // shapes, strides, padding
//   math::PackTransposeFilter(g, filter, packed);  // [KH][KW][C_in][C_out]
//   math::TransposeConvScatter<float>(g, input, packed.data(), acc, [](float x, float w) { return x * w; });
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tfldbg::math {

struct TransposeConvShape {
  int64_t n = 1, h = 1, w = 1, c = 1;
  int64_t Offset(int64_t b, int64_t y, int64_t x, int64_t ch) const { return ((b * h + y) * w + x) * c + ch; }
  int64_t Size() const { return n * h * w * c; }
};

// input N,H,W,C_in; filter C_out,KH,KW,C_in (OHWI); output N,OH,OW,C_out.
struct TransposeConvGeometry {
  TransposeConvShape input, filter, output;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;
};

// The filter reordered so that, for one tap (fy, fx) and input channel, the
// output channels are contiguous: packed[((fy·KW + fx)·C_in + ic)·C_out + oc].
template <typename W>
void PackTransposeFilter(const TransposeConvGeometry& g, const W* filter, std::vector<W>& packed) {
  const TransposeConvShape& f = g.filter;
  packed.resize(static_cast<size_t>(f.Size()));
  for (int64_t oc = 0; oc < f.n; ++oc) {
    for (int64_t fy = 0; fy < f.h; ++fy) {
      for (int64_t fx = 0; fx < f.w; ++fx) {
        for (int64_t ic = 0; ic < f.c; ++ic) {
          packed[static_cast<size_t>(((fy * f.w + fx) * f.c + ic) * f.n + oc)] = filter[f.Offset(oc, fy, fx, ic)];
        }
      }
    }
  }
}

// acc (the output's size, zeroed by the caller) += product(input, weight) for
// every tap that lands inside the output. Loop order: batch, input row, input
// column, filter row, filter column, input channel, output channel — for any
// one output element the same order of contributions as LiteRT's loop (batch,
// row, column, input channel, filter row, filter column, output channel),
// since an input position reaches each output element through one tap only.
// `packed` comes from PackTransposeFilter. `product(x, w)` returns what one
// tap adds (Acc), e.g. x·w, or (x + offset)·w in 32 bits.
template <typename Acc, typename In, typename W, typename Product>
void TransposeConvScatter(const TransposeConvGeometry& g, const In* input, const W* packed, Acc* acc, Product product) {
  const int64_t in_c = g.input.c, out_c = g.output.c;
  for (int64_t b = 0; b < g.input.n; ++b) {
    for (int64_t iy = 0; iy < g.input.h; ++iy) {
      const int64_t oy0 = iy * g.stride_h - g.pad_h;
      for (int64_t ix = 0; ix < g.input.w; ++ix) {
        const int64_t ox0 = ix * g.stride_w - g.pad_w;
        const In* x = input + g.input.Offset(b, iy, ix, 0);
        for (int64_t fy = 0; fy < g.filter.h; ++fy) {
          const int64_t oy = oy0 + fy;
          if (oy < 0 || oy >= g.output.h) continue;
          for (int64_t fx = 0; fx < g.filter.w; ++fx) {
            const int64_t ox = ox0 + fx;
            if (ox < 0 || ox >= g.output.w) continue;
            Acc* out = acc + g.output.Offset(b, oy, ox, 0);
            const W* w = packed + (fy * g.filter.w + fx) * in_c * out_c;
            for (int64_t ic = 0; ic < in_c; ++ic, w += out_c) {
              const In xv = x[ic];
              for (int64_t oc = 0; oc < out_c; ++oc) out[oc] += product(xv, w[oc]);
            }
          }
        }
      }
    }
  }
}

// LiteRT's TransposeConv geometry: the output is taken as the input of the
// forward convolution with this filter and stride, whose SAME/VALID output
// size must give back the input's size; the padding before follows TFLite's
// rules. False when that forward size is undefined (a zero-sized filter, a
// VALID filter larger than the image by more than a stride).
struct TransposeConvPadding {
  int64_t h = 0, w = 0;
  int64_t forward_h = 0, forward_w = 0;  // the forward convolution's output size
};

inline bool ForwardOutSize(bool same, int64_t image, int64_t filter, int64_t stride, int64_t* out) {
  if (image < 0 || filter <= 0 || stride <= 0) return false;
  const int64_t value = same ? (image + stride - 1) / stride : (image + stride - filter) / stride;
  if (value < 0) return false;
  *out = value;
  return true;
}

inline bool ComputeTransposeConvPadding(bool same, int64_t out_h, int64_t out_w, int64_t filter_h, int64_t filter_w,
                                        int64_t stride_h, int64_t stride_w, TransposeConvPadding* pad) {
  if (!ForwardOutSize(same, out_h, filter_h, stride_h, &pad->forward_h) ||
      !ForwardOutSize(same, out_w, filter_w, stride_w, &pad->forward_w)) {
    return false;
  }
  pad->h = std::max<int64_t>((pad->forward_h - 1) * stride_h + filter_h - out_h, 0) / 2;
  pad->w = std::max<int64_t>((pad->forward_w - 1) * stride_w + filter_w - out_w, 0) / 2;
  return true;
}

}  // namespace tfldbg::math
