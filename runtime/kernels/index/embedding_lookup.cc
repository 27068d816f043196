// EMBEDDING_LOOKUP: rows of a table picked by an int32 index vector, as
// LiteRT's embedding_lookup.cc does. Two paths, chosen as LiteRT chooses:
//  - copy: table and output of one type, rows copied byte for byte;
//  - hybrid: an int8 or uint8 table with a float32 or float16 output, each
//    value multiplied by the table's scale (its row's, when per row) in
//    float. LiteRT reads a uint8 table as int8 (200 becomes -56) and, for a
//    float16 output, never looks at the zero point; tfldbg does the same.
// A table of another type with a float output LiteRT reads as int8 bytes,
// which defines nothing: tfldbg refuses it (docs/litert-defects.md).
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

constexpr int kLookup = 0;
constexpr int kTable = 1;

bool IsFloatOutput(DataType t) { return t == DataType::kFloat32 || t == DataType::kFloat16; }

class EmbeddingLookupKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kLookup, "lookup"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kTable, "table"));
    const Tensor& lookup = *node.input(kLookup);
    const Tensor& table = *node.input(kTable);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, lookup, "lookup", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, lookup, "lookup", 1, 1));
    if (table.rank() < 2) return node.InvalidModelError("the table must have at least two dimensions");
    if (table.quant.has_details) return node.UnsupportedError("a table with blockwise or custom quantization");
    const bool int8_table = table.type == DataType::kInt8 || table.type == DataType::kUInt8;
    if (!table.quant.empty()) {
      if (int8_table && output.type == DataType::kFloat32 && !table.quant.zero_point.empty() &&
          table.quant.zero_point[0] != 0) {
        return node.UnsupportedError("an int8/uint8 table with zero point " + std::to_string(table.quant.zero_point[0]) +
                                     " (LiteRT's float lookup needs 0)");
      }
      if (table.quant.per_channel()) {
        if (!int8_table || !IsFloatOutput(output.type)) {
          return node.UnsupportedError("per-row scales need an int8/uint8 table and a float32/float16 output");
        }
        if (table.quant.quantized_dimension != 0 || static_cast<int64_t>(table.quant.scale.size()) != table.dim(0) ||
            (table.quant.zero_point.size() != 1 && table.quant.zero_point.size() != table.quant.scale.size())) {
          return node.UnsupportedError("per-axis scales must run along dimension 0, one per row of the table");
        }
      }
    }
    hybrid_ = table.type != output.type && IsFloatOutput(output.type);
    if (table.type == DataType::kInt4 || table.type == DataType::kInt2) {
      return node.UnsupportedError(std::string("packed ") + DataTypeName(table.type) + " tables are not supported yet");
    }
    if (hybrid_) {
      if (!int8_table) {
        return node.UnsupportedError(std::string("a ") + DataTypeName(table.type) + " table with a " +
                                     DataTypeName(output.type) +
                                     " output: LiteRT reads it as int8 bytes (no defined result); tables for a float "
                                     "output must be int8 or uint8");
      }
      // LiteRT's scale: the row's when per row, else the tensor's (0 without quantization).
      scales_ = table.quant.scale;
      if (scales_.empty()) scales_.push_back(0.0f);
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, table, "table"));
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, table, "table", output, "output"));
    }
    std::vector<int32_t> shape = table.shape;
    shape[0] = lookup.dim(0);
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& lookup = *node.input(kLookup);
    const Tensor& table = *node.input(kTable);
    Tensor& output = *node.output(0);
    const int64_t rows = table.dim(0);
    const int64_t row_size = Product(table.shape, 1, table.rank());
    const int64_t n = lookup.dim(0);
    if (rows == 0) {
      // LiteRT returns at once, leaving whatever the output held: only an empty output is defined.
      if (n == 0 || row_size == 0) return Status::Ok();
      return node.RuntimeFailure("the table is empty but lookup holds " + std::to_string(n) + " indices");
    }
    for (int64_t i = 0; i < n; ++i) {
      const int32_t row = lookup.data<int32_t>()[i];
      if (row < 0 || row >= rows) {
        return node.RuntimeFailure("index " + std::to_string(row) + " at position " + std::to_string(i) +
                                   " of lookup is outside [0, " + std::to_string(rows) + ")");
      }
      if (!hybrid_) {
        const size_t bytes = static_cast<size_t>(row_size) * ElementBytes(table.type);
        CopyBytes(output.bytes + static_cast<size_t>(i) * bytes, table.bytes + static_cast<size_t>(row) * bytes, bytes);
        continue;
      }
      const float scale = scales_.size() > 1 ? scales_[static_cast<size_t>(row)] : scales_[0];
      const int8_t* from = table.data<int8_t>() + row * row_size;
      if (output.type == DataType::kFloat32) {
        float* to = output.data<float>() + i * row_size;
        for (int64_t e = 0; e < row_size; ++e) to[e] = static_cast<float>(from[e]) * scale;
      } else {
        uint16_t* to = output.data<uint16_t>() + i * row_size;
        for (int64_t e = 0; e < row_size; ++e) to[e] = math::FloatToHalf(static_cast<float>(from[e]) * scale);
      }
    }
    return Status::Ok();
  }

 private:
  bool hybrid_ = false;
  std::vector<float> scales_;
};

}  // namespace

std::unique_ptr<Kernel> CreateEmbeddingLookupKernel() { return std::make_unique<EmbeddingLookupKernel>(); }

}  // namespace tfldbg
