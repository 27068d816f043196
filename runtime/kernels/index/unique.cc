// UNIQUE: the distinct values of a vector in order of first appearance, and
// for each element the position of its value among them. The output length
// depends on the values, so the node is prepared when they are known.
//
// Values are looked up in a std::map ordered by operator<, as LiteRT's
// unique.cc does: -0.0 and 0.0 are one value, and a NaN finds whichever
// entry the tree's search ends on, exactly as it does in LiteRT.
#include <map>
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutputValues = 0;
constexpr int kOutputIndices = 1;

// Walks the input once; calls emit_index(i, position) for every element and
// emit_value(value) for every new one. Returns the number of distinct values.
template <typename T, typename EmitIndex, typename EmitValue>
int64_t WalkUnique(const T* data, int64_t n, EmitIndex emit_index, EmitValue emit_value) {
  std::map<T, int64_t> seen;
  for (int64_t i = 0; i < n; ++i) {
    const auto found = seen.find(data[i]);
    if (found != seen.end()) {
      emit_index(i, found->second);
    } else {
      const int64_t position = static_cast<int64_t>(seen.size());
      seen[data[i]] = position;
      emit_index(i, position);
      emit_value(data[i]);
    }
  }
  return static_cast<int64_t>(seen.size());
}

template <typename T>
int64_t CountUnique(const Tensor& input) {
  return WalkUnique(input.data<T>(), input.element_count(), [](int64_t, int64_t) {}, [](const T&) {});
}

template <typename T, typename Index>
void WriteUnique(const Tensor& input, Tensor& values, Tensor& indices) {
  T* out = values.data<T>();
  Index* positions = indices.data<Index>();
  int64_t written = 0;
  WalkUnique(
      input.data<T>(), input.element_count(), [positions](int64_t i, int64_t p) { positions[i] = static_cast<Index>(p); },
      [out, &written](const T& v) { out[written++] = v; });
}

template <typename T>
void WriteUniqueForType(const Tensor& input, Tensor& values, Tensor& indices) {
  if (indices.type == DataType::kInt64) {
    WriteUnique<T, int64_t>(input, values, indices);
  } else {
    WriteUnique<T, int32_t>(input, values, indices);
  }
}

class UniqueKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& values = *node.output(kOutputValues);
    Tensor& indices = *node.output(kOutputIndices);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                      DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", values, "values output"));
    // LiteRT reads the index type from the options (INT64, or INT32 for any
    // other value); without options it has none and refuses the node.
    const auto* options = node.options<tflite::UniqueOptions>();
    if (options == nullptr) return node.UnsupportedError("UniqueOptions are missing, so the index type is unknown");
    const DataType index_type = options->idx_out_type() == tflite::TensorType::INT64 ? DataType::kInt64 : DataType::kInt32;
    if (indices.type != index_type) {
      return node.InvalidModelError(std::string("the index output is ") + DataTypeName(indices.type) +
                                    " but the options ask for " + DataTypeName(index_type));
    }
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 1));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, indices, input.shape));
    // Like LiteRT, size the values output when the node runs, even for a
    // constant input: the length the model stores for it is only a guess.
    if (!node.prepare_at_eval) {
      node.DeferToEval();
      return Status::Ok();
    }
    int64_t count = 0;
    switch (input.type) {
      case DataType::kFloat32: count = CountUnique<float>(input); break;
      case DataType::kInt8: count = CountUnique<int8_t>(input); break;
      case DataType::kUInt8: count = CountUnique<uint8_t>(input); break;
      case DataType::kInt16: count = CountUnique<int16_t>(input); break;
      case DataType::kInt32: count = CountUnique<int32_t>(input); break;
      default: count = CountUnique<int64_t>(input); break;
    }
    return SetOutputShape(node, values, {static_cast<int32_t>(count)});
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& values = *node.output(kOutputValues);
    Tensor& indices = *node.output(kOutputIndices);
    switch (input.type) {
      case DataType::kFloat32: WriteUniqueForType<float>(input, values, indices); break;
      case DataType::kInt8: WriteUniqueForType<int8_t>(input, values, indices); break;
      case DataType::kUInt8: WriteUniqueForType<uint8_t>(input, values, indices); break;
      case DataType::kInt16: WriteUniqueForType<int16_t>(input, values, indices); break;
      case DataType::kInt32: WriteUniqueForType<int32_t>(input, values, indices); break;
      default: WriteUniqueForType<int64_t>(input, values, indices); break;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateUniqueKernel() { return std::make_unique<UniqueKernel>(); }

}  // namespace tfldbg
