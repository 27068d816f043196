// BROADCAST_ARGS: the shape two shapes broadcast to, from two int32/int64
// vectors (constant or computed). The output's length is known from the
// inputs' lengths, so only its values wait for Eval.
#include <algorithm>
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kShape1 = 0;
constexpr int kShape2 = 1;

// LiteRT reads each dimension through an `int`: int64 values keep their low
// 32 bits (measured: 2^33 + 3 broadcasts with 3 and gives 3). Shapes that do
// not broadcast abort LiteRT's process (a CHECK in both kernel sets); here
// they are one line.
Status BroadcastShapes(const NodeContext& node, const Tensor& a, const Tensor& b, std::vector<int32_t>& out) {
  const int64_t na = a.element_count(), nb = b.element_count();
  const int64_t n = std::max(na, nb);
  out.assign(static_cast<size_t>(n), 1);
  for (int64_t back = 0; back < n; ++back) {
    const int32_t da = back < na ? static_cast<int32_t>(ReadIndex(a, na - 1 - back)) : 1;
    const int32_t db = back < nb ? static_cast<int32_t>(ReadIndex(b, nb - 1 - back)) : 1;
    int32_t d = da;
    if (da == 1) {
      d = db;
    } else if (db != 1 && da != db) {
      const std::string what = "shapes do not broadcast: dimension " + std::to_string(-1 - back) + " is " + std::to_string(da) +
                               " in one and " + std::to_string(db) + " in the other (LiteRT aborts here)";
      return node.prepare_at_eval || !a.is_constant() || !b.is_constant() ? node.RuntimeFailure(what)
                                                                          : node.InvalidModelError(what);
    }
    out[static_cast<size_t>(n - 1 - back)] = d;
  }
  return Status::Ok();
}

class BroadcastArgsKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kShape1, "shape1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kShape2, "shape2"));
    const Tensor& a = *node.input(kShape1);
    const Tensor& b = *node.input(kShape2);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "shape1", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "shape1", b, "shape2"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "shape1", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, a, "shape1", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, b, "shape2", 1, 1));
    if (a.is_constant() && b.is_constant()) {
      std::vector<int32_t> dims;
      TFLDBG_RETURN_IF_ERROR(BroadcastShapes(node, a, b, dims));  // LiteRT evaluates constants in Prepare
    }
    return SetOutputShape(node, *node.output(0), {std::max(a.dim(0), b.dim(0))});
  }
  Status Eval(NodeContext& node) override {
    std::vector<int32_t> dims;
    TFLDBG_RETURN_IF_ERROR(BroadcastShapes(node, *node.input(kShape1), *node.input(kShape2), dims));
    Tensor& output = *node.output(0);
    for (size_t i = 0; i < dims.size(); ++i) {
      if (output.type == DataType::kInt64) {
        output.data<int64_t>()[i] = dims[i];
      } else {
        output.data<int32_t>()[i] = dims[i];
      }
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateBroadcastArgsKernel() { return std::make_unique<BroadcastArgsKernel>(); }

}  // namespace tfldbg
