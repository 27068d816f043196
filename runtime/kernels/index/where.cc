// WHERE with one input: the coordinates of the condition's nonzero (true)
// elements in row-major order, an int64 matrix [count, rank], as LiteRT's
// where.cc computes it. The count depends on the values, so a computed
// condition is prepared when it is known.
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kCondition = 0;

// Calls visit(i) for each flat position whose element is not zero (a NaN is
// not zero; -0.0 is).
template <typename T, typename Visit>
void ForEachTrue(const Tensor& condition, Visit visit) {
  const T* data = condition.data<T>();
  const int64_t n = condition.element_count();
  for (int64_t i = 0; i < n; ++i) {
    if (data[i] != T(0)) visit(i);
  }
}

template <typename Visit>
void ForEachTrueOfType(const Tensor& condition, Visit visit) {
  switch (condition.type) {
    case DataType::kBool: ForEachTrue<bool>(condition, visit); break;
    case DataType::kFloat32: ForEachTrue<float>(condition, visit); break;
    case DataType::kInt64: ForEachTrue<int64_t>(condition, visit); break;
    case DataType::kInt32: ForEachTrue<int32_t>(condition, visit); break;
    case DataType::kInt8: ForEachTrue<int8_t>(condition, visit); break;
    case DataType::kUInt8: ForEachTrue<uint8_t>(condition, visit); break;
    default: ForEachTrue<uint32_t>(condition, visit); break;
  }
}

class WhereKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kCondition, "condition"));
    const Tensor& condition = *node.input(kCondition);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, condition, "condition",
                                     {DataType::kBool, DataType::kFloat32, DataType::kInt64, DataType::kInt32,
                                      DataType::kInt8, DataType::kUInt8, DataType::kUInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt64}));
    // LiteRT fails a scalar condition when it runs.
    if (condition.rank() == 0) return node.UnsupportedError("a scalar condition (LiteRT's WHERE needs rank > 0)");
    if (node.DeferUnlessValuesKnown({&condition})) return Status::Ok();
    int64_t count = 0;
    ForEachTrueOfType(condition, [&count](int64_t) { ++count; });
    return SetOutputShape(node, output, {static_cast<int32_t>(count), static_cast<int32_t>(condition.rank())});
  }

  Status Eval(NodeContext& node) override {
    const Tensor& condition = *node.input(kCondition);
    int64_t* out = node.output(0)->data<int64_t>();
    const int rank = condition.rank();
    ForEachTrueOfType(condition, [&](int64_t flat) {
      for (int d = rank - 1; d >= 0; --d) {
        out[d] = flat % condition.dim(d);
        flat /= condition.dim(d);
      }
      out += rank;
    });
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateWhereKernel() { return std::make_unique<WhereKernel>(); }

}  // namespace tfldbg
