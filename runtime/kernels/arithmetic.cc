// ADD, SUB, MUL, PRELU with broadcasting (up to 6-D) and fused activations:
// float32, int8, uint8, int16 (zero point 0), as LiteRT's reference kernels.
#include <cmath>

#include "kernels/conv_common.h"
#include "kernels/math/broadcast.h"

namespace tfldbg {
namespace {

constexpr int kInput1 = 0;
constexpr int kInput2 = 1;

enum class ArithmeticOp { kAdd, kSub, kMul };

class ArithmeticKernel : public Kernel {
 public:
  explicit ArithmeticKernel(ArithmeticOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "input2"));
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", out, "output"));
    if (!broadcast_.Init(a.shape, b.shape)) {
      return node.UnsupportedError("cannot broadcast " + ShapeToString(a.shape) + " with " + ShapeToString(b.shape) +
                                   " (NumPy rules, at most 6 dimensions)");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, broadcast_.output_shape()));

    int activation_code = 0;
    if (op_ == ArithmeticOp::kAdd) {
      if (const auto* o = node.options<tflite::AddOptions>()) activation_code = static_cast<int>(o->fused_activation_function());
    } else if (op_ == ArithmeticOp::kSub) {
      if (const auto* o = node.options<tflite::SubOptions>()) activation_code = static_cast<int>(o->fused_activation_function());
    } else if (const auto* o = node.options<tflite::MulOptions>()) {
      activation_code = static_cast<int>(o->fused_activation_function());
    }
    TFLDBG_ASSIGN_OR_RETURN(activation_, FusedActivation(node, activation_code));
    rounding_ = node.rounding;
    if (a.type == DataType::kFloat32) {
      float_clamp_ = quant::FloatActivationRange(activation_);
      return Status::Ok();
    }
    if (a.type == DataType::kInt32) {
      if (op_ != ArithmeticOp::kMul && op_ != ArithmeticOp::kAdd && op_ != ArithmeticOp::kSub) return Status::Ok();
      if (activation_ != quant::Activation::kNone) return node.UnsupportedError("int32 with a fused activation");
      return Status::Ok();
    }
    if (a.quant.empty() || b.quant.empty() || out.quant.empty()) return node.InvalidModelError("quantized inputs and output need scales");
    if (!(a.scale() > 0) || !(b.scale() > 0) || !(out.scale() > 0)) return node.InvalidModelError("scales must be positive");
    if (a.type == DataType::kInt16 && (a.zero_point() != 0 || b.zero_point() != 0 || out.zero_point() != 0)) {
      return node.UnsupportedError("int16 inputs and output must have zero point 0");
    }
    offset1_ = -a.zero_point();
    offset2_ = -b.zero_point();
    output_offset_ = out.zero_point();
    clamp_ = quant::QuantizedActivationRange(activation_, out.scale(), out.zero_point(), out.type);
    if (op_ == ArithmeticOp::kMul) {
      // LiteRT multiplies the scales in float, then widens.
      const float real = a.scale() * b.scale() / out.scale();
      output_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(real), rounding_);
      return CheckShift(node, output_multiplier_);
    }
    if (a.type == DataType::kInt16) {
      const auto* add = node.options<tflite::AddOptions>();
      const auto* sub = node.options<tflite::SubOptions>();
      const bool pot_requested = add ? add->pot_scale_int16() : sub ? sub->pot_scale_int16() : true;
      if (pot_requested && IsPowerOfTwo(a.scale()) && IsPowerOfTwo(b.scale()) && IsPowerOfTwo(out.scale())) {
        return node.UnsupportedError("int16 with power-of-two scales (the legacy shift-only path) is not supported yet");
      }
    }
    left_shift_ = a.type == DataType::kInt16 ? 15 : 20;
    const double twice_max = 2.0 * static_cast<double>(std::max(a.scale(), b.scale()));
    input1_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(a.scale()) / twice_max, rounding_);
    input2_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(b.scale()) / twice_max, rounding_);
    const double real_output = twice_max / (static_cast<double>(1 << left_shift_) * static_cast<double>(out.scale()));
    output_multiplier_ = quant::QuantizeMultiplier(real_output, rounding_);
    return CheckShift(node, output_multiplier_);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(0);
    switch (a.type) {
      case DataType::kFloat32: EvalFloat(a.data<float>(), b.data<float>(), out.data<float>()); break;
      case DataType::kInt32: EvalInt32(a.data<int32_t>(), b.data<int32_t>(), out.data<int32_t>()); break;
      case DataType::kInt8: EvalQuantized(a.data<int8_t>(), b.data<int8_t>(), out.data<int8_t>()); break;
      case DataType::kUInt8: EvalQuantized(a.data<uint8_t>(), b.data<uint8_t>(), out.data<uint8_t>()); break;
      case DataType::kInt16: EvalQuantized(a.data<int16_t>(), b.data<int16_t>(), out.data<int16_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  static bool IsPowerOfTwo(float x) {
    int e = 0;
    return std::frexp(x, &e) == 0.5f;
  }

  static Status CheckShift(const NodeContext& node, quant::QuantizedMultiplier m) {
    if (m.shift > 30 || m.shift < -31) return node.UnsupportedError("the requantization scale is out of range");
    return Status::Ok();
  }

  void EvalFloat(const float* x1, const float* x2, float* y) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      float v = op_ == ArithmeticOp::kAdd ? x1[i1] + x2[i2] : op_ == ArithmeticOp::kSub ? x1[i1] - x2[i2] : x1[i1] * x2[i2];
      y[o] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
    });
  }

  void EvalInt32(const int32_t* x1, const int32_t* x2, int32_t* y) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const uint32_t a = static_cast<uint32_t>(x1[i1]), b = static_cast<uint32_t>(x2[i2]);
      y[o] = static_cast<int32_t>(op_ == ArithmeticOp::kAdd ? a + b : op_ == ArithmeticOp::kSub ? a - b : a * b);
    });
  }

  template <typename T>
  void EvalQuantized(const T* x1, const T* x2, T* y) const {
    if (op_ == ArithmeticOp::kMul) {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
        const int32_t product = (offset1_ + x1[i1]) * (offset2_ + x2[i2]);
        const int32_t v = quant::WrappingAdd(output_offset_, quant::MultiplyByQuantizedMultiplier(product, output_multiplier_, rounding_));
        y[o] = static_cast<T>(std::min(std::max(v, clamp_.min), clamp_.max));
      });
      return;
    }
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const int32_t s1 = (offset1_ + x1[i1]) * (1 << left_shift_);
      const int32_t s2 = (offset2_ + x2[i2]) * (1 << left_shift_);
      const int32_t v1 = quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(s1, input1_multiplier_, rounding_);
      const int32_t v2 = quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(s2, input2_multiplier_, rounding_);
      const int32_t raw = op_ == ArithmeticOp::kAdd ? v1 + v2 : v1 - v2;
      const int32_t scaled = output_multiplier_.shift > 0
                                 ? quant::MultiplyByQuantizedMultiplierGreaterThanOne(raw, output_multiplier_, rounding_)
                                 : quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, output_multiplier_, rounding_);
      const int32_t v = quant::WrappingAdd(scaled, output_offset_);
      y[o] = static_cast<T>(std::min(std::max(v, clamp_.min), clamp_.max));
    });
  }

  ArithmeticOp op_;
  math::Broadcast broadcast_;
  quant::Activation activation_ = quant::Activation::kNone;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  quant::FloatRange float_clamp_;
  quant::IntRange clamp_;
  int32_t offset1_ = 0, offset2_ = 0, output_offset_ = 0;
  int left_shift_ = 20;
  quant::QuantizedMultiplier input1_multiplier_, input2_multiplier_, output_multiplier_;
};

// PRELU: x >= 0 ? x : alpha·x, alpha broadcast against x. Quantized: two
// requantizations (identity, and input·alpha) with scales multiplied in float.
class PreluKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "alpha"));
    const Tensor& x = *node.input(kInput1);
    const Tensor& alpha = *node.input(kInput2);
    Tensor& out = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, x, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "input", alpha, "alpha"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "input", out, "output"));
    if (!broadcast_.Init(x.shape, alpha.shape)) return node.UnsupportedError("alpha does not broadcast against the input");
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, broadcast_.output_shape()));
    if (x.type == DataType::kFloat32) return Status::Ok();
    if (x.quant.empty() || alpha.quant.empty() || out.quant.empty() || !(out.scale() > 0)) {
      return node.InvalidModelError("quantized PRELU needs scales on input, alpha and output");
    }
    rounding_ = node.rounding;
    identity_ = quant::QuantizeMultiplier(static_cast<double>(x.scale() / out.scale()), rounding_);
    alpha_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(x.scale() * alpha.scale() / out.scale()), rounding_);
    if (identity_.shift > 30 || alpha_multiplier_.shift > 30) return node.UnsupportedError("the rescale factor is out of range");
    range_ = quant::TypeRange(out.type);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& x = *node.input(kInput1);
    const Tensor& alpha = *node.input(kInput2);
    Tensor& out = *node.output(0);
    switch (x.type) {
      case DataType::kFloat32: {
        const float* a = x.data<float>();
        const float* al = alpha.data<float>();
        float* y = out.data<float>();
        broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) { y[o] = a[i1] >= 0.0f ? a[i1] : a[i1] * al[i2]; });
        return Status::Ok();
      }
      case DataType::kInt8: Quantized(x.data<int8_t>(), alpha.data<int8_t>(), x, alpha, out, out.data<int8_t>()); return Status::Ok();
      case DataType::kUInt8: Quantized(x.data<uint8_t>(), alpha.data<uint8_t>(), x, alpha, out, out.data<uint8_t>()); return Status::Ok();
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  template <typename T>
  void Quantized(const T* a, const T* al, const Tensor& x, const Tensor& alpha, const Tensor& out, T* y) const {
    const int32_t zp_x = x.zero_point(), zp_alpha = alpha.zero_point(), zp_out = out.zero_point();
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const int32_t v = a[i1] - zp_x;
      int32_t r = v >= 0 ? quant::MultiplyByQuantizedMultiplier(v, identity_, rounding_)
                         : quant::MultiplyByQuantizedMultiplier(v * (al[i2] - zp_alpha), alpha_multiplier_, rounding_);
      r = quant::WrappingAdd(r, zp_out);
      y[o] = static_cast<T>(std::min(std::max(r, range_.min), range_.max));
    });
  }

  math::Broadcast broadcast_;
  quant::QuantizedMultiplier identity_, alpha_multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  quant::IntRange range_;
};

}  // namespace

std::unique_ptr<Kernel> CreatePreluKernel() { return std::make_unique<PreluKernel>(); }
std::unique_ptr<Kernel> CreateAddKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kAdd); }
std::unique_ptr<Kernel> CreateSubKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kSub); }
std::unique_ptr<Kernel> CreateMulKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kMul); }

}  // namespace tfldbg
