#include "kernels/conv/conv_fast.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tfldbg {
namespace {

int64_t RoundUp(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

// Depthwise multiply-adds worth a task of their own (~5 µs on one core:
// depthwise runs far below the GEMM's rate, each tap a load).
constexpr int64_t kDepthwiseTaskMacs = 64 * 1024;

struct PackContext {
  const math::ConvGeometry* g;
  const void* input;
  uint8_t flip;
  uint8_t pad;
  bool direct;
  const float* zeros = nullptr;  // MakeFloatRuns: filter.w · C zeros
};

// im2col of `count` output pixels from r0: per pixel, the taps in the
// reference order (filter row, filter column, input channel); taps outside
// the image hold `pad`, which the packed bias makes contribute nothing.
void PackInt8Rows(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride) {
  const PackContext& p = *static_cast<const PackContext*>(context);
  const math::ConvGeometry& g = *p.g;
  const int c = g.input.c;
  const uint8_t* input = static_cast<const uint8_t*>(p.input);
  const uint8_t flip = p.flip;  // a local, so the loop below vectorizes
  const uint64_t flip8 = flip * uint64_t{0x0101010101010101};
#if defined(__SSE2__)
  const __m128i flip16 = _mm_set1_epi8(static_cast<char>(flip));
#endif
  // Short runs are the common case (a filter row of a few channels, thousands
  // of times per node): no loop set-up, whole words, the last one overlapping.
  auto copy = [flip, flip8
#if defined(__SSE2__)
               , flip16
#endif
  ](uint8_t* __restrict dst, const uint8_t* __restrict src, int64_t n) {
#if defined(__SSE2__)
    if (n >= 16) {
      for (int64_t i = 0; i + 16 <= n; i += 16) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)), flip16));
      }
      if (n % 16 != 0) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + n - 16),
                         _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + n - 16)), flip16));
      }
      return;
    }
#endif
    if (n >= 8 && n <= 16) {  // two overlapping 8-byte words
      uint64_t head, tail;
      std::memcpy(&head, src, 8);
      std::memcpy(&tail, src + n - 8, 8);
      head ^= flip8;
      tail ^= flip8;
      std::memcpy(dst, &head, 8);
      std::memcpy(dst + n - 8, &tail, 8);
      return;
    }
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint8_t>(src[i] ^ flip);
  };
  if (p.direct) {
    if (stride == c) {
      copy(tile, input + r0 * c, static_cast<int64_t>(count) * c);
    } else {
      for (int r = 0; r < count; ++r) copy(tile + r * stride, input + (r0 + r) * c, c);
    }
    return;
  }
  const int64_t per_image = static_cast<int64_t>(g.output.h) * g.output.w;
  // The first pixel's (b, oy, ox), then stepped (no divisions per pixel).
  int b = static_cast<int>(r0 / per_image);
  int oy = static_cast<int>(r0 % per_image / g.output.w), ox = static_cast<int>(r0 % g.output.w);
  for (int r = 0; r < count; ++r, ++ox) {
    if (ox == g.output.w) {
      ox = 0;
      if (++oy == g.output.h) {
        oy = 0;
        ++b;
      }
    }
    uint8_t* dst = tile + r * stride;
    const int ix0 = ox * g.stride_w - g.pad_w;
    // Every tap of a filter row inside the image (most pixels): one run.
    const bool whole = g.dilation_w == 1 && ix0 >= 0 && ix0 + g.filter.w <= g.input.w;
    for (int fy = 0; fy < g.filter.h; ++fy) {
      const int iy = oy * g.stride_h - g.pad_h + fy * g.dilation_h;
      if (iy < 0 || iy >= g.input.h) {  // the whole filter row outside the image
        std::memset(dst, p.pad, static_cast<size_t>(g.filter.w) * c);
        dst += static_cast<int64_t>(g.filter.w) * c;
        continue;
      }
      if (whole) {
        copy(dst, input + g.input.Offset(b, iy, ix0, 0), static_cast<int64_t>(g.filter.w) * c);
        dst += static_cast<int64_t>(g.filter.w) * c;
        continue;
      }
      if (g.dilation_w == 1) {  // the taps inside the image are one run of the input: pad, run, pad
        const int lo = std::clamp(-ix0, 0, g.filter.w), hi = std::clamp(g.input.w - ix0, lo, g.filter.w);
        if (lo > 0) std::memset(dst, p.pad, static_cast<size_t>(lo) * c);
        if (hi > lo) copy(dst + static_cast<int64_t>(lo) * c, input + g.input.Offset(b, iy, ix0 + lo, 0), static_cast<int64_t>(hi - lo) * c);
        if (hi < g.filter.w) std::memset(dst + static_cast<int64_t>(hi) * c, p.pad, static_cast<size_t>(g.filter.w - hi) * c);
        dst += static_cast<int64_t>(g.filter.w) * c;
        continue;
      }
      for (int fx = 0; fx < g.filter.w; ++fx, dst += c) {
        const int ix = ix0 + fx * g.dilation_w;
        if (ix < 0 || ix >= g.input.w) {
          std::memset(dst, p.pad, static_cast<size_t>(c));
        } else {
          copy(dst, input + g.input.Offset(b, iy, ix, 0), c);
        }
      }
    }
  }
}

// A run of n floats. Short runs are the common case (a filter row of a few
// channels, thousands of times per node): whole 4-float words, the last one
// overlapping, no library call.
inline void CopyFloats(float* __restrict dst, const float* __restrict src, int64_t n) {
#if defined(__SSE2__)
  if (n >= 4 && n <= 256) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, _mm_loadu_ps(src + i));
    if (i < n) _mm_storeu_ps(dst + n - 4, _mm_loadu_ps(src + n - 4));
    return;
  }
#endif
  if (n <= 256) {
    for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  }
}

// Output pixels r0, r0 + 1, ... as (batch, oy, ox), stepped without divisions.
struct PixelWalk {
  PixelWalk(const math::ConvGeometry& g, int64_t r0) : g(g) {
    const int64_t per_image = static_cast<int64_t>(g.output.h) * g.output.w;
    b = static_cast<int>(r0 / per_image);
    oy = static_cast<int>(r0 % per_image / g.output.w);
    ox = static_cast<int>(r0 % g.output.w) - 1;
  }
  void Next() {
    if (++ox == g.output.w) {
      ox = 0;
      if (++oy == g.output.h) {
        oy = 0;
        ++b;
      }
    }
  }
  int ix0() const { return ox * g.stride_w - g.pad_w; }
  int iy0() const { return oy * g.stride_h - g.pad_h; }
  // Filter rows read whole from the input: dilation 1 and every column inside.
  bool whole_rows() const { return g.dilation_w == 1 && ix0() >= 0 && ix0() + g.filter.w <= g.input.w; }
  const math::ConvGeometry& g;
  int b = 0, oy = 0, ox = 0;
};

// One filter row's taps (filter.w · C values, in the reference order) of the
// pixel whose first tap is column ix0 of image row `row`; 0 outside the image.
void PackFloatFilterRow(const math::ConvGeometry& g, const float* row, int ix0, float* dst) {
  const int c = g.input.c;
  if (g.dilation_w == 1) {  // the taps inside the image are one run of the input: zeros, run, zeros
    const int lo = std::clamp(-ix0, 0, g.filter.w), hi = std::clamp(g.input.w - ix0, lo, g.filter.w);
    std::fill(dst, dst + static_cast<int64_t>(lo) * c, 0.0f);
    const int64_t n = static_cast<int64_t>(hi - lo) * c;
    if (n > 0) CopyFloats(dst + static_cast<int64_t>(lo) * c, row + static_cast<int64_t>(ix0 + lo) * c, n);
    std::fill(dst + static_cast<int64_t>(hi) * c, dst + static_cast<int64_t>(g.filter.w) * c, 0.0f);
    return;
  }
  for (int fx = 0; fx < g.filter.w; ++fx, dst += c) {
    const int ix = ix0 + fx * g.dilation_w;
    if (ix < 0 || ix >= g.input.w) {
      std::fill(dst, dst + c, 0.0f);
    } else {
      CopyFloats(dst, row + static_cast<int64_t>(ix) * c, c);
    }
  }
}

// For each of `count` output pixels from r0 and each filter row fy:
// fn(r, fy, run, row, ix0) with `run` the row's taps read in place when they lie
// whole in the input; else `row` the image row (null when outside the image)
// and ix0 the column of its first tap.
template <typename Fn>
void ForEachFilterRow(const PackContext& p, int64_t r0, int count, Fn fn) {
  const math::ConvGeometry& g = *p.g;
  const float* input = static_cast<const float*>(p.input);
  PixelWalk at(g, r0);
  for (int r = 0; r < count; ++r) {
    at.Next();
    const bool whole = at.whole_rows();
    for (int fy = 0; fy < g.filter.h; ++fy) {
      const int iy = at.iy0() + fy * g.dilation_h;
      if (iy < 0 || iy >= g.input.h) {
        fn(r, fy, nullptr, nullptr, 0);
      } else if (whole) {
        fn(r, fy, input + g.input.Offset(at.b, iy, at.ix0(), 0), nullptr, 0);
      } else {
        fn(r, fy, nullptr, input + g.input.Offset(at.b, iy, 0, 0), at.ix0());
      }
    }
  }
}

// im2col of `count` output pixels from r0 (float): per pixel, the taps in the
// reference order; taps outside the image hold 0, which adds +0 (finite weights).
void PackFloatRows(const void* context, int64_t r0, int count, float* tile, int64_t stride) {
  const PackContext& p = *static_cast<const PackContext*>(context);
  const int64_t row_floats = static_cast<int64_t>(p.g->filter.w) * p.g->input.c;
  ForEachFilterRow(p, r0, count, [&](int r, int fy, const float* run, const float* row, int ix0) {
    float* dst = tile + r * stride + fy * row_floats;
    if (run != nullptr) {
      CopyFloats(dst, run, row_floats);
    } else if (row != nullptr) {
      PackFloatFilterRow(*p.g, row, ix0, dst);
    } else {
      std::fill(dst, dst + row_floats, 0.0f);
    }
  });
}

// The indirect A (IsaKernels::float_runs) of `count` output pixels from r0: per pixel and
// filter row, the run of its taps read in place from the input where it lies
// whole in it (most pixels: no copy), p.zeros where the row is outside the
// image, else a packed copy in `scratch`.
void MakeFloatRuns(const void* context, int64_t r0, int count, const float** runs, float* scratch) {
  const PackContext& p = *static_cast<const PackContext*>(context);
  const int64_t row_floats = static_cast<int64_t>(p.g->filter.w) * p.g->input.c;
  ForEachFilterRow(p, r0, count, [&](int r, int fy, const float* run, const float* row, int ix0) {
    const float*& slot = runs[static_cast<int64_t>(r) * p.g->filter.h + fy];
    if (run != nullptr) {
      slot = run;
    } else if (row != nullptr) {
      PackFloatFilterRow(*p.g, row, ix0, scratch);
      slot = scratch;
      scratch += row_floats;
    } else {
      slot = p.zeros;
    }
  });
}

}  // namespace

bool FastConv::Prepare(const NodeContext& node, const math::ConvGeometry& g, bool depthwise, const Tensor& input,
                       const Tensor& filter, const Tensor* bias, const math::ChannelRequant& q, quant::FloatRange clamp) {
  kind_ = Kind::kNone;
  isa_ = fast::IsaKernelsFor(node.cpu);
  if (isa_ == nullptr || !filter.is_constant() || (bias != nullptr && !bias->is_constant())) return false;
  // XNNPACK's fp32 requantization (--kernels xnnpack) where the table lacks it: the scalar loop.
  if (!q.xnn_scales.empty() && !isa_->fp32_stage) return false;
  const bool int8 = (input.type == DataType::kInt8 || input.type == DataType::kUInt8) && filter.type == input.type;
  const bool float32 = input.type == DataType::kFloat32 && filter.type == DataType::kFloat32;
  if (!int8 && !float32) return false;
  g_ = g;
  clamp_ = clamp;
  fused_ = node.fused_float_sums();
  const int out_c = g.output.c;
  // Every product of sizes below fits easily in int64; the packed copies are
  // at most a few times the filter, which the model file holds.
  if (depthwise) {
    // Depth multiplier M > 1 (8-bit): each input channel is repeated M times
    // before the kernels run (output channel ic·M + m reads input channel ic),
    // so they see multiplier 1 on out_c channels: the same sums.
    const int dm = g.depth_multiplier;
    if (dm < 1 || static_cast<int64_t>(g.input.c) * dm != out_c) return false;
    dw_expand_ = 1;
    if (dm != 1) {
      if (!int8) return false;  // float with a multiplier: the reference loop
      if (static_cast<double>(g.input.n) * g.input.h * g.input.w * out_c > 256.0 * 1024 * 1024) return false;
      dw_expand_ = dm;
      g_.input.c = out_c;
      g_.depth_multiplier = 1;
    }
    const int taps = g.filter.h * g.filter.w;
    const int64_t stride = RoundUp(out_c, fast::kPanel);
    if (int8) {
      if (q.input_offset < -255 || q.input_offset > 255 || q.filter_offset < -255 || q.filter_offset > 255) return false;
      if (!fast::BuildOutputStage(q, out_c, input.type, dw_arrays_, dw_stage_)) return false;
      dw_int_weights_.assign(static_cast<size_t>(taps * stride), 0);
      for (int t = 0; t < taps; ++t) {
        for (int c = 0; c < out_c; ++c) {
          const int64_t i = static_cast<int64_t>(t) * out_c + c;
          const int32_t w = input.type == DataType::kInt8 ? filter.data<int8_t>()[i] : filter.data<uint8_t>()[i];
          dw_int_weights_[static_cast<size_t>(t * stride + c)] = w + q.filter_offset;
        }
      }
      dw_int_bias_.assign(static_cast<size_t>(stride), 0);
      if (bias) std::copy(bias->data<int32_t>(), bias->data<int32_t>() + out_c, dw_int_bias_.begin());
      dw_stage_.bias = dw_int_bias_.data();
      dw_stage_.row_factor = 0;
      dw_input_offset_ = q.input_offset;
      dw_input_unsigned_ = input.type == DataType::kUInt8;
      dw_pair_weights_.clear();
      if (isa_->int8_depthwise_pairs != nullptr) {
        // [fy][pair][block][16]: int16 pairs (w[fy][2p], w[fy][2p + 1]) with the offset, 0 past the filter.
        const int pairs = fast::DepthwisePairCount(g.filter.w);
        const int blocks = static_cast<int>(stride / fast::kPanel);
        dw_pair_weights_.assign(static_cast<size_t>(g.filter.h) * pairs * stride, 0);
        for (int fy = 0; fy < g.filter.h; ++fy) {
          for (int fx = 0; fx < g.filter.w; ++fx) {
            for (int c = 0; c < out_c; ++c) {
              const int32_t w = dw_int_weights_[static_cast<size_t>((fy * g.filter.w + fx) * stride + c)];
              const size_t at = (static_cast<size_t>(fy * pairs + fx / 2) * blocks + c / fast::kPanel) * fast::kPanel + c % fast::kPanel;
              const uint32_t half = static_cast<uint16_t>(static_cast<int16_t>(w));
              dw_pair_weights_[at] = static_cast<int32_t>(static_cast<uint32_t>(dw_pair_weights_[at]) | (fx % 2 ? half << 16 : half));
            }
          }
        }
      }
      kind_ = Kind::kInt8Depthwise;
    } else {
      dw_float_weights_.assign(static_cast<size_t>(taps * stride), 0.0f);
      for (int t = 0; t < taps; ++t) {
        std::copy(filter.data<float>() + static_cast<int64_t>(t) * out_c, filter.data<float>() + static_cast<int64_t>(t + 1) * out_c,
                  dw_float_weights_.begin() + t * stride);
      }
      dw_float_bias_.assign(static_cast<size_t>(stride), 0.0f);
      if (bias) std::copy(bias->data<float>(), bias->data<float>() + out_c, dw_float_bias_.begin());
      kind_ = Kind::kFloatDepthwise;
    }
    return true;
  }
  if (g.input.c != g.filter.c) return false;  // grouped convolution: the reference loop
  const int64_t k64 = static_cast<int64_t>(g.filter.h) * g.filter.w * g.filter.c;
  if (k64 > (1 << 24)) return false;
  const int k = static_cast<int>(k64);
  direct_rows_ = g.filter.h == 1 && g.filter.w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 &&
                 g.pad_w == 0 && g.input.h == g.output.h && g.input.w == g.output.w;
  if (int8) {
    if (!int8_gemm_.Pack(isa_, input.type, filter.bytes, out_c, k, bias ? bias->data<int32_t>() : nullptr, q)) return false;
    kind_ = Kind::kInt8Gemm;
  } else {
    if (!float_gemm_.Pack(isa_, filter.data<float>(), out_c, k, bias ? bias->data<float>() : nullptr, clamp.min, clamp.max,
                          node.fused_float_sums())) {
      return false;
    }
    float_zeros_.assign(static_cast<size_t>(g.filter.w) * g.filter.c, 0.0f);
    kind_ = Kind::kFloatGemm;
  }
  return true;
}

void FastConv::Run(const Tensor& input, Tensor& output, ThreadPool* pool) const {
  const int64_t pixels = static_cast<int64_t>(g_.output.n) * g_.output.h * g_.output.w;
  switch (kind_) {
    case Kind::kInt8Gemm: {
      const PackContext p{&g_, input.bytes, int8_gemm_.flip(), int8_gemm_.pad_value(), direct_rows_};
      int8_gemm_.Run(pixels, PackInt8Rows, &p, output.bytes, g_.output.c, pool);
      return;
    }
    case Kind::kFloatGemm: {
      if (direct_rows_) {
        float_gemm_.Run(pixels, nullptr, nullptr, input.data<float>(), g_.input.c, output.data<float>(), g_.output.c, pool);
      } else {
        const PackContext p{&g_, input.bytes, 0, 0, false, float_zeros_.data()};
        if (float_gemm_.indirect()) {
          float_gemm_.RunIndirect(pixels, MakeFloatRuns, &p, g_.filter.h, output.data<float>(), g_.output.c, pool);
        } else {
          float_gemm_.Run(pixels, PackFloatRows, &p, nullptr, 0, output.data<float>(), g_.output.c, pool);
        }
      }
      return;
    }
    case Kind::kInt8Depthwise:
      RunDepthwise(dw_expand_ > 1 ? ExpandDepthwiseInput(input.bytes) : input.bytes, output.bytes, 1, pool);
      return;
    case Kind::kFloatDepthwise:
      RunDepthwise(input.bytes, output.bytes, sizeof(float), pool);
      return;
    case Kind::kNone:
      return;
  }
}

void FastConv::RunDepthwisePairs(const uint8_t* input, uint8_t* output, ThreadPool* pool) const {
  const math::ConvGeometry& g = g_;
  // Blocks of output rows: a block rewrites each input row it reads once, and
  // the rows its first output row reads again (its neighbour's last). One
  // block per image on one thread; over threads, as many as the work needs
  // (TaskCount) but no more than leave 8 rows to each, and at least one per
  // thread, of equal rows.
  const int threads = pool ? pool->threads() : 1;
  const int64_t macs = static_cast<int64_t>(g.output.n) * g.output.h * g.output.w * g.output.c * g.filter.h * g.filter.w;
  const int wanted = TaskCount(pool, macs, kDepthwiseTaskMacs);
  int blocks_per_image = wanted;
  if (blocks_per_image > 1) blocks_per_image = std::clamp(g.output.h / 8 / threads * threads, threads, blocks_per_image);
  blocks_per_image = std::min(blocks_per_image, g.output.h);
  // Few rows that do not split evenly (a 7x7 layer: 4 + 3 rows on two
  // threads) split by ranges of 16-channel blocks instead: each range
  // rewrites only its own channels, so nothing is done twice and the shares
  // are equal to a block.
  const int channel_blocks = (g.output.c + fast::kPanel - 1) / fast::kPanel;
  int groups = 1;
  if (blocks_per_image > 1 && g.output.h % blocks_per_image != 0 && g.output.h / blocks_per_image < 8 &&
      channel_blocks >= 2 * wanted) {
    groups = wanted;
    blocks_per_image = 1;
  }
  const int tasks = g.output.n * blocks_per_image * groups;
  ParallelFor(pool, tasks, [&](int task) {
    const int group = task % groups;
    task /= groups;
    const int b = task / blocks_per_image;
    fast::Int8DepthwisePairs d;
    d.in_h = g.input.h;
    d.in_w = g.input.w;
    d.channels = g.input.c;
    d.out_w = g.output.w;
    d.filter_h = g.filter.h;
    d.filter_w = g.filter.w;
    d.stride_h = g.stride_h;
    d.stride_w = g.stride_w;
    d.dilation_h = g.dilation_h;
    d.dilation_w = g.dilation_w;
    d.pad_h = g.pad_h;
    d.pad_w = g.pad_w;
    const int block = task % blocks_per_image;
    d.oy0 = static_cast<int>(static_cast<int64_t>(g.output.h) * block / blocks_per_image);
    d.oy1 = static_cast<int>(static_cast<int64_t>(g.output.h) * (block + 1) / blocks_per_image);
    d.block0 = channel_blocks * group / groups;
    d.block1 = channel_blocks * (group + 1) / groups;
    d.input = input + g.input.Offset(b, 0, 0, 0);
    d.output = output + g.output.Offset(b, 0, 0, 0);
    d.input_unsigned = dw_input_unsigned_;
    d.input_offset = dw_input_offset_;
    d.weights = dw_pair_weights_.data();
    d.stage = dw_stage_;
    d.scratch = fast::Scratch(static_cast<size_t>(fast::DepthwisePairsScratchBytes(d)), 2);
    isa_->int8_depthwise_pairs(d);
  });
}

void FastConv::RunDepthwise(const uint8_t* input, uint8_t* output, size_t element_bytes, ThreadPool* pool) const {
  const math::ConvGeometry& g = g_;
  if (kind_ == Kind::kInt8Depthwise && !dw_pair_weights_.empty() && PairScratchFits()) {
    RunDepthwisePairs(input, output, pool);
    return;
  }
  const int64_t out_rows = static_cast<int64_t>(g.output.n) * g.output.h;
  const int64_t macs = out_rows * g.output.w * g.output.c * g.filter.h * g.filter.w;
  const int parts = TaskCount(pool, macs, kDepthwiseTaskMacs);
  const int64_t rows_per_task = (out_rows + parts - 1) / parts;
  const int tasks = static_cast<int>((out_rows + rows_per_task - 1) / rows_per_task);
  fast::DepthwiseRowGeometry rg;
  rg.out_width = g.output.w;
  rg.channels = g.output.c;
  rg.filter_h = g.filter.h;
  rg.filter_w = g.filter.w;
  rg.in_width = g.input.w;
  rg.stride = g.stride_w;
  rg.dilation = g.dilation_w;
  rg.pad = g.pad_w;
  const int64_t stride = RoundUp(g.output.c, fast::kPanel);
  ParallelFor(pool, tasks, [&](int task) {
    const uint8_t** rows = reinterpret_cast<const uint8_t**>(fast::Scratch(sizeof(void*) * static_cast<size_t>(g.filter.h), 1));
    const int64_t end = std::min(out_rows, (task + 1) * rows_per_task);
    for (int64_t row = task * rows_per_task; row < end; ++row) {
      const int b = static_cast<int>(row / g.output.h), oy = static_cast<int>(row % g.output.h);
      for (int fy = 0; fy < g.filter.h; ++fy) {
        const int iy = oy * g.stride_h - g.pad_h + fy * g.dilation_h;
        rows[fy] = iy < 0 || iy >= g.input.h ? nullptr : input + g.input.Offset(b, iy, 0, 0) * static_cast<int64_t>(element_bytes);
      }
      uint8_t* out = output + g.output.Offset(b, oy, 0, 0) * static_cast<int64_t>(element_bytes);
      if (kind_ == Kind::kInt8Depthwise) {
        fast::Int8DepthwiseRow d;
        d.g = rg;
        d.rows = rows;
        d.input_unsigned = dw_input_unsigned_;
        d.input_offset = dw_input_offset_;
        d.weights = dw_int_weights_.data();
        d.weights_stride = stride;
        d.stage = dw_stage_;
        d.out = out;
        isa_->int8_depthwise(d);
      } else {
        fast::FloatDepthwiseRow d;
        d.g = rg;
        d.rows = reinterpret_cast<const float* const*>(rows);
        d.weights = dw_float_weights_.data();
        d.weights_stride = stride;
        d.bias = dw_float_bias_.data();
        d.min = clamp_.min;
        d.max = clamp_.max;
        d.fused = fused_;
        d.out = reinterpret_cast<float*>(out);
        isa_->float_depthwise(d);
      }
    }
  });
}

const uint8_t* FastConv::ExpandDepthwiseInput(const uint8_t* input) const {
  const int m = dw_expand_, in_c = g_.input.c / m;
  const int64_t pixels = static_cast<int64_t>(g_.input.n) * g_.input.h * g_.input.w;
  uint8_t* out = fast::Scratch(static_cast<size_t>(pixels * g_.input.c), 3);
  uint8_t* o = out;
  const int64_t values = pixels * in_c;
  if (m == 8) {
    for (int64_t i = 0; i < values; ++i, o += 8) {
      const uint64_t v = input[i] * uint64_t{0x0101010101010101};
      std::memcpy(o, &v, 8);
    }
  } else {
    for (int64_t i = 0; i < values; ++i, o += m) std::memset(o, input[i], static_cast<size_t>(m));
  }
  return out;
}

bool FastConv::PairScratchFits() const {
  // The rewritten rows of one task: a few times the input rows it reads. A
  // hostile geometry (huge dilation or stride) keeps the row kernel.
  const double cols = (static_cast<double>(g_.output.w) - 1) * g_.stride_w + (g_.filter.w + 1.0) * g_.dilation_w + 1;
  const double rows = (static_cast<double>(g_.filter.h) - 1) * g_.dilation_h + 1;  // the ring (DepthwisePairRing)
  return g_.filter.h <= fast::kMaxDepthwisePairRows && cols * rows * ((g_.output.c + 15) / 16) * 64 < 256.0 * 1024 * 1024;
}

}  // namespace tfldbg
