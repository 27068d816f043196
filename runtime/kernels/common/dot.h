// Integer dot products in wrapping int32 arithmetic, written so that the
// compiler vectorizes them: the factors are formed in 16 bits and summed per
// block in int32, where no block can overflow; blocks are added wrapping.
// Integer addition is associative, so the result equals the reference
// kernels' element-by-element wrapping sum exactly, whatever the order.
#pragma once

#include <cstdint>

namespace tfldbg::math {

// Σ (x[i] + x_offset) · (w[i] + w_offset) modulo 2^32, for 8-bit x and w.
template <typename X, typename W>
int32_t DotWithOffsets(const X* x, const W* w, int n, int32_t x_offset, int32_t w_offset) {
  static_assert(sizeof(X) == 1 && sizeof(W) == 1, "8-bit operands");
  uint32_t total = 0;
  if (x_offset < -255 || x_offset > 255 || w_offset < -255 || w_offset > 255) {
    // Offsets outside the zero-point range of 8-bit types (the loader refuses
    // such models): the plain wrapping loop.
    for (int i = 0; i < n; ++i) {
      total += static_cast<uint32_t>(static_cast<int64_t>(static_cast<int32_t>(x[i]) + x_offset) *
                                     (static_cast<int32_t>(w[i]) + w_offset));
    }
    return static_cast<int32_t>(total);
  }
  // Each factor lies in [-510, 510], each product below 2^18.1 in magnitude:
  // 8192 of them sum to less than 2^31.
  constexpr int kBlock = 8192;
  const int16_t xo = static_cast<int16_t>(x_offset);
  const int16_t wo = static_cast<int16_t>(w_offset);
  for (int start = 0; start < n; start += kBlock) {
    const int end = n - start > kBlock ? start + kBlock : n;
    int32_t block = 0;
    for (int i = start; i < end; ++i) {
      const int16_t a = static_cast<int16_t>(x[i] + xo);
      const int16_t b = static_cast<int16_t>(w[i] + wo);
      block += static_cast<int32_t>(a) * static_cast<int32_t>(b);
    }
    total += static_cast<uint32_t>(block);
  }
  return static_cast<int32_t>(total);
}

// Σ a[i] · b[i] modulo 2^32 for 16-bit factors of magnitude at most 510 (8-bit
// values with their offsets added): each product is below 2^18, so 8192 of
// them sum exactly in int32 and the compiler can use multiply-add of pairs.
inline int32_t DotInt16(const int16_t* a, const int16_t* b, int n) {
  constexpr int kBlock = 8192;
  uint32_t total = 0;
  for (int start = 0; start < n; start += kBlock) {
    const int end = n - start > kBlock ? start + kBlock : n;
    int32_t block = 0;
    for (int i = start; i < end; ++i) block += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    total += static_cast<uint32_t>(block);
  }
  return static_cast<int32_t>(total);
}

// Four dot products of one row `a` with the rows w, w + stride, w + 2·stride,
// w + 3·stride (same bounds as DotInt16): the row is read once for all four.
inline void DotInt16Rows4(const int16_t* a, const int16_t* w, int64_t stride, int n, int32_t out[4]) {
  constexpr int kBlock = 8192;
  uint32_t total[4] = {0, 0, 0, 0};
  const int16_t* w0 = w;
  const int16_t* w1 = w + stride;
  const int16_t* w2 = w + 2 * stride;
  const int16_t* w3 = w + 3 * stride;
  for (int start = 0; start < n; start += kBlock) {
    const int end = n - start > kBlock ? start + kBlock : n;
    int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = start; i < end; ++i) {
      const int32_t x = a[i];
      s0 += x * w0[i];
      s1 += x * w1[i];
      s2 += x * w2[i];
      s3 += x * w3[i];
    }
    total[0] += static_cast<uint32_t>(s0);
    total[1] += static_cast<uint32_t>(s1);
    total[2] += static_cast<uint32_t>(s2);
    total[3] += static_cast<uint32_t>(s3);
  }
  for (int k = 0; k < 4; ++k) out[k] = static_cast<int32_t>(total[k]);
}

}  // namespace tfldbg::math
