// The StableHLO binary elementwise ops LiteRT runs: two inputs of one type and
// one shape (no broadcasting, no quantization, no fused activation), the
// output of that type and shape.
//   STABLEHLO_ADD, STABLEHLO_MULTIPLY   float16/32/64, int8..int64, uint8..uint64, bool
//   STABLEHLO_MAXIMUM, STABLEHLO_MINIMUM the same types
//   STABLEHLO_AND                        integers and bool (bitwise; logical on bool)
//   STABLEHLO_SHIFT_LEFT                 int8, int16, int32
// (AND and SHIFT_LEFT are in LiteRT's builtin resolver only, not its reference
// one: they are checked against the builtin kernels, docs/litert-defects.md.)
// The arithmetic, as LiteRT's C++ computes it, is in elementwise_math.h.
#include <cstdint>
#include <string>
#include <type_traits>

#include "kernels/kernel.h"
#include "kernels/stablehlo/elementwise_math.h"

namespace tfldbg {
namespace {

using stablehlo::Apply;
using stablehlo::ApplyHalf;
using stablehlo::Op;

constexpr int kInput1 = 0;
constexpr int kInput2 = 1;
constexpr int kOutput = 0;

template <Op op, typename T>
void Run(const Tensor& x1, const Tensor& x2, Tensor& y) {
  const T* a = x1.data<T>();
  const T* b = x2.data<T>();
  T* out = y.data<T>();
  const int64_t n = y.element_count();
  for (int64_t i = 0; i < n; ++i) out[i] = Apply<op, T>(a[i], b[i]);
}

template <Op op>
void RunHalf(const Tensor& x1, const Tensor& x2, Tensor& y) {
  const uint16_t* a = x1.data<uint16_t>();
  const uint16_t* b = x2.data<uint16_t>();
  uint16_t* out = y.data<uint16_t>();
  const int64_t n = y.element_count();
  for (int64_t i = 0; i < n; ++i) out[i] = ApplyHalf<op>(a[i], b[i]);
}

// LiteRT shifts the promoted int by the count as C++ does: a count outside
// [0, 31] is undefined there, and LiteRT's results for one differ between its
// scalar and vectorised loops (measured: 3 << 33 gives 6 in a 3-element tensor
// and INT32_MIN in a 1000-element one). No defined value to match: refuse it.
Status CheckShiftCounts(const NodeContext& node, const Tensor& counts) {
  const int64_t n = counts.element_count();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = counts.type == DataType::kInt8    ? counts.data<int8_t>()[i]
                      : counts.type == DataType::kInt16 ? counts.data<int16_t>()[i]
                                                        : counts.data<int32_t>()[i];
    if (c < 0 || c > 31) {
      return node.RuntimeFailure("shift count " + std::to_string(c) + " at element " + std::to_string(i) +
                                 " is outside [0, 31]: LiteRT's result is undefined there (a C++ shift past the width)");
    }
  }
  return Status::Ok();
}

template <Op op>
class StablehloBinaryKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "input2"));
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(kOutput);
    using D = DataType;
    if constexpr (op == Op::kShiftLeft) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {D::kInt8, D::kInt16, D::kInt32}));
    } else if constexpr (op == Op::kAnd) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {D::kInt8, D::kInt16, D::kInt32, D::kInt64, D::kUInt8, D::kUInt16,
                                                           D::kUInt32, D::kUInt64, D::kBool}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {D::kFloat16, D::kFloat32, D::kFloat64, D::kInt8, D::kInt16,
                                                           D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32,
                                                           D::kUInt64, D::kBool}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", out, "output"));
    if (a.shape != b.shape) {
      return node.UnsupportedError("inputs of shapes " + ShapeToString(a.shape) + " and " + ShapeToString(b.shape) +
                                   ": StableHLO elementwise ops take equal shapes (no broadcasting)");
    }
    // LiteRT's reference resolver has no AND and no SHIFT_LEFT: its builtin ones are the oracle.
    node.litert_optimized = op == Op::kAnd || op == Op::kShiftLeft;
    return SetOutputShape(node, out, a.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& y = *node.output(kOutput);
    if constexpr (op == Op::kShiftLeft) TFLDBG_RETURN_IF_ERROR(CheckShiftCounts(node, b));
    switch (a.type) {
      case DataType::kFloat16:
        if constexpr (op != Op::kAnd && op != Op::kShiftLeft) RunHalf<op>(a, b, y);
        break;
      case DataType::kFloat32:
        if constexpr (op != Op::kAnd && op != Op::kShiftLeft) Run<op, float>(a, b, y);
        break;
      case DataType::kFloat64:
        if constexpr (op != Op::kAnd && op != Op::kShiftLeft) Run<op, double>(a, b, y);
        break;
      case DataType::kInt8: Run<op, int8_t>(a, b, y); break;
      case DataType::kInt16: Run<op, int16_t>(a, b, y); break;
      case DataType::kInt32: Run<op, int32_t>(a, b, y); break;
      case DataType::kInt64:
        if constexpr (op != Op::kShiftLeft) Run<op, int64_t>(a, b, y);
        break;
      case DataType::kUInt8:
        if constexpr (op != Op::kShiftLeft) Run<op, uint8_t>(a, b, y);
        break;
      case DataType::kUInt16:
        if constexpr (op != Op::kShiftLeft) Run<op, uint16_t>(a, b, y);
        break;
      case DataType::kUInt32:
        if constexpr (op != Op::kShiftLeft) Run<op, uint32_t>(a, b, y);
        break;
      case DataType::kUInt64:
        if constexpr (op != Op::kShiftLeft) Run<op, uint64_t>(a, b, y);
        break;
      case DataType::kBool:
        if constexpr (op != Op::kShiftLeft) Run<op, bool>(a, b, y);
        break;
      default: return node.RuntimeFailure("unexpected type");
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloAddKernel() { return std::make_unique<StablehloBinaryKernel<Op::kAdd>>(); }
std::unique_ptr<Kernel> CreateStablehloMultiplyKernel() { return std::make_unique<StablehloBinaryKernel<Op::kMultiply>>(); }
std::unique_ptr<Kernel> CreateStablehloMaximumKernel() { return std::make_unique<StablehloBinaryKernel<Op::kMaximum>>(); }
std::unique_ptr<Kernel> CreateStablehloMinimumKernel() { return std::make_unique<StablehloBinaryKernel<Op::kMinimum>>(); }
std::unique_ptr<Kernel> CreateStablehloAndKernel() { return std::make_unique<StablehloBinaryKernel<Op::kAnd>>(); }
std::unique_ptr<Kernel> CreateStablehloShiftLeftKernel() { return std::make_unique<StablehloBinaryKernel<Op::kShiftLeft>>(); }

}  // namespace tfldbg
