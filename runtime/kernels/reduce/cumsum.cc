// CUMSUM along one axis (float32, int32, int64), inclusive or exclusive,
// forward or reverse, as LiteRT's kernel (an Eigen scan: a running sum per
// line, in order; integers wrap). The axis is one int32 value; the output
// keeps the input's shape whatever it is, so a computed axis is read at Eval.
#include "kernels/kernel.h"
#include "kernels/reduce/reduce_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kAxis = 1;
constexpr int kOutput = 0;

class CumSumKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kAxis, "axis"));
    const Tensor& input = *node.input(kInput);
    const Tensor& axis = *node.input(kAxis);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 8));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, axis, "axis", {DataType::kInt32}));
    if (axis.element_count() != 1) return node.InvalidModelError("the axis must be one int32 value");
    const auto* o = node.options<tflite::CumsumOptions>();
    exclusive_ = o != nullptr && o->exclusive();
    reverse_ = o != nullptr && o->reverse();
    if (axis.is_constant()) TFLDBG_RETURN_IF_ERROR(ResolveAxis(node, input, axis));
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    // A computed axis is bounds-checked here; LiteRT fails the Invoke too.
    TFLDBG_RETURN_IF_ERROR(ResolveAxis(node, input, *node.input(kAxis)));
    if (input.element_count() == 0) return Status::Ok();
    const int64_t outer = Product(input.shape, 0, axis_), size = input.dim(axis_);
    const int64_t inner = Product(input.shape, axis_ + 1, input.rank());
    switch (input.type) {
      case DataType::kFloat32: math::CumSum(outer, size, inner, exclusive_, reverse_, input.data<float>(), output.data<float>()); break;
      case DataType::kInt32: math::CumSum(outer, size, inner, exclusive_, reverse_, input.data<int32_t>(), output.data<int32_t>()); break;
      case DataType::kInt64: math::CumSum(outer, size, inner, exclusive_, reverse_, input.data<int64_t>(), output.data<int64_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  Status ResolveAxis(const NodeContext& node, const Tensor& input, const Tensor& axis) {
    const int32_t raw = axis.data<int32_t>()[0];
    const int64_t a = raw < 0 ? int64_t{raw} + input.rank() : raw;
    if (a < 0 || a >= input.rank()) {
      return node.InvalidModelError("axis " + std::to_string(raw) + " is out of range for rank " + std::to_string(input.rank()));
    }
    axis_ = static_cast<int>(a);
    return Status::Ok();
  }

  bool exclusive_ = false, reverse_ = false;
  int axis_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateCumSumKernel() { return std::make_unique<CumSumKernel>(); }

}  // namespace tfldbg
