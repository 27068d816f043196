// ARG_MAX, and MEAN over constant axes: float32 (sum in input order, then divide) and
// int8/uint8/int16 (integer sum minus N·zp_in, then one requantization by
// s_in / (N·s_out) folded into the multiplier), as LiteRT's reference kernels.
#include <cmath>
#include <set>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kAxes = 1;

class MeanKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kAxes, "axes"));
    const Tensor& input = *node.input(kInput);
    const Tensor& axes = *node.input(kAxes);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (!axes.is_constant() || axes.type != DataType::kInt32) return node.UnsupportedError("axes must be a constant int32 tensor");
    const auto* o = node.options<tflite::ReducerOptions>();
    const bool keep_dims = o != nullptr && o->keep_dims();
    std::set<int> reduced;
    for (int64_t i = 0; i < axes.element_count(); ++i) {
      int a = axes.data<int32_t>()[i];
      if (a < 0) a += input.rank();
      if (a < 0 || a >= input.rank()) return node.InvalidModelError("axis " + std::to_string(axes.data<int32_t>()[i]) + " is out of range");
      reduced.insert(a);
    }
    std::vector<int32_t> shape;
    reduced_.assign(static_cast<size_t>(input.rank()), false);
    count_ = 1;
    for (int d = 0; d < input.rank(); ++d) {
      const bool r = reduced.count(d) > 0;
      reduced_[static_cast<size_t>(d)] = r;
      if (r) count_ *= input.dim(d);
      if (!r) shape.push_back(input.dim(d));
      else if (keep_dims) shape.push_back(1);
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    if (count_ == 0) return node.UnsupportedError("a mean over zero elements");
    if (input.type == DataType::kFloat32) return Status::Ok();
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized MEAN needs positive scales");
    }
    // multiplier for s_in / s_out, then divided by N with as many bits as fit.
    const quant::QuantizedMultiplier base =
        quant::QuantizeMultiplier(static_cast<double>(input.scale()) / static_cast<double>(output.scale()), node.rounding);
    int k = 0;
    while ((int64_t{1} << (k + 1)) <= count_ && k < 32) ++k;  // floor(log2 N), at most 32
    k = std::min(k, 31 + base.shift);
    if (k < 0) k = 0;
    multiplier_.multiplier = static_cast<int32_t>((static_cast<int64_t>(base.multiplier) << k) / count_);
    multiplier_.shift = base.shift - k;
    rounding_ = node.rounding;
    clamp_ = quant::TypeRange(output.type);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int64_t outputs = output.element_count();
    switch (input.type) {
      case DataType::kFloat32: {
        std::vector<float> sum(static_cast<size_t>(outputs), 0.0f);
        Accumulate(input, [&](int64_t in, int64_t out) { sum[static_cast<size_t>(out)] += input.data<float>()[in]; });
        for (int64_t i = 0; i < outputs; ++i) output.data<float>()[i] = sum[static_cast<size_t>(i)] / static_cast<float>(count_);
        return Status::Ok();
      }
      case DataType::kInt8: return EvalQuantized<int8_t>(input, output);
      case DataType::kUInt8: return EvalQuantized<uint8_t>(input, output);
      case DataType::kInt16: return EvalQuantized<int16_t>(input, output);
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  // Visits every input element with the index of the output it reduces into.
  template <typename Fn>
  void Accumulate(const Tensor& input, Fn fn) const {
    const int rank = input.rank();
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    const int64_t n = input.element_count();
    for (int64_t i = 0; i < n; ++i) {
      int64_t out = 0;
      for (int d = 0; d < rank; ++d) {
        if (!reduced_[static_cast<size_t>(d)]) out = out * input.dim(d) + index[static_cast<size_t>(d)];
      }
      fn(i, out);
      for (int d = rank - 1; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < input.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
  }

  template <typename T>
  Status EvalQuantized(const Tensor& input, Tensor& output) {
    const int64_t outputs = output.element_count();
    std::vector<int32_t> sum(static_cast<size_t>(outputs), 0);
    Accumulate(input, [&](int64_t in, int64_t out) {
      sum[static_cast<size_t>(out)] = quant::WrappingAdd(sum[static_cast<size_t>(out)], input.data<T>()[in]);
    });
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    for (int64_t i = 0; i < outputs; ++i) {
      const int32_t centered = quant::WrappingAdd(sum[static_cast<size_t>(i)], -static_cast<int32_t>(count_ * zp_in));
      int32_t v = quant::MultiplyByQuantizedMultiplier(centered, multiplier_, rounding_);
      v = quant::WrappingAdd(v, zp_out);
      output.data<T>()[i] = static_cast<T>(std::min(std::max(v, clamp_.min), clamp_.max));
    }
    return Status::Ok();
  }

  std::vector<bool> reduced_;
  int64_t count_ = 1;
  quant::QuantizedMultiplier multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  quant::IntRange clamp_;
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
    const int size = input.dim(axis_);
    const T* x = input.data<T>();
    for (int64_t o = 0; o < outer_; ++o) {
      for (int64_t i = 0; i < inner_; ++i) {
        T best = x[o * size * inner_ + i];
        int64_t best_index = 0;
        for (int k = 1; k < size; ++k) {
          const T v = x[(o * size + k) * inner_ + i];
          if (v > best) {
            best = v;
            best_index = k;
          }
        }
        if (output.type == DataType::kInt32) {
          output.data<int32_t>()[o * inner_ + i] = static_cast<int32_t>(best_index);
        } else {
          output.data<int64_t>()[o * inner_ + i] = best_index;
        }
      }
    }
    return Status::Ok();
  }

  int axis_ = 0;
  int64_t outer_ = 1, inner_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> CreateArgMaxKernel() { return std::make_unique<ArgMaxKernel>(); }
std::unique_ptr<Kernel> CreateMeanKernel() { return std::make_unique<MeanKernel>(); }

}  // namespace tfldbg
