// DYNAMIC_UPDATE_SLICE: the operand with a block overwritten by `update` at
// start indices read at run time, each clamped into [0, operand - update] as
// LiteRT's dynamic_update_slice.cc (and XLA) clamp them; any whole-byte type.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kOperand = 0;
constexpr int kUpdate = 1;
constexpr int kStartIndices = 2;
constexpr int kMaxRank = 8;  // LiteRT's limit

class DynamicUpdateSliceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOperand, "operand"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kUpdate, "update"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kStartIndices, "start_indices"));
    const Tensor& operand = *node.input(kOperand);
    const Tensor& update = *node.input(kUpdate);
    const Tensor& start = *node.input(kStartIndices);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, operand, "operand"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, operand, "operand", update, "update"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, operand, "operand", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, start, "start_indices", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, operand, "operand", 0, kMaxRank));
    if (start.rank() != 1 || start.dim(0) != operand.rank()) {
      return node.InvalidModelError("start_indices " + ShapeToString(start.shape) + " must be a vector of one index per operand dimension (" +
                                    std::to_string(operand.rank()) + ")");
    }
    if (update.rank() != operand.rank()) {
      return node.InvalidModelError("update " + ShapeToString(update.shape) + " and operand " + ShapeToString(operand.shape) +
                                    " differ in rank");
    }
    for (int d = 0; d < operand.rank(); ++d) {
      if (update.dim(d) > operand.dim(d)) {
        return node.InvalidModelError("update " + ShapeToString(update.shape) + " is larger than operand " +
                                      ShapeToString(operand.shape) + " in dimension " + std::to_string(d));
      }
    }
    return SetOutputShape(node, output, operand.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& operand = *node.input(kOperand);
    const Tensor& update = *node.input(kUpdate);
    const Tensor& start = *node.input(kStartIndices);
    Tensor& output = *node.output(0);
    const size_t element = ElementBytes(operand.type);
    if (output.bytes != operand.bytes) CopyBytes(output.bytes, operand.bytes, operand.byte_size);
    const int rank = operand.rank();
    const int64_t update_count = update.element_count();
    if (update_count == 0) return Status::Ok();
    if (rank == 0) {
      CopyBytes(output.bytes, update.bytes, element);
      return Status::Ok();
    }
    int64_t begin[kMaxRank] = {};
    int64_t output_strides[kMaxRank] = {};
    for (int d = 0; d < rank; ++d) {
      begin[d] = std::min<int64_t>(std::max<int64_t>(0, ReadIndex(start, d)), operand.dim(d) - update.dim(d));
    }
    output_strides[rank - 1] = 1;
    for (int d = rank - 2; d >= 0; --d) output_strides[d] = output_strides[d + 1] * operand.dim(d + 1);
    // Copy the update row by row (its innermost dimension is contiguous in both).
    const int64_t row = update.dim(rank - 1);
    const int64_t rows = update_count / row;
    int64_t position[kMaxRank] = {};  // the update row's coordinates, innermost excluded
    for (int64_t r = 0; r < rows; ++r) {
      int64_t to = begin[rank - 1];
      for (int d = 0; d < rank - 1; ++d) to += (begin[d] + position[d]) * output_strides[d];
      std::memcpy(output.bytes + static_cast<size_t>(to) * element, update.bytes + static_cast<size_t>(r * row) * element,
                  static_cast<size_t>(row) * element);
      for (int d = rank - 2; d >= 0; --d) {
        if (++position[d] < update.dim(d)) break;
        position[d] = 0;
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateDynamicUpdateSliceKernel() { return std::make_unique<DynamicUpdateSliceKernel>(); }

}  // namespace tfldbg
