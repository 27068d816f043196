// SHAPE: the input's shape as an int32 or int64 vector.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- SHAPE -----------------------------------------------------------------------------------

class ShapeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32, DataType::kInt64}));
    if (const auto* o = node.options<tflite::ShapeOptions>()) {
      const bool wants64 = o->out_type() == tflite::TensorType::INT64;
      if (wants64 != (output.type == DataType::kInt64)) {
        return node.InvalidModelError("out_type and the output's type disagree");
      }
    }
    return SetOutputShape(node, output, {node.input(0)->rank()});
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    for (int i = 0; i < input.rank(); ++i) {
      if (output.type == DataType::kInt64) {
        output.data<int64_t>()[i] = input.dim(i);
      } else {
        output.data<int32_t>()[i] = input.dim(i);
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateShapeKernel() { return std::make_unique<ShapeKernel>(); }

}  // namespace tfldbg
