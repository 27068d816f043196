// The fast dynamic-range ("hybrid") GEMM: float activations quantized to int8
// per row group (kernels/common/hybrid.h, LiteRT's BatchQuantizeFloats /
// HybridConv), integer dot products against constant int8 weights on the
// instruction set's 8-bit GEMM, then LiteRT's float scaling, in the scalar
// kernels' order. The integer sums are exact (wrapping int32, any order), and
// the float stage does the same operations on the same values as the
// reference loops, so the outputs equal them bit for bit.
//
//   PackedHybridGemm g;
//   if (g.Pack(isa, weights, n, k)) {
//     HybridStage s; ...per row group scales and zero points...
//     g.Run(rows, pack_rows, context, s, out, n, pool);   // pack_rows writes q + 128 as bytes
//   }
#pragma once

#include <cstdint>
#include <vector>

#include "cpu/thread_pool.h"
#include "kernels/fast/gemm.h"
#include "kernels/fast/isa.h"

namespace tfldbg::fast {

// rows × channels int32 sums: C[r][c] = Σ_k A[r][k] · B[k][c] + stage.bias[c]
// (wrapping), A and B as for int8_gemm (the table's Int8Layout); c written as
// int32 for whole panels (16 lanes each, padding included), c_stride in bytes.
// Only stage.bias of the output stage is read.
using Int8GemmSumsFn = void (*)(const Int8GemmTile&);

struct HybridStage;

// One tile of the whole hybrid GEMM: the sums of `gemm` (as Int8GemmSumsFn
// computes them), then the float stage, written as floats. Channel arrays
// (row_sums padded to whole panels; channel_scale and bias of the valid
// channels, or null) start at the tile's first channel.
struct HybridGemmTile {
  Int8GemmTile gemm;
  const HybridStage* stage = nullptr;
  int64_t row0 = 0;  // the tile's first row (its group is row / stage->rows_per_group)
  const int32_t* row_sums = nullptr;
  const float* channel_scale = nullptr;
  const float* bias = nullptr;
  float* out = nullptr;  // the tile's first row and channel
  int64_t out_stride = 0;  // floats
};

// One instruction set's pieces of the hybrid path.
struct HybridKernels {
  Int8GemmSumsFn sums;
  // The sums and the float stage in one pass (null: sums, then the portable float stage).
  void (*gemm)(const HybridGemmTile&);
  // max |x[i]| over the row, NaN ignored: math::SymmetricRange's value (0 for an empty row).
  float (*max_abs)(const float* x, int64_t n);
  // u[i] = math::RoundToInt8Range(offset + x[i] · inverse, lo, hi) + 128 (an
  // offset of 0 rounds as x[i] · inverse alone: adding 0 only turns −0 into +0).
  void (*quantize)(const float* x, int64_t n, float inverse, float offset, int32_t lo, int32_t hi, uint8_t* u);
  // XNNPACK's qd8 row quantization (math::QuantizeRowQd8) in two steps, or
  // both null (math::QuantizeRowQd8Biased then): the row's range, lo = the
  // smallest of 0 and the values, hi the largest, NaN ignored, +0 kept over −0;
  // u[i] = nearest-even(min(max(x[i] · scale, −128 − zp), 127 − zp)) + zp + 128.
  void (*qd8_range)(const float* x, int64_t n, float* lo, float* hi);
  void (*qd8_quantize)(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* u);
};

// Null for kScalar and kAuto. Each defined next to its table (isa_*.cc).
const HybridKernels* HybridKernelsFor(CpuPath path);
const HybridKernels* PortableHybridKernels();
const HybridKernels* Avx2HybridKernels();
const HybridKernels* AvxVnniHybridKernels();
const HybridKernels* Avx512VnniHybridKernels();

// The portable quantize entry (also the vector ones' tails).
void QuantizeBiasedPortable(const float* x, int64_t n, float inverse, float offset, int32_t lo, int32_t hi, uint8_t* u);
// The portable qd8_quantize (the vector ones' tails).
void Qd8QuantizePortable(const float* x, int64_t n, float scale, int32_t zero_point, uint8_t* u);

// The float stage of one output, acc = Σ w·q − zero_point·Σ w (wrapping int32)
// of row r in group g = r / rows_per_group, channel c:
//   kRowScale:        v = bias[c] + float(acc) · row_scale[g]           (FULLY_CONNECTED per tensor, CONV_2D HybridConv)
//   kRowTimesChannel: v = bias[c] + float(acc) · (row_scale[g] · channel_scale[c])   (FULLY_CONNECTED per channel)
//   kChannelThenRow:  v = float(acc) · channel_scale[c] · row_scale[g], then + bias[c] only when there is a bias
//                     (CONV_2D EvalHybridPerChannel)
//   kRowThenChannel:  v = float(acc) · row_scale[g] · channel_scale[c] + (bias ? bias[c] : 0.0f)
//                     (--kernels xnnpack: XNNPACK's qd8 FULLY_CONNECTED and CONV_2D, row_scale the
//                     dequantization scale of math::QuantizeRowQd8)
// then min(max(v, min), max). Without a bias, kRowScale, kRowTimesChannel and kRowThenChannel add 0.0f
// (as the reference does).
struct HybridStage {
  enum class Mode { kRowScale, kRowTimesChannel, kChannelThenRow, kRowThenChannel };
  Mode mode = Mode::kRowScale;
  int64_t rows_per_group = 1;
  const float* row_scale = nullptr;      // per group
  const int32_t* zero_point = nullptr;   // per group
  const float* channel_scale = nullptr;  // per channel (kRowTimesChannel, kChannelThenRow, kRowThenChannel)
  const float* bias = nullptr;           // per channel, or null
  float min = 0, max = 0;
};

class PackedHybridGemm {
 public:
  // Packs int8 weights [n][k] (zero point 0). False when the path has no
  // 8-bit sums kernel or the sizes are too large for int32 indexing.
  bool Pack(const IsaKernels* isa, const int8_t* weights, int n, int k);
  bool ready() const { return kernels_ != nullptr; }
  int k() const { return k_; }
  // math::SymmetricQuantizeRow and math::AsymmetricQuantizeRow (kernels/common/hybrid.h)
  // on this path's vectors: the same values, written as unsigned bytes u = q + 128
  // for Run. Symmetric returns the scale.
  float QuantizeSymmetric(const float* x, int64_t n, uint8_t* u) const;
  void QuantizeAsymmetric(const float* x, int64_t n, uint8_t* u, float* scale, int32_t* zero_point) const;
  // math::QuantizeRowQd8's values as u = q + 128 on this path's vectors:
  // returns the dequantization scale and sets *zero_point.
  float QuantizeQd8(const float* x, int64_t n, uint8_t* u, int32_t* zero_point) const;
  // out[r][c] for r in [0, rows), c in [0, n), rows out_stride floats apart.
  // pack_rows writes each row's quantized values q as unsigned bytes q + 128
  // (a tap outside the image as the group's zero point + 128).
  void Run(int64_t rows, PackRowsFn pack_rows, const void* context, const HybridStage& stage, float* out,
           int64_t out_stride, ThreadPool* pool) const;

 private:
  // Rows [r0, r0 + count) × panels [p0, p0 + panels): one call of the tile kernels.
  void RunTile(int64_t r0, int count, int p0, int panels, PackRowsFn pack_rows, const void* context, const HybridStage& stage,
               float* out, int64_t out_stride) const;

  const HybridKernels* kernels_ = nullptr;
  int n_ = 0, k_ = 0, panels_ = 0, k_steps_ = 0, step_ = 4;
  AlignedBuffer weights_;
  std::vector<int32_t> bias_;      // −128 · Σ_k w per channel: the sums become Σ w·q
  std::vector<int32_t> row_sums_;  // Σ_k w per channel, for the zero points
};

}  // namespace tfldbg::fast
