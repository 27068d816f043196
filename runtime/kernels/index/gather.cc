// GATHER along an axis with batch dimensions; any element type of whole bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- GATHER ----------------------------------------------------------------------------------

class GatherKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "params"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "indices"));
    const Tensor& params = *node.input(0);
    const Tensor& indices = *node.input(1);
    Tensor& output = *node.output(0);
    if (params.type == DataType::kString) {
      if (params.rank() != 1) {  // LiteRT's string gather takes a vector only
        return node.UnsupportedError("string params of rank " + std::to_string(params.rank()) +
                                     " (LiteRT gathers strings from a vector only)");
      }
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, params, "params"));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, params, "params", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "indices", {DataType::kInt32, DataType::kInt64, DataType::kInt16}));
    int axis = 0, batch_dims = 0;
    if (const auto* o = node.options<tflite::GatherOptions>()) {
      axis = o->axis();
      batch_dims = o->batch_dims();
    }
    if (axis < 0) axis += params.rank();
    if (batch_dims < 0) batch_dims += indices.rank();
    if (axis < 0 || axis >= params.rank()) {
      return node.InvalidModelError("axis " + std::to_string(axis) + " is out of range for params " + ShapeToString(params.shape));
    }
    if (batch_dims < 0 || batch_dims > axis || batch_dims > indices.rank()) {
      return node.InvalidModelError("batch_dims " + std::to_string(batch_dims) + " must be in [0, min(axis, rank of indices)]");
    }
    for (int i = 0; i < batch_dims; ++i) {
      if (params.dim(i) != indices.dim(i)) {
        return node.InvalidModelError("params and indices differ in batch dimension " + std::to_string(i));
      }
    }
    axis_ = axis;
    batch_dims_ = batch_dims;
    std::vector<int32_t> shape(params.shape.begin(), params.shape.begin() + axis);
    shape.insert(shape.end(), indices.shape.begin() + batch_dims, indices.shape.end());
    shape.insert(shape.end(), params.shape.begin() + axis + 1, params.shape.end());
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    if (node.input(0)->type == DataType::kString) return EvalOnStringIds(node, {0}, 0, false, [&] { return EvalTyped(node); });
    return EvalTyped(node);
  }

 private:
  Status EvalTyped(NodeContext& node) {
    const Tensor& params = *node.input(0);
    const Tensor& indices = *node.input(1);
    Tensor& output = *node.output(0);
    const size_t element = ElementBytes(params.type);
    const int64_t batches = Product(params.shape, 0, batch_dims_);
    const int64_t outer = Product(params.shape, batch_dims_, axis_);
    const int64_t axis_size = params.dim(axis_);
    const int64_t inner = Product(params.shape, axis_ + 1, params.rank());
    const int64_t coords = Product(indices.shape, batch_dims_, indices.rank());
    const size_t chunk = static_cast<size_t>(inner) * element;
    for (int64_t b = 0; b < batches; ++b) {
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t c = 0; c < coords; ++c) {
          const int64_t index = ReadIndex(indices, b * coords + c);
          if (index < 0 || index >= axis_size) {
            return node.RuntimeFailure("index " + std::to_string(index) + " at position " + std::to_string(b * coords + c) +
                                       " of indices is outside [0, " + std::to_string(axis_size) + ")");
          }
          const int64_t from = ((b * outer + o) * axis_size + index) * inner;
          const int64_t to = ((b * outer + o) * coords + c) * inner;
          CopyBytes(output.bytes + static_cast<size_t>(to) * element, params.bytes + static_cast<size_t>(from) * element, chunk);
        }
      }
    }
    return Status::Ok();
  }

  int axis_ = 0;
  int batch_dims_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateGatherKernel() { return std::make_unique<GatherKernel>(); }

}  // namespace tfldbg
