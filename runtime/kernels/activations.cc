// SOFTMAX: float32, and int8/uint8 through the fixed-point reference path.
#include <array>
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
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* o = node.options<tflite::SoftmaxOptions>();
    if (o == nullptr) return node.InvalidModelError("SoftmaxOptions are missing");
    beta_ = o->beta();
    depth_ = input.dim(input.rank() - 1);
    rows_ = depth_ == 0 ? 0 : input.element_count() / depth_;
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat32) return Status::Ok();

    if (input.quant.empty() || output.quant.empty()) return node.InvalidModelError("quantized SOFTMAX needs scales");
    if (input.type == DataType::kInt16) return PrepareInt16(node, input, output);
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
      case DataType::kInt16:
        math::SoftmaxInt16(int16_params_, input.data<int16_t>(), rows_, depth_, output.data<int16_t>());
        return Status::Ok();
      default:
        return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  Status PrepareInt16(const NodeContext& node, const Tensor& input, const Tensor& output) {
    if (input.zero_point() != 0 || output.zero_point() != 0) return node.UnsupportedError("int16 needs zero points 0");
    if (std::fabs(output.scale() - 1.0f / 32768) > 0.001f / 32768) {
      return node.UnsupportedError("int16 output must have scale 1/32768, got " + std::to_string(output.scale()));
    }
    // exp on [-10, 0] and 1/(1+x) on [0, 1], both mapped onto [-1, 1].
    quant::BuildInt16Lut([](double x) { return std::exp(x); }, -10.0, 0.0, -1.0, 1.0, exp_lut_.data());
    quant::BuildInt16Lut([](double x) { return 1.0 / (1.0 + x); }, 0.0, 1.0, -1.0, 1.0, one_over_lut_.data());
    // Input differences are rescaled so that [-65535, 0] stands for [-10, 0];
    // LiteRT multiplies scale and beta in float.
    const double rescale = static_cast<double>(input.scale() * beta_) / (10.0 / 65535.0);
    int16_params_.input_multiplier = quant::QuantizeMultiplier(rescale, node.rounding);
    if (int16_params_.input_multiplier.shift > 30) return node.UnsupportedError("input scale x beta is out of range");
    int16_params_.rounding = node.rounding;
    int16_params_.exp_lut = exp_lut_.data();
    int16_params_.one_over_one_plus_x_lut = one_over_lut_.data();
    return Status::Ok();
  }

  float beta_ = 1.0f;
  std::array<int16_t, quant::kInt16LutSize> exp_lut_{};
  std::array<int16_t, quant::kInt16LutSize> one_over_lut_{};
  math::SoftmaxInt16Params int16_params_;
  int depth_ = 1;
  int64_t rows_ = 0;
  math::SoftmaxParams params_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSoftmaxKernel() { return std::make_unique<SoftmaxKernel>(); }

}  // namespace tfldbg
