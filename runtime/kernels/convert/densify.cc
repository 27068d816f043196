// DENSIFY: a sparse constant as a dense tensor (float32, float16, int8).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- DENSIFY ---------------------------------------------------------------------------------

// The interpreter decodes every sparse constant when it loads the model
// (model/sparsity.h), so DENSIFY's input already holds the dense values: the
// kernel checks what LiteRT's checks and copies.
class DensifyKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    if (!input.is_constant() || input.sparse_levels.empty()) {
      return node.InvalidModelError("input '" + input.name + "' must be a sparse constant");
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kFloat16, DataType::kInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    return SetOutputShape(node, output, input.shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    CopyBytes(node.output(0)->bytes, input.bytes, input.byte_size);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateDensifyKernel() { return std::make_unique<DensifyKernel>(); }

}  // namespace tfldbg
