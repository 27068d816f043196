// AVERAGE_POOL_2D and MAX_POOL_2D: float32, int8, uint8, int16 (LiteRT's
// reference kernels). Quantized pools do not rescale: the output must share
// the input's quantization. L2_POOL_2D: float32 only (LiteRT has no quantized
// L2 pool).
#include <cmath>

#include "kernels/common/requant.h"
#include "kernels/pooling/pooling_math.h"

namespace tfldbg {
namespace {

constexpr int kPoolInput = 0;

enum class PoolKind { kAverage, kMax, kL2 };

class PoolKernel : public Kernel {
 public:
  explicit PoolKernel(PoolKind kind) : kind_(kind) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kPoolInput, "input"));
    const Tensor& input = *node.input(kPoolInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    if (kind_ == PoolKind::kL2) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* o = node.options<tflite::Pool2DOptions>();
    if (o == nullptr) return node.InvalidModelError("Pool2DOptions are missing");
    const auto padding = static_cast<math::Padding>(o->padding());
    if (padding != math::Padding::kSame && padding != math::Padding::kValid) return node.InvalidModelError("unknown padding");
    constexpr int kMaxStep = 1 << 16;
    if (o->stride_h() <= 0 || o->stride_w() <= 0 || o->filter_height() <= 0 || o->filter_width() <= 0 ||
        o->stride_h() > kMaxStep || o->stride_w() > kMaxStep || o->filter_height() > kMaxStep || o->filter_width() > kMaxStep) {
      return node.InvalidModelError("filter sizes and strides must be in [1, 65536]");
    }
    TFLDBG_ASSIGN_OR_RETURN(activation_, FusedActivation(node, static_cast<int>(o->fused_activation_function())));
    g_.input = {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    g_.filter_h = o->filter_height();
    g_.filter_w = o->filter_width();
    g_.stride_h = o->stride_h();
    g_.stride_w = o->stride_w();
    const int out_h = math::ComputeOutSize(padding, input.dim(1), g_.filter_h, g_.stride_h, 1);
    const int out_w = math::ComputeOutSize(padding, input.dim(2), g_.filter_w, g_.stride_w, 1);
    if (out_h <= 0 || out_w <= 0) return node.InvalidModelError("the pooling window does not fit the input " + ShapeToString(input.shape));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {input.dim(0), out_h, out_w, input.dim(3)}));
    g_.output = {output.dim(0), output.dim(1), output.dim(2), output.dim(3)};
    g_.pad_h = math::ComputePaddingBefore(g_.stride_h, 1, input.dim(1), g_.filter_h, out_h);
    g_.pad_w = math::ComputePaddingBefore(g_.stride_w, 1, input.dim(2), g_.filter_w, out_w);
    if (input.type == DataType::kFloat32) {
      float_clamp_ = quant::FloatActivationRange(activation_);
    } else {
      if (input.quant.empty() || output.quant.empty()) return node.InvalidModelError("quantized pooling needs scales");
      if (input.scale() != output.scale() || input.zero_point() != output.zero_point()) {
        return node.InvalidModelError("input and output quantization must be equal (pooling does not rescale)");
      }
      int_clamp_ = quant::QuantizedActivationRange(activation_, output.scale(), output.zero_point(), output.type);
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kPoolInput);
    Tensor& output = *node.output(0);
    bool ok = true;
    switch (input.type) {
      case DataType::kFloat32:
        if (kind_ == PoolKind::kAverage) {
          ok = math::AveragePoolFloat(g_, input.data<float>(), float_clamp_.min, float_clamp_.max, output.data<float>());
        } else if (kind_ == PoolKind::kL2) {
          math::L2Pool(g_, input.data<float>(), float_clamp_.min, float_clamp_.max, output.data<float>());
        } else {
          math::MaxPool(g_, input.data<float>(), float_clamp_.min, float_clamp_.max, output.data<float>());
        }
        break;
      case DataType::kInt8: ok = Quantized<int8_t>(input, output); break;
      case DataType::kUInt8: ok = Quantized<uint8_t>(input, output); break;
      case DataType::kInt16: ok = Quantized<int16_t>(input, output); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    if (!ok) return node.RuntimeFailure("a pooling window covers no input element");
    return Status::Ok();
  }

 private:
  template <typename T>
  bool Quantized(const Tensor& input, Tensor& output) {
    if (kind_ == PoolKind::kAverage) return math::AveragePoolQuantized(g_, input.data<T>(), int_clamp_.min, int_clamp_.max, output.data<T>());
    math::MaxPool(g_, input.data<T>(), int_clamp_.min, int_clamp_.max, output.data<T>());
    return true;
  }

  PoolKind kind_;
  math::PoolGeometry g_;
  quant::Activation activation_ = quant::Activation::kNone;
  quant::FloatRange float_clamp_;
  quant::IntRange int_clamp_;
};

}  // namespace

std::unique_ptr<Kernel> CreateAveragePool2DKernel() { return std::make_unique<PoolKernel>(PoolKind::kAverage); }
std::unique_ptr<Kernel> CreateMaxPool2DKernel() { return std::make_unique<PoolKernel>(PoolKind::kMax); }
std::unique_ptr<Kernel> CreateL2Pool2DKernel() { return std::make_unique<PoolKernel>(PoolKind::kL2); }

}  // namespace tfldbg
