// The reductions, as LiteRT's kernels compute them (math in reduce_math.h):
// MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL over
// their axes, and ARG_MAX / ARG_MIN over one axis. Float and integer
// reductions fold in input order (integers wrap, bool is OR/AND); quantized
// MEAN and uint8 SUM requantize once (QuantizedMeanOrSum); quantized PROD
// rescales every step; int8/int16 SUM is LiteRT's optimized kernel's float
// rescale, its reference kernel being defective (docs/litert-defects.md).
// MAX/MIN of quantized inputs need the output's scale and zero point.
// Under --kernels optimized, int8/uint8 MEAN over axes {1, 2} of a 4-D input
// with keep_dims is LiteRT's optimized kernel's arithmetic (PrepareOptimizedMean).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/thread_pool.h"
#include "kernels/kernel.h"
#include "kernels/reduce/reduce_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kAxes = 1;
// Input elements of a quantized MEAN worth a task of their own (~3 µs).
constexpr int64_t kMeanTaskElements = 16 * 1024;

enum class Reduction { kMean, kSum, kProd, kMax, kMin, kAny, kAll };

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
    optimized_fold_ = node.kernels == KernelSet::kOptimized;
    switch (reduction_) {
      case Reduction::kMean:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
        break;
      case Reduction::kAny:
      case Reduction::kAll: TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kBool})); break;
      default:
        TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                                              DataType::kInt32, DataType::kInt64, DataType::kBool}));
        if (input.type == DataType::kBool && node.kernels == KernelSet::kOptimized) {
          // LiteRT's optimized ReduceGeneric has no bool case: its Invoke fails (measured).
          return node.UnsupportedError(node.op_name + " of a bool input under --kernels optimized: LiteRT's "
                                       "optimized kernel fails on bool (its reference kernel runs it)");
        }
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (axes.type != DataType::kInt32) return node.InvalidModelError("axes must be an int32 tensor");
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.InvalidModelError("int16 " + node.op_name + " needs zero points of 0 (input " +
                                    std::to_string(input.zero_point()) + ", output " + std::to_string(output.zero_point()) + ")");
    }
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
    node.litert_optimized = false;
    const bool quantized_type = input.type == DataType::kInt8 || input.type == DataType::kUInt8 || input.type == DataType::kInt16;
    quantized_ = false;
    if (!quantized_type) return Status::Ok();
    switch (reduction_) {
      case Reduction::kMax:
      case Reduction::kMin:
        // LiteRT requires the output to keep the input's quantization.
        if (input.scale() != output.scale() || input.zero_point() != output.zero_point()) {
          return node.InvalidModelError("the output's scale and zero point must equal the input's");
        }
        return Status::Ok();
      case Reduction::kProd:
        // Without quantization LiteRT multiplies the integers (wrapping).
        if (input.quant.empty()) return Status::Ok();
        return PrepareQuantizedProd(node, input, output);
      default: break;
    }
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized " + node.op_name + " needs positive scales");
    }
    quantized_ = true;
    rounding_ = node.rounding;
    optimized_mean_ = false;
    if (reduction_ == Reduction::kMean && node.kernels == KernelSet::kOptimized &&
        (input.type == DataType::kInt8 || input.type == DataType::kUInt8) && keep_dims && input.rank() == 4 &&
        input.element_count() > 0) {
      // LiteRT's optimized MEAN takes over for axes that resolve to {1, 2}
      // (1, 2 or -3, -2 in either order, repeats counted once: measured).
      if (reduced[1] && reduced[2] && !reduced[0] && !reduced[3]) {
        PrepareOptimizedMean(input, output);
        return Status::Ok();
      }
    }
    // --kernels optimized: LiteRT's optimized uint8 SUM takes the same float rescale.
    optimized_sum_ = reduction_ == Reduction::kSum &&
                     (input.type != DataType::kUInt8 || node.kernels == KernelSet::kOptimized);
    if (optimized_sum_) {
      // LiteRT's reference SUM reads int8 and int16 data as uint8 (no defined
      // sum); its optimized kernel rescales in float (docs/litert-defects.md).
      if (input.type != DataType::kUInt8) node.litert_optimized = true;
      if (input.element_count() == 0 && output.element_count() > 0) {
        return node.UnsupportedError(std::string(DataTypeName(input.type)) +
                                     " SUM of an empty input (LiteRT leaves the output unwritten)");
      }
      sum_scale_ = input.scale() / output.scale();
      sum_bias_ = static_cast<float>(-static_cast<int64_t>(input.zero_point())) * sum_scale_ * static_cast<float>(shape_.count);
      return Status::Ok();
    }
    const quant::QuantizedMultiplier base =
        quant::QuantizeMultiplier(static_cast<double>(input.scale()) / static_cast<double>(output.scale()), node.rounding);
    // SUM requantizes the sum itself; MEAN folds 1/N into the multiplier.
    multiplier_ = reduction_ == Reduction::kSum ? base : math::MeanMultiplier(base, shape_.count);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    if (reduction_ == Reduction::kMean) {
      switch (input.type) {
        case DataType::kFloat32: math::MeanFloat(shape_, input.data<float>(), output.data<float>()); return Status::Ok();
        case DataType::kInt8: return Quantized<int8_t>(node, input, output, zp_in, zp_out);
        case DataType::kUInt8: return Quantized<uint8_t>(node, input, output, zp_in, zp_out);
        case DataType::kInt16: return Quantized<int16_t>(node, input, output, zp_in, zp_out);
        default: return node.RuntimeFailure("unexpected input type");
      }
    }
    switch (input.type) {
      case DataType::kFloat32: return Fold(input.data<float>(), output.data<float>());
      case DataType::kInt32: return Fold(input.data<int32_t>(), output.data<int32_t>());
      case DataType::kInt64: return Fold(input.data<int64_t>(), output.data<int64_t>());
      case DataType::kBool: FoldBool(input.bytes, output.bytes); break;
      case DataType::kInt8: return quantized_ ? Quantized<int8_t>(node, input, output, zp_in, zp_out) : Fold(input.data<int8_t>(), output.data<int8_t>());
      case DataType::kUInt8: return quantized_ ? Quantized<uint8_t>(node, input, output, zp_in, zp_out) : Fold(input.data<uint8_t>(), output.data<uint8_t>());
      case DataType::kInt16: return quantized_ ? Quantized<int16_t>(node, input, output, zp_in, zp_out) : Fold(input.data<int16_t>(), output.data<int16_t>());
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  // LiteRT's optimized MEAN over height and width of a 4-D int8/uint8 input
  // (keep_dims): the raw values summed in int32, scaled by
  // s_in / (N · s_out) computed in float and quantized (channels in blocks of
  // 16 round the shift's ties up, the rest away from zero: MeanOptimized), plus a bias
  // zp_out − zp_in · s_in / s_out (float, rounded half away from zero), then
  // clamped. (Measured: LiteRT's int8 source once truncated the bias; the
  // pinned build rounds it, as for uint8.)
  void PrepareOptimizedMean(const Tensor& input, const Tensor& output) {
    optimized_mean_ = true;
    const float count = static_cast<float>(input.dim(1) * input.dim(2));
    const float real_scale = input.scale() / (count * output.scale());
    multiplier_ = quant::QuantizeMultiplier(static_cast<double>(real_scale), quant::RoundingMode::kDouble);
    float zp_term = static_cast<float>(input.zero_point()) * input.scale() / output.scale();
    zp_term = zp_term > 0 ? zp_term + 0.5f : zp_term - 0.5f;
    // A float far outside int32 (hostile scales) saturates instead of being UB.
    const float limit = 2147483520.0f;
    optimized_bias_ = output.zero_point() - static_cast<int32_t>(std::isnan(zp_term) ? 0.0f : std::clamp(zp_term, -limit, limit));
  }

  // REDUCE_PROD of int8/int16 with quantization: every step rescaled by
  // s_in / s_out^(1/N) (double, as LiteRT's GetQuantProdScaling).
  Status PrepareQuantizedProd(const NodeContext& node, const Tensor& input, const Tensor& output) {
    if (input.type == DataType::kUInt8) return node.UnsupportedError("quantized uint8 REDUCE_PROD (LiteRT has int8 and int16 only)");
    if (output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized REDUCE_PROD needs positive scales");
    }
    if (shape_.count == 0 || shape_.outputs == 0) {
      return node.UnsupportedError("quantized REDUCE_PROD of an empty input (LiteRT leaves the output unwritten)");
    }
    const double scaling = static_cast<double>(input.scale()) /
                           std::pow(static_cast<double>(output.scale()), 1.0 / static_cast<double>(shape_.count));
    multiplier_ = quant::QuantizeMultiplier(scaling, node.rounding);
    // LiteRT's int64 rescale shifts right by 15 - shift: undefined from 15 on.
    if (multiplier_.shift > 14) {
      return node.UnsupportedError("the per-step rescale s_in / s_out^(1/N) = " + std::to_string(scaling) +
                                   " is too large for LiteRT's 64-bit rescale");
    }
    quantized_ = true;
    rounding_ = node.rounding;
    return Status::Ok();
  }

  template <typename T>
  Status Quantized(const NodeContext& node, const Tensor& input, Tensor& output, int32_t zp_in, int32_t zp_out) {
    const T* in = input.data<T>();
    T* out = output.data<T>();
    if (reduction_ == Reduction::kMean && !optimized_mean_ && node.cpu != CpuPath::kScalar && shape_.count > 0 &&
        math::ReducedRowsOfOutputs(shape_)) {
      // The fast paths: runs of outputs summed in local arrays, ranges of
      // outputs over the threads (MobileNetV2's MEAN of 7x7x1280).
      const int tasks = static_cast<int>(std::min<int64_t>(TaskCount(node.pool, shape_.count * shape_.outputs, kMeanTaskElements), shape_.outputs));
      const int64_t outputs = shape_.outputs;
      ParallelFor(node.pool, tasks, [&](int task) {
        math::MeanQuantizedOutputs(shape_, multiplier_, zp_in, zp_out, rounding_, in, out, outputs * task / tasks,
                                   outputs * (task + 1) / tasks);
      });
      return Status::Ok();
    }
    if (reduction_ == Reduction::kProd) {
      math::QuantizedProd(shape_, multiplier_, zp_in, zp_out, rounding_, in, out, sums_, started_);
    } else if (optimized_mean_) {
      math::MeanOptimized(shape_, multiplier_, optimized_bias_, in, out, sums_);
    } else if (optimized_sum_) {
      math::QuantizedSumOptimized(shape_, sum_scale_, sum_bias_, zp_out, in, out, sums_);
    } else {
      // MEAN, and uint8 SUM (LiteRT's reference QuantizedMeanOrSum).
      math::MeanQuantized(shape_, multiplier_, zp_in, zp_out, rounding_, in, out, sums_);
    }
    return Status::Ok();
  }

  // LiteRT's ReduceGeneric (or ReduceAllDims when every axis is reduced).
  template <typename T>
  Status Fold(const T* in, T* out) const {
    switch (reduction_) {
      case Reduction::kSum:
      case Reduction::kAny: math::FoldReduce(shape_, T(0), math::WrappingSum<T>, in, out); break;
      case Reduction::kProd:
      case Reduction::kAll: math::FoldReduce(shape_, T(1), math::WrappingProduct<T>, in, out); break;
      case Reduction::kMax:
        if (optimized_fold_) {
          FoldFromFirst(in, out, [](T acc, T v) { return acc > v ? acc : v; });
          break;
        }
        math::FoldReduce(shape_, std::numeric_limits<T>::lowest(), [](T acc, T v) { return v > acc ? v : acc; }, in, out);
        break;
      case Reduction::kMin:
        if (optimized_fold_) {
          FoldFromFirst(in, out, [](T acc, T v) { return acc < v ? acc : v; });
          break;
        }
        math::FoldReduce(shape_, std::numeric_limits<T>::max(), [](T acc, T v) { return v < acc ? v : acc; }, in, out);
        break;
      case Reduction::kMean: break;
    }
    return Status::Ok();
  }

  // --kernels optimized, REDUCE_MAX/MIN: LiteRT's optimized ReduceGeneric
  // starts each output at its first input and folds the rest in input order
  // with (acc > v ? acc : v): a NaN input wins and is replaced by the next
  // number, -0 follows +0, and -inf stays -inf (the reference folds
  // (v > acc ? v : acc) from lowest(): NaN never wins, an all -inf MAX gives
  // lowest()). Equal to the reference on integers.
  template <typename T, typename Fn>
  void FoldFromFirst(const T* in, T* out, Fn fold) const {
    std::fill(out, out + shape_.outputs, reduction_ == Reduction::kMax ? std::numeric_limits<T>::lowest()
                                                                        : std::numeric_limits<T>::max());
    std::vector<uint8_t> started(static_cast<size_t>(shape_.outputs), 0);
    math::ForEachReduced(shape_, [&](int64_t i, int64_t o) {
      if (!started[static_cast<size_t>(o)]) {
        started[static_cast<size_t>(o)] = 1;
        out[o] = in[i];
      } else {
        out[o] = fold(out[o], in[i]);
      }
    });
  }

  // bool, read as bytes (any nonzero byte is true): SUM, MAX and ANY are OR;
  // PROD, MIN and ALL are AND (LiteRT's bool arithmetic).
  void FoldBool(const uint8_t* in, uint8_t* out) const {
    const bool is_or = reduction_ == Reduction::kSum || reduction_ == Reduction::kMax || reduction_ == Reduction::kAny;
    const auto fold = [is_or](uint8_t acc, uint8_t v) -> uint8_t { return is_or ? (acc != 0 || v != 0) : (acc != 0 && v != 0); };
    math::FoldReduce(shape_, static_cast<uint8_t>(is_or ? 0 : 1), fold, in, out);
    for (int64_t i = 0; i < shape_.outputs; ++i) out[i] = out[i] != 0;
  }

  Reduction reduction_;
  math::ReduceShape shape_;
  bool quantized_ = false;
  quant::QuantizedMultiplier multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  bool optimized_mean_ = false;  // --kernels optimized: LiteRT's optimized 4-D MEAN (PrepareOptimizedMean)
  int32_t optimized_bias_ = 0;
  float sum_scale_ = 0.0f, sum_bias_ = 0.0f;  // int8/int16 SUM (LiteRT's optimized arithmetic)
  bool optimized_sum_ = false;                  // SUM through that float rescale (uint8 too under --kernels optimized)
  bool optimized_fold_ = false;                 // --kernels optimized: REDUCE_MAX/MIN fold from the first input
  std::vector<int32_t> sums_;  // one int32 sum or product per output element, as LiteRT's temporaries
  std::vector<uint8_t> started_;
};

// ARG_MAX / ARG_MIN over one axis (a constant, or computed and read before
// each Eval); ties go to the first extreme, NaN never wins, as LiteRT.
class ArgMinMaxKernel : public Kernel {
 public:
  explicit ArgMinMaxKernel(bool is_max) : is_max_(is_max) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kAxes, "axis"));
    const Tensor& input = *node.input(kInput);
    const Tensor& axis = *node.input(kAxes);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32, DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    // LiteRT gives the output the options' type, whatever the model declares.
    const int options_type = is_max_ ? (node.options<tflite::ArgMaxOptions>() ? static_cast<int>(node.options<tflite::ArgMaxOptions>()->output_type()) : -1)
                                     : (node.options<tflite::ArgMinOptions>() ? static_cast<int>(node.options<tflite::ArgMinOptions>()->output_type()) : -1);
    const int declared = static_cast<int>(output.type == DataType::kInt32 ? tflite::TensorType::INT32 : tflite::TensorType::INT64);
    if (options_type != declared) {
      return node.UnsupportedError("the options' output_type must be the output's type (" + std::string(DataTypeName(output.type)) +
                                   "): LiteRT writes the options' type");
    }
    if (axis.element_count() != 1 || (axis.type != DataType::kInt32 && axis.type != DataType::kInt64)) {
      return node.InvalidModelError("the axis must be one int32/int64 value");
    }
    if (node.DeferUnlessValuesKnown({&axis})) return Status::Ok();  // computed axis: read before each Eval
    const int64_t raw = axis.type == DataType::kInt32 ? axis.data<int32_t>()[0] : axis.data<int64_t>()[0];
    const int64_t a = raw < 0 ? raw + input.rank() : raw;
    if (a < 0 || a >= input.rank()) {
      return node.InvalidModelError("axis " + std::to_string(raw) + " is out of range for rank " + std::to_string(input.rank()));
    }
    axis_ = static_cast<int>(a);
    if (input.dim(axis_) == 0) return node.InvalidModelError(node.op_name + " over an empty axis");
    std::vector<int32_t> shape;
    outer_ = inner_ = 1;
    for (int d = 0; d < input.rank(); ++d) {
      if (d != axis_) shape.push_back(input.dim(d));
      if (d < axis_) outer_ *= input.dim(d);
      if (d > axis_) inner_ *= input.dim(d);
    }
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    switch (input.type) {
      case DataType::kFloat32: return Run<float>(input, *node.output(0));
      case DataType::kInt8: return Run<int8_t>(input, *node.output(0));
      case DataType::kUInt8: return Run<uint8_t>(input, *node.output(0));
      case DataType::kInt32: return Run<int32_t>(input, *node.output(0));
      case DataType::kBool: return Run<uint8_t>(input, *node.output(0));  // bytes: false < true
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  template <typename T>
  Status Run(const Tensor& input, Tensor& output) const {
    const int64_t size = input.dim(axis_);
    if (outer_ * inner_ == 0) return Status::Ok();
    const T* x = reinterpret_cast<const T*>(input.bytes);
    if (output.type == DataType::kInt32) {
      math::ArgMinMax(outer_, size, inner_, is_max_, x, output.data<int32_t>());
    } else {
      math::ArgMinMax(outer_, size, inner_, is_max_, x, output.data<int64_t>());
    }
    return Status::Ok();
  }

  bool is_max_;
  int axis_ = 0;
  int64_t outer_ = 1, inner_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> CreateArgMaxKernel() { return std::make_unique<ArgMinMaxKernel>(true); }
std::unique_ptr<Kernel> CreateArgMinKernel() { return std::make_unique<ArgMinMaxKernel>(false); }
std::unique_ptr<Kernel> CreateMeanKernel() { return std::make_unique<ReduceKernel>(Reduction::kMean); }
std::unique_ptr<Kernel> CreateSumKernel() { return std::make_unique<ReduceKernel>(Reduction::kSum); }
std::unique_ptr<Kernel> CreateReduceMaxKernel() { return std::make_unique<ReduceKernel>(Reduction::kMax); }
std::unique_ptr<Kernel> CreateReduceMinKernel() { return std::make_unique<ReduceKernel>(Reduction::kMin); }
std::unique_ptr<Kernel> CreateReduceProdKernel() { return std::make_unique<ReduceKernel>(Reduction::kProd); }
std::unique_ptr<Kernel> CreateReduceAnyKernel() { return std::make_unique<ReduceKernel>(Reduction::kAny); }
std::unique_ptr<Kernel> CreateReduceAllKernel() { return std::make_unique<ReduceKernel>(Reduction::kAll); }

}  // namespace tfldbg
