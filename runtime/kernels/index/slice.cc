// SLICE and STRIDED_SLICE (every mask and offset mode), resolved as LiteRT's
// slice.cc and strided_slice.cc do; computed begin/end deferred to Eval.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"
#include "kernels/index/strided_slice_math.h"

namespace tfldbg {
namespace {

// --- SLICE -------------------------------------------------------------------------------------

class SliceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < 3; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, i == 0 ? "input" : i == 1 ? "begin" : "size"));
    const Tensor& input = *node.input(0);
    const Tensor& begin = *node.input(1);
    const Tensor& size = *node.input(2);
    if (input.type != DataType::kString) TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 0, 6));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, begin, "begin", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, size, "size", {DataType::kInt32, DataType::kInt64}));
    if (begin.element_count() != input.rank() || size.element_count() != input.rank()) {
      return node.InvalidModelError("begin and size must hold one value per input dimension (" + std::to_string(input.rank()) + ")");
    }
    if (node.DeferUnlessValuesKnown({&begin, &size})) return Status::Ok();
    plan_ = math::StridedSlicePlan{};
    plan_.effective_shape = input.shape;
    for (int d = 0; d < input.rank(); ++d) {
      const int64_t b = ReadIndex(begin, d);
      int64_t n = ReadIndex(size, d);
      if (n == -1) n = input.dim(d) - b;  // to the end
      if (b < 0 || n < 0 || b + n > input.dim(d)) {
        return node.InvalidModelError("dimension " + std::to_string(d) + ": begin " + std::to_string(b) + " and size " +
                                      std::to_string(ReadIndex(size, d)) + " do not fit in " + std::to_string(input.dim(d)));
      }
      plan_.start.push_back(b);
      plan_.stride.push_back(1);
      plan_.count.push_back(n);
      plan_.output_shape.push_back(static_cast<int32_t>(n));
    }
    return SetOutputShape(node, *node.output(0), plan_.output_shape);
  }
  Status Eval(NodeContext& node) override {
    auto run = [&] {
      math::StridedSlice(plan_, ElementBytes(node.input(0)->type), node.input(0)->bytes, node.output(0)->bytes);
      return Status::Ok();
    };
    return node.input(0)->type == DataType::kString ? EvalOnStringIds(node, {0}, 0, false, run) : run();
  }

 private:
  math::StridedSlicePlan plan_;
};


// STRIDED_SLICE with constant begin/end/strides and every mask (begin, end,
// ellipsis, new axis, shrink) and offset mode, resolved as LiteRT's
// strided_slice.cc does (math/transpose.h).
class StridedSliceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "begin"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 2, "end"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 3, "strides"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 0, 6));
    if (DataTypeBits(input.type) < 8 && input.type != DataType::kString) return node.UnsupportedError(std::string(DataTypeName(input.type)) + " input");
    math::StridedSliceSpec spec;
    if (const auto* o = node.options<tflite::StridedSliceOptions>()) {
      spec.begin_mask = static_cast<uint32_t>(o->begin_mask());
      spec.end_mask = static_cast<uint32_t>(o->end_mask());
      spec.ellipsis_mask = static_cast<uint32_t>(o->ellipsis_mask());
      spec.new_axis_mask = static_cast<uint32_t>(o->new_axis_mask());
      spec.shrink_axis_mask = static_cast<uint32_t>(o->shrink_axis_mask());
      spec.offset = o->offset();
    }
    if (node.DeferUnlessValuesKnown({node.input(1), node.input(2), node.input(3)})) return Status::Ok();
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, *node.input(1), "begin", spec.begin));
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, *node.input(2), "end", spec.end));
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, *node.input(3), "strides", spec.strides));
    const std::string why = math::PlanStridedSlice(input.shape, spec, &plan_);
    if (!why.empty()) return node.InvalidModelError(why);
    return SetOutputShape(node, output, plan_.output_shape);
  }

  Status Eval(NodeContext& node) override {
    auto run = [&] {
      const Tensor& input = *node.input(0);
      math::StridedSlice(plan_, static_cast<size_t>(DataTypeBits(input.type) / 8), input.bytes, node.output(0)->bytes);
      return Status::Ok();
    };
    return node.input(0)->type == DataType::kString ? EvalOnStringIds(node, {0}, 0, false, run) : run();
  }

 private:
  math::StridedSlicePlan plan_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSliceKernel() { return std::make_unique<SliceKernel>(); }
std::unique_ptr<Kernel> CreateStridedSliceKernel() { return std::make_unique<StridedSliceKernel>(); }

}  // namespace tfldbg
