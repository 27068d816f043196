// RESIZE_BILINEAR (float32 as LiteRT's reference float kernel; int8/int16
// through LiteRT's integer kernel in 10-bit fixed point) and
// RESIZE_NEAREST_NEIGHBOR (any 8/16/32-bit type). The size is a constant.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/kernel.h"
#include "kernels/math/padding.h"

namespace tfldbg {
namespace {

class ResizeKernel : public Kernel {
 public:
  explicit ResizeKernel(bool bilinear) : bilinear_(bilinear) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "size"));
    const Tensor& input = *node.input(0);
    const Tensor& size = *node.input(1);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    if (bilinear_) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kInt16}));
      const auto* o = node.options<tflite::ResizeBilinearOptions>();
      align_corners_ = o && o->align_corners();
      half_pixel_ = o && o->half_pixel_centers();
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kInt32}));
      const auto* o = node.options<tflite::ResizeNearestNeighborOptions>();
      align_corners_ = o && o->align_corners();
      half_pixel_ = o && o->half_pixel_centers();
    }
    if (!size.is_constant() || size.type != DataType::kInt32 || size.element_count() != 2) {
      return node.UnsupportedError("size must be a constant int32 [2] (dynamic sizes come later)");
    }
    const int32_t h = size.data<int32_t>()[0], w = size.data<int32_t>()[1];
    if (h <= 0 || w <= 0 || h > (1 << 16) || w > (1 << 16)) return node.InvalidModelError("output size " + std::to_string(h) + "x" + std::to_string(w));
    if (input.dim(1) <= 0 || input.dim(2) <= 0) return node.InvalidModelError("empty input");
    if (!input.quant.empty() && !output.quant.empty() &&
        (input.scale() != output.scale() || input.zero_point() != output.zero_point())) {
      return node.UnsupportedError("input and output quantization must be equal (RESIZE does not rescale)");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {input.dim(0), h, w, input.dim(3)}));
    in_ = {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    out_ = {output.dim(0), output.dim(1), output.dim(2), output.dim(3)};
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    if (!bilinear_) return Nearest(input, output);
    switch (input.type) {
      case DataType::kFloat32: BilinearFloat(input.data<float>(), output.data<float>()); break;
      case DataType::kInt8: BilinearInteger(input.data<int8_t>(), output.data<int8_t>()); break;
      case DataType::kInt16: BilinearInteger(input.data<int16_t>(), output.data<int16_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  float Scale(int in, int out) const {
    return (align_corners_ && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                       : static_cast<float>(in) / static_cast<float>(out);
  }

  void Interpolation(int value, float scale, int in_size, float* scaled, int* lo, int* hi) const {
    *scaled = half_pixel_ ? (static_cast<float>(value) + 0.5f) * scale - 0.5f : static_cast<float>(value) * scale;
    *lo = std::max(static_cast<int>(std::floor(*scaled)), 0);
    *hi = std::min(static_cast<int>(std::ceil(*scaled)), in_size - 1);
  }

  void BilinearFloat(const float* x, float* y) const {
    const float hs = Scale(in_.h, out_.h), ws = Scale(in_.w, out_.w);
    for (int b = 0; b < out_.n; ++b) {
      for (int oy = 0; oy < out_.h; ++oy) {
        float iy;
        int y0, y1;
        Interpolation(oy, hs, in_.h, &iy, &y0, &y1);
        for (int ox = 0; ox < out_.w; ++ox) {
          float ix;
          int x0, x1;
          Interpolation(ox, ws, in_.w, &ix, &x0, &x1);
          for (int c = 0; c < out_.c; ++c) {
            const float dy = iy - static_cast<float>(y0), dx = ix - static_cast<float>(x0);
            y[out_.Offset(b, oy, ox, c)] = x[in_.Offset(b, y0, x0, c)] * (1 - dy) * (1 - dx) +
                                           x[in_.Offset(b, y1, x0, c)] * dy * (1 - dx) +
                                           x[in_.Offset(b, y0, x1, c)] * (1 - dy) * dx +
                                           x[in_.Offset(b, y1, x1, c)] * dy * dx;
          }
        }
      }
    }
  }

  int32_t Scale10(int in, int out) const {
    if (align_corners_ && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
    return ((1 << 10) * in + out / 2) / out;
  }

  void Interpolation10(int value, int32_t scale10, int in_size, int32_t* scaled, int* lo, int* hi) const {
    *scaled = half_pixel_ ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
    *lo = std::max(*scaled / (1 << 10), 0);
    *hi = std::min((*scaled + (1 << 10) - 1) / (1 << 10), in_size - 1);
  }

  template <typename T>
  void BilinearInteger(const T* x, T* y) const {
    const int32_t hs = Scale10(in_.h, out_.h), ws = Scale10(in_.w, out_.w);
    for (int b = 0; b < out_.n; ++b) {
      for (int oy = 0; oy < out_.h; ++oy) {
        int32_t iy;
        int y0, y1;
        Interpolation10(oy, hs, in_.h, &iy, &y0, &y1);
        for (int ox = 0; ox < out_.w; ++ox) {
          int32_t ix;
          int x0, x1;
          Interpolation10(ox, ws, in_.w, &ix, &x0, &x1);
          const int64_t fy = iy - (1 << 10) * y0, fx = ix - (1 << 10) * x0;
          for (int c = 0; c < out_.c; ++c) {
            const int64_t sum = static_cast<int64_t>(x[in_.Offset(b, y0, x0, c)]) * ((1 << 10) - fy) * ((1 << 10) - fx) +
                                static_cast<int64_t>(x[in_.Offset(b, y1, x0, c)]) * fy * ((1 << 10) - fx) +
                                static_cast<int64_t>(x[in_.Offset(b, y0, x1, c)]) * ((1 << 10) - fy) * fx +
                                static_cast<int64_t>(x[in_.Offset(b, y1, x1, c)]) * fy * fx;
            // Double-rounding builds round half away from zero; the only other
            // choice LiteRT has (single rounding) rounds half up.
            const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
            y[out_.Offset(b, oy, ox, c)] = static_cast<T>((sum + round) / (1 << 20));
          }
        }
      }
    }
  }

  Status Nearest(const Tensor& input, Tensor& output) const {
    const size_t element = static_cast<size_t>(DataTypeBits(input.type) / 8);
    const float hs = Scale(in_.h, out_.h), ws = Scale(in_.w, out_.w);
    const float offset = half_pixel_ ? 0.5f : 0.0f;
    auto source = [&](int v, float scale, int size) {
      const float s = (static_cast<float>(v) + offset) * scale;
      int i = std::min(align_corners_ ? static_cast<int>(std::round(s)) : static_cast<int>(std::floor(s)), size - 1);
      return std::max(i, 0);
    };
    for (int b = 0; b < out_.n; ++b) {
      for (int oy = 0; oy < out_.h; ++oy) {
        const int sy = source(oy, hs, in_.h);
        for (int ox = 0; ox < out_.w; ++ox) {
          const int sx = source(ox, ws, in_.w);
          std::memcpy(output.bytes + static_cast<size_t>(out_.Offset(b, oy, ox, 0)) * element,
                      input.bytes + static_cast<size_t>(in_.Offset(b, sy, sx, 0)) * element, static_cast<size_t>(out_.c) * element);
        }
      }
    }
    return Status::Ok();
  }

  bool bilinear_;
  bool align_corners_ = false;
  bool half_pixel_ = false;
  math::Shape4 in_, out_;
};

}  // namespace

std::unique_ptr<Kernel> CreateResizeBilinearKernel() { return std::make_unique<ResizeKernel>(true); }
std::unique_ptr<Kernel> CreateResizeNearestNeighborKernel() { return std::make_unique<ResizeKernel>(false); }

}  // namespace tfldbg
