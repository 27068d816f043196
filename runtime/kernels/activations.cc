// SOFTMAX: float32, and int8/uint8 through the fixed-point reference path.
#include <cmath>

#include "kernels/kernel.h"
#include "kernels/math/softmax.h"

namespace tfldbg {
namespace {

constexpr int kSoftmaxInput = 0;

class SoftmaxKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSoftmaxInput, "input"));
    const Tensor& input = *node.input(kSoftmaxInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* o = node.options<tflite::SoftmaxOptions>();
    if (o == nullptr) return node.InvalidModelError("SoftmaxOptions are missing");
    beta_ = o->beta();
    depth_ = input.dim(input.rank() - 1);
    rows_ = depth_ == 0 ? 0 : input.element_count() / depth_;
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat32) return Status::Ok();

    if (input.quant.empty() || output.quant.empty()) return node.InvalidModelError("quantized SOFTMAX needs scales");
    const int32_t expected_zp = output.type == DataType::kInt8 ? -128 : 0;
    if (output.zero_point() != expected_zp || std::fabs(output.scale() - 1.0f / 256) > 0.001f / 256) {
      return node.UnsupportedError("quantized output must have scale 1/256 and zero point " + std::to_string(expected_zp) +
                                   ", got scale " + std::to_string(output.scale()) + " zero point " +
                                   std::to_string(output.zero_point()));
    }
    constexpr int kScaledDiffIntegerBits = 5;
    params_.rounding = node.rounding;
    params_.input_beta = quant::PreprocessSoftmaxScaling(static_cast<double>(beta_), static_cast<double>(input.scale()),
                                                         kScaledDiffIntegerBits, node.rounding);
    if (params_.input_beta.shift < 0 || params_.input_beta.shift > 30) {
      return node.UnsupportedError("input scale x beta = " + std::to_string(beta_ * input.scale()) + " is out of range");
    }
    params_.diff_min = static_cast<int>(-1.0 * quant::CalculateInputRadius(kScaledDiffIntegerBits, params_.input_beta.shift));
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kSoftmaxInput);
    Tensor& output = *node.output(0);
    switch (input.type) {
      case DataType::kFloat32:
        math::SoftmaxFloat(input.data<float>(), rows_, depth_, beta_, output.data<float>());
        return Status::Ok();
      case DataType::kInt8:
        math::SoftmaxQuantized(params_, input.data<int8_t>(), rows_, depth_, output.data<int8_t>());
        return Status::Ok();
      case DataType::kUInt8:
        math::SoftmaxQuantized(params_, input.data<uint8_t>(), rows_, depth_, output.data<uint8_t>());
        return Status::Ok();
      default:
        return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  float beta_ = 1.0f;
  int depth_ = 1;
  int64_t rows_ = 0;
  math::SoftmaxParams params_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSoftmaxKernel() { return std::make_unique<SoftmaxKernel>(); }

}  // namespace tfldbg
