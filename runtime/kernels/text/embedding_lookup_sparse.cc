// EMBEDDING_LOOKUP_SPARSE: a sparse tensor of ids (ids, indices, dense_shape)
// with weights picks rows of `value`; the rows of each output bucket (the
// indices without their last coordinate) are summed, weighted, then divided
// by the weights' sum (MEAN) or the square root of their squares' sum (SQRTN),
// as LiteRT's kernel does it (tflite/kernels/embedding_lookup_sparse.cc): a
// bucket ends when the next id falls in another bucket, so ids out of order
// finalize a bucket more than once, as there. Float32 throughout.
#include <cmath>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kIds = 0;
constexpr int kIndices = 1;
constexpr int kDenseShape = 2;
constexpr int kWeights = 3;
constexpr int kValue = 4;

class EmbeddingLookupSparseKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 5, 5));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    static const char* const kNames[] = {"ids", "indices", "dense_shape", "weights", "value"};
    for (int i = 0; i < 5; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, kNames[i]));
    const Tensor& ids = *node.input(kIds);
    const Tensor& indices = *node.input(kIndices);
    const Tensor& dense_shape = *node.input(kDenseShape);
    const Tensor& weights = *node.input(kWeights);
    const Tensor& value = *node.input(kValue);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, ids, "ids", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, ids, "ids", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, indices, "indices", 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, dense_shape, "dense_shape", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, dense_shape, "dense_shape", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, weights, "weights", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, weights, "weights", 1, 1));
    // LiteRT reads the value as float whatever its type; only float32 means that.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, value, "value", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, value, "value", 2, 8));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kFloat32}));
    if (indices.dim(0) != ids.dim(0) || weights.dim(0) != ids.dim(0)) {
      return node.InvalidModelError("ids, indices and weights must have as many entries: " + ShapeToString(ids.shape) +
                                    ", " + ShapeToString(indices.shape) + ", " + ShapeToString(weights.shape));
    }
    const int lookup_rank = indices.dim(1);
    if (dense_shape.dim(0) != lookup_rank) {
      return node.InvalidModelError("dense_shape has " + std::to_string(dense_shape.dim(0)) + " entries, indices " +
                                    std::to_string(lookup_rank) + " coordinates");
    }
    if (lookup_rank < 1) return node.UnsupportedError("indices of no coordinates");
    if (node.DeferUnlessValuesKnown({&dense_shape})) return Status::Ok();
    std::vector<int32_t> shape;
    for (int i = 0; i < lookup_rank - 1; ++i) {
      const int32_t d = dense_shape.data<int32_t>()[i];
      if (d < 0) return node.InvalidModelError("dense_shape dimension " + std::to_string(i) + " is " + std::to_string(d));
      shape.push_back(d);
    }
    for (int i = 1; i < value.rank(); ++i) shape.push_back(value.dim(i));
    const auto elements = ElementCount(shape);
    if (!elements || *elements > (uint64_t{1} << 31)) return node.UnsupportedError("the output would be too large");
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const auto* o = node.options<tflite::EmbeddingLookupSparseOptions>();
    const tflite::CombinerType combiner = o ? o->combiner() : tflite::CombinerType::SUM;
    const Tensor& ids = *node.input(kIds);
    const Tensor& indices = *node.input(kIndices);
    const Tensor& dense_shape = *node.input(kDenseShape);
    const float* weights = node.input(kWeights)->data<float>();
    const Tensor& value = *node.input(kValue);
    Tensor& output = *node.output(0);
    float* out = output.data<float>();
    const int lookup_rank = indices.dim(1);
    const int64_t rows = value.dim(0);
    const int64_t embedding = Product(value.shape, 1, value.rank());
    const int64_t output_size = output.element_count();
    for (int64_t i = 0; i < output_size; ++i) out[i] = 0.0f;
    auto finalize = [&](int count, float total, float squares, int64_t at) {
      if (combiner == tflite::CombinerType::SUM || count <= 0) return;
      float multiplier = 1.0f;
      if (combiner == tflite::CombinerType::MEAN) multiplier = total;
      if (combiner == tflite::CombinerType::SQRTN) multiplier = std::sqrt(squares);
      for (int64_t k = 0; k < embedding; ++k) out[at + k] /= multiplier;
    };
    int64_t current = 0;
    float total = 0.0f, squares = 0.0f;
    int count = 0;
    for (int64_t i = 0; i < ids.dim(0); ++i) {
      const int32_t id = ids.data<int32_t>()[i];
      if (id < 0 || id >= rows) {
        return node.RuntimeFailure("id " + std::to_string(id) + " at position " + std::to_string(i) + " is outside [0, " +
                                   std::to_string(rows) + ")");
      }
      int64_t bucket = 0, stride = 1;
      for (int k = lookup_rank - 2; k >= 0; --k) {
        const int32_t index = indices.data<int32_t>()[i * lookup_rank + k];
        const int32_t dim = dense_shape.data<int32_t>()[k];
        if (index < 0 || index >= dim) {
          return node.RuntimeFailure("index " + std::to_string(index) + " of entry " + std::to_string(i) +
                                     " in dimension " + std::to_string(k) + " is outside [0, " + std::to_string(dim) + ")");
        }
        bucket += index * stride;
        stride *= dim;
      }
      const int64_t offset = bucket * embedding;
      if (offset != current) {
        finalize(count, total, squares, current);
        count = 0;
        total = 0.0f;
        squares = 0.0f;
        current = offset;
      }
      ++count;
      const float w = weights[i];
      squares += w * w;
      total += w;
      const float* row = value.data<float>() + id * embedding;
      for (int64_t k = 0; k < embedding; ++k) out[current + k] += row[k] * w;
    }
    if (output_size > 0) finalize(count, total, squares, current);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateEmbeddingLookupSparseKernel() { return std::make_unique<EmbeddingLookupSparseKernel>(); }

}  // namespace tfldbg
