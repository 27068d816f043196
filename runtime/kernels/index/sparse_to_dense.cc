// SPARSE_TO_DENSE: a tensor of the given shape filled with the default value,
// then values written at the listed coordinates (the later of two writes to
// one place wins), as LiteRT's sparse_to_dense.cc does it. LiteRT handles at
// most four output dimensions; an invalid coordinate fails the node after the
// default fill, which leaves the output undefined, so tfldbg fails it too.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kIndices = 0;
constexpr int kOutputShape = 1;
constexpr int kValues = 2;
constexpr int kDefaultValue = 3;
constexpr int kMaxRank = 4;

template <typename T>
Status Scatter(const NodeContext& node, const Tensor& indices, const Tensor& values, const Tensor& default_value,
               Tensor& output) {
  const int64_t count = indices.rank() < 2 ? indices.element_count() : indices.dim(0);
  const int rank = indices.rank() < 2 ? 1 : indices.dim(1);
  T* out = output.data<T>();
  const int64_t flat = output.element_count();
  std::fill(out, out + flat, default_value.data<T>()[0]);
  const bool scalar_value = values.rank() == 0;
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int d = 0; d < rank; ++d) {
      const int64_t coordinate = ReadIndex(indices, i * rank + d);
      if (coordinate < 0 || coordinate >= output.dim(d)) {
        return node.RuntimeFailure("index " + std::to_string(coordinate) + " at position (" + std::to_string(i) + ", " +
                                   std::to_string(d) + ") of indices is outside [0, " + std::to_string(output.dim(d)) +
                                   ")");
      }
      offset = offset * output.dim(d) + coordinate;
    }
    out[offset] = values.data<T>()[scalar_value ? 0 : i];
  }
  return Status::Ok();
}

class SparseToDenseKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kIndices, "indices"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOutputShape, "output_shape"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kValues, "values"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kDefaultValue, "default_value"));
    const Tensor& indices = *node.input(kIndices);
    const Tensor& shape = *node.input(kOutputShape);
    const Tensor& values = *node.input(kValues);
    const Tensor& default_value = *node.input(kDefaultValue);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape, "output_shape", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, values, "values",
                                     {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt32,
                                      DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, values, "values", default_value, "default_value"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, values, "values", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, indices, "indices", 0, 2));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, shape, "output_shape", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, values, "values", 0, 1));
    if (default_value.element_count() != 1) return node.InvalidModelError("default_value must hold one value");
    // The coordinates: one per index for a vector (or scalar) of indices, a
    // row of indices.dim(1) for a matrix; values: one, or one per coordinate.
    const int64_t count = indices.rank() < 2 ? indices.element_count() : indices.dim(0);
    const int64_t rank = indices.rank() < 2 ? 1 : indices.dim(1);
    if (shape.element_count() != rank) {
      return node.InvalidModelError("indices " + ShapeToString(indices.shape) + " address " + std::to_string(rank) +
                                    " dimensions but output_shape has " + std::to_string(shape.element_count()));
    }
    if (values.rank() != 0 && values.element_count() != count) {
      return node.InvalidModelError("values " + ShapeToString(values.shape) + " must be a scalar or hold one value per index (" +
                                    std::to_string(count) + ")");
    }
    if (rank > kMaxRank) {
      return node.UnsupportedError("an output of rank " + std::to_string(rank) + " (LiteRT handles at most " +
                                   std::to_string(kMaxRank) + ")");
    }
    if (node.DeferUnlessValuesKnown({&shape})) return Status::Ok();
    std::vector<int32_t> out_shape;
    for (int64_t d = 0; d < rank; ++d) {
      const int64_t size = ReadIndex(shape, d);
      if (size < 0 || size > std::numeric_limits<int32_t>::max()) {
        return node.InvalidModelError("output_shape " + std::to_string(size) + " in dimension " + std::to_string(d) +
                                      " is not a size");
      }
      out_shape.push_back(static_cast<int32_t>(size));
    }
    return SetOutputShape(node, output, out_shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& indices = *node.input(kIndices);
    const Tensor& values = *node.input(kValues);
    const Tensor& default_value = *node.input(kDefaultValue);
    Tensor& output = *node.output(0);
    switch (values.type) {
      case DataType::kFloat32: return Scatter<float>(node, indices, values, default_value, output);
      case DataType::kInt8: return Scatter<int8_t>(node, indices, values, default_value, output);
      case DataType::kUInt8: return Scatter<uint8_t>(node, indices, values, default_value, output);
      case DataType::kInt32: return Scatter<int32_t>(node, indices, values, default_value, output);
      default: return Scatter<int64_t>(node, indices, values, default_value, output);
    }
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateSparseToDenseKernel() { return std::make_unique<SparseToDenseKernel>(); }

}  // namespace tfldbg
