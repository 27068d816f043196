// Unary activations: RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, LOGISTIC, TANH, HARD_SWISH.
// float32 as LiteRT's reference kernels; int8/uint8 (and int16 for the ReLU
// family and LEAKY_RELU) by requantization, LOGISTIC/TANH int8/uint8 through
// the 256-entry table LiteRT builds in Prepare.
#include <cmath>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;

enum class UnaryOp { kRelu, kRelu6, kReluN1To1, kLeakyRelu, kLogistic, kTanh };

int32_t ReadQ(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kInt8: return t.data<int8_t>()[i];
    case DataType::kUInt8: return t.data<uint8_t>()[i];
    default: return t.data<int16_t>()[i];
  }
}

void WriteQ(Tensor& t, int64_t i, int32_t v) {
  switch (t.type) {
    case DataType::kInt8: t.data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DataType::kUInt8: t.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    default: t.data<int16_t>()[i] = static_cast<int16_t>(v); break;
  }
}

float LogisticFloat(float x) {
  // LiteRT's reference cut-offs: exp(x) below -9, 1 above ~16.6.
  if (x > 16.619047164916992188f) return 1.0f;
  if (x < -9.0f) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}
float LogisticForTable(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float TanhFloat(float x) { return std::tanh(x); }

class UnaryKernel : public Kernel {
 public:
  explicit UnaryKernel(UnaryOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const bool lut_op = op_ == UnaryOp::kLogistic || op_ == UnaryOp::kTanh;
    if (lut_op) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (op_ == UnaryOp::kLeakyRelu) {
      const auto* o = node.options<tflite::LeakyReluOptions>();
      alpha_ = o != nullptr ? o->alpha() : 0.0f;
    }
    if (input.type == DataType::kFloat32) return Status::Ok();
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized input and output need positive scales");
    }
    range_ = quant::TypeRange(output.type);
    rounding_ = node.rounding;
    if (lut_op) {
      BuildTable(input, output);
      return Status::Ok();
    }
    // Identity and (for LEAKY_RELU) alpha multipliers, computed in float as LiteRT does.
    identity_ = quant::QuantizeMultiplier(static_cast<double>(input.scale() / output.scale()), rounding_);
    if (op_ == UnaryOp::kLeakyRelu) {
      alpha_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(input.scale() * alpha_ / output.scale()), rounding_);
      if (alpha_multiplier_.shift > 30) return node.UnsupportedError("alpha x scale is out of range");
    }
    if (identity_.shift > 30) return node.UnsupportedError("the rescale factor is out of range");
    clamp_min_ = range_.min;
    clamp_max_ = range_.max;
    const auto bound = [&](float f) { return output.zero_point() + static_cast<int32_t>(std::round(f / output.scale())); };
    if (op_ == UnaryOp::kRelu || op_ == UnaryOp::kRelu6) clamp_min_ = std::max(range_.min, bound(0.0f));
    if (op_ == UnaryOp::kReluN1To1) clamp_min_ = std::max(range_.min, bound(-1.0f));
    if (op_ == UnaryOp::kRelu6) clamp_max_ = std::min(range_.max, bound(6.0f));
    if (op_ == UnaryOp::kReluN1To1) clamp_max_ = std::min(range_.max, bound(1.0f));
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat32) {
      const float* x = input.data<float>();
      float* y = output.data<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = ApplyFloat(x[i]);
      return Status::Ok();
    }
    if (op_ == UnaryOp::kLogistic || op_ == UnaryOp::kTanh) {
      for (int64_t i = 0; i < n; ++i) WriteQ(output, i, table_[static_cast<uint8_t>(ReadQ(input, i))]);
      return Status::Ok();
    }
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    for (int64_t i = 0; i < n; ++i) {
      const int32_t x = ReadQ(input, i) - zp_in;
      int32_t v;
      if (op_ == UnaryOp::kLeakyRelu) {
        v = quant::WrappingAdd(zp_out, quant::MultiplyByQuantizedMultiplier(x, x >= 0 ? identity_ : alpha_multiplier_, rounding_));
        v = std::min(std::max(v, range_.min), range_.max);
      } else {
        v = quant::WrappingAdd(zp_out, quant::MultiplyByQuantizedMultiplier(x, identity_, rounding_));
        v = std::min(std::max(v, clamp_min_), clamp_max_);
      }
      WriteQ(output, i, v);
    }
    return Status::Ok();
  }

 private:
  float ApplyFloat(float x) const {
    switch (op_) {
      case UnaryOp::kRelu: return std::max(0.0f, x);
      case UnaryOp::kRelu6: return std::min(std::max(0.0f, x), 6.0f);
      case UnaryOp::kReluN1To1: return std::min(std::max(-1.0f, x), 1.0f);
      case UnaryOp::kLeakyRelu: return x > 0 ? x : x * alpha_;
      case UnaryOp::kLogistic: return LogisticFloat(x);
      case UnaryOp::kTanh: return TanhFloat(x);
    }
    return x;
  }

  // LiteRT's LUTPopulate: dequantize in float, apply, scale by 1/s_out, round,
  // add the zero point, clamp; indexed by the input's byte.
  void BuildTable(const Tensor& input, const Tensor& output) {
    float (*fn)(float) = op_ == UnaryOp::kLogistic ? LogisticForTable : TanhFloat;
    const float inverse_scale = 1.0f / output.scale();
    for (int32_t q = range_.min; q <= range_.max; ++q) {
      const float dequantized = input.scale() * static_cast<float>(q - input.zero_point());
      const float rescaled = std::round(fn(dequantized) * inverse_scale);
      const float shifted = rescaled + static_cast<float>(output.zero_point());
      const int32_t v = std::isnan(shifted) ? 0 : static_cast<int32_t>(std::min(std::max(shifted, -1e9f), 1e9f));
      table_[static_cast<uint8_t>(q)] = std::min(std::max(v, range_.min), range_.max);
    }
  }

  UnaryOp op_;
  float alpha_ = 0.0f;
  quant::IntRange range_;
  int32_t clamp_min_ = std::numeric_limits<int32_t>::min();
  int32_t clamp_max_ = std::numeric_limits<int32_t>::max();
  quant::QuantizedMultiplier identity_, alpha_multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  int32_t table_[256] = {};
};

// HARD_SWISH: x·relu6(x + 3)/6. Quantized as LiteRT's reference kernel, in
// int16 fixed point: the input on a 2^-7 finer scale, a saturating "relu-ish"
// factor in [0, 1] and a truncating doubling high multiply at the end.
int16_t Srdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

int16_t TruncatingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

int16_t SaturatingLeftShift16(int16_t v, int amount) {
  const int64_t r = static_cast<int64_t>(v) * (int64_t{1} << std::min(amount, 40));
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(r, -32768), 32767));
}

int16_t RoundingDivideByPot16(int16_t x, int exponent) {
  return static_cast<int16_t>(quant::RoundingDivideByPOT(x, std::min(exponent, 15)));
}

int16_t DownScaleToInt16(int32_t m) {
  if (m >= std::numeric_limits<int32_t>::max() - (1 << 15)) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((m + (1 << 15)) >> 16);
}

class HardSwishKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat32) return Status::Ok();
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0)) {
      return node.InvalidModelError("quantized HARD_SWISH needs positive scales");
    }
    // Derived in float, as LiteRT does.
    const float hires_input_scale = (1.0f / 128.0f) * input.scale();
    const float reluish_scale = 3.0f / 32768.0f;
    const quant::QuantizedMultiplier out = quant::QuantizeMultiplier(static_cast<double>(hires_input_scale / output.scale()), node.rounding);
    const quant::QuantizedMultiplier reluish = quant::QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale), node.rounding);
    if (out.shift > 0) return node.UnsupportedError("the output rescale factor must be at most 1");
    output_multiplier_ = DownScaleToInt16(out.multiplier);
    output_exponent_ = out.shift;
    reluish_multiplier_ = DownScaleToInt16(reluish.multiplier);
    reluish_exponent_ = reluish.shift;
    range_ = quant::TypeRange(output.type);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat32) {
      const float* x = input.data<float>();
      float* y = output.data<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] * std::min(6.0f, std::max(0.0f, x[i] + 3.0f)) / 6.0f;
      return Status::Ok();
    }
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    for (int64_t i = 0; i < n; ++i) {
      const int16_t x = static_cast<int16_t>(ReadQ(input, i) - zp_in);
      const int16_t hires = static_cast<int16_t>(x * (1 << 7));
      const int16_t preshift_output = Srdhm16(hires, output_multiplier_);
      int16_t reluish = hires;
      if (reluish_exponent_ > 0) reluish = SaturatingLeftShift16(reluish, reluish_exponent_ - 1);
      reluish = Srdhm16(reluish, reluish_multiplier_);
      if (reluish_exponent_ > 0) reluish = SaturatingLeftShift16(reluish, 1);
      if (reluish_exponent_ < 0) reluish = RoundingDivideByPot16(reluish, -reluish_exponent_);
      reluish = static_cast<int16_t>((static_cast<int32_t>(reluish) + (1 << 15)) >> 1);
      const int16_t preshift = TruncatingDoublingHighMul16(reluish, preshift_output);
      int32_t v = RoundingDivideByPot16(preshift, -output_exponent_) + zp_out;
      WriteQ(output, i, std::min(std::max(v, range_.min), range_.max));
    }
    return Status::Ok();
  }

 private:
  int16_t output_multiplier_ = 0, reluish_multiplier_ = 0;
  int output_exponent_ = 0, reluish_exponent_ = 0;
  quant::IntRange range_;
};

}  // namespace

std::unique_ptr<Kernel> CreateHardSwishKernel() { return std::make_unique<HardSwishKernel>(); }
std::unique_ptr<Kernel> CreateReluKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRelu); }
std::unique_ptr<Kernel> CreateRelu6Kernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRelu6); }
std::unique_ptr<Kernel> CreateReluN1To1Kernel() { return std::make_unique<UnaryKernel>(UnaryOp::kReluN1To1); }
std::unique_ptr<Kernel> CreateLeakyReluKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kLeakyRelu); }
std::unique_ptr<Kernel> CreateLogisticKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kLogistic); }
std::unique_ptr<Kernel> CreateTanhKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kTanh); }

}  // namespace tfldbg
