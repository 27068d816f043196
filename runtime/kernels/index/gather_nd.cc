// GATHER_ND and SCATTER_ND: slices addressed by the innermost dimension of an
// index tensor, read from params (GATHER_ND) or summed into a zeroed tensor of
// a given shape (SCATTER_ND), as LiteRT's gather_nd.cc and scatter_nd.cc do.
#include <cstring>
#include <string>

#include "kernels/index/index_math.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// "(1, 0)": the position of a coordinate in an index tensor whose last
// dimension is `nd` wide.
std::string IndexPosition(int64_t slice, int64_t coordinate) {
  return "(" + std::to_string(slice) + ", " + std::to_string(coordinate) + ")";
}

// Row-major strides of the first `nd` dimensions of `shape`, in elements;
// a zero-sized dimension gets stride 0 (no index can address it anyway).
std::vector<int64_t> LeadingStrides(const std::vector<int32_t>& shape, int nd) {
  std::vector<int64_t> strides(static_cast<size_t>(nd), 0);
  int64_t remaining = Product(shape, 0, static_cast<int>(shape.size()));
  for (int i = 0; i < nd; ++i) {
    const int32_t dim = shape[static_cast<size_t>(i)];
    strides[static_cast<size_t>(i)] = dim == 0 ? 0 : remaining / dim;
    remaining = strides[static_cast<size_t>(i)];
  }
  return strides;
}

// --- GATHER_ND -------------------------------------------------------------------------------

constexpr int kGatherParams = 0;
constexpr int kGatherIndices = 1;

class GatherNdKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kGatherParams, "params"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kGatherIndices, "indices"));
    const Tensor& params = *node.input(kGatherParams);
    const Tensor& indices = *node.input(kGatherIndices);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, params, "params",
                                     {DataType::kFloat32, DataType::kFloat16, DataType::kUInt8, DataType::kInt8,
                                      DataType::kInt16, DataType::kInt32, DataType::kInt64, DataType::kBool,
                                      DataType::kString}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt16, DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, params, "params", output, "output"));
    if (params.rank() < 1) return node.InvalidModelError("params must be at least a vector");
    if (indices.rank() < 1) return node.InvalidModelError("indices must be at least a vector");
    const int nd = indices.dim(indices.rank() - 1);
    if (nd > params.rank()) {
      return node.InvalidModelError("indices address " + std::to_string(nd) + " dimensions but params " +
                                    ShapeToString(params.shape) + " has " + std::to_string(params.rank()));
    }
    // Slices addressed by no coordinate at all: LiteRT's kernel finds no index data and fails.
    if (nd == 0 && Product(indices.shape, 0, indices.rank() - 1) > 0) {
      return node.UnsupportedError("indices with an empty innermost dimension " + ShapeToString(indices.shape) +
                                   " (LiteRT fails them)");
    }
    nd_ = nd;
    std::vector<int32_t> shape(indices.shape.begin(), indices.shape.end() - 1);
    shape.insert(shape.end(), params.shape.begin() + nd, params.shape.end());
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    if (node.input(kGatherParams)->type == DataType::kString) {
      return EvalOnStringIds(node, {kGatherParams}, 0, false, [&] { return EvalTyped(node); });
    }
    return EvalTyped(node);
  }

  Status EvalTyped(NodeContext& node) {
    const Tensor& params = *node.input(kGatherParams);
    const Tensor& indices = *node.input(kGatherIndices);
    Tensor& output = *node.output(0);
    const int64_t index_count = indices.element_count();
    // LiteRT gathers from empty params only when there is nothing to gather.
    if (params.element_count() == 0 && index_count != 0) {
      return node.RuntimeFailure("params " + ShapeToString(params.shape) + " are empty but indices are not");
    }
    for (int64_t i = 0; i < index_count; ++i) {
      if (ReadIndex(indices, i) < 0) {
        return node.RuntimeFailure("index " + std::to_string(ReadIndex(indices, i)) + " at position " +
                                   std::to_string(i) + " of indices is negative");
      }
    }
    const int64_t slices = Product(indices.shape, 0, indices.rank() - 1);
    if (slices == 0) return Status::Ok();
    const int64_t slice_size = Product(params.shape, nd_, params.rank());
    const std::vector<int64_t> strides = LeadingStrides(params.shape, nd_);
    const size_t element = ElementBytes(params.type);
    for (int64_t s = 0; s < slices; ++s) {
      int64_t from = 0;
      for (int j = 0; j < nd_; ++j) {
        const int64_t coordinate = ReadIndex(indices, s * nd_ + j);
        if (coordinate >= params.dim(j)) {
          return node.RuntimeFailure("index " + std::to_string(coordinate) + " at position " + IndexPosition(s, j) +
                                     " of indices is outside [0, " + std::to_string(params.dim(j)) + ")");
        }
        from += coordinate * strides[static_cast<size_t>(j)];
      }
      CopyBytes(output.bytes + static_cast<size_t>(s * slice_size) * element,
                params.bytes + static_cast<size_t>(from) * element, static_cast<size_t>(slice_size) * element);
    }
    return Status::Ok();
  }

 private:
  int nd_ = 0;
};

// --- SCATTER_ND ------------------------------------------------------------------------------

constexpr int kScatterIndices = 0;
constexpr int kScatterUpdates = 1;
constexpr int kScatterShape = 2;

template <typename T>
Status ScatterNdSum(const NodeContext& node, const Tensor& indices, const Tensor& updates, Tensor& output, int nd) {
  const int outer = indices.rank() - 1;
  const int64_t slices = Product(indices.shape, 0, outer);
  const int64_t slice_size = Product(updates.shape, outer, updates.rank());
  const int64_t flat = output.element_count();
  const std::vector<int64_t> strides = LeadingStrides(output.shape, nd);
  T* out = output.data<T>();
  const T* in = updates.data<T>();
  std::fill(out, out + flat, T(0));
  for (int64_t s = 0; s < slices; ++s) {
    int64_t to = 0;
    for (int j = 0; j < nd; ++j) {
      const int64_t coordinate = ReadIndex(indices, s * nd + j);
      if (coordinate < 0 || coordinate >= output.dim(j)) {
        return node.RuntimeFailure("index " + std::to_string(coordinate) + " at position " + IndexPosition(s, j) +
                                   " of indices is outside [0, " + std::to_string(output.dim(j)) + ")");
      }
      to += coordinate * strides[static_cast<size_t>(j)];
    }
    // Duplicate indices add up (LiteRT's scatter sums, wrapping integers).
    for (int64_t e = 0; e < slice_size; ++e) out[to + e] = math::WrappingAdd<T>(out[to + e], in[s * slice_size + e]);
  }
  return Status::Ok();
}

class ScatterNdKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kScatterIndices, "indices"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kScatterUpdates, "updates"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kScatterShape, "shape"));
    const Tensor& indices = *node.input(kScatterIndices);
    const Tensor& updates = *node.input(kScatterUpdates);
    const Tensor& shape = *node.input(kScatterShape);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, updates, "updates",
                                     {DataType::kFloat32, DataType::kUInt8, DataType::kBool, DataType::kInt8,
                                      DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape, "shape", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, updates, "updates", output, "output"));
    if (indices.rank() < 1 || updates.rank() < 1 || shape.rank() != 1) {
      return node.InvalidModelError("indices and updates must be at least vectors and shape a vector");
    }
    const int outer = indices.rank() - 1;
    const int nd = indices.dim(outer);
    const int shape_rank = shape.dim(0);
    if (updates.rank() < outer || updates.rank() - outer != shape_rank - nd) {
      return node.InvalidModelError("updates " + ShapeToString(updates.shape) + " do not fit indices " +
                                    ShapeToString(indices.shape) + " and an output of rank " + std::to_string(shape_rank));
    }
    for (int i = 0; i < outer; ++i) {
      if (indices.dim(i) != updates.dim(i)) {
        return node.InvalidModelError("indices " + ShapeToString(indices.shape) + " and updates " +
                                      ShapeToString(updates.shape) + " differ in dimension " + std::to_string(i));
      }
    }
    nd_ = nd;
    if (node.DeferUnlessValuesKnown({&shape})) return Status::Ok();
    std::vector<int32_t> out_shape(static_cast<size_t>(shape_rank));
    for (int i = 0; i < shape_rank; ++i) out_shape[static_cast<size_t>(i)] = shape.data<int32_t>()[i];
    for (int i = 0; outer + i < updates.rank(); ++i) {
      if (updates.dim(outer + i) != out_shape[static_cast<size_t>(nd + i)]) {
        return node.InvalidModelError("updates " + ShapeToString(updates.shape) + " do not match the slices of shape " +
                                      ShapeToString(out_shape));
      }
    }
    return SetOutputShape(node, output, out_shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& indices = *node.input(kScatterIndices);
    const Tensor& updates = *node.input(kScatterUpdates);
    Tensor& output = *node.output(0);
    switch (updates.type) {
      case DataType::kFloat32: return ScatterNdSum<float>(node, indices, updates, output, nd_);
      case DataType::kUInt8: return ScatterNdSum<uint8_t>(node, indices, updates, output, nd_);
      case DataType::kBool: return ScatterNdSum<bool>(node, indices, updates, output, nd_);
      case DataType::kInt8: return ScatterNdSum<int8_t>(node, indices, updates, output, nd_);
      case DataType::kInt32: return ScatterNdSum<int32_t>(node, indices, updates, output, nd_);
      default: return ScatterNdSum<int64_t>(node, indices, updates, output, nd_);
    }
  }

 private:
  int nd_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateGatherNdKernel() { return std::make_unique<GatherNdKernel>(); }
std::unique_ptr<Kernel> CreateScatterNdKernel() { return std::make_unique<ScatterNdKernel>(); }

}  // namespace tfldbg
