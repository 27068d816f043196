// RESIZE_BILINEAR (float32 and uint8 through LiteRT's float reference kernel;
// int8/int16 through its integer kernel in 10-bit fixed point) and
// RESIZE_NEAREST_NEIGHBOR (any 8/16/32-bit type). LiteRT does not rescale:
// the output carries the input's values, whatever quantization it states.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/kernel.h"
#include "kernels/resize/resize_math.h"

namespace tfldbg {
namespace {

constexpr int kResizeInput = 0;
constexpr int kResizeSize = 1;

class ResizeKernel : public Kernel {
 public:
  explicit ResizeKernel(bool bilinear) : bilinear_(bilinear) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kResizeInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kResizeSize, "size"));
    const Tensor& input = *node.input(kResizeInput);
    const Tensor& size = *node.input(kResizeSize);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    if (bilinear_) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt16}));
      const auto* o = node.options<tflite::ResizeBilinearOptions>();
      params_.align_corners = o && o->align_corners();
      params_.half_pixel_centers = o && o->half_pixel_centers();
      if (params_.align_corners && params_.half_pixel_centers) {
        return node.InvalidModelError("align_corners and half_pixel_centers cannot both be set");
      }
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kInt32}));
      const auto* o = node.options<tflite::ResizeNearestNeighborOptions>();
      params_.align_corners = o && o->align_corners();
      params_.half_pixel_centers = o && o->half_pixel_centers();
    }
    if (size.type != DataType::kInt32 || size.rank() != 1 || size.element_count() != 2) {
      return node.InvalidModelError("size must be an int32 tensor [2]");
    }
    int32_t h = 0, w = 0;
    if (node.DeferUnlessValuesKnown({&size})) return Status::Ok();  // a computed size: resolved before each Eval
    h = size.data<int32_t>()[0];
    w = size.data<int32_t>()[1];
    if (h <= 0 || w <= 0 || h > (1 << 16) || w > (1 << 16)) return node.InvalidModelError("output size " + std::to_string(h) + "x" + std::to_string(w));
    if (input.dim(1) <= 0 || input.dim(2) <= 0 || input.dim(1) > (1 << 16) || input.dim(2) > (1 << 16)) {
      return node.InvalidModelError("input height and width must be in [1, 65536]");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {input.dim(0), h, w, input.dim(3)}));
    params_.input = {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    params_.output = {output.dim(0), output.dim(1), output.dim(2), output.dim(3)};
    rounding_ = node.rounding;
    uint8_optimized_ = bilinear_ && input.type == DataType::kUInt8 && node.kernels == KernelSet::kOptimized;
    if (uint8_optimized_ && math::ResizeBilinearUint8TakesThe888Path(params_)) {
      return node.UnsupportedError("uint8 8x upsampling with half-pixel centres under --kernels optimized: LiteRT's "
                                   "fixed-point ResizeBilinear888Uint8 path is not modelled");
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kResizeInput);
    Tensor& output = *node.output(0);
    if (!bilinear_) {
      math::ResizeNearestNeighbor(params_, static_cast<size_t>(DataTypeBits(input.type) / 8), input.bytes, output.bytes);
      return Status::Ok();
    }
    switch (input.type) {
      case DataType::kFloat32: math::ResizeBilinearFloat(params_, input.data<float>(), output.data<float>()); break;
      case DataType::kUInt8:
        if (uint8_optimized_) {
          math::ResizeBilinearUint8Optimized(params_, input.data<uint8_t>(), output.data<uint8_t>());
        } else {
          math::ResizeBilinearFloat(params_, input.data<uint8_t>(), output.data<uint8_t>());
        }
        break;
      case DataType::kInt8: math::ResizeBilinearInteger(params_, rounding_, input.data<int8_t>(), output.data<int8_t>()); break;
      case DataType::kInt16: math::ResizeBilinearInteger(params_, rounding_, input.data<int16_t>(), output.data<int16_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  bool bilinear_;
  math::ResizeParams params_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  bool uint8_optimized_ = false;  // --kernels optimized: LiteRT's optimized uint8 bilinear weights
};

}  // namespace

std::unique_ptr<Kernel> CreateResizeBilinearKernel() { return std::make_unique<ResizeKernel>(true); }
std::unique_ptr<Kernel> CreateResizeNearestNeighborKernel() { return std::make_unique<ResizeKernel>(false); }

}  // namespace tfldbg
