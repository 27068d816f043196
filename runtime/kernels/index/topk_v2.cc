// TOPK_V2: the k largest values of each innermost row and their positions,
// ordered as LiteRT's topk_v2.cc orders them (math::TopKBefore: larger first,
// NaN last, ties to the lower position).
#include <limits>
#include <string>
#include <vector>

#include "kernels/index/index_math.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kK = 1;
constexpr int kOutputValues = 0;
constexpr int kOutputIndices = 1;

template <typename T, typename Index>
void TopKRows(const Tensor& input, int64_t k, Tensor& values, Tensor& indices, std::vector<int64_t>& scratch) {
  const int64_t row_size = input.dim(input.rank() - 1);
  const int64_t rows = Product(input.shape, 0, input.rank() - 1);
  for (int64_t r = 0; r < rows; ++r) {
    math::TopKRow(input.data<T>() + r * row_size, row_size, k, indices.data<Index>() + r * k, values.data<T>() + r * k,
                  scratch);
  }
}

template <typename T>
void TopKForType(const Tensor& input, int64_t k, Tensor& values, Tensor& indices, std::vector<int64_t>& scratch) {
  if (indices.type == DataType::kInt16) {
    TopKRows<T, int16_t>(input, k, values, indices, scratch);
  } else {
    TopKRows<T, int32_t>(input, k, values, indices, scratch);
  }
}

class TopKV2Kernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kK, "k"));
    const Tensor& input = *node.input(kInput);
    const Tensor& k_tensor = *node.input(kK);
    Tensor& values = *node.output(kOutputValues);
    Tensor& indices = *node.output(kOutputIndices);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt16,
                                      DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", values, "values output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, k_tensor, "k", {DataType::kInt32, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices output", {DataType::kInt32, DataType::kInt16}));
    if (k_tensor.element_count() != 1) {
      return node.InvalidModelError("k must hold one value, it has shape " + ShapeToString(k_tensor.shape));
    }
    if (input.rank() < 1) return node.InvalidModelError("input must have at least one dimension");
    if (node.DeferUnlessValuesKnown({&k_tensor})) return Status::Ok();
    const int64_t k = ReadIndex(k_tensor, 0);
    const int32_t row_size = input.dim(input.rank() - 1);
    if (k > row_size) {
      return node.InvalidModelError("k " + std::to_string(k) + " is larger than the last dimension of input " +
                                    ShapeToString(input.shape));
    }
    // Positions must fit the index type (int16 holds rows of up to 32767).
    const int64_t rows = Product(input.shape, 0, input.rank() - 1);
    if (indices.type == DataType::kInt16 && rows > 0 && k > 0 && row_size > std::numeric_limits<int16_t>::max()) {
      return node.UnsupportedError("rows of " + std::to_string(row_size) + " elements do not fit int16 positions");
    }
    // A k of zero or less selects nothing (LiteRT gives an empty last dimension).
    k_ = k > 0 ? k : 0;
    scratch_.reserve(static_cast<size_t>(row_size));
    std::vector<int32_t> shape = input.shape;
    shape.back() = static_cast<int32_t>(k_);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, values, shape));
    return SetOutputShape(node, indices, shape);
  }

  Status Eval(NodeContext& node) override {
    if (k_ == 0) return Status::Ok();
    const Tensor& input = *node.input(kInput);
    Tensor& values = *node.output(kOutputValues);
    Tensor& indices = *node.output(kOutputIndices);
    switch (input.type) {
      case DataType::kFloat32: TopKForType<float>(input, k_, values, indices, scratch_); break;
      case DataType::kUInt8: TopKForType<uint8_t>(input, k_, values, indices, scratch_); break;
      case DataType::kInt8: TopKForType<int8_t>(input, k_, values, indices, scratch_); break;
      case DataType::kInt16: TopKForType<int16_t>(input, k_, values, indices, scratch_); break;
      case DataType::kInt32: TopKForType<int32_t>(input, k_, values, indices, scratch_); break;
      default: TopKForType<int64_t>(input, k_, values, indices, scratch_); break;
    }
    return Status::Ok();
  }

 private:
  int64_t k_ = 0;
  std::vector<int64_t> scratch_;
};

}  // namespace

std::unique_ptr<Kernel> CreateTopKV2Kernel() { return std::make_unique<TopKV2Kernel>(); }

}  // namespace tfldbg
