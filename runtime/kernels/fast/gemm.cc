#include "kernels/fast/gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tfldbg::fast {
namespace {

int64_t RoundUp(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

// Σ of n unsigned bytes (wrapping uint32; exact below 2^24 bytes): 16 at a
// time with psadbw where the baseline has SSE2.
uint32_t ByteSum(const uint8_t* a, int64_t n) {
  uint32_t s = 0;
  int64_t i = 0;
#if defined(__SSE2__)
  __m128i acc = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    acc = _mm_add_epi64(acc, _mm_sad_epu8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)), _mm_setzero_si128()));
  }
  s = static_cast<uint32_t>(_mm_cvtsi128_si32(acc)) + static_cast<uint32_t>(_mm_cvtsi128_si32(_mm_unpackhi_epi64(acc, acc)));
#endif
  for (; i < n; ++i) s += a[i];
  return s;
}

}  // namespace

GemmSplit::GemmSplit(int64_t rows, int panels, int64_t k, int64_t n, int64_t a_row_bytes, const ThreadPool* pool)
    : rows_(rows), panels_(panels) {
  // Rows of 6 (the tall microkernels) whose A fits in ~96 KiB.
  tile_rows = std::clamp<int64_t>((96 * 1024 / std::max<int64_t>(a_row_bytes, 1)) / 12 * 12, 12, 48);
  // The work in multiply-adds, plus the bytes of A packed and C written and
  // of the weights read (weighted as small layers spend their time: a 1x1
  // convolution of 16 channels moves more bytes than it multiplies, a
  // product of one row waits on its weights). 2M of it takes ~5 µs on one
  // core, enough to cover the hand-over to another thread.
  const int64_t work = rows * (k * n + 64 * (k + n)) + 16 * k * n;
  const int tasks = TaskCount(pool, work, int64_t{2} << 20);
  // Row ranges of at least 24 rows (four of the tall microkernel's), and
  // panel groups of 4 panels or more (the widest microkernel's) when the rows
  // are too few to go round.
  ranges = static_cast<int>(std::clamp<int64_t>(rows / 24, 1, tasks));
  groups = std::clamp((tasks + ranges - 1) / ranges, 1, std::max(1, panels / 4));
}

int64_t GemmSplit::RowCut(int range) const {
  // Equal shares, cut at whole microkernel rows (6).
  return range == ranges ? rows_ : rows_ * range / ranges / 6 * 6;
}

int GemmSplit::PanelCut(int group) const {
  // Equal shares, cut at whole 4-panel blocks (the widest microkernel's)
  // where each group gets one: a group of 5 panels would run a 4-panel and
  // a 1-panel block, nearly the time of two full ones. The groups of a row
  // range go to one thread together (ThreadPool shares), so rounding them
  // unequal leaves the threads equal.
  const int cut = static_cast<int>(static_cast<int64_t>(panels_) * group / groups);
  return panels_ >= 4 * groups && group < groups ? (cut + 2) / 4 * 4 : cut;
}

void AlignedBuffer::Allocate(size_t bytes) {
  const size_t rounded = static_cast<size_t>(RoundUp(static_cast<int64_t>(std::max<size_t>(bytes, 64)), 64));
  data_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, rounded)));
  size_ = data_ ? bytes : 0;
  if (data_) std::memset(data_.get(), 0, rounded);
}

uint8_t* Scratch(size_t bytes, int slot) {
  thread_local std::vector<uint8_t> buffers[4];
  std::vector<uint8_t>& b = buffers[slot];
  if (b.size() < bytes + 64) b.resize(bytes + 64);
  // 64-byte aligned start.
  const uintptr_t p = reinterpret_cast<uintptr_t>(b.data());
  return b.data() + ((64 - (p & 63)) & 63);
}

const int16_t* WidenRows(const uint8_t* a, int64_t bytes) {
  int16_t* wide = reinterpret_cast<int16_t*>(Scratch(static_cast<size_t>(bytes) * 2, 2));
  for (int64_t i = 0; i < bytes; ++i) wide[i] = a[i];
  return wide;
}

namespace {

void SetShifts(quant::QuantizedMultiplier m, bool single, size_t c, OutputStageArrays& a) {
  a.multiplier[c] = m.multiplier;
  if (single) {
    a.right[c] = std::clamp(31 - m.shift, 1, 63);  // as quant::SingleRounding
  } else {
    // The scalar ShiftLeft gives 0 for shifts of 32 and more; so does a vector shift.
    a.left[c] = m.shift > 0 ? std::min(m.shift, 32) : 0;
    a.right[c] = m.shift > 0 ? 0 : std::min(31, -m.shift);
    a.mask[c] = static_cast<int32_t>((uint32_t{1} << a.right[c]) - 1);
    a.half[c] = a.mask[c] >> 1;
  }
}

// The one-step form of channel c (StagePanel): after SetShifts and every multiplier.
void SetOneStep(bool single, bool ties_up, size_t c, OutputStageArrays& a) {
  StagePanel& p = a.panels[c / kPanel];
  const size_t lane = c % kPanel, at = c % 2 * (kPanel / 2) + lane / 2;
  p.multiplier[lane] = a.multiplier[c];
  p.left[lane] = a.left[c];
  if (lane % 2 == 0) p.multiplier_odd[lane] = a.multiplier[c + 1];  // padded to whole panels: c + 1 exists
  const int right = a.right[c];
  if (single) {
    p.shift[at] = right;
    p.add[at] = int64_t{1} << (right - 1);
    p.sign_fix[at] = 0;
  } else {
    p.shift[at] = 31 + right;
    p.add[at] = (int64_t{1} << 30) + (right > 0 ? int64_t{1} << (30 + right) : 0);
    p.sign_fix[at] = right > 0 && !ties_up ? int64_t{1} << 31 : 0;
  }
}

// ties_up_channels: Int8OutputStage::ties_up_channels.
void PointStage(OutputStageArrays& a, bool single, int ties_up_channels, Int8OutputStage& stage) {
  for (size_t c = 0; c < a.multiplier.size(); ++c) SetOneStep(single, static_cast<int64_t>(c) < ties_up_channels, c, a);
  stage.panel = a.panels.data();
  stage.sign_fix = std::any_of(a.panels.begin(), a.panels.end(), [](const StagePanel& p) {
    return std::any_of(std::begin(p.sign_fix), std::end(p.sign_fix), [](int64_t f) { return f != 0; });
  });
  stage.ties_up_channels = single ? 0 : ties_up_channels;
  stage.multiplier = a.multiplier.data();
  stage.left = a.left.data();
  stage.right = a.right.data();
  stage.mask = a.mask.data();
  stage.half = a.half.data();
  stage.has_left = std::any_of(a.left.begin(), a.left.end(), [](int32_t l) { return l != 0; });
  stage.single_rounding = single;
}

void Resize(size_t padded, OutputStageArrays& a) {
  a.multiplier.assign(padded, 0);
  a.left.assign(padded, 0);
  a.right.assign(padded, 1);
  a.mask.assign(padded, 1);
  a.half.assign(padded, 0);
  a.panels.assign(padded / kPanel, StagePanel{});
}

}  // namespace

bool BuildOutputStage(const math::ChannelRequant& q, int channels, DataType output_type, OutputStageArrays& arrays,
                      Int8OutputStage& stage) {
  Resize(static_cast<size_t>(RoundUp(channels, kPanel)), arrays);
  const bool single = q.rounding == quant::RoundingMode::kSingle;
  for (int c = 0; c < channels; ++c) {
    const quant::QuantizedMultiplier m = q.multipliers[q.multipliers.size() == 1 ? 0 : static_cast<size_t>(c)];
    if (m.multiplier < 0) return false;
    SetShifts(m, single, static_cast<size_t>(c), arrays);
  }
  const int padded = static_cast<int>(arrays.multiplier.size());
  PointStage(arrays, single, q.rounding == quant::RoundingMode::kDoubleHalfUp ? padded : q.half_up_channels, stage);
  arrays.fp32_scale.clear();
  stage.fp32_scale = nullptr;
  if (!q.xnn_scales.empty()) {  // XNNPACK's fp32 requantization (math::XnnpackRequantize)
    arrays.fp32_scale.assign(arrays.multiplier.size(), 0.0f);
    for (int c = 0; c < channels; ++c) {
      arrays.fp32_scale[static_cast<size_t>(c)] = q.xnn_scales[q.xnn_scales.size() == 1 ? 0 : static_cast<size_t>(c)];
    }
    stage.fp32_scale = arrays.fp32_scale.data();
    stage.fp32_min = static_cast<float>(q.clamp.min - q.output_offset);
    stage.fp32_max = static_cast<float>(q.clamp.max - q.output_offset);
  }
  stage.output_offset = q.output_offset;
  stage.min = q.clamp.min;
  stage.max = q.clamp.max;
  stage.output_unsigned = output_type == DataType::kUInt8;
  return true;
}

void BuildUniformStage(quant::QuantizedMultiplier m, quant::RoundingMode mode, int channels, OutputStageArrays& arrays,
                       Int8OutputStage& stage) {
  const bool single = mode == quant::RoundingMode::kSingle;
  Resize(static_cast<size_t>(RoundUp(channels, kPanel)), arrays);
  for (size_t c = 0; c < arrays.multiplier.size(); ++c) SetShifts(m, single, c, arrays);
  PointStage(arrays, single, mode == quant::RoundingMode::kDoubleHalfUp ? static_cast<int>(arrays.multiplier.size()) : 0,
             stage);
}

bool PackedInt8Gemm::Pack(const IsaKernels* isa, DataType type, const void* weights, int n, int k, const int32_t* bias,
                          const math::ChannelRequant& q) {
  isa_ = nullptr;
  if (isa == nullptr || n <= 0 || k <= 0) return false;
  if (type != DataType::kInt8 && type != DataType::kUInt8) return false;
  // Zero points of 8-bit types; anything else (a hostile model) keeps the reference loop.
  if (q.input_offset < -255 || q.input_offset > 255 || q.filter_offset < -255 || q.filter_offset > 255) return false;
  if (type == DataType::kInt8 && q.filter_offset != 0) return false;
  // Packed sizes and the driver's int64 offsets stay far from overflow.
  if (static_cast<int64_t>(n) * k > (int64_t{1} << 31)) return false;
  n_ = n;
  k_ = k;
  panels_ = static_cast<int>(RoundUp(n, kPanel) / kPanel);
  step_ = isa->int8_layout == Int8Layout::kQuad ? 4 : 2;
  k_steps_ = static_cast<int>(RoundUp(k, step_) / step_);
  if (!BuildOutputStage(q, n, type, arrays_, stage_)) return false;

  const bool is_int8 = type == DataType::kInt8;
  const int32_t zx = -q.input_offset;  // input zero point
  flip_ = is_int8 ? 0x80 : 0;
  // u of a tap outside the image: the zero point, so that (u - u_zero) = 0.
  pad_value_ = static_cast<uint8_t>(is_int8 ? zx + 128 : zx);
  // w' = w (int8) or w - 128 (uint8); the weight offset c = w' - (w - w_zero) is 0 or 128 - w_zero.
  const int32_t c = is_int8 ? 0 : 128 + q.filter_offset;
  const uint32_t u_zero = static_cast<uint32_t>(is_int8 ? zx + 128 : zx);
  stage_.row_factor = c;

  weights_.Allocate(static_cast<size_t>(panels_) * k_steps_ * 64);
  bias_.assign(static_cast<size_t>(panels_) * kPanel, 0);
  // w' as a byte: w itself (int8) or w ^ 0x80 (uint8: w - 128).
  const uint8_t to_signed = is_int8 ? 0 : 0x80;
  for (int o = 0; o < n; ++o) {
    const uint8_t* src = static_cast<const uint8_t*>(weights) + static_cast<int64_t>(o) * k;
    uint32_t sum = 0;  // Σ_k w'
    for (int i = 0; i < k; ++i) sum += static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(src[i] ^ to_signed)));
    uint8_t* panel = weights_.data() + static_cast<int64_t>(o / kPanel) * k_steps_ * 64 + (o % kPanel) * 4;
    if (step_ == 4) {  // 4 consecutive k of the channel per 64-byte row, as one word
      const uint32_t flip4 = to_signed * 0x01010101u;
      const int quads = k / 4;
      for (int q4 = 0; q4 < quads; ++q4) {
        uint32_t v;
        std::memcpy(&v, src + 4 * q4, 4);
        v ^= flip4;
        std::memcpy(panel + static_cast<int64_t>(q4) * 64, &v, 4);
      }
      for (int i = quads * 4; i < k; ++i) panel[static_cast<int64_t>(quads) * 64 + i % 4] = static_cast<uint8_t>(src[i] ^ to_signed);
    } else {
      for (int i = 0; i < k; ++i) {
        const int16_t w16 = static_cast<int8_t>(src[i] ^ to_signed);
        std::memcpy(panel + static_cast<int64_t>(i / 2) * 64 + (i % 2) * 2, &w16, 2);
      }
    }
    // Σ (w' + c)(u - u_zero) = Σ w'u - u_zero·Σw' + c·Σu - c·u_zero·k; the
    // c·Σu term is added per row (row_factor · row sum).
    const uint32_t constant = 0u - u_zero * sum - static_cast<uint32_t>(c) * u_zero * static_cast<uint32_t>(k);
    bias_[static_cast<size_t>(o)] = static_cast<int32_t>((bias ? static_cast<uint32_t>(bias[o]) : 0u) + constant);
  }
  stage_.bias = bias_.data();
  isa_ = isa;
  return true;
}

void PackedInt8Gemm::Run(int64_t rows, PackRowsFn pack_rows, const void* context, uint8_t* out, int64_t out_stride,
                         ThreadPool* pool) const {
  if (rows <= 0) return;
  const int64_t k_pad = static_cast<int64_t>(k_steps_) * step_;
  const GemmSplit split(rows, panels_, k_, n_, k_pad, pool);
  ParallelFor(pool, split.tasks(), [&](int task) {
    const int p0 = split.FirstPanel(task);
    const int c0 = p0 * kPanel;
    Int8GemmTile t;
    t.a_stride = k_pad;
    t.panels = split.EndPanel(task) - p0;
    t.b = weights_.data() + static_cast<int64_t>(p0) * k_steps_ * 64;
    t.k_steps = k_steps_;
    t.channels = n_ - c0;
    t.stage = stage_;
    t.stage.Advance(c0);
    t.c_stride = out_stride;
    split.ForEachTile(task, [&](int64_t r0, int count) {
      uint8_t* a = Scratch(static_cast<size_t>(count * k_pad), 0);
      pack_rows(context, r0, count, a, k_pad);
      if (k_pad > k_) {
        for (int r = 0; r < count; ++r) std::memset(a + r * k_pad + k_, 0, static_cast<size_t>(k_pad - k_));
      }
      int32_t* sums = nullptr;
      if (stage_.row_factor != 0) {
        sums = reinterpret_cast<int32_t*>(Scratch(static_cast<size_t>(count) * 4, 1));
        for (int r = 0; r < count; ++r) sums[r] = static_cast<int32_t>(ByteSum(a + r * k_pad, k_));
      }
      t.rows = count;
      t.a = a;
      if (step_ == 2) t.a = WidenRows(a, count * k_pad);
      t.row_sums = sums;
      t.c = out + r0 * out_stride + c0;
      isa_->int8_gemm(t);
    });
  });
}

bool PackedFloatGemm::Pack(const IsaKernels* isa, const float* weights, int n, int k, const float* bias, float min,
                           float max, bool fused) {
  isa_ = nullptr;
  if (isa == nullptr || n <= 0 || k <= 0 || static_cast<int64_t>(n) * k > (int64_t{1} << 30)) return false;
  for (int64_t i = 0; i < static_cast<int64_t>(n) * k; ++i) {
    if (!std::isfinite(weights[i])) return false;
  }
  n_ = n;
  k_ = k;
  panels_ = static_cast<int>(RoundUp(n, kPanel) / kPanel);
  min_ = min;
  max_ = max;
  fused_ = fused;
  weights_.Allocate(static_cast<size_t>(panels_) * k * kPanel * sizeof(float));
  float* w = reinterpret_cast<float*>(weights_.data());
  for (int o = 0; o < n; ++o) {
    for (int i = 0; i < k; ++i) {
      w[(static_cast<int64_t>(o / kPanel) * k + i) * kPanel + o % kPanel] = weights[static_cast<int64_t>(o) * k + i];
    }
  }
  bias_.assign(static_cast<size_t>(panels_) * kPanel, 0.0f);
  if (bias) std::copy(bias, bias + n, bias_.begin());
  isa_ = isa;
  return true;
}

template <typename Fn>
void PackedFloatGemm::ForEachTile(int64_t rows, float* out, int64_t out_stride, ThreadPool* pool, Fn fn) const {
  if (rows <= 0) return;
  const GemmSplit split(rows, panels_, k_, n_, static_cast<int64_t>(k_) * 4, pool);
  ParallelFor(pool, split.tasks(), [&](int task) {
    const int p0 = split.FirstPanel(task);
    FloatGemmTile t;
    t.panels = split.EndPanel(task) - p0;
    t.b = reinterpret_cast<const float*>(weights_.data()) + static_cast<int64_t>(p0) * k_ * kPanel;
    t.k = k_;
    t.channels = n_ - p0 * kPanel;
    t.bias = bias_.data() + p0 * kPanel;
    t.min = min_;
    t.max = max_;
    t.fused = fused_;
    t.c_stride = out_stride;
    split.ForEachTile(task, [&](int64_t r0, int count) {
      t.rows = count;
      t.c = out + r0 * out_stride + p0 * kPanel;
      fn(t, r0, count);
    });
  });
}

void PackedFloatGemm::Run(int64_t rows, PackFloatRowsFn pack_rows, const void* context, const float* a, int64_t a_stride,
                          float* out, int64_t out_stride, ThreadPool* pool) const {
  ForEachTile(rows, out, out_stride, pool, [&](FloatGemmTile& t, int64_t r0, int count) {
    if (pack_rows != nullptr) {
      float* tile_a = reinterpret_cast<float*>(Scratch(static_cast<size_t>(count) * k_ * sizeof(float), 0));
      pack_rows(context, r0, count, tile_a, k_);
      t.a = tile_a;
      t.a_stride = k_;
    } else {
      t.a = a + r0 * a_stride;
      t.a_stride = a_stride;
    }
    isa_->float_gemm(t);
  });
}

void PackedFloatGemm::RunIndirect(int64_t rows, FloatRunsFn make_runs, const void* context, int segments, float* out,
                                  int64_t out_stride, ThreadPool* pool) const {
  ForEachTile(rows, out, out_stride, pool, [&](FloatGemmTile& t, int64_t r0, int count) {
    const float** runs = reinterpret_cast<const float**>(Scratch(static_cast<size_t>(count) * segments * sizeof(float*), 1));
    float* scratch = reinterpret_cast<float*>(Scratch(static_cast<size_t>(count) * k_ * sizeof(float), 0));
    make_runs(context, r0, count, runs, scratch);
    t.runs = runs;
    t.segments = segments;
    isa_->float_gemm(t);
  });
}

}  // namespace tfldbg::fast
