// Activations: SOFTMAX, LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1,
// RELU_0_TO_1, LEAKY_RELU, PRELU, HARD_SWISH, as LiteRT's reference kernels
// compute them.
//
// float32 everywhere; int8/uint8 everywhere LiteRT has them (LOGISTIC/TANH
// through the 256-entry table built in Prepare, SOFTMAX through gemmlowp fixed
// point); int16 with zero point 0 for SOFTMAX (interpolated tables),
// LOGISTIC/TANH (the sigmoid table of reference_integer_ops), the ReLU family
// and LEAKY_RELU. The math is in kernels/math/activations.h.
#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "kernels/kernel.h"
#include "kernels/activation/activation_math.h"
#include "kernels/activation/optimized_softmax_math.h"
#include "kernels/common/broadcast.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

// A scale as "3.05176e-05" rather than std::to_string's "0.000031".
// (arithmetic.cc has the same helper; kernel.h would be the place to share it.)
std::string FormatScale(float scale) {
  std::ostringstream s;
  s << scale;
  return s.str();
}

constexpr int kSoftmaxInput = 0;

class SoftmaxKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSoftmaxInput, "input"));
    const Tensor& input = *node.input(kSoftmaxInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, std::numeric_limits<int>::max()));  // any rank, last axis
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    // int8 and uint8 inputs may also produce int16 (LiteRT's SoftmaxQuantized<In, int16_t>).
    const bool widening = (input.type == DataType::kInt8 || input.type == DataType::kUInt8) && output.type == DataType::kInt16;
    if (!widening) TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* o = node.options<tflite::SoftmaxOptions>();
    if (o == nullptr) return node.InvalidModelError("SoftmaxOptions are missing");
    beta_ = o->beta();
    depth_ = input.dim(input.rank() - 1);
    rows_ = depth_ == 0 ? 0 : input.element_count() / depth_;
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat32) return Status::Ok();

    if (input.quant.empty() || output.quant.empty()) return node.InvalidModelError("quantized SOFTMAX needs scales");
    if (input.type == DataType::kInt16) return PrepareInt16(node, input, output);
    // LiteRT checks the int8 output only (zero point -128, scale 1/256 within
    // 0.1%); uint8 and int16 outputs of this path are written as if their
    // quantization were (1/256, 0) and (2^-16, -32768), whatever the model says.
    if (input.type == DataType::kInt8 && output.type == DataType::kInt8 &&
        (output.zero_point() != -128 || std::fabs(output.scale() - 1.0f / 256) > 0.001f / 256)) {
      return node.UnsupportedError("int8 output must have scale 1/256 and zero point -128 (as LiteRT requires), got scale " +
                                   FormatScale(output.scale()) + " zero point " + std::to_string(output.zero_point()));
    }
    if (node.kernels == KernelSet::kOptimized) return PrepareOptimized(input, output);
    optimized_ = false;
    constexpr int kScaledDiffIntegerBits = 5;
    params_.rounding = node.rounding;
    params_.input_beta = quant::PreprocessSoftmaxScaling(static_cast<double>(beta_), static_cast<double>(input.scale()),
                                                         kScaledDiffIntegerBits, node.rounding);
    if (params_.input_beta.shift < 0 || params_.input_beta.shift > 30) {
      return node.UnsupportedError("input scale x beta = " + FormatScale(beta_ * input.scale()) + " is out of range");
    }
    params_.diff_min = static_cast<int>(-1.0 * quant::CalculateInputRadius(kScaledDiffIntegerBits, params_.input_beta.shift));
    // The fast paths compute the 256 exponentials once, here, instead of at
    // every Eval (MobileNetV2's classifier: about half of the SOFTMAX).
    exp_table_.clear();
    if (node.cpu != CpuPath::kScalar) {
      exp_table_.resize(256);
      math::SoftmaxExpTable(params_, exp_table_.data());
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kSoftmaxInput);
    Tensor& output = *node.output(0);
    if (optimized_) return EvalOptimized(node, input, output);
    switch (input.type) {
      case DataType::kFloat32:
        math::SoftmaxFloat(input.data<float>(), rows_, depth_, beta_, output.data<float>());
        return Status::Ok();
      case DataType::kInt8:
        if (output.type == DataType::kInt16) {
          math::SoftmaxQuantized(params_, input.data<int8_t>(), rows_, depth_, output.data<int16_t>(), ExpTable());
        } else {
          math::SoftmaxQuantized(params_, input.data<int8_t>(), rows_, depth_, output.data<int8_t>(), ExpTable());
        }
        return Status::Ok();
      case DataType::kUInt8:
        if (output.type == DataType::kInt16) {
          math::SoftmaxQuantized(params_, input.data<uint8_t>(), rows_, depth_, output.data<int16_t>(), ExpTable());
        } else {
          math::SoftmaxQuantized(params_, input.data<uint8_t>(), rows_, depth_, output.data<uint8_t>(), ExpTable());
        }
        return Status::Ok();
      case DataType::kInt16:
        math::SoftmaxInt16(int16_params_, input.data<int16_t>(), rows_, depth_, output.data<int16_t>());
        return Status::Ok();
      default:
        return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  const int32_t* ExpTable() const { return exp_table_.empty() ? nullptr : exp_table_.data(); }

  // --kernels optimized, int8/uint8 input: LiteRT's float exp table
  // (optimized_softmax_math.h) with the output's own scale and zero point.
  Status PrepareOptimized(const Tensor& input, const Tensor& output) {
    optimized_ = true;
    math::PopulateSoftmaxTable(input.scale(), beta_, &table_params_);
    table_params_.output_scale = output.scale();
    table_params_.output_zero_point = output.zero_point();
    return Status::Ok();
  }

  Status EvalOptimized(NodeContext& node, const Tensor& input, Tensor& output) const {
    if (input.type == DataType::kInt8 && output.type == DataType::kInt8) {
      math::SoftmaxTable(table_params_, input.data<int8_t>(), rows_, depth_, output.data<int8_t>());
    } else if (input.type == DataType::kInt8 && output.type == DataType::kInt16) {
      math::SoftmaxTable(table_params_, input.data<int8_t>(), rows_, depth_, output.data<int16_t>());
    } else if (input.type == DataType::kUInt8 && output.type == DataType::kUInt8) {
      math::SoftmaxTable(table_params_, input.data<uint8_t>(), rows_, depth_, output.data<uint8_t>());
    } else if (input.type == DataType::kUInt8 && output.type == DataType::kInt16) {
      math::SoftmaxTable(table_params_, input.data<uint8_t>(), rows_, depth_, output.data<int16_t>());
    } else {
      return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

  Status PrepareInt16(const NodeContext& node, const Tensor& input, const Tensor& output) {
    if (input.zero_point() != 0 || output.zero_point() != 0) return node.UnsupportedError("int16 needs zero points 0");
    if (std::fabs(output.scale() - 1.0f / 32768) > 0.001f / 32768) {
      return node.UnsupportedError("int16 output must have scale 1/32768, got " + FormatScale(output.scale()));
    }
    // exp on [-10, 0] and 1/(1+x) on [0, 1], both mapped onto [-1, 1].
    quant::BuildInt16Lut([](double x) { return std::exp(x); }, -10.0, 0.0, -1.0, 1.0, exp_lut_.data());
    quant::BuildInt16Lut([](double x) { return 1.0 / (1.0 + x); }, 0.0, 1.0, -1.0, 1.0, one_over_lut_.data());
    // Input differences are rescaled so that [-65535, 0] stands for [-10, 0];
    // LiteRT multiplies scale and beta in float.
    const double rescale = static_cast<double>(input.scale() * beta_) / (10.0 / 65535.0);
    int16_params_.input_multiplier = quant::QuantizeMultiplier(rescale, node.rounding);
    if (int16_params_.input_multiplier.shift > 30) return node.UnsupportedError("input scale x beta is out of range");
    int16_params_.rounding = node.rounding;
    int16_params_.exp_lut = exp_lut_.data();
    int16_params_.one_over_one_plus_x_lut = one_over_lut_.data();
    return Status::Ok();
  }

  float beta_ = 1.0f;
  std::array<int16_t, quant::kInt16LutSize> exp_lut_{};
  std::array<int16_t, quant::kInt16LutSize> one_over_lut_{};
  math::SoftmaxInt16Params int16_params_;
  int depth_ = 1;
  int64_t rows_ = 0;
  math::SoftmaxParams params_;
  std::vector<int32_t> exp_table_;  // fast paths, 8-bit input: SoftmaxExpTable(params_)
  bool optimized_ = false;
  math::SoftmaxTableParams table_params_;
};


// ---- RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1, LEAKY_RELU, LOGISTIC, TANH --------

constexpr int kInput = 0;
constexpr int kOutput = 0;

enum class UnaryOp { kRelu, kRelu6, kReluN1To1, kRelu0To1, kLeakyRelu, kLogistic, kTanh };

class UnaryKernel : public Kernel {
 public:
  explicit UnaryKernel(UnaryOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    if (op_ == UnaryOp::kReluN1To1 || op_ == UnaryOp::kRelu0To1) {  // LiteRT has no int16 RELU_N1_TO_1, RELU_0_TO_1
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
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.UnsupportedError("int16 input and output must have zero point 0");
    }
    range_ = quant::TypeRange(output.type);
    rounding_ = node.rounding;
    if (op_ == UnaryOp::kLogistic || op_ == UnaryOp::kTanh) {
      return input.type == DataType::kInt16 ? PrepareInt16Sigmoid(node, input, output) : PrepareTable(node, input, output);
    }
    // Identity and (for LEAKY_RELU) alpha multipliers. LiteRT divides the
    // scales in float (and multiplies by alpha in float), then widens.
    identity_ = quant::QuantizeMultiplier(static_cast<double>(input.scale() / output.scale()), rounding_);
    if (identity_.shift > 30) return node.UnsupportedError("s_in/s_out is out of range");
    if (op_ == UnaryOp::kLeakyRelu) {
      alpha_multiplier_ = quant::QuantizeMultiplier(static_cast<double>(input.scale() * alpha_ / output.scale()), rounding_);
      if (alpha_multiplier_.shift > 30) return node.UnsupportedError("alpha·s_in/s_out is out of range");
      clamp_ = range_;
      return Status::Ok();
    }
    if (op_ == UnaryOp::kRelu0To1) {
      // LiteRT's QuantizedReluX(0, 1): each bound divided by the output scale
      // in float, rounded (roundf), converted as x86 does and offset by the
      // zero point.
      const int32_t zp = output.zero_point();
      const auto bound = [&](float v) { return quant::WrappingAdd(zp, math::FloatToInt32X86(std::round(v / output.scale()))); };
      clamp_.min = std::max(range_.min, bound(0.0f));
      clamp_.max = std::min(range_.max, bound(1.0f));
      return Status::Ok();
    }
    const quant::Activation act = op_ == UnaryOp::kRelu    ? quant::Activation::kRelu
                                  : op_ == UnaryOp::kRelu6 ? quant::Activation::kRelu6
                                                           : quant::Activation::kReluN1To1;
    clamp_ = quant::QuantizedActivationRange(act, output.scale(), output.zero_point(), output.type);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat32) {
      const float* x = input.data<float>();
      float* y = output.data<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = ApplyFloat(x[i]);
      return Status::Ok();
    }
    if (op_ == UnaryOp::kLogistic || op_ == UnaryOp::kTanh) {
      if (input.type == DataType::kInt16) {
        const int16_t* x = input.data<int16_t>();
        int16_t* y = output.data<int16_t>();
        if (int16_fixed_point_) {
          EvalInt16FixedPoint(x, n, y);
          return Status::Ok();
        }
        if (op_ == UnaryOp::kLogistic) {
          for (int64_t i = 0; i < n; ++i) y[i] = math::Int16Logistic(sigmoid_params_, x[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) y[i] = math::Int16Tanh(sigmoid_params_, x[i]);
        }
        return Status::Ok();
      }
      // Entries hold the output's raw byte, indexed by the input's raw byte.
      const uint8_t* x = input.bytes;
      uint8_t* y = output.bytes;
      for (int64_t i = 0; i < n; ++i) y[i] = table_[x[i]];
      return Status::Ok();
    }
    const int32_t zp_in = input.zero_point(), zp_out = output.zero_point();
    for (int64_t i = 0; i < n; ++i) {
      const int32_t x = static_cast<int32_t>(input.IntegerAt(i)) - zp_in;
      const quant::QuantizedMultiplier& m = op_ == UnaryOp::kLeakyRelu && x < 0 ? alpha_multiplier_ : identity_;
      const int32_t v = quant::WrappingAdd(zp_out, quant::MultiplyByQuantizedMultiplier(x, m, rounding_));
      output.SetIntegerAt(i, std::min(std::max(v, clamp_.min), clamp_.max));
    }
    return Status::Ok();
  }

 private:
  float ApplyFloat(float x) const {
    switch (op_) {
      case UnaryOp::kRelu: return std::max(0.0f, x);
      case UnaryOp::kRelu6: return std::min(std::max(0.0f, x), 6.0f);
      case UnaryOp::kReluN1To1: return std::min(std::max(-1.0f, x), 1.0f);
      case UnaryOp::kRelu0To1: return x > 1.0f ? 1.0f : (x < 0.0f ? 0.0f : x);  // NaN stays NaN, as in LiteRT
      case UnaryOp::kLeakyRelu: return x > 0 ? x : x * alpha_;
      case UnaryOp::kLogistic: return math::LogisticFloat(x);
      case UnaryOp::kTanh: return math::TanhFloat(x);
    }
    return x;
  }

  // int8/uint8: LiteRT's LUTPopulate. LOGISTIC requires the output scale 1/256.
  Status PrepareTable(const NodeContext& node, const Tensor& input, const Tensor& output) {
    if (op_ == UnaryOp::kLogistic && output.scale() != 1.0f / 256) {
      return node.UnsupportedError("int8/uint8 output scale must be 1/256, got " + FormatScale(output.scale()));
    }
    table_ = quant::BuildLookupTableInt8(input.scale(), input.zero_point(), output.scale(), output.zero_point(),
                                         op_ == UnaryOp::kLogistic ? math::LogisticForTable : math::TanhFloat,
                                         input.type == DataType::kUInt8);
    return Status::Ok();
  }

  // int16: output scale 2^-15; the input is either on the table's own
  // power-of-two scale (2^-12 for LOGISTIC, 2^-12 or 2^-11 for TANH) or rescaled
  // onto 1/(3·4096) with a 15-bit multiplier, as LiteRT's Prepare derives it.
  Status PrepareInt16Sigmoid(const NodeContext& node, const Tensor& input, const Tensor& output) {
    int16_fixed_point_ = false;
    int log2_out = 0;
    if (!math::CheckedLog2(output.scale(), &log2_out) || log2_out != -15) {
      return node.UnsupportedError("int16 output scale must be 2^-15, got " + FormatScale(output.scale()));
    }
    int log2_in = 0;
    bool pot = math::CheckedLog2(input.scale(), &log2_in);
    const int left_shift = 12 + log2_in;
    pot = pot && (left_shift == 0 || (op_ == UnaryOp::kTanh && left_shift == 1));
    if (pot) {
      sigmoid_params_ = {0, left_shift};
      // --kernels optimized: on these power-of-two scales LiteRT's optimized
      // kernel is gemmlowp's 16-bit fixed point (EvalInt16FixedPoint).
      int16_fixed_point_ = node.kernels == KernelSet::kOptimized;
      return Status::Ok();
    }
    double multiplier = static_cast<double>(input.scale()) * 4096.0 * 3.0;
    int shift = 0;
    while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
      ++shift;
      multiplier *= 2.0;
    }
    if (!(multiplier < 65536.0)) {
      return node.UnsupportedError("int16 input scale " + FormatScale(input.scale()) + " is too large (its rescale overflows int32 in LiteRT)");
    }
    sigmoid_params_ = {static_cast<int32_t>(multiplier), shift};
    return Status::Ok();
  }

  // LiteRT's optimized int16 LOGISTIC/TANH on a power-of-two input scale
  // (optimized_ops::Logistic/Tanh for int16): the input as Q3.12 (TANH at
  // 2^-11: first doubled, saturating at ±2^14), gemmlowp's 16-bit logistic or
  // tanh to Q0.15. The reference kernel interpolates a 256-entry table.
  void EvalInt16FixedPoint(const int16_t* x, int64_t n, int16_t* y) const {
    for (int64_t i = 0; i < n; ++i) {
      int16_t v = x[i];
      if (sigmoid_params_.input_left_shift == 1) {
        v = v > 16383 ? int16_t{32767} : (v < -16383 ? int16_t{-32768} : static_cast<int16_t>(v * 2));
      }
      const quant::Fixed16<3> in = quant::Fixed16<3>::FromRaw(v);
      y[i] = op_ == UnaryOp::kLogistic ? quant::Logistic(in).raw : quant::Tanh(in).raw;
    }
  }

  UnaryOp op_;
  bool int16_fixed_point_ = false;
  float alpha_ = 0.0f;
  quant::IntRange range_;
  quant::IntRange clamp_;
  quant::QuantizedMultiplier identity_, alpha_multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  std::array<uint8_t, 256> table_{};
  math::Int16SigmoidParams sigmoid_params_;
};

// ---- HARD_SWISH ----------------------------------------------------------------

// x·relu6(x + 3)/6. Quantized as LiteRT's reference kernel, in int16 fixed
// point: the input on a 2^-7 finer scale, a saturating "relu-ish" factor in
// [0, 1] and a truncating doubling high multiply at the end.
class HardSwishKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
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
    params_.input_zero_point = input.zero_point();
    params_.output_zero_point = output.zero_point();
    params_.output_multiplier = quant::DownScaleInt32ToInt16Multiplier(out.multiplier);
    params_.output_exponent = out.shift;
    params_.reluish_multiplier = quant::DownScaleInt32ToInt16Multiplier(reluish.multiplier);
    params_.reluish_exponent = reluish.shift;
    params_.range = quant::TypeRange(output.type);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat32) {
      const float* x = input.data<float>();
      float* y = output.data<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = math::HardSwishFloat(x[i]);
      return Status::Ok();
    }
    for (int64_t i = 0; i < n; ++i) output.SetIntegerAt(i, math::HardSwishQuantized(params_, static_cast<int32_t>(input.IntegerAt(i))));
    return Status::Ok();
  }

 private:
  math::HardSwishParams params_;
};

// ---- PRELU ---------------------------------------------------------------------

constexpr int kPreluInput = 0;
constexpr int kPreluAlpha = 1;

// x >= 0 ? x : alpha·x, alpha broadcast against x (the output keeps x's shape).
// Quantized (int8, uint8, and int16 with int8 alpha): two requantizations
// (identity, and x·alpha) with the scales combined in float.
class PreluKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kPreluInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kPreluAlpha, "alpha"));
    const Tensor& x = *node.input(kPreluInput);
    const Tensor& alpha = *node.input(kPreluAlpha);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, x, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    if (x.type == DataType::kInt16) {  // LiteRT: int16 input with int8 alpha
      TFLDBG_RETURN_IF_ERROR(CheckType(node, alpha, "alpha", {DataType::kInt8}));
    } else {
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "input", alpha, "alpha"));
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, x, "input", out, "output"));
    if (!broadcast_.Init(x.shape, alpha.shape)) return node.UnsupportedError("alpha does not broadcast against the input");
    if (broadcast_.output_shape() != x.shape) {
      return node.UnsupportedError("alpha " + ShapeToString(alpha.shape) + " would enlarge the input " + ShapeToString(x.shape));
    }
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
    zp_x_ = x.zero_point();
    zp_alpha_ = alpha.zero_point();
    zp_out_ = out.zero_point();
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& x = *node.input(kPreluInput);
    const Tensor& alpha = *node.input(kPreluAlpha);
    Tensor& out = *node.output(kOutput);
    switch (x.type) {
      case DataType::kFloat32: {
        const float* a = x.data<float>();
        const float* al = alpha.data<float>();
        float* y = out.data<float>();
        broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) { y[o] = a[i1] >= 0.0f ? a[i1] : a[i1] * al[i2]; });
        return Status::Ok();
      }
      case DataType::kInt8: Quantized(x.data<int8_t>(), alpha.data<int8_t>(), out.data<int8_t>()); return Status::Ok();
      case DataType::kUInt8: Quantized(x.data<uint8_t>(), alpha.data<uint8_t>(), out.data<uint8_t>()); return Status::Ok();
      case DataType::kInt16: Quantized(x.data<int16_t>(), alpha.data<int8_t>(), out.data<int16_t>()); return Status::Ok();
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

 private:
  template <typename T, typename A>
  void Quantized(const T* a, const A* al, T* y) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const int32_t v = a[i1] - zp_x_;
      int32_t r = v >= 0 ? quant::MultiplyByQuantizedMultiplier(v, identity_, rounding_)
                         : quant::MultiplyByQuantizedMultiplier(v * (al[i2] - zp_alpha_), alpha_multiplier_, rounding_);
      r = quant::WrappingAdd(r, zp_out_);
      y[o] = static_cast<T>(std::min(std::max(r, range_.min), range_.max));
    });
  }

  math::Broadcast broadcast_;
  quant::QuantizedMultiplier identity_, alpha_multiplier_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
  quant::IntRange range_;
  int32_t zp_x_ = 0, zp_alpha_ = 0, zp_out_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateSoftmaxKernel() { return std::make_unique<SoftmaxKernel>(); }
std::unique_ptr<Kernel> CreateHardSwishKernel() { return std::make_unique<HardSwishKernel>(); }
std::unique_ptr<Kernel> CreatePreluKernel() { return std::make_unique<PreluKernel>(); }
std::unique_ptr<Kernel> CreateReluKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRelu); }
std::unique_ptr<Kernel> CreateRelu6Kernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRelu6); }
std::unique_ptr<Kernel> CreateReluN1To1Kernel() { return std::make_unique<UnaryKernel>(UnaryOp::kReluN1To1); }
std::unique_ptr<Kernel> CreateRelu0To1Kernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRelu0To1); }
std::unique_ptr<Kernel> CreateLeakyReluKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kLeakyRelu); }
std::unique_ptr<Kernel> CreateLogisticKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kLogistic); }
std::unique_ptr<Kernel> CreateTanhKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kTanh); }

}  // namespace tfldbg
