// FAKE_QUANT: float32 quantized and dequantized in place of a real quantize,
// as LiteRT's reference kernel (TensorFlow's FakeQuantWithMinMaxArgs): the
// [min, max] range is nudged so that 0 is a grid point of the 2^num_bits
// levels, then each value is clamped to the nudged range and rounded to the
// grid, all in float32 with the reference's operation order. NaN becomes the
// nudged minimum (std::max/std::min as LiteRT orders them).
//
// Refused, as LiteRT refuses or computes no defined value there:
// narrow_range (LiteRT refuses it); num_bits outside 0..16 (the zero point is
// a uint16: larger grids convert out-of-range floats to it, and 32 or more
// shifts past an int); min or max not finite, or a range whose zero point is
// NaN (min = max = 0, or min = max with num_bits 0: LiteRT converts it to an
// integer); any input type but float32 (LiteRT reads other types' bytes as
// floats).
#include <algorithm>
#include <cmath>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;

class FakeQuantKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* options = node.options<tflite::FakeQuantOptions>();
    const float min = options ? options->min() : 0.0f;
    const float max = options ? options->max() : 0.0f;
    const int num_bits = options ? options->num_bits() : 0;
    if (options && options->narrow_range()) {
      return node.UnsupportedError("narrow_range (LiteRT refuses it: it is meant for weights, not activations)");
    }
    if (num_bits < 0 || num_bits > 16) {
      return node.UnsupportedError("num_bits " + std::to_string(num_bits) +
                                   " (0 to 16; LiteRT's zero point is a uint16, larger grids have no defined result)");
    }
    if (!std::isfinite(min) || !std::isfinite(max)) {
      return node.UnsupportedError("min and max must be finite (LiteRT's zero point is then undefined)");
    }
    // NudgeQuantizationRange, in float as LiteRT computes it.
    const float quant_min = 0.0f;
    const float quant_max = static_cast<float>((1 << num_bits) - 1);
    scale_ = (max - min) / (quant_max - quant_min);
    const float zero_point_from_min = quant_min - min / scale_;
    if (std::isnan(zero_point_from_min)) {
      return node.UnsupportedError("min " + std::to_string(min) + ", max " + std::to_string(max) + ", num_bits " +
                                   std::to_string(num_bits) +
                                   ": a NaN zero point (LiteRT converts it to an integer: no defined result)");
    }
    uint16_t zero_point;
    if (zero_point_from_min < quant_min) {
      zero_point = static_cast<uint16_t>(quant_min);
    } else if (zero_point_from_min > quant_max) {
      zero_point = static_cast<uint16_t>(quant_max);
    } else {
      zero_point = static_cast<uint16_t>(std::round(zero_point_from_min));
    }
    nudged_min_ = (quant_min - zero_point) * scale_;
    nudged_max_ = (quant_max - zero_point) * scale_;
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const float* in = input.data<float>();
    float* out = output.data<float>();
    const float inverse_scale = 1.0f / scale_;
    const int64_t n = input.element_count();
    for (int64_t i = 0; i < n; ++i) {
      const float clamped = std::min(nudged_max_, std::max(nudged_min_, in[i]));
      const float shifted = clamped - nudged_min_;
      out[i] = std::round(shifted * inverse_scale) * scale_ + nudged_min_;
    }
    return Status::Ok();
  }

 private:
  float scale_ = 0.0f, nudged_min_ = 0.0f, nudged_max_ = 0.0f;
};

}  // namespace

std::unique_ptr<Kernel> CreateFakeQuantKernel() { return std::make_unique<FakeQuantKernel>(); }

}  // namespace tfldbg
