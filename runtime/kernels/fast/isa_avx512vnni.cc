// The fast kernels' inner loops for AVX-512 (F, BW, DQ, VL) with VNNI:
// 16 int32 or float lanes per vector, 8-bit dot products with vpdpbusd.
// Compiled with those instructions enabled (runtime/CMakeLists.txt); called
// only when the CPU runs them. No standard-library templates here (isa.h).
#include <immintrin.h>

#include "kernels/fast/hybrid.h"
#include "kernels/fast/isa.h"

namespace tfldbg::fast {
namespace {

inline int Min(int a, int b) { return a < b ? a : b; }
inline __mmask16 LaneMask(int count) { return count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1); }

// LiteRT's requantization of 16 int32 sums (channels c..c+15, c a multiple
// of 16), as the scalar quant::MultiplyByQuantizedMultiplier computes it, in
// the one-step form of StagePanel: per 64-bit lane a product, an
// add, (a sign fix-up) and a shift, for the even channels and the odd ones;
// then the output offset (Requantize also clamps). With fp32_scale, XNNPACK's
// fp32 requantization instead (isa.h).
__attribute__((always_inline)) inline __m512i RequantizeUnclamped(__m512i acc, const Int8OutputStage& s, int c) {
  if (s.fp32_scale != nullptr) {  // XNNPACK's fp32 requantization: cvtps2dq rounds to nearest even (MXCSR default)
    __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(s.fp32_scale + c));
    f = _mm512_min_ps(_mm512_max_ps(f, _mm512_set1_ps(s.fp32_min)), _mm512_set1_ps(s.fp32_max));
    return _mm512_add_epi32(_mm512_cvtps_epi32(f), _mm512_set1_epi32(s.output_offset));
  }
  const StagePanel& p = s.panel[c / kPanel];
  const __m512i a = s.has_left ? _mm512_sllv_epi32(acc, _mm512_load_si512(p.left)) : acc;
  // m >= 0 and |a| <= 2^31: |ab| < 2^62, and the sums below stay inside int64.
  const __m512i ab_even = _mm512_mul_epi32(a, _mm512_load_si512(p.multiplier));
  const __m512i ab_odd = _mm512_mul_epi32(_mm512_shuffle_epi32(a, _MM_PERM_DDBB), _mm512_load_si512(p.multiplier_odd));
  __m512i even = _mm512_add_epi64(ab_even, _mm512_load_si512(p.add));
  __m512i odd = _mm512_add_epi64(ab_odd, _mm512_load_si512(p.add + 8));
  if (s.sign_fix) {
    // RoundingDivideByPOT's ties away from zero: the first rounding's result is negative.
    const __m512i limit = _mm512_set1_epi64(-(int64_t{1} << 30));
    even = _mm512_mask_sub_epi64(even, _mm512_cmplt_epi64_mask(ab_even, limit), even, _mm512_load_si512(p.sign_fix));
    odd = _mm512_mask_sub_epi64(odd, _mm512_cmplt_epi64_mask(ab_odd, limit), odd, _mm512_load_si512(p.sign_fix + 8));
  }
  even = _mm512_srav_epi64(even, _mm512_load_si512(p.shift));
  odd = _mm512_srav_epi64(odd, _mm512_load_si512(p.shift + 8));
  // The low halves, interleaved back: lane 2j from even[j], lane 2j + 1 from odd[j].
  const __m512i interleave = _mm512_set_epi32(30, 14, 28, 12, 26, 10, 24, 8, 22, 6, 20, 4, 18, 2, 16, 0);
  const __m512i v = _mm512_permutex2var_epi32(even, interleave, odd);
  return _mm512_add_epi32(v, _mm512_set1_epi32(s.output_offset));  // wrapping, as the scalar kernels
}

__attribute__((always_inline)) inline __m512i Requantize(__m512i acc, const Int8OutputStage& s, int c) {
  const __m512i v = RequantizeUnclamped(acc, s, c);
  return _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(s.min)), _mm512_set1_epi32(s.max));
}

// Two vectors of int16 words to bytes of the output type (saturating, per
// 128-bit lane as the packs go), then clamped to [min, max] as bytes.
__attribute__((always_inline)) inline __m512i NarrowClamped(__m512i lo, __m512i hi, const Int8OutputStage& s) {
  const __m512i min = _mm512_set1_epi8(static_cast<char>(s.min)), max = _mm512_set1_epi8(static_cast<char>(s.max));
  if (s.output_unsigned) return _mm512_min_epu8(_mm512_max_epu8(_mm512_packus_epi16(lo, hi), min), max);
  return _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(lo, hi), min), max);
}

// 64 channels c..c+63 (a..d: 16 each) requantized and stored as 64 bytes.
// The packs saturate to int16 then to the output type, and the clamp follows
// in bytes: the same bytes as clamping in int32, since [min, max] lies inside
// the output type and every step is monotone.
__attribute__((always_inline)) inline void StoreRequantized64(uint8_t* out, __m512i a, __m512i b, __m512i c, __m512i d,
                                                              const Int8OutputStage& s, int c0) {
  const __m512i ab = _mm512_packs_epi32(RequantizeUnclamped(a, s, c0), RequantizeUnclamped(b, s, c0 + 16));
  const __m512i cd = _mm512_packs_epi32(RequantizeUnclamped(c, s, c0 + 32), RequantizeUnclamped(d, s, c0 + 48));
  const __m512i bytes = NarrowClamped(ab, cd, s);
  // The packs work per 128-bit lane: lane i holds a[4i..4i+3], b[4i..], c[4i..], d[4i..] (4 bytes each).
  const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  _mm512_storeu_si512(out, _mm512_permutexvar_epi32(order, bytes));
}

// 32 channels c..c+31 (a, b: 16 each) requantized and stored as 32 bytes, as StoreRequantized64.
__attribute__((always_inline)) inline void StoreRequantized32(uint8_t* out, __m512i a, __m512i b, const Int8OutputStage& s, int c0) {
  const __m512i ab = _mm512_packs_epi32(RequantizeUnclamped(a, s, c0), RequantizeUnclamped(b, s, c0 + 16));
  const __m512i bytes = NarrowClamped(ab, ab, s);
  // Lane i holds a[4i..4i+3], b[4i..4i+3] (then the same again).
  const __m512i order = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 13, 9, 5, 1, 12, 8, 4, 0);
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, bytes)));
}

// The clamped values fit the output type, so truncating to bytes is exact.
inline void StoreBytes(uint8_t* out, __m512i v, int count) {
  _mm_mask_storeu_epi8(out, LaneMask(count), _mm512_cvtepi32_epi8(v));
}

__attribute__((always_inline)) inline void StoreRequantized(uint8_t* out, __m512i acc, const Int8OutputStage& s, int c, int count) {
  StoreBytes(out, Requantize(acc, s, c), count);
}

inline int32_t LoadQuad(const uint8_t* p) {
  int32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

// ---- int8 GEMM: MR rows × NV panels, vpdpbusd (u8 × s8 in groups of 4, exact wrapping int32 sums) ----

// The dot products alone, in a function of their own: with the output stage
// in the same body, GCC kept every accumulator in a second register and stored
// it to the stack on each k step; here the MR·NV accumulators, NV weight
// vectors and one broadcast fit the 32 registers, stored once at the end.
template <int MR, int NV>
__attribute__((noinline)) void Int8Dot(const Int8GemmTile& t, int r0, int p0, __m512i* sums) {
  __m512i acc[MR][NV];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_si512();
  const uint8_t* a = static_cast<const uint8_t*>(t.a) + r0 * t.a_stride;
  const int8_t* b = static_cast<const int8_t*>(t.b) + static_cast<int64_t>(p0) * t.k_steps * 64;
  const int64_t panel_bytes = static_cast<int64_t>(t.k_steps) * 64;
  for (int k = 0; k < t.k_steps; ++k) {
    __m512i bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_si512(b + v * panel_bytes + k * 64);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m512i av = _mm512_set1_epi32(LoadQuad(a + i * t.a_stride + 4 * k));
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], av, bv[v]);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_store_si512(sums + i * NV + v, acc[i][v]);
}

template <int MR, int NV>
void Int8Block(const Int8GemmTile& t, int r0, int p0) {
  __m512i sums[MR * NV];
  Int8Dot<MR, NV>(t, r0, p0, sums);
  const Int8OutputStage s = t.stage;  // a local copy: the byte stores below cannot alias it
  for (int i = 0; i < MR; ++i) {
    uint8_t* out = static_cast<uint8_t*>(t.c) + (r0 + i) * t.c_stride;
    const __m512i row = s.row_factor != 0
                            ? _mm512_set1_epi32(static_cast<int32_t>(static_cast<uint32_t>(s.row_factor) *
                                                                     static_cast<uint32_t>(t.row_sums[r0 + i])))
                            : _mm512_setzero_si512();
    __m512i x[NV];
    for (int v = 0; v < NV; ++v) {
      x[v] = _mm512_add_epi32(_mm512_load_si512(sums + i * NV + v), _mm512_loadu_si512(s.bias + (p0 + v) * 16));
      if (s.row_factor != 0) x[v] = _mm512_add_epi32(x[v], row);
    }
    int v = 0;
    if (NV == 4 && t.channels - p0 * 16 >= 64) {
      StoreRequantized64(out + p0 * 16, x[0], x[1], x[2], x[3], s, p0 * 16);
      v = 4;
    }
    for (; v + 1 < NV && t.channels - (p0 + v) * 16 >= 32; v += 2) {
      StoreRequantized32(out + (p0 + v) * 16, x[v], x[v + 1], s, (p0 + v) * 16);
    }
    for (; v < NV; ++v) {
      const int c = (p0 + v) * 16;
      const int count = Min(16, t.channels - c);
      if (count <= 0) break;
      StoreRequantized(out + c, x[v], s, c, count);
    }
  }
}

using Int8BlockFn = void (*)(const Int8GemmTile&, int, int);
constexpr int kInt8Rows = 6;   // 6 rows × 4 panels: 24 accumulators + 4 weight vectors + 1 broadcast
constexpr int kInt8Panels = 4;

template <int MR>
struct Int8Blocks {
  static constexpr Int8BlockFn fns[kInt8Panels] = {Int8Block<MR, 1>, Int8Block<MR, 2>, Int8Block<MR, 3>, Int8Block<MR, 4>};
};

void Int8Gemm(const Int8GemmTile& t) {
  static constexpr const Int8BlockFn* kBlocks[kInt8Rows] = {Int8Blocks<1>::fns, Int8Blocks<2>::fns, Int8Blocks<3>::fns,
                                                            Int8Blocks<4>::fns, Int8Blocks<5>::fns, Int8Blocks<6>::fns};
  for (int p = 0; p < t.panels; p += kInt8Panels) {
    const int nv = Min(kInt8Panels, t.panels - p);
    for (int r = 0; r < t.rows; r += kInt8Rows) {
      const int mr = Min(kInt8Rows, t.rows - r);
      kBlocks[mr - 1][nv - 1](t, r, p);
    }
  }
}

// ---- int8 depthwise: 16 channels per vector, (x + offset) · w in int32 ----

template <int NV>
void Int8DepthwiseChannels(const Int8DepthwiseRow& d, int ox, int c0) {
  const DepthwiseRowGeometry& g = d.g;
  __m512i acc[NV];
  __mmask16 masks[NV];
  for (int v = 0; v < NV; ++v) {
    acc[v] = _mm512_setzero_si512();
    masks[v] = LaneMask(g.channels - c0 - 16 * v);
  }
  const __m512i offset = _mm512_set1_epi32(d.input_offset);
  const int ix0 = ox * g.stride - g.pad;
  for (int fy = 0; fy < g.filter_h; ++fy) {
    const uint8_t* row = d.rows[fy];
    if (row == nullptr) continue;
    for (int fx = 0; fx < g.filter_w; ++fx) {
      const int ix = ix0 + fx * g.dilation;
      if (ix < 0 || ix >= g.in_width) continue;
      const uint8_t* x = row + static_cast<int64_t>(ix) * g.channels + c0;
      const int32_t* w = d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride + c0;
      for (int v = 0; v < NV; ++v) {
        const __m128i bytes = _mm_maskz_loadu_epi8(masks[v], x + 16 * v);
        __m512i xv = d.input_unsigned ? _mm512_cvtepu8_epi32(bytes) : _mm512_cvtepi8_epi32(bytes);
        xv = _mm512_add_epi32(xv, offset);
        acc[v] = _mm512_add_epi32(acc[v], _mm512_mullo_epi32(xv, _mm512_loadu_si512(w + 16 * v)));
      }
    }
  }
  uint8_t* out = d.out + static_cast<int64_t>(ox) * g.channels + c0;
  const Int8OutputStage stage = d.stage;
  for (int v = 0; v < NV; ++v) {
    const int c = c0 + 16 * v;
    const __m512i x = _mm512_add_epi32(acc[v], _mm512_loadu_si512(stage.bias + c));
    StoreRequantized(out + 16 * v, x, stage, c, g.channels - c);
  }
}

void Int8Depthwise(const Int8DepthwiseRow& d) {
  const int channels = d.g.channels;
  for (int ox = 0; ox < d.g.out_width; ++ox) {
    for (int c0 = 0; c0 < channels; c0 += 64) {
      switch ((Min(64, channels - c0) + 15) / 16) {
        case 1: Int8DepthwiseChannels<1>(d, ox, c0); break;
        case 2: Int8DepthwiseChannels<2>(d, ox, c0); break;
        case 3: Int8DepthwiseChannels<3>(d, ox, c0); break;
        default: Int8DepthwiseChannels<4>(d, ox, c0); break;
      }
    }
  }
}

// ---- float GEMM: MR rows × NV panels ----
// Each sum in k order, a rounded product then a rounded add (the reference's)
// or one fused multiply-add (F, the deployment kernels'; isa.h), so float
// results are the scalar kernels' bits.

template <bool F>
inline __m512 MulAdd(__m512 acc, __m512 a, __m512 b) {
  if constexpr (F) {
    return _mm512_fmadd_ps(a, b, acc);
  } else {
    return _mm512_add_ps(acc, _mm512_mul_ps(a, b));
  }
}

// max(lo, v) then min(hi, ·) with v second: a NaN sum stays NaN, as std::min/max leave it.
inline __m512 Clamp(__m512 v, float lo, float hi) {
  return _mm512_min_ps(_mm512_set1_ps(hi), _mm512_max_ps(_mm512_set1_ps(lo), v));
}

// k values of MR rows (row i from a[i]) into the sums, packed weight row b on.
template <bool F, int MR, int NV>
__attribute__((always_inline)) inline void FloatSteps(const float* const (&a)[MR], int k, const float* b, int64_t panel,
                                                      __m512 (&acc)[MR][NV]) {
  for (int kk = 0; kk < k; ++kk) {
    __m512 bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_ps(b + v * panel + kk * 16);
    for (int i = 0; i < MR; ++i) {
      const __m512 av = _mm512_set1_ps(a[i][kk]);
      for (int v = 0; v < NV; ++v) acc[i][v] = MulAdd<F>(acc[i][v], av, bv[v]);
    }
  }
}

// A's rows in place (t.a), or indirect (t.runs): segment by segment, each a
// run of k / segments values per row.
template <bool F, int MR, int NV>
void FloatBlock(const FloatGemmTile& t, int r0, int p0) {
  __m512 acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  const int64_t panel = static_cast<int64_t>(t.k) * 16;
  const float* b = t.b + p0 * panel;
  const float* a[MR];
  if (t.runs == nullptr) {
    for (int i = 0; i < MR; ++i) a[i] = t.a + (r0 + i) * t.a_stride;
    FloatSteps<F, MR, NV>(a, t.k, b, panel, acc);
  } else {
    const int run = t.k / t.segments;
    for (int s = 0; s < t.segments; ++s, b += static_cast<int64_t>(run) * 16) {
      for (int i = 0; i < MR; ++i) a[i] = t.runs[static_cast<int64_t>(r0 + i) * t.segments + s];
      FloatSteps<F, MR, NV>(a, run, b, panel, acc);
    }
  }
  for (int i = 0; i < MR; ++i) {
    float* out = t.c + (r0 + i) * t.c_stride;
    for (int v = 0; v < NV; ++v) {
      const int c = (p0 + v) * 16;
      const int count = Min(16, t.channels - c);
      if (count <= 0) break;
      const __m512 x = _mm512_add_ps(acc[i][v], _mm512_loadu_ps(t.bias + c));
      _mm512_mask_storeu_ps(out + c, LaneMask(count), Clamp(x, t.min, t.max));
    }
  }
}

using FloatBlockFn = void (*)(const FloatGemmTile&, int, int);
template <bool F, int MR>
struct FloatBlocks {
  static constexpr FloatBlockFn fns[4] = {FloatBlock<F, MR, 1>, FloatBlock<F, MR, 2>, FloatBlock<F, MR, 3>,
                                          FloatBlock<F, MR, 4>};
};

template <bool F>
void FloatGemmT(const FloatGemmTile& t) {
  static constexpr const FloatBlockFn* kBlocks[6] = {FloatBlocks<F, 1>::fns, FloatBlocks<F, 2>::fns,
                                                     FloatBlocks<F, 3>::fns, FloatBlocks<F, 4>::fns,
                                                     FloatBlocks<F, 5>::fns, FloatBlocks<F, 6>::fns};
  for (int p = 0; p < t.panels; p += 4) {
    const int nv = Min(4, t.panels - p);
    for (int r = 0; r < t.rows; r += 6) kBlocks[Min(6, t.rows - r) - 1][nv - 1](t, r, p);
  }
}

void FloatGemm(const FloatGemmTile& t) { t.fused ? FloatGemmT<true>(t) : FloatGemmT<false>(t); }

// ---- float depthwise ----

template <bool F, int NV>
void FloatDepthwiseChannels(const FloatDepthwiseRow& d, int ox, int c0) {
  const DepthwiseRowGeometry& g = d.g;
  __m512 acc[NV];
  __mmask16 masks[NV];
  for (int v = 0; v < NV; ++v) {
    acc[v] = _mm512_setzero_ps();
    masks[v] = LaneMask(g.channels - c0 - 16 * v);
  }
  const int ix0 = ox * g.stride - g.pad;
  for (int fy = 0; fy < g.filter_h; ++fy) {
    const float* row = d.rows[fy];
    if (row == nullptr) continue;
    for (int fx = 0; fx < g.filter_w; ++fx) {
      const int ix = ix0 + fx * g.dilation;
      if (ix < 0 || ix >= g.in_width) continue;
      const float* x = row + static_cast<int64_t>(ix) * g.channels + c0;
      const float* w = d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride + c0;
      for (int v = 0; v < NV; ++v) {
        acc[v] = MulAdd<F>(acc[v], _mm512_maskz_loadu_ps(masks[v], x + 16 * v), _mm512_loadu_ps(w + 16 * v));
      }
    }
  }
  float* out = d.out + static_cast<int64_t>(ox) * g.channels + c0;
  for (int v = 0; v < NV; ++v) {
    const __m512 x = _mm512_add_ps(acc[v], _mm512_loadu_ps(d.bias + c0 + 16 * v));
    _mm512_mask_storeu_ps(out + 16 * v, masks[v], Clamp(x, d.min, d.max));
  }
}

// P output pixels from ox whose taps are all inside the row: P·NV
// independent sums (each still the reference's, taps in order), each weight
// vector loaded once for the P pixels.
template <bool F, int P, int NV>
void FloatDepthwisePixels(const FloatDepthwiseRow& d, int ox, int c0) {
  const DepthwiseRowGeometry& g = d.g;
  __m512 acc[P][NV];
  __mmask16 masks[NV];
  for (int v = 0; v < NV; ++v) {
    for (int p = 0; p < P; ++p) acc[p][v] = _mm512_setzero_ps();
    masks[v] = LaneMask(g.channels - c0 - 16 * v);
  }
  const int64_t pixel_step = static_cast<int64_t>(g.stride) * g.channels;
  const int ix0 = ox * g.stride - g.pad;
  for (int fy = 0; fy < g.filter_h; ++fy) {
    const float* row = d.rows[fy];
    if (row == nullptr) continue;
    for (int fx = 0; fx < g.filter_w; ++fx) {
      const float* x = row + static_cast<int64_t>(ix0 + fx * g.dilation) * g.channels + c0;
      const float* w = d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride + c0;
      __m512 wv[NV];
      for (int v = 0; v < NV; ++v) wv[v] = _mm512_loadu_ps(w + 16 * v);
      for (int p = 0; p < P; ++p) {
        for (int v = 0; v < NV; ++v) {
          acc[p][v] = MulAdd<F>(acc[p][v], _mm512_maskz_loadu_ps(masks[v], x + p * pixel_step + 16 * v), wv[v]);
        }
      }
    }
  }
  for (int v = 0; v < NV; ++v) {
    const __m512 bias = _mm512_loadu_ps(d.bias + c0 + 16 * v);
    for (int p = 0; p < P; ++p) {
      float* out = d.out + static_cast<int64_t>(ox + p) * g.channels + c0 + 16 * v;
      _mm512_mask_storeu_ps(out, masks[v], Clamp(_mm512_add_ps(acc[p][v], bias), d.min, d.max));
    }
  }
}

// One channel block (NV vectors from c0) of the whole row: the pixels whose
// taps are all inside [ix_lo, ox_hi] P at a time, the edges one at a time.
template <bool F, int P, int NV>
void FloatDepthwiseBlock(const FloatDepthwiseRow& d, int c0, int ox_lo, int ox_hi) {
  int ox = 0;
  for (; ox < d.g.out_width && ox < ox_lo; ++ox) FloatDepthwiseChannels<F, NV>(d, ox, c0);
  for (; ox + P - 1 <= ox_hi; ox += P) FloatDepthwisePixels<F, P, NV>(d, ox, c0);
  if (P > 4) {
    for (; ox + 3 <= ox_hi; ox += 4) FloatDepthwisePixels<F, (P > 4 ? 4 : 1), NV>(d, ox, c0);
  }
  if (P > 2) {
    for (; ox + 1 <= ox_hi; ox += 2) FloatDepthwisePixels<F, (P > 2 ? 2 : 1), NV>(d, ox, c0);
  }
  for (; ox <= ox_hi; ++ox) FloatDepthwisePixels<F, 1, NV>(d, ox, c0);
  for (; ox < d.g.out_width; ++ox) FloatDepthwiseChannels<F, NV>(d, ox, c0);
}

// 8 channels, stride 1: two neighbouring output pixels are one 16-lane vector
// (lanes 0-7 the first pixel, 8-15 the second), and so are their inputs for any
// tap; the weights and bias are duplicated into both halves. P such pairs from
// ox, every tap inside the row; each lane's sum is the reference's.
template <bool F, int P>
void FloatDepthwisePairs8(const FloatDepthwiseRow& d, int ox) {
  const DepthwiseRowGeometry& g = d.g;
  __m512 acc[P];
  for (int p = 0; p < P; ++p) acc[p] = _mm512_setzero_ps();
  const int ix0 = ox - g.pad;
  for (int fy = 0; fy < g.filter_h; ++fy) {
    const float* row = d.rows[fy];
    if (row == nullptr) continue;
    for (int fx = 0; fx < g.filter_w; ++fx) {
      const float* x = row + static_cast<int64_t>(ix0 + fx * g.dilation) * 8;
      const __m512 w = _mm512_broadcast_f32x8(_mm256_loadu_ps(d.weights + static_cast<int64_t>(fy * g.filter_w + fx) * d.weights_stride));
      for (int p = 0; p < P; ++p) acc[p] = MulAdd<F>(acc[p], _mm512_loadu_ps(x + 16 * p), w);
    }
  }
  const __m512 bias = _mm512_broadcast_f32x8(_mm256_loadu_ps(d.bias));
  for (int p = 0; p < P; ++p) {
    _mm512_storeu_ps(d.out + static_cast<int64_t>(ox) * 8 + 16 * p, Clamp(_mm512_add_ps(acc[p], bias), d.min, d.max));
  }
}

template <bool F>
void FloatDepthwiseT(const FloatDepthwiseRow& d) {
  const DepthwiseRowGeometry& g = d.g;
  const int channels = g.channels;
  // Pixels [ox_lo, ox_hi] read only columns inside the row (ox_hi < ox_lo when none do).
  const int ox_lo = (g.pad + g.stride - 1) / g.stride;
  const int64_t last = static_cast<int64_t>(g.in_width) - 1 + g.pad - static_cast<int64_t>(g.filter_w - 1) * g.dilation;
  const int ox_hi = last < 0 ? -1 : static_cast<int>(last / g.stride < g.out_width - 1 ? last / g.stride : g.out_width - 1);
  if (channels == 8 && g.stride == 1) {  // pixel pairs in whole vectors
    int ox = 0;
    for (; ox < g.out_width && ox < ox_lo; ++ox) FloatDepthwiseChannels<F, 1>(d, ox, 0);
    for (; ox + 15 <= ox_hi; ox += 16) FloatDepthwisePairs8<F, 8>(d, ox);
    for (; ox + 1 <= ox_hi; ox += 2) FloatDepthwisePairs8<F, 1>(d, ox);
    for (; ox <= ox_hi; ++ox) FloatDepthwisePixels<F, 1, 1>(d, ox, 0);
    for (; ox < g.out_width; ++ox) FloatDepthwiseChannels<F, 1>(d, ox, 0);
    return;
  }
  if (channels <= 16) {  // one vector of channels: 8 pixels a tile
    FloatDepthwiseBlock<F, 8, 1>(d, 0, ox_lo, ox_hi);
    return;
  }
  if (channels <= 32) {
    FloatDepthwiseBlock<F, 4, 2>(d, 0, ox_lo, ox_hi);
    return;
  }
  // Wider: pixel by pixel, every channel of a pixel before the next (tiles
  // of several pixels measured slower here on DeepLab's 72-480 channels).
  for (int ox = 0; ox < g.out_width; ++ox) {
    for (int c0 = 0; c0 < channels; c0 += 64) {
      switch ((Min(64, channels - c0) + 15) / 16) {
        case 1: FloatDepthwiseChannels<F, 1>(d, ox, c0); break;
        case 2: FloatDepthwiseChannels<F, 2>(d, ox, c0); break;
        case 3: FloatDepthwiseChannels<F, 3>(d, ox, c0); break;
        default: FloatDepthwiseChannels<F, 4>(d, ox, c0); break;
      }
    }
  }
}

void FloatDepthwise(const FloatDepthwiseRow& d) { d.fused ? FloatDepthwiseT<true>(d) : FloatDepthwiseT<false>(d); }

// ---- int8 ADD/SUB ----

// The deployment kernel sets' ADD (isa.h, Int8AddArithmetic), 16 lanes.
// SRDHM with one multiplier m >= 0 (in every lane): bits 31..62 of x·m + 2^30.
inline __m512i Srdhm(__m512i x, __m512i m) {
  const __m512i nudge = _mm512_set1_epi64(int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, m), nudge);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m), nudge);
  return _mm512_mask_blend_epi32(__mmask16(0xAAAA), _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
}

// gemmlowp's RoundingDivideByPOT by r in [0, 31] (ties away from zero).
inline __m512i RoundingDivideByPot(__m512i x, int r) {
  const __m512i mask = _mm512_set1_epi32(static_cast<int32_t>((uint32_t{1} << r) - 1));
  const __m512i threshold = _mm512_add_epi32(_mm512_srai_epi32(mask, 1), _mm512_srli_epi32(x, 31));
  const __m512i floor = _mm512_sra_epi32(x, _mm_cvtsi32_si128(r));
  return _mm512_mask_add_epi32(floor, _mm512_cmpgt_epi32_mask(_mm512_and_si512(x, mask), threshold), floor, _mm512_set1_epi32(1));
}

// The low 16 bits of each lane, sign-extended.
inline __m512i Wrap16(__m512i x) { return _mm512_srai_epi32(_mm512_slli_epi32(x, 16), 16); }

void DeploymentAdd(const Int8AddRow& r) {
  const Int8AddLanes l = r.lanes;  // a local copy: the byte stores cannot alias it
  const bool xnn = r.arithmetic == Int8AddArithmetic::kXnnpack;
  const __m512i m1 = _mm512_set1_epi32(l.m1), m2 = _mm512_set1_epi32(l.m2), mo = _mm512_set1_epi32(l.output_multiplier);
  const __m512i offset1 = _mm512_set1_epi32(l.offset1), offset2 = _mm512_set1_epi32(l.offset2);
  const __m128i lshift1 = _mm_cvtsi32_si128(l.lshift1), lshift2 = _mm_cvtsi32_si128(l.lshift2);
  const __m128i rshift1 = _mm_cvtsi32_si128(l.rshift1), rshift2 = _mm_cvtsi32_si128(l.rshift2);
  const __m512i bias = _mm512_set1_epi32(l.bias), output_offset = _mm512_set1_epi32(l.output_offset);
  const __m512i lo = _mm512_set1_epi32(l.min), hi = _mm512_set1_epi32(l.max);
  for (int64_t i = 0; i < r.n; i += 16) {
    const int count = r.n - i >= 16 ? 16 : static_cast<int>(r.n - i);
    const __mmask16 mask = LaneMask(count);
    const __m128i a = _mm_maskz_loadu_epi8(mask, r.a + i);
    const __m128i b = _mm_maskz_loadu_epi8(mask, r.b + i);
    const __m512i x1 = r.is_unsigned ? _mm512_cvtepu8_epi32(a) : _mm512_cvtepi8_epi32(a);
    const __m512i x2 = r.is_unsigned ? _mm512_cvtepu8_epi32(b) : _mm512_cvtepi8_epi32(b);
    __m512i v;
    if (xnn) {
      const __m512i acc = _mm512_add_epi32(bias, _mm512_add_epi32(_mm512_mullo_epi32(x1, m1), _mm512_mullo_epi32(x2, m2)));
      v = _mm512_add_epi32(_mm512_sra_epi32(acc, rshift1), output_offset);
    } else {
      const __m512i s1 = _mm512_sra_epi32(Srdhm(_mm512_sll_epi32(_mm512_add_epi32(x1, offset1), lshift1), m1), rshift1);
      const __m512i s2 = _mm512_sra_epi32(Srdhm(_mm512_sll_epi32(_mm512_add_epi32(x2, offset2), lshift2), m2), rshift2);
      const __m512i scaled = RoundingDivideByPot(Srdhm(_mm512_add_epi32(s1, s2), mo), l.output_right);
      v = Wrap16(_mm512_add_epi32(Wrap16(scaled), output_offset));
    }
    StoreBytes(r.out + i, _mm512_min_epi32(_mm512_max_epi32(v, lo), hi), count);
  }
}

void Int8Add(const Int8AddRow& r) {
  if (r.arithmetic != Int8AddArithmetic::kReference) {
    DeploymentAdd(r);
    return;
  }
  const __m512i offset1 = _mm512_set1_epi32(r.offset1), offset2 = _mm512_set1_epi32(r.offset2);
  const __m512i shift = _mm512_set1_epi32(r.left_shift);
  const Int8OutputStage in1 = r.in1, in2 = r.in2, out_stage = r.stage;  // local copies: the byte stores cannot alias them
  for (int64_t i = 0; i < r.n; i += 16) {
    const int count = r.n - i >= 16 ? 16 : static_cast<int>(r.n - i);
    const __mmask16 mask = LaneMask(count);
    const __m128i a = _mm_maskz_loadu_epi8(mask, r.a + i);
    const __m128i b = _mm_maskz_loadu_epi8(mask, r.b + i);
    __m512i x1 = r.is_unsigned ? _mm512_cvtepu8_epi32(a) : _mm512_cvtepi8_epi32(a);
    __m512i x2 = r.is_unsigned ? _mm512_cvtepu8_epi32(b) : _mm512_cvtepi8_epi32(b);
    x1 = _mm512_sllv_epi32(_mm512_add_epi32(x1, offset1), shift);
    x2 = _mm512_sllv_epi32(_mm512_add_epi32(x2, offset2), shift);
    const __m512i s1 = Requantize(x1, in1, 0);
    const __m512i s2 = Requantize(x2, in2, 0);
    const __m512i raw = r.subtract ? _mm512_sub_epi32(s1, s2) : _mm512_add_epi32(s1, s2);
    StoreRequantized(r.out + i, raw, out_stage, 0, count);
  }
}

// ---- int8 depthwise on int16 tap pairs (vpdpwssd) ----

// Offset int32 lanes of 16 channels of input column j (0 outside the image or past the channels).
template <bool kUnsigned>
inline __m512i LoadOffsetColumn(const Int8DepthwisePairs& d, const uint8_t* in_row, int64_t j, int b, __mmask16 mask,
                                __m512i offset) {
  if (j < 0 || j >= d.in_w) return _mm512_setzero_si512();
  const __m128i bytes = _mm_maskz_loadu_epi8(mask, in_row + j * d.channels + 16 * b);
  const __m512i x = kUnsigned ? _mm512_cvtepu8_epi32(bytes) : _mm512_cvtepi8_epi32(bytes);
  return _mm512_maskz_add_epi32(mask, x, offset);
}

// One input row as offset int16 pairs (x[j], x[j + dilation]) at the
// transformed columns c = j + pad_w that start a pair: with an even stride
// only every other column does (ox·stride + 2·pair·dilation), so the others
// are skipped (never read).
template <bool kUnsigned>
void ConvertPairRow(const Int8DepthwisePairs& d, const uint8_t* in_row, uint8_t* t_row, int64_t cols, int64_t col_bytes) {
  const int end = DepthwisePairBlockEnd(d);
  const __m512i offset = _mm512_set1_epi32(d.input_offset);
  const __m512i low16 = _mm512_set1_epi32(0xFFFF);
  const int64_t every = d.stride_w % 2 == 0 ? 2 : 1;
  for (int b = d.block0; b < end; ++b) {
    const __mmask16 mask = LaneMask(d.channels - 16 * b);
    if (d.dilation_w == 1 && every == 1) {  // each column converted once, kept for the next pair
      __m512i x0 = LoadOffsetColumn<kUnsigned>(d, in_row, -d.pad_w, b, mask, offset);
      for (int64_t c = 0; c < cols; ++c) {
        const __m512i x1 = LoadOffsetColumn<kUnsigned>(d, in_row, c - d.pad_w + 1, b, mask, offset);
        _mm512_storeu_si512(t_row + c * col_bytes + 64 * b, _mm512_or_si512(_mm512_and_si512(x0, low16), _mm512_slli_epi32(x1, 16)));
        x0 = x1;
      }
    } else {
      for (int64_t c = 0; c < cols; c += every) {
        const __m512i x0 = LoadOffsetColumn<kUnsigned>(d, in_row, c - d.pad_w, b, mask, offset);
        const __m512i x1 = LoadOffsetColumn<kUnsigned>(d, in_row, c - d.pad_w + d.dilation_w, b, mask, offset);
        _mm512_storeu_si512(t_row + c * col_bytes + 64 * b, _mm512_or_si512(_mm512_and_si512(x0, low16), _mm512_slli_epi32(x1, 16)));
      }
    }
  }
}

// One output row for channel block b: FH filter rows (null: outside the
// image) of P tap pairs each, the weights held in registers across the row.
template <int FH, int P>
void DepthwisePairsRow(const Int8DepthwisePairs& d, const uint8_t* const* trows, int64_t col_bytes, int b, uint8_t* out_row) {
  const int64_t w_stride = static_cast<int64_t>((d.channels + 15) / 16) * 16;
  __m512i w[FH][P];
  for (int fy = 0; fy < FH; ++fy)
    for (int p = 0; p < P; ++p) w[fy][p] = _mm512_loadu_si512(d.weights + (static_cast<int64_t>(fy) * P + p) * w_stride + 16 * b);
  const int64_t step = d.stride_w * col_bytes, pair_step = 2 * d.dilation_w * col_bytes;
  const int c = 16 * b;
  const Int8OutputStage stage = d.stage;  // a local copy: the byte stores below cannot alias it
  const __m512i bias = _mm512_loadu_si512(stage.bias + c);
  for (int ox = 0; ox < d.out_w; ++ox) {
    __m512i acc = bias;
    for (int fy = 0; fy < FH; ++fy) {
      if (trows[fy] == nullptr) continue;
      const uint8_t* t = trows[fy] + ox * step + 64 * b;
      for (int p = 0; p < P; ++p) acc = _mm512_dpwssd_epi32(acc, _mm512_loadu_si512(t + p * pair_step), w[fy][p]);
    }
    StoreRequantized(out_row + static_cast<int64_t>(ox) * d.channels + c, acc, stage, c, d.channels - c);
  }
}

// DepthwisePairsRow for the 32 channels of blocks b and b + 1 (both whole),
// stored as one packed 32-byte store per pixel.
template <int FH, int P>
void DepthwisePairsRow32(const Int8DepthwisePairs& d, const uint8_t* const* trows, int64_t col_bytes, int b, uint8_t* out_row) {
  const int64_t w_stride = static_cast<int64_t>((d.channels + 15) / 16) * 16;
  __m512i w[FH][P][2];
  for (int fy = 0; fy < FH; ++fy) {
    for (int p = 0; p < P; ++p) {
      for (int h = 0; h < 2; ++h) w[fy][p][h] = _mm512_loadu_si512(d.weights + (static_cast<int64_t>(fy) * P + p) * w_stride + 16 * (b + h));
    }
  }
  const int64_t step = d.stride_w * col_bytes, pair_step = 2 * d.dilation_w * col_bytes;
  const int c = 16 * b;
  const Int8OutputStage stage = d.stage;  // a local copy: the byte stores below cannot alias it
  const __m512i bias0 = _mm512_loadu_si512(stage.bias + c), bias1 = _mm512_loadu_si512(stage.bias + c + 16);
  for (int ox = 0; ox < d.out_w; ++ox) {
    // Two chains per block (even and odd filter rows): half the latency of one.
    __m512i acc0 = bias0, acc1 = bias1, odd0 = _mm512_setzero_si512(), odd1 = _mm512_setzero_si512();
    for (int fy = 0; fy < FH; ++fy) {
      if (trows[fy] == nullptr) continue;
      const uint8_t* t = trows[fy] + ox * step + 64 * b;
      for (int p = 0; p < P; ++p) {
        if (fy % 2 == 0) {
          acc0 = _mm512_dpwssd_epi32(acc0, _mm512_loadu_si512(t + p * pair_step), w[fy][p][0]);
          acc1 = _mm512_dpwssd_epi32(acc1, _mm512_loadu_si512(t + p * pair_step + 64), w[fy][p][1]);
        } else {
          odd0 = _mm512_dpwssd_epi32(odd0, _mm512_loadu_si512(t + p * pair_step), w[fy][p][0]);
          odd1 = _mm512_dpwssd_epi32(odd1, _mm512_loadu_si512(t + p * pair_step + 64), w[fy][p][1]);
        }
      }
    }
    StoreRequantized32(out_row + static_cast<int64_t>(ox) * d.channels + c, _mm512_add_epi32(acc0, odd0), _mm512_add_epi32(acc1, odd1), stage, c);
  }
}

// Any filter size: the same sums, weights from memory.
void DepthwisePairsRowAny(const Int8DepthwisePairs& d, const uint8_t* const* trows, int64_t col_bytes, int b,
                          uint8_t* out_row) {
  const int pairs = DepthwisePairCount(d.filter_w);
  const int64_t w_stride = static_cast<int64_t>((d.channels + 15) / 16) * 16;
  const int64_t step = d.stride_w * col_bytes, pair_step = 2 * d.dilation_w * col_bytes;
  const int c = 16 * b;
  const Int8OutputStage stage = d.stage;
  for (int ox = 0; ox < d.out_w; ++ox) {
    __m512i acc = _mm512_loadu_si512(stage.bias + c);
    for (int fy = 0; fy < d.filter_h; ++fy) {
      if (trows[fy] == nullptr) continue;
      const uint8_t* t = trows[fy] + ox * step + 64 * b;
      const int32_t* w = d.weights + static_cast<int64_t>(fy) * pairs * w_stride + c;
      for (int p = 0; p < pairs; ++p) acc = _mm512_dpwssd_epi32(acc, _mm512_loadu_si512(t + p * pair_step), _mm512_loadu_si512(w + p * w_stride));
    }
    StoreRequantized(out_row + static_cast<int64_t>(ox) * d.channels + c, acc, stage, c, d.channels - c);
  }
}

void Int8DepthwisePairsRows(const Int8DepthwisePairs& d) {
  const int blocks = (d.channels + 15) / 16, end = DepthwisePairBlockEnd(d);
  const int64_t cols = DepthwisePairColumns(d);
  const int64_t col_bytes = static_cast<int64_t>(blocks) * 64;
  const int64_t row_bytes = cols * col_bytes;
  // 1. An input row, as offset int16 pairs, when a row first needs it.
  auto convert = [&](int64_t iy, uint8_t* t_row) {
    const uint8_t* in_row = d.input + iy * d.in_w * d.channels;
    if (d.input_unsigned) {
      ConvertPairRow<true>(d, in_row, t_row, cols, col_bytes);
    } else {
      ConvertPairRow<false>(d, in_row, t_row, cols, col_bytes);
    }
  };
  // 2. Each output row, block by block.
  ForEachDepthwisePairsRow(d, row_bytes, convert, [&](int oy, const uint8_t* const* trows) {
    uint8_t* out_row = d.output + static_cast<int64_t>(oy) * d.out_w * d.channels;
    int b = d.block0;
    if (d.filter_h == 3 && d.filter_w == 3) {
      for (; b + 2 <= end && 16 * b + 32 <= d.channels; b += 2) DepthwisePairsRow32<3, 2>(d, trows, col_bytes, b, out_row);
    }
    for (; b < end; ++b) {
      if (d.filter_h == 3 && d.filter_w == 3) {
        DepthwisePairsRow<3, 2>(d, trows, col_bytes, b, out_row);
      } else if (d.filter_h == 5 && d.filter_w == 5) {
        DepthwisePairsRow<5, 3>(d, trows, col_bytes, b, out_row);
      } else {
        DepthwisePairsRowAny(d, trows, col_bytes, b, out_row);
      }
    }
  });
}

const IsaKernels kAvx512Vnni = {CpuPath::kAvx512Vnni, Int8Layout::kQuad, Int8Gemm, Int8Depthwise, FloatGemm, FloatDepthwise,
                                Int8Add, Int8DepthwisePairsRows, /*fp32_stage=*/true, /*float_runs=*/true};

}  // namespace

const IsaKernels* Avx512VnniKernels() { return &kAvx512Vnni; }

// ---- hybrid kernels (hybrid.h): as Int8Block, the int32 sums plus bias stored whole; the quantizers ----

namespace {

template <int MR, int NV>
void Int8SumsBlock(const Int8GemmTile& t, int r0, int p0) {
  __m512i acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_si512();
  const uint8_t* a = static_cast<const uint8_t*>(t.a) + r0 * t.a_stride;
  const int8_t* b = static_cast<const int8_t*>(t.b) + static_cast<int64_t>(p0) * t.k_steps * 64;
  const int64_t panel_bytes = static_cast<int64_t>(t.k_steps) * 64;
  for (int k = 0; k < t.k_steps; ++k) {
    __m512i bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_si512(b + v * panel_bytes + k * 64);
    for (int i = 0; i < MR; ++i) {
      const __m512i av = _mm512_set1_epi32(LoadQuad(a + i * t.a_stride + 4 * k));
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], av, bv[v]);
    }
  }
  for (int i = 0; i < MR; ++i) {
    int32_t* out = reinterpret_cast<int32_t*>(static_cast<uint8_t*>(t.c) + (r0 + i) * t.c_stride);
    for (int v = 0; v < NV; ++v) {
      const int c = (p0 + v) * 16;
      _mm512_storeu_si512(out + c, _mm512_add_epi32(acc[i][v], _mm512_loadu_si512(t.stage.bias + c)));
    }
  }
}

// The same sums, then HybridStage's float stage on 16 channels at a time (its
// operations in the scalar kernels' order), stored as floats.
template <int MR, int NV>
void HybridBlock(const HybridGemmTile& h, int r0, int p0) {
  const Int8GemmTile& t = h.gemm;
  __m512i acc[MR][NV];
  for (int i = 0; i < MR; ++i)
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_si512();
  const uint8_t* a = static_cast<const uint8_t*>(t.a) + r0 * t.a_stride;
  const int8_t* b = static_cast<const int8_t*>(t.b) + static_cast<int64_t>(p0) * t.k_steps * 64;
  const int64_t panel_bytes = static_cast<int64_t>(t.k_steps) * 64;
  for (int k = 0; k < t.k_steps; ++k) {
    __m512i bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_loadu_si512(b + v * panel_bytes + k * 64);
    for (int i = 0; i < MR; ++i) {
      const __m512i av = _mm512_set1_epi32(LoadQuad(a + i * t.a_stride + 4 * k));
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], av, bv[v]);
    }
  }
  const HybridStage& s = *h.stage;
  for (int i = 0; i < MR; ++i) {
    const int64_t group = (h.row0 + r0 + i) / s.rows_per_group;
    const __m512 row_scale = _mm512_set1_ps(s.row_scale[group]);
    const __m512i zero_point = _mm512_set1_epi32(s.zero_point[group]);
    float* out = h.out + (r0 + i) * h.out_stride;
    for (int v = 0; v < NV; ++v) {
      const int c = (p0 + v) * 16;
      const int count = Min(16, t.channels - c);
      if (count <= 0) break;
      const __mmask16 mask = LaneMask(count);
      // Σ w·q − zero_point · Σ w (wrapping), as float.
      __m512i x = _mm512_add_epi32(acc[i][v], _mm512_loadu_si512(t.stage.bias + c));
      x = _mm512_sub_epi32(x, _mm512_mullo_epi32(zero_point, _mm512_loadu_si512(h.row_sums + c)));
      const __m512 f = _mm512_cvtepi32_ps(x);
      const __m512 bias = h.bias ? _mm512_maskz_loadu_ps(mask, h.bias + c) : _mm512_setzero_ps();
      __m512 y;
      switch (s.mode) {
        case HybridStage::Mode::kRowScale:
          y = _mm512_add_ps(bias, _mm512_mul_ps(f, row_scale));
          break;
        case HybridStage::Mode::kRowTimesChannel:
          y = _mm512_add_ps(bias, _mm512_mul_ps(f, _mm512_mul_ps(row_scale, _mm512_maskz_loadu_ps(mask, h.channel_scale + c))));
          break;
        case HybridStage::Mode::kRowThenChannel:  // + 0.0f without a bias, as the reference
          y = _mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(f, row_scale), _mm512_maskz_loadu_ps(mask, h.channel_scale + c)), bias);
          break;
        default:  // kChannelThenRow: the bias added only when there is one
          y = _mm512_mul_ps(_mm512_mul_ps(f, _mm512_maskz_loadu_ps(mask, h.channel_scale + c)), row_scale);
          if (h.bias) y = _mm512_add_ps(y, bias);
          break;
      }
      _mm512_mask_storeu_ps(out + c, mask, Clamp(y, s.min, s.max));
    }
  }
}

using HybridBlockFn = void (*)(const HybridGemmTile&, int, int);
template <int MR>
struct HybridBlocks {
  static constexpr HybridBlockFn fns[4] = {HybridBlock<MR, 1>, HybridBlock<MR, 2>, HybridBlock<MR, 3>, HybridBlock<MR, 4>};
};

void HybridGemm(const HybridGemmTile& h) {
  static constexpr const HybridBlockFn* kBlocks[6] = {HybridBlocks<1>::fns, HybridBlocks<2>::fns, HybridBlocks<3>::fns,
                                                      HybridBlocks<4>::fns, HybridBlocks<5>::fns, HybridBlocks<6>::fns};
  for (int p = 0; p < h.gemm.panels; p += 4) {
    const int nv = Min(4, h.gemm.panels - p);
    for (int r = 0; r < h.gemm.rows; r += 6) kBlocks[Min(6, h.gemm.rows - r) - 1][nv - 1](h, r, p);
  }
}

using Int8SumsBlockFn = void (*)(const Int8GemmTile&, int, int);
template <int MR>
struct Int8SumsBlocks {
  static constexpr Int8SumsBlockFn fns[4] = {Int8SumsBlock<MR, 1>, Int8SumsBlock<MR, 2>, Int8SumsBlock<MR, 3>,
                                             Int8SumsBlock<MR, 4>};
};

void Int8GemmSums(const Int8GemmTile& t) {
  static constexpr const Int8SumsBlockFn* kBlocks[6] = {Int8SumsBlocks<1>::fns, Int8SumsBlocks<2>::fns,
                                                        Int8SumsBlocks<3>::fns, Int8SumsBlocks<4>::fns,
                                                        Int8SumsBlocks<5>::fns, Int8SumsBlocks<6>::fns};
  for (int p = 0; p < t.panels; p += 4) {
    const int nv = Min(4, t.panels - p);
    for (int r = 0; r < t.rows; r += 6) kBlocks[Min(6, t.rows - r) - 1][nv - 1](t, r, p);
  }
}

// max |x| over the row: max with the running value second ignores NaN, as math::SymmetricRange does.
float MaxAbs(const float* x, int64_t n) {
  __m512 m = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask = LaneMask(n - i >= 16 ? 16 : static_cast<int>(n - i));
    m = _mm512_max_ps(_mm512_abs_ps(_mm512_maskz_loadu_ps(mask, x + i)), m);
  }
  return _mm512_reduce_max_ps(m);
}

// math::RoundToInt8Range(offset + x·inverse, lo, hi) + 128, 16 lanes: NaN
// gives 0; clamping to [lo − 1, hi + 1] first changes no result (rounding is
// monotonic, the result is clamped to [lo, hi]) and keeps the truncation in range.
void QuantizeBiased(const float* x, int64_t n, float inverse, float offset, int32_t lo, int32_t hi, uint8_t* u) {
  const __m512 inv = _mm512_set1_ps(inverse), off = _mm512_set1_ps(offset);
  const __m512 lo_f = _mm512_set1_ps(static_cast<float>(lo - 1)), hi_f = _mm512_set1_ps(static_cast<float>(hi + 1));
  const __m512 half = _mm512_set1_ps(0.5f), minus_half = _mm512_set1_ps(-0.5f);
  const __m512i lo_i = _mm512_set1_epi32(lo), hi_i = _mm512_set1_epi32(hi), one = _mm512_set1_epi32(1);
  const __m512i bias = _mm512_set1_epi32(128);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask = LaneMask(n - i >= 16 ? 16 : static_cast<int>(n - i));
    __m512 v = _mm512_add_ps(off, _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + i), inv));
    v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
    v = _mm512_min_ps(_mm512_max_ps(v, lo_f), hi_f);
    __m512i t = _mm512_cvttps_epi32(v);
    const __m512 fraction = _mm512_sub_ps(v, _mm512_cvtepi32_ps(t));
    t = _mm512_mask_add_epi32(t, _mm512_cmp_ps_mask(fraction, half, _CMP_GE_OQ), t, one);
    t = _mm512_mask_sub_epi32(t, _mm512_cmp_ps_mask(fraction, minus_half, _CMP_LE_OQ), t, one);
    t = _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(t, lo_i), hi_i), bias);
    _mm_mask_storeu_epi8(u + i, mask, _mm512_cvtepi32_epi8(t));
  }
}

// The qd8 range: vminps(x, m) is (x < m) ? x : m and vmaxps(x, m) is (x > m) ? x : m,
// QuantizeRowQd8's selections (NaN and a −0 against +0 keep m); the lanes outside
// the row load +0, which changes neither; no lane holds NaN or −0, so any
// reduction order gives the same lo and hi.
void Qd8Range(const float* x, int64_t n, float* lo, float* hi) {
  __m512 l = _mm512_setzero_ps(), h = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __m512 v = _mm512_maskz_loadu_ps(LaneMask(n - i >= 16 ? 16 : static_cast<int>(n - i)), x + i);
    l = _mm512_min_ps(v, l);
    h = _mm512_max_ps(v, h);
  }
  *lo = _mm512_reduce_min_ps(l);
  *hi = _mm512_reduce_max_ps(h);
}

// nearest-even(min(max(x·scale, lo), hi)) + zp + 128 as bytes: vmaxps(lo, v)
// and vminps(hi, v) keep v when it is NaN or equal, as std::max(v, lo) and
// std::min(v, hi) do; vcvtps2dq rounds to nearest even as std::nearbyint (and
// gives 0x80000000 for NaN, as the scalar conversion does); vpmovdb keeps the
// low byte, as the scalar int8 cast.
void Qd8Quantize(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* u) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(-128 - zero_point)), hi = _mm512_set1_ps(static_cast<float>(127 - zero_point));
  const __m512i offset = _mm512_set1_epi32(zero_point + 128);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask = LaneMask(n - i >= 16 ? 16 : static_cast<int>(n - i));
    __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, x + i), s);
    v = _mm512_min_ps(hi, _mm512_max_ps(lo, v));
    const __m512i t = _mm512_add_epi32(_mm512_cvtps_epi32(v), offset);
    _mm_mask_storeu_epi8(u + i, mask, _mm512_cvtepi32_epi8(t));
  }
}

const HybridKernels kAvx512VnniHybrid = {Int8GemmSums, HybridGemm, MaxAbs, QuantizeBiased, Qd8Range, Qd8Quantize};

}  // namespace

const HybridKernels* Avx512VnniHybridKernels() { return &kAvx512VnniHybrid; }

}  // namespace tfldbg::fast
