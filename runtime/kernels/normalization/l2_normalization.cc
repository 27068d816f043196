// L2_NORMALIZATION (float32): each row along the last dimension divided by
// max(its L2 norm, 1e-6).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

class L2NormalizationKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (const auto* o = node.options<tflite::L2NormOptions>()) {
      if (o->fused_activation_function() != tflite::ActivationFunctionType::NONE) {
        return node.UnsupportedError("a fused activation (LiteRT accepts none)");
      }
    }
    return SetOutputShape(node, *node.output(0), input.shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    const int64_t depth = input.dim(input.rank() - 1);
    const int64_t outer = depth == 0 ? 0 : input.element_count() / depth;
    const float* x = input.data<float>();
    float* y = node.output(0)->data<float>();
    for (int64_t i = 0; i < outer; ++i) {
      float sum = 0.0f;
      for (int64_t c = 0; c < depth; ++c) sum += x[i * depth + c] * x[i * depth + c];
      const float norm = std::max(std::sqrt(sum), 1e-6f);
      for (int64_t c = 0; c < depth; ++c) y[i * depth + c] = x[i * depth + c] / norm;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateL2NormalizationKernel() { return std::make_unique<L2NormalizationKernel>(); }

}  // namespace tfldbg
