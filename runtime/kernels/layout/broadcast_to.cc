// BROADCAST_TO: the input repeated along dimensions of size 1 (and new
// leading ones) to a shape given as an int32/int64 vector, constant or
// computed; any element type of whole bytes, any rank (LiteRT sets no limit).
#include <cstring>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kBroadcastInput = 0;
constexpr int kBroadcastShape = 1;

class BroadcastToKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBroadcastInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBroadcastShape, "shape"));
    const Tensor& input = *node.input(kBroadcastInput);
    const Tensor& shape = *node.input(kBroadcastShape);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape, "shape", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, shape, "shape", 1, 1));
    if (shape.dim(0) < input.rank()) {
      return node.InvalidModelError("output shape must be broadcastable from input shape: " + std::to_string(shape.dim(0)) +
                                    " dimensions for an input of rank " + std::to_string(input.rank()));
    }
    if (node.DeferUnlessValuesKnown({&shape})) return Status::Ok();
    // LiteRT reads every entry through an int32: int64 values keep their low 32 bits.
    std::vector<int64_t> dims;
    for (int64_t i = 0; i < shape.element_count(); ++i) dims.push_back(static_cast<int32_t>(ReadIndex(shape, i)));
    const int extra = static_cast<int>(dims.size()) - input.rank();
    for (int d = 0; d < input.rank(); ++d) {
      if (input.dim(d) != 1 && input.dim(d) != dims[static_cast<size_t>(extra + d)]) {
        return node.InvalidModelError("output shape must be broadcastable from input shape: " + ShapeToString(input.shape) +
                                      " to dimension " + std::to_string(extra + d) + " of " +
                                      std::to_string(dims[static_cast<size_t>(extra + d)]));
      }
    }
    std::vector<int32_t> out;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, out));
    return SetOutputShape(node, output, out);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kBroadcastInput);
    Tensor& output = *node.output(0);
    const int64_t total = output.element_count();
    if (total == 0) return Status::Ok();
    const size_t width = ElementBytes(input.type);
    const int rank = output.rank();
    if (rank == 0) {
      CopyBytes(output.bytes, input.bytes, width);
      return Status::Ok();
    }
    // Input strides aligned to the output's dimensions, 0 where it repeats.
    const int extra = rank - input.rank();
    std::vector<int64_t> in_stride(static_cast<size_t>(rank), 0);
    int64_t stride = 1;
    for (int d = input.rank() - 1; d >= 0; --d) {
      in_stride[static_cast<size_t>(extra + d)] = input.dim(d) == 1 ? 0 : stride;
      stride *= input.dim(d);
    }
    const int64_t row = output.dim(rank - 1);
    const bool row_repeats = in_stride[static_cast<size_t>(rank - 1)] == 0;
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    for (int64_t out = 0; out < total; out += row) {
      int64_t in = 0;
      for (int d = 0; d < rank - 1; ++d) in += index[static_cast<size_t>(d)] * in_stride[static_cast<size_t>(d)];
      uint8_t* to = output.bytes + static_cast<size_t>(out) * width;
      const uint8_t* from = input.bytes + static_cast<size_t>(in) * width;
      if (row_repeats) {
        for (int64_t j = 0; j < row; ++j) std::memcpy(to + static_cast<size_t>(j) * width, from, width);
      } else {
        std::memcpy(to, from, static_cast<size_t>(row) * width);
      }
      for (int d = rank - 2; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < output.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateBroadcastToKernel() { return std::make_unique<BroadcastToKernel>(); }

}  // namespace tfldbg
