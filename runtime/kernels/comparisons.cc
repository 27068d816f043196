// LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL with broadcasting:
// bool outputs. float32, int32, int64, bool (EQUAL/NOT_EQUAL), and int8/uint8
// whose two inputs share scale and zero point (then the integers compare as the
// reals do; LiteRT's rescaling of differing quantizations is not implemented).
#include "kernels/kernel.h"
#include "kernels/math/broadcast.h"

namespace tfldbg {
namespace {

enum class Comparison { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

template <typename T>
bool Compare(Comparison c, T a, T b) {
  switch (c) {
    case Comparison::kLess: return a < b;
    case Comparison::kLessEqual: return a <= b;
    case Comparison::kGreater: return a > b;
    case Comparison::kGreaterEqual: return a >= b;
    case Comparison::kEqual: return a == b;
    case Comparison::kNotEqual: return a != b;
  }
  return false;
}

class ComparisonKernel : public Kernel {
 public:
  explicit ComparisonKernel(Comparison c) : comparison_(c) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "input2"));
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    const bool equality = comparison_ == Comparison::kEqual || comparison_ == Comparison::kNotEqual;
    if (equality) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                                           DataType::kInt8, DataType::kUInt8, DataType::kBool}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                                           DataType::kInt8, DataType::kUInt8}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(0), "output", {DataType::kBool}));
    if ((a.type == DataType::kInt8 || a.type == DataType::kUInt8) &&
        (a.quant.scale != b.quant.scale || a.quant.zero_point != b.quant.zero_point)) {
      return node.UnsupportedError("quantized inputs with different scales or zero points");
    }
    if (!broadcast_.Init(a.shape, b.shape)) {
      return node.InvalidModelError("shapes " + ShapeToString(a.shape) + " and " + ShapeToString(b.shape) +
                                    " do not broadcast (up to 6 dimensions)");
    }
    return SetOutputShape(node, *node.output(0), broadcast_.output_shape());
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(0);
    const Tensor& b = *node.input(1);
    uint8_t* y = node.output(0)->bytes;
    switch (a.type) {
      case DataType::kFloat32: Run(a.data<float>(), b.data<float>(), y); break;
      case DataType::kInt32: Run(a.data<int32_t>(), b.data<int32_t>(), y); break;
      case DataType::kInt64: Run(a.data<int64_t>(), b.data<int64_t>(), y); break;
      case DataType::kInt8: Run(a.data<int8_t>(), b.data<int8_t>(), y); break;
      case DataType::kUInt8:
      case DataType::kBool: Run(a.data<uint8_t>(), b.data<uint8_t>(), y); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  template <typename T>
  void Run(const T* a, const T* b, uint8_t* y) const {
    broadcast_.ForEach([&](int64_t out, int64_t i, int64_t j) { y[out] = Compare(comparison_, a[i], b[j]) ? 1 : 0; });
  }

  Comparison comparison_;
  math::Broadcast broadcast_;
};

}  // namespace

std::unique_ptr<Kernel> CreateLessKernel() { return std::make_unique<ComparisonKernel>(Comparison::kLess); }
std::unique_ptr<Kernel> CreateLessEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kLessEqual); }
std::unique_ptr<Kernel> CreateGreaterKernel() { return std::make_unique<ComparisonKernel>(Comparison::kGreater); }
std::unique_ptr<Kernel> CreateGreaterEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kGreaterEqual); }
std::unique_ptr<Kernel> CreateEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kEqual); }
std::unique_ptr<Kernel> CreateNotEqualKernel() { return std::make_unique<ComparisonKernel>(Comparison::kNotEqual); }

}  // namespace tfldbg
