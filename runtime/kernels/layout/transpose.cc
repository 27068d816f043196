// TRANSPOSE up to 6-D; any element type of whole bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"
#include "kernels/layout/transpose_math.h"

namespace tfldbg {
namespace {

class TransposeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "perm"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 6));
    if (DataTypeBits(input.type) < 8) return node.UnsupportedError(std::string(DataTypeName(input.type)) + " input");
    std::vector<int64_t> perm;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, *node.input(1), "perm", perm));
    if (perm.size() != static_cast<size_t>(input.rank())) return node.InvalidModelError("perm must have one entry per dimension");
    std::vector<bool> seen(perm.size(), false);
    std::vector<int32_t> shape;
    perm_.clear();
    for (int64_t p : perm) {
      if (p < 0) p += input.rank();
      if (p < 0 || p >= input.rank() || seen[static_cast<size_t>(p)]) return node.InvalidModelError("perm is not a permutation");
      seen[static_cast<size_t>(p)] = true;
      perm_.push_back(static_cast<int>(p));
      shape.push_back(input.dim(static_cast<int>(p)));
    }
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    math::Transpose(input.shape, perm_, static_cast<size_t>(DataTypeBits(input.type) / 8), input.bytes, node.output(0)->bytes);
    return Status::Ok();
  }

 private:
  std::vector<int> perm_;
};

}  // namespace

std::unique_ptr<Kernel> CreateTransposeKernel() { return std::make_unique<TransposeKernel>(); }

}  // namespace tfldbg
