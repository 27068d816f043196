#include "kernels/conv/conv_hybrid_fast.h"

#include <cstring>


namespace tfldbg {
namespace {

struct QuantizedRows {
  const math::ConvGeometry* g;
  const uint8_t* image;  // the quantized image of these rows, as q + 128
  int64_t first_row;    // the image's first output pixel (rows are numbered over the batch)
  uint8_t pad;          // zero point + 128: a tap outside the image adds 0, as the reference skips it
  bool direct;
};

// im2col of `count` output pixels of one image from r0: per pixel, the taps
// in the reference order (filter row, filter column, input channel), as q + 128.
void PackQuantizedRows(const void* context, int64_t r0, int count, uint8_t* tile, int64_t stride) {
  const QuantizedRows& p = *static_cast<const QuantizedRows*>(context);
  const math::ConvGeometry& g = *p.g;
  const int c = g.input.c;
  const uint8_t* image = p.image;
  auto copy = [](uint8_t* dst, const uint8_t* src, int64_t n) { std::memcpy(dst, src, static_cast<size_t>(n)); };
  const int64_t first = r0 - p.first_row;
  if (p.direct) {
    for (int r = 0; r < count; ++r) copy(tile + r * stride, image + (first + r) * c, c);
    return;
  }
  const int64_t row_taps = static_cast<int64_t>(g.filter.w) * c;
  for (int r = 0; r < count; ++r) {
    const int64_t m = first + r;
    const int oy = static_cast<int>(m / g.output.w), ox = static_cast<int>(m % g.output.w);
    uint8_t* dst = tile + r * stride;
    const int ix0 = ox * g.stride_w - g.pad_w;
    // Every column of the filter row inside the image, one dilation apart: one copy per filter row.
    const bool whole_rows = g.dilation_w == 1 && ix0 >= 0 && ix0 + g.filter.w <= g.input.w;
    for (int fy = 0; fy < g.filter.h; ++fy) {
      const int iy = oy * g.stride_h - g.pad_h + fy * g.dilation_h;
      if (whole_rows && iy >= 0 && iy < g.input.h) {
        copy(dst, image + (static_cast<int64_t>(iy) * g.input.w + ix0) * c, row_taps);
        dst += row_taps;
        continue;
      }
      for (int fx = 0; fx < g.filter.w; ++fx, dst += c) {
        const int ix = ix0 + fx * g.dilation_w;
        if (iy < 0 || iy >= g.input.h || ix < 0 || ix >= g.input.w) {
          std::memset(dst, p.pad, static_cast<size_t>(c));
        } else {
          copy(dst, image + (static_cast<int64_t>(iy) * g.input.w + ix) * c, c);
        }
      }
    }
  }
}

}  // namespace

bool FastHybridConv::Prepare(const NodeContext& node, const math::ConvGeometry& g, const Tensor& filter, bool per_channel,
                             quant::FloatRange clamp, bool qd8) {
  gemm_ = {};
  const fast::IsaKernels* isa = fast::IsaKernelsFor(node.cpu);
  if (isa == nullptr || !filter.is_constant() || filter.type != DataType::kInt8 || filter.quant.empty()) return false;
  if (g.input.c != g.filter.c || g.input.n <= 0) return false;  // grouped: the reference loop
  if (per_channel && filter.quant.scale.size() != static_cast<size_t>(g.output.c)) return false;
  const int64_t k = static_cast<int64_t>(g.filter.h) * g.filter.w * g.filter.c;
  if (k > (1 << 24)) return false;
  g_ = g;
  per_channel_ = per_channel;
  clamp_ = clamp;
  filter_scale_ = filter.scale();
  channel_scales_ = filter.quant.scale;
  direct_rows_ = g.filter.h == 1 && g.filter.w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_h == 0 &&
                 g.pad_w == 0 && g.input.h == g.output.h && g.input.w == g.output.w;
  const int64_t per_image = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
  qd8_ = qd8;
  qd8_pixels_ = qd8 && g.filter.h == 1 && g.filter.w == 1 && g.stride_h == 1 && g.stride_w == 1;
  if (qd8) {
    if (per_image > INT32_MAX || (qd8_pixels_ && !direct_rows_)) return false;
    if (filter.quant.per_channel() && filter.quant.scale.size() != static_cast<size_t>(g.output.c)) return false;
    qd8_scales_ = filter.quant.per_channel() ? filter.quant.scale
                                             : std::vector<float>(static_cast<size_t>(g.output.c), filter.quant.scale[0]);
  }
  if (!gemm_.Pack(isa, filter.data<int8_t>(), g.output.c, static_cast<int>(k))) return false;
  quantized_.assign(static_cast<size_t>(per_image), 0);
  const size_t groups = qd8_pixels_ ? static_cast<size_t>(g.input.h) * g.input.w : 1;
  scales_.assign(groups, 0.0f);
  zero_points_.assign(groups, 0);
  return true;
}

void FastHybridConv::Run(const Tensor& input, const float* bias, Tensor& output, ThreadPool* pool) {
  const math::ConvGeometry& g = g_;
  const int64_t per_image = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
  const int64_t pixels = static_cast<int64_t>(g.output.h) * g.output.w;
  fast::HybridStage s;
  s.rows_per_group = pixels;
  s.row_scale = scales_.data();
  s.zero_point = zero_points_.data();
  s.bias = bias;
  s.min = clamp_.min;
  s.max = clamp_.max;
  if (qd8_) {
    RunQd8(input, s, output, pool);
    return;
  }
  for (int b = 0; b < g.input.n; ++b) {
    const float* x = input.data<float>() + b * per_image;
    // As conv.cc's EvalHybrid / EvalHybridPerChannel quantize each image.
    if (per_channel_) {
      gemm_.QuantizeAsymmetric(x, per_image, quantized_.data(), &scales_[0], &zero_points_[0]);
      s.mode = fast::HybridStage::Mode::kChannelThenRow;
      s.channel_scale = channel_scales_.data();
    } else {
      scales_[0] = gemm_.QuantizeSymmetric(x, per_image, quantized_.data()) * filter_scale_;
      zero_points_[0] = 0;
      s.mode = fast::HybridStage::Mode::kRowScale;
    }
    const QuantizedRows rows{&g_, quantized_.data(), 0, static_cast<uint8_t>(zero_points_[0] + 128), direct_rows_};
    gemm_.Run(pixels, PackQuantizedRows, &rows, s, output.data<float>() + b * pixels * g.output.c, g.output.c, pool);
  }
}

// As conv.cc's EvalHybridXnnpack: each image (or, 1x1 stride 1, each pixel's
// channels) quantized as math::QuantizeRowQd8 does, stored as q + 128
// (PackedHybridGemm::QuantizeQd8); a tap
// outside the image is the zero point, so Σ w·q − z·Σ w over all taps is the
// loop's Σ (q − z)·w over the taps inside.
void FastHybridConv::RunQd8(const Tensor& input, fast::HybridStage& s, Tensor& output, ThreadPool* pool) {
  const math::ConvGeometry& g = g_;
  const int64_t per_image = static_cast<int64_t>(g.input.h) * g.input.w * g.input.c;
  const int64_t pixels = static_cast<int64_t>(g.output.h) * g.output.w;
  s.mode = fast::HybridStage::Mode::kRowThenChannel;
  s.channel_scale = qd8_scales_.data();
  s.rows_per_group = qd8_pixels_ ? 1 : pixels;
  uint8_t* u = quantized_.data();
  for (int b = 0; b < g.input.n; ++b) {
    const float* x = input.data<float>() + b * per_image;
    if (qd8_pixels_) {
      const int c = g.input.c;
      for (int64_t p = 0; p < pixels; ++p) {
        scales_[static_cast<size_t>(p)] = gemm_.QuantizeQd8(x + p * c, c, u + p * c, &zero_points_[static_cast<size_t>(p)]);
      }
    } else {
      scales_[0] = gemm_.QuantizeQd8(x, per_image, u, &zero_points_[0]);
    }
    const QuantizedRows rows{&g_, quantized_.data(), 0, static_cast<uint8_t>(zero_points_[0] + 128), direct_rows_};
    gemm_.Run(pixels, PackQuantizedRows, &rows, s, output.data<float>() + b * pixels * g.output.c, g.output.c, pool);
  }
}

}  // namespace tfldbg
