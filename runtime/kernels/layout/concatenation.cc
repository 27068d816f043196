// CONCATENATION along an axis (uint8 and int8 inputs of other scales are
// rescaled as LiteRT does).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

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

std::unique_ptr<Kernel> CreateConcatenationKernel() { return std::make_unique<ConcatenationKernel>(); }

}  // namespace tfldbg
