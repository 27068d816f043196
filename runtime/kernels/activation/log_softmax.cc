// LOG_SOFTMAX over the last axis: float32, and int8/uint8 in gemmlowp fixed
// point as LiteRT's reference kernels (math in log_softmax_math.h). LiteRT
// requires the quantized output on scale 16/256 with zero point 127 (int8) or
// 255 (uint8): [-16, 0] mapped onto the type's range.
#include <cmath>
#include <limits>
#include <sstream>

#include "kernels/activation/log_softmax_math.h"
#include "kernels/activation/optimized_softmax_math.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutput = 0;
constexpr int kScaledDiffIntegerBits = 5;

class LogSoftmaxKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, std::numeric_limits<int>::max()));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    depth_ = input.dim(input.rank() - 1);
    rows_ = depth_ == 0 ? 0 : input.element_count() / depth_;
    if (input.type == DataType::kFloat32) return Status::Ok();

    if (input.quant.empty() || output.quant.empty()) return node.InvalidModelError("quantized LOG_SOFTMAX needs scales");
    const int32_t zero_point = input.type == DataType::kInt8 ? 127 : 255;
    if (output.scale() != 16.0f / 256 || output.zero_point() != zero_point) {
      std::ostringstream got;
      got << output.scale() << " and zero point " << output.zero_point();
      return node.UnsupportedError(std::string(DataTypeName(input.type)) + " output must have scale 16/256 and zero point " +
                                   std::to_string(zero_point) + " (as LiteRT requires), got scale " + got.str());
    }
    optimized_ = node.kernels == KernelSet::kOptimized;
    if (optimized_) return PrepareOptimized(input, output);
    // TFLite's PreprocessLogSoftmaxScalingExp with beta 1: the input scale
    // times 2^26 as a multiplier greater than one (LiteRT aborts otherwise),
    // and its inverse as a multiplier smaller than one.
    const double real = static_cast<double>(input.scale()) * static_cast<double>(1 << (31 - kScaledDiffIntegerBits));
    if (!(real > 1.0)) {
      return node.UnsupportedError("input scale " + FormatFloat(input.scale()) +
                                   " is at most 2^-26 (LiteRT aborts: its input multiplier must exceed 1)");
    }
    params_.rounding = node.rounding;
    params_.input_multiplier = quant::PreprocessSoftmaxScaling(1.0, static_cast<double>(input.scale()), kScaledDiffIntegerBits, node.rounding);
    const int left_shift = params_.input_multiplier.shift;
    if (left_shift < 1 || left_shift > 31 || params_.input_multiplier.multiplier <= 0) {
      return node.UnsupportedError("input scale " + FormatFloat(input.scale()) + " is out of LiteRT's range");
    }
    const double reverse = static_cast<double>(int64_t{1} << (31 - left_shift)) / static_cast<double>(params_.input_multiplier.multiplier);
    params_.reverse_multiplier = quant::QuantizeMultiplierSmallerThanOneExp(reverse, node.rounding);
    params_.diff_min = -quant::CalculateInputRadius(kScaledDiffIntegerBits, left_shift);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    if (optimized_) return EvalOptimized(node, input, output);
    bool ok = true;
    switch (input.type) {
      case DataType::kFloat32: math::LogSoftmaxFloat(input.data<float>(), rows_, depth_, output.data<float>()); break;
      case DataType::kInt8: ok = math::LogSoftmaxQuantized(params_, input.data<int8_t>(), rows_, depth_, output.data<int8_t>()); break;
      case DataType::kUInt8: ok = math::LogSoftmaxQuantized(params_, input.data<uint8_t>(), rows_, depth_, output.data<uint8_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    if (!ok) {
      return node.RuntimeFailure("the sum of exponentials of a row overflows LiteRT's Q12 accumulator (more than 4096 "
                                 "values near the row maximum): LiteRT's result is undefined");
    }
    return Status::Ok();
  }

 private:
  // --kernels optimized: LiteRT's float exp table and float log
  // (optimized_softmax_math.h); none of the reference's fixed-point limits.
  Status PrepareOptimized(const Tensor& input, const Tensor& output) {
    math::PopulateSoftmaxTable(input.scale(), 1.0f, &table_params_);
    table_params_.output_scale = output.scale();
    table_params_.output_zero_point = output.zero_point();
    input_scale_ = input.scale();
    return Status::Ok();
  }

  Status EvalOptimized(NodeContext& node, const Tensor& input, Tensor& output) const {
    if (input.type == DataType::kInt8) {
      math::LogSoftmaxTable(table_params_, input_scale_, input.data<int8_t>(), rows_, depth_, output.data<int8_t>());
    } else if (input.type == DataType::kUInt8) {
      math::LogSoftmaxTable(table_params_, input_scale_, input.data<uint8_t>(), rows_, depth_, output.data<uint8_t>());
    } else {
      return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

  static std::string FormatFloat(float v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }

  int depth_ = 1;
  int64_t rows_ = 0;
  math::LogSoftmaxQuantizedParams params_;
  bool optimized_ = false;
  float input_scale_ = 1.0f;
  math::SoftmaxTableParams table_params_;
};

}  // namespace

std::unique_ptr<Kernel> CreateLogSoftmaxKernel() { return std::make_unique<LogSoftmaxKernel>(); }

}  // namespace tfldbg
