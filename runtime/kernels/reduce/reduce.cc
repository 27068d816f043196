// MEAN, SUM, REDUCE_MAX and REDUCE_MIN over their axes (float32: in input
// order; MEAN then divides; quantized MEAN and SUM: LiteRT's
// QuantizedMeanOrSum, see math/reduce.h; MAX/MIN of quantized inputs need the
// output's scale and zero point, as LiteRT) and ARG_MAX over one axis, as
// LiteRT's reference kernels.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/kernel.h"
#include "kernels/reduce/reduce_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kAxes = 1;

enum class Reduction { kMean, kSum, kMax, kMin };

class ReduceKernel : public Kernel {
 public:
  explicit ReduceKernel(Reduction reduction) : reduction_(reduction) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kAxes, "axes"));
    const Tensor& input = *node.input(kInput);
    const Tensor& axes = *node.input(kAxes);
    Tensor& output = *node.output(0);
    if (reduction_ == Reduction::kMean) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8,
                                                            DataType::kInt16, DataType::kInt32, DataType::kInt64}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (axes.type != DataType::kInt32) return node.InvalidModelError("axes must be an int32 tensor");
    if (node.DeferUnlessValuesKnown({&axes})) return Status::Ok();  // computed axes: resolved before each Eval
    const auto* o = node.options<tflite::ReducerOptions>();
    const bool keep_dims = o != nullptr && o->keep_dims();
    std::vector<bool> reduced(static_cast<size_t>(input.rank()), false);
    for (int64_t i = 0; i < axes.element_count(); ++i) {
      int a = axes.data<int32_t>()[i];
      if (a < 0) a += input.rank();
      if (a < 0 || a >= input.rank()) return node.InvalidModelError("axis " + std::to_string(axes.data<int32_t>()[i]) + " is out of range");
      reduced[static_cast<size_t>(a)] = true;  // repeated axes count once, as LiteRT's ResolveAxis
    }
    std::vector<int32_t> shape;
    for (int d = 0; d < input.rank(); ++d) {
      if (!reduced[static_cast<size_t>(d)]) shape.push_back(input.dim(d));
      else if (keep_dims) shape.push_back(1);
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    shape_ = math::MakeReduceShape(input.shape, reduced);
    const bool quantized = input.type == DataType::kInt8 || input.type == DataType::kUInt8 || input.type == DataType::kInt16;
    if (!quantized) return Status::Ok();
    if (reduction_ == Reduction::kMax || reduction_ == Reduction::kMin) {
      // LiteRT requires the output to keep the input's quantization.
      if (input.scale() != output.scale() || input.zero_point() != output.zero_point()) {
        return node.InvalidModelError("the output's scale and zero point must equal the input's");
      }
      return Status::Ok();
    }
    if (reduction_ == Reduction::kSum && input.type != DataType::kUInt8) {
      // Measured on the pinned LiteRT (ai-edge-litert 2.3.0): its int8 SUM
      // reads the bytes as uint8 (clamping to 0..255), its int16 SUM returns
      // values that are no sum of the input; nothing to reproduce faithfully.
      return node.UnsupportedError(std::string(DataTypeName(input.type)) +
                                   " SUM (the pinned LiteRT computes no defined sum for it; uint8 SUM is supported)");
    }
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized " + node.op_name + " needs positive scales");
    }
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.InvalidModelError("int16 " + node.op_name + " needs zero points of 0 (input " +
                                    std::to_string(input.zero_point()) + ", output " + std::to_string(output.zero_point()) + ")");
    }
    const quant::QuantizedMultiplier base =
        quant::QuantizeMultiplier(static_cast<double>(input.scale()) / static_cast<double>(output.scale()), node.rounding);
    // SUM requantizes the sum itself; MEAN folds 1/N into the multiplier.
    multiplier_ = reduction_ == Reduction::kSum ? base : math::MeanMultiplier(base, shape_.count);
    rounding_ = node.rounding;
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    if (reduction_ != Reduction::kMean) return EvalOther(input, output, zp_in, zp_out);
    switch (input.type) {
      case DataType::kFloat32: math::MeanFloat(shape_, input.data<float>(), output.data<float>()); break;
      case DataType::kInt8:
        math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<int8_t>(), output.data<int8_t>(), sums_);
        break;
      case DataType::kUInt8:
        math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<uint8_t>(), output.data<uint8_t>(), sums_);
        break;
      case DataType::kInt16:
        math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<int16_t>(), output.data<int16_t>(), sums_);
        break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  Status EvalOther(const Tensor& input, Tensor& output, int32_t zp_in, int32_t zp_out) {
    const bool sum = reduction_ == Reduction::kSum;
    switch (input.type) {
      case DataType::kFloat32: Fold(input.data<float>(), output.data<float>()); break;
      case DataType::kInt32: Fold(input.data<int32_t>(), output.data<int32_t>()); break;
      case DataType::kInt64: Fold(input.data<int64_t>(), output.data<int64_t>()); break;
      case DataType::kInt8:
        if (sum) {
          math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<int8_t>(), output.data<int8_t>(), sums_);
        } else {
          Fold(input.data<int8_t>(), output.data<int8_t>());
        }
        break;
      case DataType::kUInt8:
        if (sum) {
          math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<uint8_t>(), output.data<uint8_t>(), sums_);
        } else {
          Fold(input.data<uint8_t>(), output.data<uint8_t>());
        }
        break;
      case DataType::kInt16:
        if (sum) {
          math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, input.data<int16_t>(), output.data<int16_t>(), sums_);
        } else {
          Fold(input.data<int16_t>(), output.data<int16_t>());
        }
        break;
      default: break;
    }
    return Status::Ok();
  }

  // LiteRT's ReduceGeneric: each output starts at the reduction's identity
  // (0, lowest, highest) and takes the inputs in order; integer sums wrap.
  template <typename T>
  void Fold(const T* in, T* out) const {
    T init{};
    if (reduction_ == Reduction::kMax) init = std::numeric_limits<T>::lowest();
    if (reduction_ == Reduction::kMin) init = std::numeric_limits<T>::max();
    std::fill(out, out + shape_.outputs, init);
    math::ForEachReduced(shape_, [&](int64_t i, int64_t o) {
      switch (reduction_) {
        case Reduction::kMax: out[o] = in[i] > out[o] ? in[i] : out[o]; break;
        case Reduction::kMin: out[o] = in[i] < out[o] ? in[i] : out[o]; break;
        default:
          if constexpr (std::is_floating_point_v<T>) {
            out[o] += in[i];
          } else {
            out[o] = static_cast<T>(static_cast<std::make_unsigned_t<T>>(out[o]) + static_cast<std::make_unsigned_t<T>>(in[i]));
          }
      }
    });
  }

  Reduction reduction_;
  math::ReduceShape shape_;
  quant::QuantizedMultiplier multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  std::vector<int32_t> sums_;  // one int32 sum per output element, as LiteRT's temp_sum
};

// ARG_MAX over one constant axis; ties go to the first maximum, as LiteRT.
class ArgMaxKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kAxes, "axis"));
    const Tensor& input = *node.input(kInput);
    const Tensor& axis = *node.input(kAxes);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (!axis.is_constant() || axis.element_count() != 1 || (axis.type != DataType::kInt32 && axis.type != DataType::kInt64)) {
      return node.UnsupportedError("the axis must be a constant int32/int64 scalar");
    }
    int64_t a = axis.type == DataType::kInt32 ? axis.data<int32_t>()[0] : axis.data<int64_t>()[0];
    if (a < 0) a += input.rank();
    if (a < 0 || a >= input.rank()) return node.InvalidModelError("axis " + std::to_string(a) + " is out of range");
    axis_ = static_cast<int>(a);
    std::vector<int32_t> shape;
    outer_ = inner_ = 1;
    for (int d = 0; d < input.rank(); ++d) {
      if (d != axis_) shape.push_back(input.dim(d));
      if (d < axis_) outer_ *= input.dim(d);
      if (d > axis_) inner_ *= input.dim(d);
    }
    if (input.dim(axis_) == 0) return node.InvalidModelError("ARG_MAX over an empty axis");
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    switch (input.type) {
      case DataType::kFloat32: return Run<float>(input, *node.output(0));
      case DataType::kInt8: return Run<int8_t>(input, *node.output(0));
      case DataType::kUInt8: return Run<uint8_t>(input, *node.output(0));
      case DataType::kInt16: return Run<int16_t>(input, *node.output(0));
      case DataType::kInt32: return Run<int32_t>(input, *node.output(0));
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  template <typename T>
  Status Run(const Tensor& input, Tensor& output) const {
    const int64_t size = input.dim(axis_);
    if (output.type == DataType::kInt32) {
      math::ArgMax(outer_, size, inner_, input.data<T>(), output.data<int32_t>());
    } else {
      math::ArgMax(outer_, size, inner_, input.data<T>(), output.data<int64_t>());
    }
    return Status::Ok();
  }

  int axis_ = 0;
  int64_t outer_ = 1, inner_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> CreateArgMaxKernel() { return std::make_unique<ArgMaxKernel>(); }
std::unique_ptr<Kernel> CreateMeanKernel() { return std::make_unique<ReduceKernel>(Reduction::kMean); }
std::unique_ptr<Kernel> CreateSumKernel() { return std::make_unique<ReduceKernel>(Reduction::kSum); }
std::unique_ptr<Kernel> CreateReduceMaxKernel() { return std::make_unique<ReduceKernel>(Reduction::kMax); }
std::unique_ptr<Kernel> CreateReduceMinKernel() { return std::make_unique<ReduceKernel>(Reduction::kMin); }

}  // namespace tfldbg
