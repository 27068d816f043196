// Packed weights and the tiled, threaded driver of the fast GEMMs that
// CONV_2D and FULLY_CONNECTED run on (isa.h has the per-instruction-set tiles).
//
// 8-bit: LiteRT's sum Σ (w + w_offset)·(x + x_offset) + bias is computed as
// Σ w'·u with u = x + 128 (int8 input) or u = x (uint8) as unsigned bytes and
// w' = w (int8) or w − 128 (uint8) as signed bytes, which vpdpbusd multiplies;
// the difference is a constant per output channel (folded into the bias) plus,
// for uint8 weights, a multiple of the row's Σ u. All of it in wrapping int32,
// so the sums equal the reference's bit for bit, in any order.
//
//   PackedInt8Gemm g;
//   if (g.Pack(isa, DataType::kInt8, weights, n, k, bias, requant)) {
//     g.Run(rows, [&](int64_t r0, int count, uint8_t* tile, int64_t stride) { ...k bytes per row... }, out, n, pool);
//   }
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "tfldbg/dtype.h"
#include "cpu/thread_pool.h"
#include "kernels/common/channel_requant.h"
#include "kernels/fast/isa.h"

namespace tfldbg::fast {

// 64-byte aligned storage for packed weights.
class AlignedBuffer {
 public:
  void Allocate(size_t bytes);
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

// What an Int8OutputStage points at, per channel, padded to whole panels.
struct OutputStageArrays {
  std::vector<int32_t> multiplier, left, right, mask, half;
  std::vector<StagePanel> panels;
  std::vector<float> fp32_scale;  // ChannelRequant::xnn_scales, padded (empty without)
};

// How a GEMM of `rows` × `panels` is cut into tasks: as few as the work
// needs (TaskCount), each a range of rows and, when the rows are too few to
// go round the threads, a group of panels; inside a task, row tiles of at
// most tile_rows (A tile in cache). Tasks of the same rows each pack them.
// The cut never changes a result: each output is computed whole by one tile call.
struct GemmSplit {
  // k and n: the sizes of the product; a_row_bytes: one packed A row.
  GemmSplit(int64_t rows, int panels, int64_t k, int64_t n, int64_t a_row_bytes, const ThreadPool* pool);
  int tasks() const { return ranges * groups; }
  // Task `task` computes rows [FirstRow, EndRow) × panels [FirstPanel, EndPanel).
  int64_t FirstRow(int task) const { return RowCut(task / groups); }
  int64_t EndRow(int task) const { return RowCut(task / groups + 1); }
  int FirstPanel(int task) const { return PanelCut(task % groups); }
  int EndPanel(int task) const { return PanelCut(task % groups + 1); }
  // fn(r0, count) for the row tiles of task `task`, in order.
  template <typename Fn>
  void ForEachTile(int task, Fn fn) const {
    const int64_t end = EndRow(task);
    for (int64_t r0 = FirstRow(task); r0 < end; r0 += tile_rows) fn(r0, static_cast<int>(std::min(tile_rows, end - r0)));
  }

  int64_t tile_rows = 0;
  int ranges = 1, groups = 1;

 private:
  int64_t RowCut(int range) const;
  int PanelCut(int group) const;
  int64_t rows_ = 0;
  int panels_ = 0;
};

// Fills `count` rows of A starting at row r0: k values per row (stride apart), as unsigned bytes.
using PackRowsFn = void (*)(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride);

class PackedInt8Gemm {
 public:
  // Packs weights [n][k] (int8, zero point 0, or uint8 with q.filter_offset)
  // and the output stage from `q`. False (and nothing to run) when the fast
  // path does not apply: offsets beyond 8-bit zero points, or a negative
  // multiplier (no valid model has one), or sizes too large for int32 indexing.
  bool Pack(const IsaKernels* isa, DataType type, const void* weights, int n, int k, const int32_t* bias,
            const math::ChannelRequant& q);
  bool ready() const { return isa_ != nullptr; }
  // For pack_rows: input bytes become x ^ flip (0x80 for int8: x + 128 as unsigned).
  uint8_t flip() const { return flip_; }
  // For pack_rows: what a tap outside the image holds (the input zero point as u).
  uint8_t pad_value() const { return pad_value_; }
  int k() const { return k_; }

  // out[r][c] for r in [0, rows), c in [0, n), rows out_stride bytes apart.
  void Run(int64_t rows, PackRowsFn pack_rows, const void* context, uint8_t* out, int64_t out_stride,
           ThreadPool* pool) const;

 private:
  const IsaKernels* isa_ = nullptr;
  int n_ = 0, k_ = 0, panels_ = 0, k_steps_ = 0, step_ = 4;
  uint8_t flip_ = 0, pad_value_ = 0;
  AlignedBuffer weights_;
  std::vector<int32_t> bias_;
  OutputStageArrays arrays_;
  Int8OutputStage stage_;
};

// Fills `count` rows of A starting at row r0: k floats per row (stride apart).
using PackFloatRowsFn = void (*)(const void* context, int64_t r0, int count, float* tile, int64_t stride);
// The indirect A of `count` rows from r0 (FloatGemmTile::runs): runs[r · segments + s],
// a run not found whole in the input packed into `scratch` (room for count · k floats).
using FloatRunsFn = void (*)(const void* context, int64_t r0, int count, const float** runs, float* scratch);

class PackedFloatGemm {
 public:
  // Weights [n][k]; bias may be null; fused: FloatGemmTile::fused. False
  // when a weight is not finite (a padded tap would then add 0·inf = NaN
  // where the reference skips it).
  bool Pack(const IsaKernels* isa, const float* weights, int n, int k, const float* bias, float min, float max,
            bool fused);
  bool ready() const { return isa_ != nullptr; }
  int k() const { return k_; }
  // Rows of A read in place (a: row 0, a_stride floats apart) when pack_rows is null.
  void Run(int64_t rows, PackFloatRowsFn pack_rows, const void* context, const float* a, int64_t a_stride, float* out,
           int64_t out_stride, ThreadPool* pool) const;
  // Whether the CPU path takes A as indirect rows (IsaKernels::float_runs).
  bool indirect() const { return isa_ != nullptr && isa_->float_runs; }
  // The same product, A as rows of `segments` runs (k a multiple of segments; indirect() only).
  void RunIndirect(int64_t rows, FloatRunsFn make_runs, const void* context, int segments, float* out,
                   int64_t out_stride, ThreadPool* pool) const;

 private:
  // fn(tile, r0, count) for each row tile, the tile's B, bias, clamp and output set.
  template <typename Fn>
  void ForEachTile(int64_t rows, float* out, int64_t out_stride, ThreadPool* pool, Fn fn) const;
  const IsaKernels* isa_ = nullptr;
  int n_ = 0, k_ = 0, panels_ = 0;
  float min_ = 0, max_ = 0;
  bool fused_ = false;
  AlignedBuffer weights_;
  std::vector<float> bias_;
};

// The requantization arrays of `q` for `channels` outputs and the stage
// pointing at them (bias not set). False when a multiplier is negative.
bool BuildOutputStage(const math::ChannelRequant& q, int channels, DataType output_type, OutputStageArrays& arrays,
                      Int8OutputStage& stage);
// One multiplier for every channel (ADD/SUB): arrays of `channels` equal entries.
void BuildUniformStage(quant::QuantizedMultiplier m, quant::RoundingMode mode, int channels, OutputStageArrays& arrays,
                       Int8OutputStage& stage);

// Thread-local scratch, grown as needed and reused across calls.
uint8_t* Scratch(size_t bytes, int slot);

// The kPair layout's A rows (AVX2: vpmaddwd takes int16): `bytes` unsigned bytes
// widened into thread-local scratch (slot 2).
const int16_t* WidenRows(const uint8_t* a, int64_t bytes);

}  // namespace tfldbg::fast
