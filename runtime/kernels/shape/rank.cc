// RANK: the input's rank as an int32 scalar (LiteRT's only output type).
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

class RankKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    Tensor& output = *node.output(0);
    // LiteRT makes the output int32 whatever the model says; another type
    // would be read with the wrong width downstream.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32}));
    return SetOutputShape(node, output, {});
  }
  Status Eval(NodeContext& node) override {
    node.output(0)->data<int32_t>()[0] = node.input(0)->rank();
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateRankKernel() { return std::make_unique<RankKernel>(); }

}  // namespace tfldbg
