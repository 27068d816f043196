// ADD_N: the elementwise sum of two or more tensors of one shape (no
// broadcasting), float32 or int32, as LiteRT's only kernel computes it
// (optimized_ops::AddN on one thread): the first input, then each next one
// added in order, every partial sum clamped to the type's finite range (a
// float overflow gives ±FLT_MAX, not ±inf; int32 wraps).
#include <algorithm>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kOutput = 0;

class AddNKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    // Two or more inputs, as LiteRT requires.
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, std::max(2, node.input_count())));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < node.input_count(); ++i) {
      const std::string slot = "input" + std::to_string(i);
      TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, slot.c_str()));
    }
    const Tensor& first = *node.input(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, first, "input0", {DataType::kFloat32, DataType::kInt32}));
    for (int i = 1; i < node.input_count(); ++i) {
      const Tensor& t = *node.input(i);
      const std::string slot = "input" + std::to_string(i);
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "input0", t, slot.c_str()));
      if (t.shape != first.shape) {
        return node.UnsupportedError(slot + " has shape " + ShapeToString(t.shape) + ", input0 " +
                                     ShapeToString(first.shape) + ": ADD_N does not broadcast");
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "input0", *node.output(kOutput), "output"));
    return SetOutputShape(node, *node.output(kOutput), first.shape);
  }

  Status Eval(NodeContext& node) override {
    switch (node.input(0)->type) {
      case DataType::kFloat32:
        Sum<float>(node, [](float acc, float x) {
          return std::min(std::max(acc + x, std::numeric_limits<float>::lowest()), std::numeric_limits<float>::max());
        });
        return Status::Ok();
      case DataType::kInt32:
        Sum<int32_t>(node, [](int32_t acc, int32_t x) {
          return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(x));
        });
        return Status::Ok();
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  template <typename T, typename Add>
  static void Sum(NodeContext& node, Add add) {
    T* y = node.output(kOutput)->data<T>();
    const T* first = node.input(0)->data<T>();
    const int64_t n = node.input(0)->element_count();
    for (int64_t j = 0; j < n; ++j) y[j] = first[j];
    for (int i = 1; i < node.input_count(); ++i) {
      const T* x = node.input(i)->data<T>();
      for (int64_t j = 0; j < n; ++j) y[j] = add(y[j], x[j]);
    }
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateAddNKernel() { return std::make_unique<AddNKernel>(); }

}  // namespace tfldbg
