// ADD, SUB, MUL with NumPy broadcasting (up to 6-D) and fused activations:
// float32, int32, int64, int8, uint8 and int16 (zero point 0), as LiteRT's reference
// kernels. int16 ADD/SUB take the general path (left shift 15) unless
// pot_scale_int16 is set and every scale is a power of two (the LSTM path).
#include "kernels/elementwise/arithmetic_fast.h"
#include <cmath>
#include <type_traits>
#include <sstream>

#include "kernels/common/requant.h"
#include "kernels/elementwise/arithmetic_math.h"
#include "kernels/elementwise/optimized_add.h"
#include "kernels/common/broadcast.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

constexpr int kInput1 = 0;
constexpr int kInput2 = 1;
constexpr int kOutput = 0;

enum class ArithmeticOp { kAdd, kSub, kMul };

// A scale as "1e-07" rather than std::to_string's "0.000000".
std::string FormatScale(float scale) {
  std::ostringstream s;
  s << scale;
  return s.str();
}

class ArithmeticKernel : public Kernel {
 public:
  explicit ArithmeticKernel(ArithmeticOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    fast_ = FastAddSub();
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "input2"));
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, a, "input1", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                                         DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    if (out.type != b.type && op_ != ArithmeticOp::kMul) {
      // LiteRT's ADD and SUB give the output their inputs' type whatever the
      // model declares (add_quantized.bin stores a uint8 sum as float32), and
      // then read the output's quantization: so does tfldbg. (MUL does not.)
      if (out.is_constant() || out.kind == TensorKind::kVariable || out.kind == TensorKind::kInput) {
        return node.InvalidModelError("output '" + out.name + "' is " + DataTypeName(out.type) + " but the inputs are " +
                                      DataTypeName(b.type));
      }
      out.type = b.type;
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", out, "output"));
    if (!broadcast_.Init(a.shape, b.shape)) {
      return node.UnsupportedError("cannot broadcast " + ShapeToString(a.shape) + " with " + ShapeToString(b.shape) +
                                   " (NumPy rules, at most 6 dimensions)");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, broadcast_.output_shape()));

    int activation_code = 0;
    // Absent options read as pot_scale_int16 = false in LiteRT (its parsed
    // params are value-initialised), unlike the schema default of true.
    bool pot_scale_int16 = false;
    if (op_ == ArithmeticOp::kAdd) {
      if (const auto* o = node.options<tflite::AddOptions>()) {
        activation_code = static_cast<int>(o->fused_activation_function());
        pot_scale_int16 = o->pot_scale_int16();
      }
    } else if (op_ == ArithmeticOp::kSub) {
      if (const auto* o = node.options<tflite::SubOptions>()) {
        activation_code = static_cast<int>(o->fused_activation_function());
        pot_scale_int16 = o->pot_scale_int16();
      }
    } else if (const auto* o = node.options<tflite::MulOptions>()) {
      activation_code = static_cast<int>(o->fused_activation_function());
    }
    TFLDBG_ASSIGN_OR_RETURN(const quant::Activation activation, FusedActivation(node, activation_code));
    if (a.type == DataType::kFloat32) {
      float_clamp_ = quant::FloatActivationRange(activation);
      return Status::Ok();
    }
    if (a.type == DataType::kInt32 || a.type == DataType::kInt64) {
      // LiteRT clamps integer results to the activation's float bounds; only NONE is exact here.
      if (activation != quant::Activation::kNone) {
        return node.UnsupportedError(std::string(DataTypeName(a.type)) + " with a fused activation");
      }
      return Status::Ok();
    }
    if (a.quant.empty() || b.quant.empty() || out.quant.empty()) return node.InvalidModelError("quantized inputs and output need scales");
    if (!(a.scale() > 0) || !(b.scale() > 0) || !(out.scale() > 0)) return node.InvalidModelError("scales must be positive");
    if (a.type == DataType::kInt16 && (a.zero_point() != 0 || b.zero_point() != 0 || out.zero_point() != 0)) {
      return node.UnsupportedError("int16 inputs and output must have zero point 0");
    }
    const quant::IntRange clamp = quant::QuantizedActivationRange(activation, out.scale(), out.zero_point(), out.type);
    const quant::RoundingMode rounding = node.rounding;
    if (op_ == ArithmeticOp::kMul) {
      mul_.input1_offset = -a.zero_point();
      mul_.input2_offset = -b.zero_point();
      mul_.output_offset = out.zero_point();
      mul_.clamp = clamp;
      mul_.rounding = rounding;
      // LiteRT multiplies the scales in float, then widens.
      const float real = a.scale() * b.scale() / out.scale();
      mul_.output_multiplier = quant::QuantizeMultiplier(static_cast<double>(real), rounding);
      TFLDBG_RETURN_IF_ERROR(CheckShift(node, mul_.output_multiplier, "s1·s2/s_out"));
      optimized_add_ = math::OptimizedAddPlan();
      if (node.kernels == KernelSet::kOptimized && node.rounding_follows_litert &&
          (a.type == DataType::kInt8 || a.type == DataType::kUInt8)) {
        // LiteRT's optimized 8-bit MUL: its vector blocks narrow through int16 (optimized_add.h).
        optimized_add_ = math::PlanOptimizedMul(a.shape, b.shape, a.type == DataType::kInt8);
      }
      return Status::Ok();
    }
    if (a.type == DataType::kInt16 && pot_scale_int16) {
      int log2_a = 0, log2_b = 0, log2_out = 0;
      const bool all_pot = math::CheckedLog2(a.scale(), &log2_a) & math::CheckedLog2(b.scale(), &log2_b) &
                           math::CheckedLog2(out.scale(), &log2_out);
      if (all_pot) return PreparePot(node, log2_a - log2_out, log2_b - log2_out, clamp);
    }
    add_.subtract = op_ == ArithmeticOp::kSub;
    add_.input1_offset = -a.zero_point();
    add_.input2_offset = -b.zero_point();
    add_.output_offset = out.zero_point();
    add_.clamp = clamp;
    add_.rounding = rounding;
    add_.left_shift = a.type == DataType::kInt16 ? 15 : 20;
    // As LiteRT: twice the larger scale in float, the ratios in double, the
    // output divisor a float product.
    const double twice_max = static_cast<double>(2 * std::max(a.scale(), b.scale()));
    add_.input1_multiplier = quant::QuantizeMultiplier(static_cast<double>(a.scale()) / twice_max, rounding);
    add_.input2_multiplier = quant::QuantizeMultiplier(static_cast<double>(b.scale()) / twice_max, rounding);
    const double real_output = twice_max / static_cast<double>(static_cast<float>(1 << add_.left_shift) * out.scale());
    if (op_ == ArithmeticOp::kAdd && !(real_output < 1.0)) {
      // LiteRT's QuantizeMultiplierSmallerThanOneExp aborts the process here.
      return node.UnsupportedError("output scale " + FormatScale(out.scale()) +
                                   " is too small for ADD: 2·max(s1, s2)/(2^" + std::to_string(add_.left_shift) +
                                   "·s_out) must be below 1 (LiteRT aborts)");
    }
    if (op_ == ArithmeticOp::kSub && !(real_output <= 1.0) && rounding == quant::RoundingMode::kDouble) {
      // LiteRT's SUB accepts this but evaluates it with gemmlowp's
      // RoundingDivideByPOT at a negative exponent (undefined shifts): measured,
      // its x86 build gives ±1 in vectorised blocks and other values in the
      // scalar tail. Nothing to reproduce faithfully.
      return node.UnsupportedError("output scale " + FormatScale(out.scale()) +
                                   " is too small for SUB: 2·max(s1, s2)/(2^" + std::to_string(add_.left_shift) +
                                   "·s_out) > 1 is undefined in LiteRT's double-rounding reference kernel");
    }
    add_.output_multiplier = quant::QuantizeMultiplier(real_output, rounding);
    TFLDBG_RETURN_IF_ERROR(CheckShift(node, add_.input1_multiplier, "s1/(2·max scale)"));
    TFLDBG_RETURN_IF_ERROR(CheckShift(node, add_.input2_multiplier, "s2/(2·max scale)"));
    TFLDBG_RETURN_IF_ERROR(CheckShift(node, add_.output_multiplier, "the output rescale"));
    optimized_add_ = math::OptimizedAddPlan();
    if (node.kernels == KernelSet::kOptimized && node.rounding_follows_litert && op_ == ArithmeticOp::kAdd &&
        (a.type == DataType::kInt8 || a.type == DataType::kUInt8) && add_.output_multiplier.shift <= 0) {
      // LiteRT's optimized 8-bit ADD: its vector blocks their own way, the rest as the reference (optimized_add.h).
      optimized_add_ = math::PlanOptimizedAdd(a.shape, b.shape, a.type == DataType::kInt8);
      if (optimized_add_.path != math::OptimizedAddPath::kReference) {
        // Same shapes: the fast kernels compute its blocks (arithmetic_fast.h); else the scalar loop.
        fast_.PrepareOptimized(node, a, b, out, add_, optimized_add_.path == math::OptimizedAddPath::kFoldedShift,
                               optimized_add_.block);
        return Status::Ok();
      }
    }
    fast_.Prepare(node, a, b, out, add_);  // the fast kernels (arithmetic_fast.h) when they apply
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(kOutput);
    if (fast_.ready()) {
      fast_.Run(a, b, out, node.pool);
      return Status::Ok();
    }
    switch (a.type) {
      case DataType::kFloat32: EvalFloat(a.data<float>(), b.data<float>(), out.data<float>()); break;
      case DataType::kInt32: EvalWrapping<int32_t, uint32_t>(a.data<int32_t>(), b.data<int32_t>(), out.data<int32_t>()); break;
      case DataType::kInt64: EvalWrapping<int64_t, uint64_t>(a.data<int64_t>(), b.data<int64_t>(), out.data<int64_t>()); break;
      case DataType::kInt8: EvalQuantized(a.data<int8_t>(), b.data<int8_t>(), out.data<int8_t>()); break;
      case DataType::kUInt8: EvalQuantized(a.data<uint8_t>(), b.data<uint8_t>(), out.data<uint8_t>()); break;
      case DataType::kInt16: EvalQuantized(a.data<int16_t>(), b.data<int16_t>(), out.data<int16_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }

 private:
  Status PreparePot(const NodeContext& node, int shift1, int shift2, quant::IntRange clamp) {
    // LiteRT's checks: only one input may be rescaled, and only downwards.
    if (!(shift1 == 0 || shift2 == 0) || shift1 > 0 || shift2 > 0) {
      return node.UnsupportedError("int16 power-of-two scales need one input on the output's scale and the other finer "
                                   "(input shifts " + std::to_string(shift1) + ", " + std::to_string(shift2) +
                                   "); set pot_scale_int16 = false for the general path");
    }
    if (shift1 < -31 || shift2 < -31) return node.UnsupportedError("int16 power-of-two input shift beyond 31");
    // LiteRT's ADD runs this path element by element without broadcasting.
    if (op_ == ArithmeticOp::kAdd && node.input(kInput1)->element_count() != node.input(kInput2)->element_count()) {
      return node.UnsupportedError("int16 ADD on the power-of-two path cannot broadcast (LiteRT requires equal sizes)");
    }
    pot_ = true;
    pot_params_.subtract = op_ == ArithmeticOp::kSub;
    pot_params_.input1_shift = shift1;
    pot_params_.input2_shift = shift2;
    pot_params_.clamp = clamp;
    return Status::Ok();
  }

  static Status CheckShift(const NodeContext& node, quant::QuantizedMultiplier m, const char* what) {
    if (m.shift > 30 || m.shift < -31) return node.UnsupportedError(std::string(what) + " is out of range");
    return Status::Ok();
  }

  void EvalFloat(const float* x1, const float* x2, float* y) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const float v = op_ == ArithmeticOp::kAdd ? x1[i1] + x2[i2] : op_ == ArithmeticOp::kSub ? x1[i1] - x2[i2] : x1[i1] * x2[i2];
      y[o] = std::min(std::max(v, float_clamp_.min), float_clamp_.max);
    });
  }

  // Plain integers: LiteRT's arithmetic wraps on overflow (two's complement,
  // as its x86 build computes), computed here in the unsigned type where wrapping is defined.
  template <typename T, typename U>
  void EvalWrapping(const T* x1, const T* x2, T* y) const {
    broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
      const U a = static_cast<U>(x1[i1]), b = static_cast<U>(x2[i2]);
      y[o] = static_cast<T>(op_ == ArithmeticOp::kAdd ? a + b : op_ == ArithmeticOp::kSub ? a - b : a * b);
    });
  }

  template <typename T>
  void EvalQuantized(const T* x1, const T* x2, T* y) const {
    if (op_ == ArithmeticOp::kMul && optimized_add_.path != math::OptimizedAddPath::kReference) {
      EvalOptimizedMul(x1, x2, y);
    } else if (op_ == ArithmeticOp::kMul) {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) { y[o] = static_cast<T>(math::QuantizedMul(mul_, x1[i1], x2[i2])); });
    } else if (pot_) {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
        y[o] = static_cast<T>(math::Int16PotAddSub(pot_params_, static_cast<int16_t>(x1[i1]), static_cast<int16_t>(x2[i2])));
      });
    } else if (optimized_add_.path != math::OptimizedAddPath::kReference) {
      EvalOptimizedAdd(x1, x2, y);
    } else {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) { y[o] = static_cast<T>(math::QuantizedAddSub(add_, x1[i1], x2[i2])); });
    }
  }

  // --kernels optimized, 8-bit ADD: each element through the path LiteRT's
  // optimized kernel takes for it (optimized_add.h).
  template <typename T>
  void EvalOptimizedAdd(const T* x1, const T* x2, T* y) const {
    if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
        y[o] = static_cast<T>(math::QuantizedAddOptimized<T>(optimized_add_.At(o), add_, x1[i1], x2[i2]));
      });
    }
  }

  template <typename T>
  void EvalOptimizedMul(const T* x1, const T* x2, T* y) const {
    if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
      broadcast_.ForEach([&](int64_t o, int64_t i1, int64_t i2) {
        y[o] = static_cast<T>(math::QuantizedMulOptimized<T>(optimized_add_.At(o), mul_, x1[i1], x2[i2]));
      });
    }
  }

  ArithmeticOp op_;
  FastAddSub fast_;
  math::Broadcast broadcast_;
  quant::FloatRange float_clamp_;
  math::QuantizedAddSubParams add_;
  math::OptimizedAddPlan optimized_add_;  // --kernels optimized, 8-bit ADD and MUL
  math::QuantizedMulParams mul_;
  bool pot_ = false;
  math::Int16PotAddSubParams pot_params_;
};

}  // namespace

std::unique_ptr<Kernel> CreateAddKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kAdd); }
std::unique_ptr<Kernel> CreateSubKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kSub); }
std::unique_ptr<Kernel> CreateMulKernel() { return std::make_unique<ArithmeticKernel>(ArithmeticOp::kMul); }

}  // namespace tfldbg
