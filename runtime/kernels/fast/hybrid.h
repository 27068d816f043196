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

// Null for kScalar and kAuto. Each defined next to its table (isa_*.cc).
Int8GemmSumsFn Int8GemmSumsFor(CpuPath path);
Int8GemmSumsFn PortableInt8GemmSums();
Int8GemmSumsFn Avx2Int8GemmSums();
Int8GemmSumsFn AvxVnniInt8GemmSums();
Int8GemmSumsFn Avx512VnniInt8GemmSums();

// The float stage of one output, acc = Σ w·q − zero_point·Σ w (wrapping int32)
// of row r in group g = r / rows_per_group, channel c:
//   kRowScale:        v = bias[c] + float(acc) · row_scale[g]           (FULLY_CONNECTED per tensor, CONV_2D HybridConv)
//   kRowTimesChannel: v = bias[c] + float(acc) · (row_scale[g] · channel_scale[c])   (FULLY_CONNECTED per channel)
//   kChannelThenRow:  v = float(acc) · channel_scale[c] · row_scale[g], then + bias[c] only when there is a bias
//                     (CONV_2D EvalHybridPerChannel)
// then min(max(v, min), max). Without a bias, kRowScale and kRowTimesChannel add 0.0f (as the reference does).
struct HybridStage {
  enum class Mode { kRowScale, kRowTimesChannel, kChannelThenRow };
  Mode mode = Mode::kRowScale;
  int64_t rows_per_group = 1;
  const float* row_scale = nullptr;      // per group
  const int32_t* zero_point = nullptr;   // per group
  const float* channel_scale = nullptr;  // per channel (kRowTimesChannel, kChannelThenRow)
  const float* bias = nullptr;           // per channel, or null
  float min = 0, max = 0;
};

// math::SymmetricQuantizeRow and math::AsymmetricQuantizeRow (kernels/common/hybrid.h),
// the same values written as unsigned bytes u = q + 128 for the GEMM; in
// loops the compiler vectorizes. Symmetric returns the scale.
float QuantizeSymmetricBiased(const float* x, int64_t n, uint8_t* u);
void QuantizeAsymmetricBiased(const float* x, int64_t n, uint8_t* u, float* scale, int32_t* zero_point);

class PackedHybridGemm {
 public:
  // Packs int8 weights [n][k] (zero point 0). False when the path has no
  // 8-bit sums kernel or the sizes are too large for int32 indexing.
  bool Pack(const IsaKernels* isa, const int8_t* weights, int n, int k);
  bool ready() const { return sums_ != nullptr; }
  int k() const { return k_; }
  // out[r][c] for r in [0, rows), c in [0, n), rows out_stride floats apart.
  // pack_rows writes each row's quantized values q as unsigned bytes q + 128
  // (a tap outside the image as the group's zero point + 128).
  void Run(int64_t rows, PackRowsFn pack_rows, const void* context, const HybridStage& stage, float* out,
           int64_t out_stride, ThreadPool* pool) const;

 private:
  Int8GemmSumsFn sums_ = nullptr;
  int n_ = 0, k_ = 0, panels_ = 0, k_steps_ = 0, step_ = 4;
  AlignedBuffer weights_;
  std::vector<int32_t> bias_;      // −128 · Σ_k w per channel: the sums become Σ w·q
  std::vector<int32_t> row_sums_;  // Σ_k w per channel, for the zero points
};

}  // namespace tfldbg::fast
