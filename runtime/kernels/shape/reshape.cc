// RESHAPE, SQUEEZE and EXPAND_DIMS: the same bytes under another shape.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kReshapeInput = 0;
constexpr int kReshapeShape = 1;  // optional int32 vector; the options' new_shape is the legacy form

// Fills a single -1 ("stretch") dimension so the element count matches the input.
Status ResolveStretch(const NodeContext& node, int64_t input_elements, std::vector<int32_t>& shape) {
  int stretch = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (stretch >= 0) return node.InvalidModelError("the new shape " + ShapeToString(shape) + " has more than one -1");
      stretch = static_cast<int>(i);
    } else if (shape[i] < 0) {
      return node.InvalidModelError("the new shape " + ShapeToString(shape) + " has a negative dimension");
    } else {
      known *= shape[i];
    }
  }
  if (stretch >= 0) {
    if (known == 0 || input_elements % known != 0) {
      return node.InvalidModelError("cannot reshape " + std::to_string(input_elements) + " elements to " + ShapeToString(shape));
    }
    shape[static_cast<size_t>(stretch)] = static_cast<int32_t>(input_elements / known);
  }
  return Status::Ok();
}

class ReshapeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kReshapeInput, "input"));
    const Tensor& input = *node.input(kReshapeInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));

    std::vector<int32_t> shape;
    bool known = false;
    const Tensor* shape_tensor = node.input(kReshapeShape);
    if (shape_tensor != nullptr && shape_tensor->rank() == 1 && shape_tensor->type == DataType::kInt32) {
      if (node.DeferUnlessValuesKnown({shape_tensor})) {
        return Status::Ok();  // a computed shape: resolved before each Eval
      } else {
        const int32_t* dims = shape_tensor->data<int32_t>();
        shape.assign(dims, dims + shape_tensor->element_count());
      }
      known = true;
    } else if (const auto* options = node.options<tflite::ReshapeOptions>(); options && options->new_shape()) {
      shape.assign(options->new_shape()->begin(), options->new_shape()->end());
      known = true;
    }
    if (!known) shape = output.shape;
    TFLDBG_RETURN_IF_ERROR(ResolveStretch(node, input.element_count(), shape));
    const auto elements = ElementCount(shape);
    if (!elements || static_cast<int64_t>(*elements) != input.element_count()) {
      return node.InvalidModelError("cannot reshape " + DescribeTypeAndShape(input) + " to " + ShapeToString(shape));
    }
    return SetOutputShape(node, output, std::move(shape));
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kReshapeInput);
    CopyTensorValue(input, *node.output(0));
    return Status::Ok();
  }
};

class SqueezeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    std::vector<bool> drop(input.shape.size(), false);
    const auto* o = node.options<tflite::SqueezeOptions>();
    if (o != nullptr && o->squeeze_dims() != nullptr && o->squeeze_dims()->size() > 0) {
      for (int32_t d : *o->squeeze_dims()) {
        const int axis = d < 0 ? d + input.rank() : d;
        if (axis < 0 || axis >= input.rank() || input.dim(axis) != 1) {
          return node.InvalidModelError("cannot squeeze dimension " + std::to_string(d) + " of " + ShapeToString(input.shape));
        }
        drop[static_cast<size_t>(axis)] = true;
      }
    } else {
      for (int i = 0; i < input.rank(); ++i) drop[static_cast<size_t>(i)] = input.dim(i) == 1;
    }
    std::vector<int32_t> shape;
    for (int i = 0; i < input.rank(); ++i) {
      if (!drop[static_cast<size_t>(i)]) shape.push_back(input.dim(i));
    }
    return SetOutputShape(node, output, shape);
  }
  Status Eval(NodeContext& node) override { return CopyInputToOutput(node); }
};

class ExpandDimsKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "axis"));
    const Tensor& input = *node.input(0);
    const Tensor& axis_tensor = *node.input(1);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    if (axis_tensor.element_count() != 1 || (axis_tensor.type != DataType::kInt32 && axis_tensor.type != DataType::kInt64)) {
      return node.InvalidModelError("the axis must be one int32/int64 value");
    }
    if (node.DeferUnlessValuesKnown({&axis_tensor})) return Status::Ok();  // a computed axis: resolved before each Eval
    int64_t axis = axis_tensor.type == DataType::kInt32 ? axis_tensor.data<int32_t>()[0] : axis_tensor.data<int64_t>()[0];
    if (axis < 0) axis += input.rank() + 1;
    if (axis < 0 || axis > input.rank()) return node.InvalidModelError("axis " + std::to_string(axis) + " is out of range");
    std::vector<int32_t> shape = input.shape;
    shape.insert(shape.begin() + axis, 1);
    return SetOutputShape(node, output, shape);
  }
  Status Eval(NodeContext& node) override { return CopyInputToOutput(node); }
};

}  // namespace

std::unique_ptr<Kernel> CreateReshapeKernel() { return std::make_unique<ReshapeKernel>(); }
std::unique_ptr<Kernel> CreateSqueezeKernel() { return std::make_unique<SqueezeKernel>(); }
std::unique_ptr<Kernel> CreateExpandDimsKernel() { return std::make_unique<ExpandDimsKernel>(); }

}  // namespace tfldbg
