// ONE_HOT: a new axis of length depth, holding on_value where its position
// equals the index and off_value elsewhere, as LiteRT's one_hot.cc computes
// it (an int64 index is narrowed to int before the comparison, as there).
// The depth sets the output shape, so a computed depth is prepared when known.
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kIndices = 0;
constexpr int kDepth = 1;
constexpr int kOnValue = 2;
constexpr int kOffValue = 3;

template <typename T, typename Index>
void OneHot(const Index* indices, int64_t prefix, int64_t depth, int64_t suffix, T on, T off, T* out) {
  for (int64_t i = 0; i < prefix; ++i) {
    for (int64_t j = 0; j < depth; ++j) {
      for (int64_t k = 0; k < suffix; ++k) {
        *out++ = static_cast<int32_t>(indices[i * suffix + k]) == j ? on : off;
      }
    }
  }
}

template <typename T>
void OneHotForIndex(const Tensor& indices, int64_t prefix, int64_t depth, int64_t suffix, const Tensor& on,
                    const Tensor& off, Tensor& output) {
  if (indices.type == DataType::kInt64) {
    OneHot(indices.data<int64_t>(), prefix, depth, suffix, on.data<T>()[0], off.data<T>()[0], output.data<T>());
  } else {
    OneHot(indices.data<int32_t>(), prefix, depth, suffix, on.data<T>()[0], off.data<T>()[0], output.data<T>());
  }
}

class OneHotKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kIndices, "indices"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kDepth, "depth"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOnValue, "on_value"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOffValue, "off_value"));
    const Tensor& indices = *node.input(kIndices);
    const Tensor& depth = *node.input(kDepth);
    const Tensor& on = *node.input(kOnValue);
    const Tensor& off = *node.input(kOffValue);
    Tensor& output = *node.output(0);
    // LiteRT's Prepare accepts int16 but its Eval has no int16 case and fails.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, on, "on_value",
                                     {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8,
                                      DataType::kUInt8, DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, on, "on_value", off, "off_value"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, on, "on_value", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32, DataType::kInt64}));
    // LiteRT reads the depth as one int32 whatever its type.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, depth, "depth", {DataType::kInt32}));
    if (depth.element_count() != 1 || on.element_count() != 1 || off.element_count() != 1) {
      return node.InvalidModelError("depth, on_value and off_value must hold one value each");
    }
    // Without options the axis is 0 (LiteRT's zeroed parameters); -1 means last.
    const auto* options = node.options<tflite::OneHotOptions>();
    int axis = options != nullptr ? options->axis() : 0;
    if (axis == -1) axis = indices.rank();
    if (axis < 0 || axis > indices.rank()) {
      return node.InvalidModelError("axis " + std::to_string(axis) + " is outside [0, " + std::to_string(indices.rank()) +
                                    "] (or -1)");
    }
    axis_ = axis;
    if (node.DeferUnlessValuesKnown({&depth})) return Status::Ok();
    const int32_t d = depth.data<int32_t>()[0];
    if (d < 0) return node.InvalidModelError("depth " + std::to_string(d) + " is negative");
    depth_ = d;
    std::vector<int32_t> shape = indices.shape;
    shape.insert(shape.begin() + axis, d);
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& indices = *node.input(kIndices);
    const Tensor& on = *node.input(kOnValue);
    const Tensor& off = *node.input(kOffValue);
    Tensor& output = *node.output(0);
    const int64_t prefix = Product(indices.shape, 0, axis_);
    if (prefix == 0) return Status::Ok();
    const int64_t suffix = indices.element_count() / prefix;
    switch (on.type) {
      case DataType::kFloat32: OneHotForIndex<float>(indices, prefix, depth_, suffix, on, off, output); break;
      case DataType::kInt32: OneHotForIndex<int32_t>(indices, prefix, depth_, suffix, on, off, output); break;
      case DataType::kInt64: OneHotForIndex<int64_t>(indices, prefix, depth_, suffix, on, off, output); break;
      case DataType::kInt8: OneHotForIndex<int8_t>(indices, prefix, depth_, suffix, on, off, output); break;
      case DataType::kUInt8: OneHotForIndex<uint8_t>(indices, prefix, depth_, suffix, on, off, output); break;
      default: OneHotForIndex<bool>(indices, prefix, depth_, suffix, on, off, output); break;
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
  int64_t depth_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateOneHotKernel() { return std::make_unique<OneHotKernel>(); }

}  // namespace tfldbg
