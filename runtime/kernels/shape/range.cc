// RANGE: start, start + delta, ... up to (not including) limit, from three
// scalars of one type (int32, int64, float32), constant or computed.
#include <string>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"
#include "kernels/shape/range_math.h"

namespace tfldbg {
namespace {

constexpr int kRangeStart = 0;
constexpr int kRangeLimit = 1;
constexpr int kRangeDelta = 2;

template <typename T>
int64_t SizeOf(const NodeContext& node, std::string* why) {
  return math::RangeSize<T>(node.input(kRangeStart)->data<T>()[0], node.input(kRangeLimit)->data<T>()[0],
                            node.input(kRangeDelta)->data<T>()[0], why);
}

template <typename T>
void Fill(NodeContext& node) {
  Tensor& output = *node.output(0);
  math::RangeValues<T>(node.input(kRangeStart)->data<T>()[0], node.input(kRangeDelta)->data<T>()[0], output.data<T>(),
                       output.element_count());
}

class RangeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    const char* names[] = {"start", "limit", "delta"};
    for (int slot = 0; slot < 3; ++slot) {
      TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, slot, names[slot]));
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, *node.input(slot), names[slot], 0, 0));
    }
    const Tensor& start = *node.input(kRangeStart);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, start, "start", {DataType::kInt32, DataType::kInt64, DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, start, "start", *node.input(kRangeLimit), "limit"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, start, "start", *node.input(kRangeDelta), "delta"));
    // LiteRT gives the output the inputs' type.
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, start, "start", *node.output(0), "output"));
    if (node.DeferUnlessValuesKnown({node.input(kRangeStart), node.input(kRangeLimit), node.input(kRangeDelta)})) {
      return Status::Ok();
    }
    std::string why;
    int64_t size = -1;
    switch (start.type) {
      case DataType::kInt32: size = SizeOf<int32_t>(node, &why); break;
      case DataType::kInt64: size = SizeOf<int64_t>(node, &why); break;
      default: size = SizeOf<float>(node, &why); break;
    }
    if (size < 0) {
      // Computed inputs make this a run-time failure, as in LiteRT's Eval.
      return node.prepare_at_eval ? node.RuntimeFailure(why) : node.InvalidModelError(why);
    }
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, {size}, shape));
    return SetOutputShape(node, *node.output(0), shape);
  }
  Status Eval(NodeContext& node) override {
    switch (node.output(0)->type) {
      case DataType::kInt32: Fill<int32_t>(node); break;
      case DataType::kInt64: Fill<int64_t>(node); break;
      default: Fill<float>(node); break;
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateRangeKernel() { return std::make_unique<RangeKernel>(); }

}  // namespace tfldbg
