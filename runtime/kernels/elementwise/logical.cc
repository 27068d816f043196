// LOGICAL_AND and LOGICAL_OR (bool, NumPy broadcasting up to 8 dimensions as
// LiteRT's BroadcastBinaryOpSimple) and LOGICAL_NOT (bool). Any nonzero byte
// reads as true; outputs are 0 or 1.
#include "kernels/common/broadcast.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput1 = 0;
constexpr int kInput2 = 1;
constexpr int kOutput = 0;

enum class LogicalOp { kAnd, kOr };

class LogicalBinaryKernel : public Kernel {
 public:
  explicit LogicalBinaryKernel(LogicalOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "input2"));
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, b, "input2", {DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(kOutput), "output", {DataType::kBool}));
    if (!broadcast_.Init({&a.shape, &b.shape})) {
      return node.UnsupportedError("cannot broadcast " + ShapeToString(a.shape) + " with " + ShapeToString(b.shape) +
                                   " (NumPy rules, at most 8 dimensions)");
    }
    return SetOutputShape(node, *node.output(kOutput), broadcast_.output_shape());
  }

  Status Eval(NodeContext& node) override {
    const uint8_t* a = node.input(kInput1)->bytes;
    const uint8_t* b = node.input(kInput2)->bytes;
    uint8_t* y = node.output(kOutput)->bytes;
    const bool conjunction = op_ == LogicalOp::kAnd;
    broadcast_.ForEach([&](int64_t o, const std::array<int64_t, 2>& i) {
      const bool x1 = a[i[0]] != 0, x2 = b[i[1]] != 0;
      y[o] = (conjunction ? (x1 && x2) : (x1 || x2)) ? 1 : 0;
    });
    return Status::Ok();
  }

 private:
  LogicalOp op_;
  math::BroadcastN<2> broadcast_;
};

class LogicalNotKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(0), "input", {DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.output(kOutput), "output", {DataType::kBool}));
    return SetOutputShape(node, *node.output(kOutput), node.input(0)->shape);
  }

  Status Eval(NodeContext& node) override {
    const uint8_t* x = node.input(0)->bytes;
    uint8_t* y = node.output(kOutput)->bytes;
    const int64_t n = node.input(0)->element_count();
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] != 0 ? 0 : 1;
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateLogicalAndKernel() { return std::make_unique<LogicalBinaryKernel>(LogicalOp::kAnd); }
std::unique_ptr<Kernel> CreateLogicalOrKernel() { return std::make_unique<LogicalBinaryKernel>(LogicalOp::kOr); }
std::unique_ptr<Kernel> CreateLogicalNotKernel() { return std::make_unique<LogicalNotKernel>(); }

}  // namespace tfldbg
