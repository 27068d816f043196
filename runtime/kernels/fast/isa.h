// The fast kernels' inner loops, one table per instruction set (cpu/cpu.h).
//
// Each table is compiled in its own file with that instruction set enabled
// (isa_avx512vnni.cc, isa_avxvnni.cc, isa_avx2.cc; isa_portable.cc with the
// build's baseline flags) and is only called when the CPU runs it. Those
// files use no standard-library templates: an out-of-line copy of one built
// with AVX-512 could be the copy the linker keeps for the whole program.
//
// The callers (conv/conv_fast.cc, matmul/fully_connected_fast.cc) do the
// packing, tiling and threading; a table entry computes one tile from raw
// pointers. Integer entries must equal the reference kernels bit for bit.
//
//   const IsaKernels* k = IsaKernelsFor(CpuPath::kAvx512Vnni);
//   k->int8_gemm(tile);
#pragma once

#include <cstdint>

#include "cpu/cpu.h"

namespace tfldbg::fast {

// Output channels per packed weight panel: one 512-bit vector of int32 or
// float sums (two 256-bit vectors).
constexpr int kPanel = 16;

// How one packed row of an 8-bit weight panel holds its k values.
//   kQuad: 4 consecutive k of each channel as int8, [k/4][16][4] (vpdpbusd; the portable loop)
//   kPair: 2 consecutive k of each channel as int16, [k/2][16][2] (vpmaddwd, exact in AVX2)
enum class Int8Layout { kQuad, kPair };

// The requantization of 16 channels in the one-step form the AVX-512 kernels
// use, all of it at one address (one pointer per panel in the tile loops):
// with ab = a·multiplier (a = acc << left),
//   v = (ab + add − (ab < −2^30 ? sign_fix : 0)) >> shift
// Double rounding: shift 31 + right, add 2^30 + 2^(30+right) (right > 0),
// sign_fix 2^31 (right > 0, ties away from zero). Single: shift right, add
// 2^(right−1), sign_fix 0. (floor(floor(x)/2^e) = floor(x/2^e): the two
// roundings become one add and one shift; the sign term is RoundingDivideByPOT's.)
// The 64-bit fields hold the 8 even channels, then the 8 odd ones;
// multiplier_odd[2j] is multiplier[2j + 1].
struct alignas(64) StagePanel {
  int32_t multiplier[kPanel];
  int32_t multiplier_odd[kPanel];
  int32_t left[kPanel];
  int64_t add[kPanel];  // 64-byte aligned, as every field (3 × 64 bytes before it)
  int64_t sign_fix[kPanel];
  int64_t shift[kPanel];
};

// The requantization of a tile's int32 sums, LiteRT's arithmetic per output
// channel (arrays indexed by channel, padded to whole panels):
//   acc = Σ a·b + bias[c] + row_factor · row_sum[r]        (wrapping int32)
//   double rounding: RoundingDivideByPOT(SRDHM(acc << left[c], multiplier[c]), right[c])
//     (channels below ties_up_channels: the shift rounds ties toward +inf, LiteRT's
//     optimized output stage: every channel with RoundingMode::kDoubleHalfUp, the
//     whole blocks of 8 of its int8 depthwise, ChannelRequant::half_up_channels)
//   single rounding: (acc · multiplier[c] + 2^(right[c]-1)) >> right[c]   (right = 31 - shift)
//   out = clamp(v + output_offset, min, max) as int8 or uint8
// or, with fp32_scale (XNNPACK's fp32 requantization, --kernels xnnpack;
// math::XnnpackRequantize), in place of the integer rounding:
//   v = nearbyint(min(max(float(acc) · fp32_scale[c], fp32_min), fp32_max))
// (tables with IsaKernels::fp32_stage only).
struct Int8OutputStage {
  const int32_t* bias = nullptr;
  const int32_t* multiplier = nullptr;
  const int32_t* left = nullptr;
  const int32_t* right = nullptr;
  // Double rounding: RoundingDivideByPOT's mask 2^right - 1 and its half, per channel.
  const int32_t* mask = nullptr;
  const int32_t* half = nullptr;
  // The same arithmetic in one 64-bit step per lane (both modes; the AVX-512
  // kernels use it), one StagePanel per 16 channels: panel[c / kPanel].
  const StagePanel* panel = nullptr;
  bool sign_fix = false;  // some StagePanel::sign_fix != 0
  const float* fp32_scale = nullptr;  // per channel; null: the integer rounding
  float fp32_min = 0, fp32_max = 0;   // the clamp minus the output offset, as float

  // Every per-channel array moved on by `channels` (a multiple of kPanel): the stage of a later panel.
  // (Plain code: this header is compiled into the per-ISA files, which use no standard-library templates.)
  void Advance(int channels) {
    const int32_t** narrow[] = {&bias, &multiplier, &left, &right, &mask, &half};
    for (const int32_t** p : narrow) {
      if (*p != nullptr) *p += channels;
    }
    if (panel != nullptr) panel += channels / kPanel;
    if (fp32_scale != nullptr) fp32_scale += channels;
    ties_up_channels = ties_up_channels > channels ? ties_up_channels - channels : 0;
  }
  bool has_left = true;  // some left[c] != 0 (else the left shift is skipped)
  bool single_rounding = false;
  int ties_up_channels = 0;  // double rounding: channels [0, n) round the shift's ties up (kDoubleHalfUp)
  int32_t row_factor = 0;
  int32_t output_offset = 0;
  int32_t min = 0, max = 0;
  bool output_unsigned = false;
};

// rows × channels outputs: C[r][c] = stage(Σ_k A[r][k] · B[k][c]).
struct Int8GemmTile {
  int rows = 0;
  // A: unsigned 8-bit rows (kQuad) or int16 rows (kPair), k padded to the
  // layout's step with zeros; a_stride in elements.
  const void* a = nullptr;
  int64_t a_stride = 0;
  const int32_t* row_sums = nullptr;  // Σ_k A[r][k] per row; read when row_factor != 0
  // B: `panels` consecutive panels of `k_steps` packed rows (64 bytes each).
  const void* b = nullptr;
  int panels = 0;
  int k_steps = 0;
  int channels = 0;  // valid channels from the first panel's first (the rest of the last panel is padding)
  Int8OutputStage stage;  // arrays already offset to the first panel's first channel
  void* c = nullptr;      // the first row's first channel
  int64_t c_stride = 0;   // bytes between rows
};

// The geometry of one output row of a depthwise convolution with depth
// multiplier 1: output pixel ox reads, for each filter tap (fy, fx) in order,
// input row rows[fy] (null when outside the image) at column
// ox·stride − pad + fx·dilation when that column is inside [0, width).
struct DepthwiseRowGeometry {
  int out_width = 0;
  int channels = 0;            // input channels = output channels
  int filter_h = 0, filter_w = 0;
  int in_width = 0;
  int stride = 1, dilation = 1, pad = 0;
};

// For each channel c: acc = Σ over the taps of (x[c] + input_offset) · w[tap][c]
// (wrapping int32), then the stage above (row_factor 0).
struct Int8DepthwiseRow {
  DepthwiseRowGeometry g;
  const uint8_t* const* rows = nullptr;  // filter_h input rows (pixel 0, channel 0), null outside
  bool input_unsigned = false;
  int32_t input_offset = 0;
  const int32_t* weights = nullptr;  // [filter_h·filter_w][padded channels], filter offset included
  int64_t weights_stride = 0;        // elements between taps
  Int8OutputStage stage;
  uint8_t* out = nullptr;            // the row's first pixel, channel 0; pixels are `channels` bytes apart
};

// rows × channels outputs: C[r][c] = clamp(Σ_k A[r][k] · B[k][c] + bias[c]),
// each sum taken in k order, whatever the tiling or the threads. `fused`
// false: a rounded product then a rounded add, as LiteRT's reference kernels
// do (their bits). `fused` true: one fused multiply-add per term, as the
// deployment kernels (XNNPACK, ruy/Eigen) compute, twice the throughput; the
// scalar kernels then sum with std::fma in the same order (the same bits).
// (Fused sums are up to 1.5% off LiteRT's reference on near-zero outputs of
// the real float models, beyond its tolerance of rtol 1e-5 / atol 1e-6: the
// reference kernel set keeps the unfused form.)
struct FloatGemmTile {
  int rows = 0;
  const float* a = nullptr;
  int64_t a_stride = 0;
  // Indirect A (tables with float_runs; `a` unused when set): row r's k values are `segments`
  // runs of k / segments floats, run s from runs[r · segments + s] (a filter
  // row's taps read in place from the input, or zeros, or a packed copy).
  const float* const* runs = nullptr;
  int segments = 0;
  const float* b = nullptr;  // `panels` panels of k rows of 16 floats
  int panels = 0;
  int k = 0;
  int channels = 0;
  const float* bias = nullptr;  // padded to whole panels (zeros when the op has none)
  float min = 0, max = 0;
  float* c = nullptr;
  int64_t c_stride = 0;  // floats between rows
  bool fused = false;
};

// The depthwise row in float: taps in order (product then add, or one fused
// multiply-add when `fused`, as FloatGemmTile), then bias and clamp.
struct FloatDepthwiseRow {
  DepthwiseRowGeometry g;
  const float* const* rows = nullptr;
  const float* weights = nullptr;  // [filter_h·filter_w][padded channels]
  int64_t weights_stride = 0;
  const float* bias = nullptr;     // padded (zeros when the op has none)
  float min = 0, max = 0;
  float* out = nullptr;
  bool fused = false;
};

// LiteRT's quantized ADD/SUB of two same-shape 8-bit tensors, per element:
//   s1 = in1((a + offset1) << left_shift), s2 = in2((b + offset2) << left_shift)
//   y = out(s1 ± s2)
// where each stage is the requantization above with one multiplier for all
// lanes (arrays of kPanel equal entries; in1/in2 without offset or clamp).
//
// The deployment kernel sets' 8-bit ADD/SUB (same shapes) take the same entry
// with `arithmetic` set and their parameters in `lanes` (offsets, left_shift,
// in1, in2, stage unused):
//   kLiteRtOptimized: the vector blocks of LiteRT's optimized ADD (--kernels
//     optimized; math::QuantizedAddOptimized), with SRDHM(x, m) =
//     floor((x·m + 2^30) / 2^31) (m >= 0) and >> a flooring shift:
//       s_i = SRDHM((q_i + offset_i) << lshift_i, m_i) >> rshift_i
//         (kFoldedShift: lshift_i = 20 + shift_i, rshift_i = 0; kShiftAfter: 20 and −shift_i)
//       v = RoundingDivideByPOT(SRDHM(s1 + s2, output_multiplier), output_right)   (ties away from zero)
//       y = clamp(int16(int16(v) + output_offset), min, max)   (int16(): truncated)
//   kXnnpack: XNNPACK's qs8/qu8 vadd (--kernels xnnpack; xnnpack::AddParams::Apply), raw q:
//       y = clamp(((bias + q1·m1 + q2·m2) >> rshift1) + output_offset, min, max)
// Every shift in [0, 31]; [min, max] inside the 8-bit type.
enum class Int8AddArithmetic : uint8_t { kReference, kLiteRtOptimized, kXnnpack };

struct Int8AddLanes {
  int32_t offset1 = 0, offset2 = 0;
  int32_t m1 = 0, m2 = 0;
  int lshift1 = 0, lshift2 = 0;
  int rshift1 = 0, rshift2 = 0;
  int32_t output_multiplier = 0;
  int output_right = 0;
  int32_t bias = 0;
  int32_t output_offset = 0, min = 0, max = 0;
};

struct Int8AddRow {
  int64_t n = 0;
  const uint8_t* a = nullptr;
  const uint8_t* b = nullptr;
  uint8_t* out = nullptr;
  bool is_unsigned = false;  // inputs and output
  bool subtract = false;
  int32_t offset1 = 0, offset2 = 0;
  int left_shift = 20;
  Int8OutputStage in1, in2, stage;
  Int8AddArithmetic arithmetic = Int8AddArithmetic::kReference;
  Int8AddLanes lanes;  // the other arithmetics
};

// Depthwise (multiplier 1, 8-bit) on 16-bit pairs of taps, for output rows
// [oy0, oy1) of one image: the input rows they read are first rewritten, with
// the input offset added, as pairs (x[j], x[j + dilation]) of int16 per
// channel (0 outside the image, where the reference skips the tap: the product
// is then 0), so that one vpdpwssd adds the taps fx and fx + 1 of 16 channels.
// Exact: each product is below 2^16 in magnitude and the int32 sums wrap as
// the reference's do.
struct Int8DepthwisePairs {
  int in_h = 0, in_w = 0, channels = 0, out_w = 0;
  int filter_h = 0, filter_w = 0, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1, pad_h = 0, pad_w = 0;
  int oy0 = 0, oy1 = 0;
  // The 16-channel blocks computed, [block0, block1) (block1 0: to the last):
  // a layer of few output rows splits its channels over the threads too. Each
  // block's rewritten rows and sums are its own, so a range computes exactly
  // those blocks of the whole call.
  int block0 = 0, block1 = 0;
  const uint8_t* input = nullptr;  // the image's first pixel
  uint8_t* output = nullptr;       // the image's first output pixel
  bool input_unsigned = false;
  int32_t input_offset = 0;
  // [fy][pair][channel block][16] int32 lanes, each the int16 pair
  // (w[fy][2·pair] + offset, w[fy][2·pair + 1] + offset), 0 past the filter.
  const int32_t* weights = nullptr;
  Int8OutputStage stage;
  uint8_t* scratch = nullptr;  // DepthwisePairsScratchBytes(*this)
};

constexpr int kMaxDepthwisePairRows = 64;  // filter_h limit of the pair kernel (callers check)
inline int DepthwisePairCount(int filter_w) { return (filter_w + 1) / 2; }
// The transformed rows' columns: from -pad_w to the first tap of the last pair of the last pixel.
inline int64_t DepthwisePairColumns(const Int8DepthwisePairs& d) {
  return static_cast<int64_t>(d.out_w - 1) * d.stride_w + static_cast<int64_t>(2 * (DepthwisePairCount(d.filter_w) - 1)) * d.dilation_w + 1;
}
// The transformed rows live in a ring of this many slots (image row iy in slot
// iy mod ring): the rows one output row reads, so each row is converted once
// per task and the scratch stays small enough for the L2 cache.
inline int DepthwisePairRing(const Int8DepthwisePairs& d) { return (d.filter_h - 1) * d.dilation_h + 1; }
// The end of the block range [d.block0, DepthwisePairBlockEnd(d)).
inline int DepthwisePairBlockEnd(const Int8DepthwisePairs& d) {
  const int blocks = (d.channels + kPanel - 1) / kPanel;
  return d.block1 > 0 && d.block1 < blocks ? d.block1 : blocks;
}
inline int64_t DepthwisePairsScratchBytes(const Int8DepthwisePairs& d) {
  return DepthwisePairRing(d) * DepthwisePairColumns(d) * ((d.channels + kPanel - 1) / kPanel) * 64;
}

// The row loop of the pair kernels: for each output row oy in [oy0, oy1),
// convert(iy, slot) for the image rows it reads that are not converted yet
// (each once, in order), then compute(oy, trows) with trows[fy] the slot of
// filter row fy (null outside the image, where the reference skips the taps).
template <typename Convert, typename Compute>
void ForEachDepthwisePairsRow(const Int8DepthwisePairs& d, int64_t row_bytes, Convert convert, Compute compute) {
  const int ring = DepthwisePairRing(d);
  const uint8_t* trows[kMaxDepthwisePairRows];
  int64_t next = 0;  // the first image row not converted yet
  for (int oy = d.oy0; oy < d.oy1; ++oy) {
    const int64_t iy0 = static_cast<int64_t>(oy) * d.stride_h - d.pad_h;
    const int64_t last = iy0 + ring - 1 < d.in_h - 1 ? iy0 + ring - 1 : d.in_h - 1;
    for (int64_t iy = iy0 > next ? iy0 : next; iy <= last; ++iy) convert(iy, d.scratch + iy % ring * row_bytes);
    if (last + 1 > next) next = last + 1;
    for (int fy = 0; fy < d.filter_h; ++fy) {
      const int64_t iy = iy0 + static_cast<int64_t>(fy) * d.dilation_h;
      trows[fy] = iy < 0 || iy >= d.in_h ? nullptr : d.scratch + iy % ring * row_bytes;
    }
    compute(oy, static_cast<const uint8_t* const*>(trows));
  }
}

struct IsaKernels {
  CpuPath path;
  Int8Layout int8_layout;
  void (*int8_gemm)(const Int8GemmTile&);
  void (*int8_depthwise)(const Int8DepthwiseRow&);
  void (*float_gemm)(const FloatGemmTile&);
  void (*float_depthwise)(const FloatDepthwiseRow&);
  void (*int8_add)(const Int8AddRow&);
  void (*int8_depthwise_pairs)(const Int8DepthwisePairs&);  // null where it would not pay
  bool fp32_stage;  // the int8 entries apply Int8OutputStage::fp32_scale (else callers keep the scalar loops)
  bool float_runs;  // float_gemm reads FloatGemmTile::runs (else callers pack im2col rows)
};

// Null for kScalar and kAuto.
const IsaKernels* IsaKernelsFor(CpuPath path);

// The tables (each defined in its own file).
const IsaKernels* PortableKernels();
const IsaKernels* Avx2Kernels();
const IsaKernels* AvxVnniKernels();
const IsaKernels* Avx512VnniKernels();

}  // namespace tfldbg::fast
