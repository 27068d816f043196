// Operators that move bytes without arithmetic: RESHAPE, SQUEEZE, EXPAND_DIMS,
// CONCATENATION (uint8 inputs of other scales are rescaled as LiteRT does).
#include <cmath>
#include <cstring>

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
    Tensor& output = *node.output(0);
    if (output.bytes != input.bytes) std::memmove(output.bytes, input.bytes, input.byte_size);
    return Status::Ok();
  }
};

// Copies input 0 into output 0 unchanged: the ops below differ only in shape.
Status CopyInputToOutput(NodeContext& node) {
  const Tensor& input = *node.input(0);
  Tensor& output = *node.output(0);
  if (output.bytes != input.bytes) std::memmove(output.bytes, input.bytes, input.byte_size);
  return Status::Ok();
}

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

class ConcatenationKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    if (node.input_count() < 1) return node.InvalidModelError("needs at least one input");
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    Tensor& output = *node.output(0);
    const auto* o = node.options<tflite::ConcatenationOptions>();
    if (o == nullptr) return node.InvalidModelError("ConcatenationOptions are missing");
    if (o->fused_activation_function() != tflite::ActivationFunctionType::NONE) {
      return node.UnsupportedError("a fused activation on CONCATENATION is not supported");
    }
    for (int i = 0; i < node.input_count(); ++i) {
      if (node.input(i) == nullptr) return node.InvalidModelError("input " + std::to_string(i) + " is missing");
    }
    const Tensor& first = *node.input(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, first, "input 0", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8,
                                                              DataType::kInt16, DataType::kInt32, DataType::kInt64, DataType::kBool}));
    const int rank = first.rank();
    axis_ = o->axis() < 0 ? o->axis() + rank : o->axis();
    if (axis_ < 0 || axis_ >= rank) return node.InvalidModelError("axis " + std::to_string(o->axis()) + " is out of range for rank " + std::to_string(rank));
    std::vector<int32_t> shape = first.shape;
    shape[static_cast<size_t>(axis_)] = 0;
    for (int i = 0; i < node.input_count(); ++i) {
      const Tensor& t = *node.input(i);
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "input 0", t, "another input"));
      if (t.rank() != rank) return node.InvalidModelError("inputs have different ranks");
      for (int d = 0; d < rank; ++d) {
        if (d != axis_ && t.dim(d) != first.dim(d)) {
          return node.InvalidModelError("input " + std::to_string(i) + " " + ShapeToString(t.shape) + " does not match input 0 " +
                                        ShapeToString(first.shape) + " outside axis " + std::to_string(axis_));
        }
      }
      shape[static_cast<size_t>(axis_)] += t.dim(axis_);
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "input 0", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    outer_ = 1;
    for (int d = 0; d < axis_; ++d) outer_ *= shape[static_cast<size_t>(d)];
    // LiteRT: int8 inputs must share the output's quantization (a copy); int16
    // needs zero points of 0 and copies whatever the scales; uint8 rescales inputs
    // whose scale or zero point differ from the output's.
    rescale_.assign(static_cast<size_t>(node.input_count()), false);
    for (int i = 0; i < node.input_count(); ++i) {
      const Tensor& t = *node.input(i);
      const bool same = t.scale() == output.scale() && t.zero_point() == output.zero_point();
      if (first.type == DataType::kInt8 && !same) {
        return node.InvalidModelError("int8 input " + std::to_string(i) +
                                      " must share the output's scale and zero point (LiteRT does not rescale int8)");
      }
      if (first.type == DataType::kInt16 && t.zero_point() != 0) {
        return node.InvalidModelError("int16 input " + std::to_string(i) + " has zero point " + std::to_string(t.zero_point()) + ", not 0");
      }
      if (first.type == DataType::kUInt8 && !same) {
        if (!(output.scale() > 0) || !std::isfinite(t.scale())) {
          return node.InvalidModelError("rescaling needs finite scales and a positive output scale");
        }
        rescale_[static_cast<size_t>(i)] = true;
      }
    }
    if (first.type == DataType::kInt16 && output.zero_point() != 0) {
      return node.InvalidModelError("the int16 output has zero point " + std::to_string(output.zero_point()) + ", not 0");
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    Tensor& output = *node.output(0);
    const size_t element = static_cast<size_t>(DataTypeBits(output.type) / 8);
    uint8_t* out = output.bytes;
    const float inverse_output_scale = 1.0f / output.scale();
    for (int64_t o = 0; o < outer_; ++o) {
      for (int i = 0; i < node.input_count(); ++i) {
        const Tensor& t = *node.input(i);
        const int64_t chunk = outer_ == 0 ? 0 : t.element_count() / outer_;
        const uint8_t* src = t.bytes + static_cast<size_t>(o * chunk) * element;
        if (!rescale_[static_cast<size_t>(i)]) {
          std::memcpy(out, src, static_cast<size_t>(chunk) * element);
        } else {
          // LiteRT's ConcatenationWithScaling, in float.
          const float scale = t.scale() * inverse_output_scale;
          const float bias = static_cast<float>(-t.zero_point()) * scale;
          for (int64_t j = 0; j < chunk; ++j) {
            // round, add the zero point, clamp to [0, 255]; bounding the float first
            // changes no result and keeps a hostile scale's conversion defined.
            const float r = std::round(static_cast<float>(src[j]) * scale + bias);
            const int32_t v = static_cast<int32_t>(std::min(std::max(r, -1e6f), 1e6f)) + output.zero_point();
            out[j] = static_cast<uint8_t>(std::min(255, std::max(0, v)));
          }
        }
        out += static_cast<size_t>(chunk) * element;
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
  int64_t outer_ = 1;
  std::vector<bool> rescale_;
};

}  // namespace

std::unique_ptr<Kernel> CreateReshapeKernel() { return std::make_unique<ReshapeKernel>(); }
std::unique_ptr<Kernel> CreateSqueezeKernel() { return std::make_unique<SqueezeKernel>(); }
std::unique_ptr<Kernel> CreateExpandDimsKernel() { return std::make_unique<ExpandDimsKernel>(); }
std::unique_ptr<Kernel> CreateConcatenationKernel() { return std::make_unique<ConcatenationKernel>(); }

}  // namespace tfldbg
