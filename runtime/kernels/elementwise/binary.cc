// The binary elementwise ops beyond ADD/SUB/MUL, with NumPy broadcasting up to
// 8 dimensions as LiteRT's BroadcastBinaryOpSimple (equal shapes of any rank):
//   DIV                 float32, int32 (truncating), int8/uint8/int16 quantized
//                       (fixed-point reciprocal); every fused activation
//   POW                 float32, int32 (std::pow; a one-element integral
//                       exponent of a broadcast takes LiteRT's squaring path)
//   MAXIMUM, MINIMUM    float32, float16, int8, uint8, int16, int32, int64
//                       (raw values: quantized inputs are not rescaled)
//   SQUARED_DIFFERENCE  float32, int32, int8 quantized
//   FLOOR_DIV           float32, int8, int16, int32 (raw integers)
//   FLOOR_MOD           float32, int8, int16, int32, int64 (raw integers)
//   ATAN2               float32, float64, float16 (equal shapes; no broadcasting)
//   BITWISE_XOR         int8, uint8, int16, uint16, int32, uint32
//   RIGHT_SHIFT         int8, uint8, int16, uint16, int32, uint32
// Division by zero fails the Invoke where LiteRT's does (integer DIV, FLOOR_DIV,
// integer FLOOR_MOD); float DIV by zero gives ±inf clamped to ±FLT_MAX (or NaN).
#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "kernels/common/broadcast.h"
#include "kernels/elementwise/binary_math.h"
#include "kernels/kernel.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

constexpr int kInput1 = 0;
constexpr int kInput2 = 1;
constexpr int kOutput = 0;

enum class BinaryOp { kDiv, kPow, kMaximum, kMinimum, kSquaredDifference, kFloorDiv, kFloorMod, kAtan2, kBitwiseXor, kRightShift };

// The types of input1 LiteRT's kernel for `op` runs (measured on LiteRT 2.3.0).
Status CheckAcceptedType(const NodeContext& node, BinaryOp op, const Tensor& t) {
  using D = DataType;
  switch (op) {
    case BinaryOp::kDiv: return CheckType(node, t, "input1", {D::kFloat32, D::kInt32, D::kInt8, D::kUInt8, D::kInt16});
    case BinaryOp::kPow: return CheckType(node, t, "input1", {D::kFloat32, D::kInt32});
    case BinaryOp::kMaximum:
    case BinaryOp::kMinimum:
      return CheckType(node, t, "input1", {D::kFloat32, D::kFloat16, D::kInt8, D::kUInt8, D::kInt16, D::kInt32, D::kInt64});
    case BinaryOp::kSquaredDifference: return CheckType(node, t, "input1", {D::kFloat32, D::kInt32, D::kInt8});
    case BinaryOp::kFloorDiv: return CheckType(node, t, "input1", {D::kFloat32, D::kInt8, D::kInt16, D::kInt32});
    case BinaryOp::kFloorMod: return CheckType(node, t, "input1", {D::kFloat32, D::kInt8, D::kInt16, D::kInt32, D::kInt64});
    case BinaryOp::kAtan2: return CheckType(node, t, "input1", {D::kFloat32, D::kFloat64, D::kFloat16});
    case BinaryOp::kBitwiseXor:
    case BinaryOp::kRightShift:
      return CheckType(node, t, "input1", {D::kInt8, D::kUInt8, D::kInt16, D::kUInt16, D::kInt32, D::kUInt32});
  }
  return node.UnsupportedError("unknown op");
}

std::string FormatReal(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// y[o] = fn(x1[i1], x2[i2]) over the broadcast.
template <typename T, typename R = T, typename Fn>
void Apply(const math::BroadcastN<2>& broadcast, const Tensor& x1, const Tensor& x2, Tensor& y, Fn fn) {
  const T* a = x1.data<T>();
  const T* b = x2.data<T>();
  R* out = y.data<R>();
  broadcast.ForEach([&](int64_t o, const std::array<int64_t, 2>& i) { out[o] = fn(a[i[0]], b[i[1]]); });
}

// The index of the first element of `t` equal to `value`, or -1.
template <typename T>
int64_t FindValue(const Tensor& t, T value) {
  const T* p = t.data<T>();
  const int64_t n = t.element_count();
  for (int64_t i = 0; i < n; ++i) {
    if (p[i] == value) return i;
  }
  return -1;
}

class BinaryKernel : public Kernel {
 public:
  explicit BinaryKernel(BinaryOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput1, "input1"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput2, "input2"));
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckAcceptedType(node, op_, a));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", b, "input2"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, a, "input1", out, "output"));
    if (op_ == BinaryOp::kAtan2 && a.shape != b.shape) {
      // LiteRT checks only that the ranks agree, then reads x at y's indices.
      return node.UnsupportedError("ATAN2 of shapes " + ShapeToString(a.shape) + " and " + ShapeToString(b.shape) +
                                   ": the shapes must be equal (LiteRT does not broadcast and reads past the smaller)");
    }
    if (!broadcast_.Init({&a.shape, &b.shape})) {
      return node.UnsupportedError("cannot broadcast " + ShapeToString(a.shape) + " with " + ShapeToString(b.shape) +
                                   " (NumPy rules, at most 8 dimensions)");
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, out, broadcast_.output_shape()));
    same_shapes_ = a.shape == b.shape;
    if (op_ == BinaryOp::kDiv) return PrepareDiv(node, a, b, out);
    if (op_ == BinaryOp::kSquaredDifference && a.type == DataType::kInt8) return PrepareSquaredDifference(node, a, b, out);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& a = *node.input(kInput1);
    const Tensor& b = *node.input(kInput2);
    Tensor& out = *node.output(kOutput);
    switch (op_) {
      case BinaryOp::kDiv: return EvalDiv(node, a, b, out);
      case BinaryOp::kPow: return EvalPow(node, a, b, out);
      case BinaryOp::kMaximum: return EvalMaximumMinimum(node, a, b, out, true);
      case BinaryOp::kMinimum: return EvalMaximumMinimum(node, a, b, out, false);
      case BinaryOp::kSquaredDifference: return EvalSquaredDifference(node, a, b, out);
      case BinaryOp::kFloorDiv: return EvalFloorDiv(node, a, b, out);
      case BinaryOp::kFloorMod: return EvalFloorMod(node, a, b, out);
      case BinaryOp::kAtan2: return EvalAtan2(node, a, b, out);
      case BinaryOp::kBitwiseXor: return EvalBitwiseXor(node, a, b, out);
      case BinaryOp::kRightShift: return EvalRightShift(node, a, b, out);
    }
    return node.RuntimeFailure("unexpected op");
  }

 private:
  // ---- DIV -----------------------------------------------------------------
  Status PrepareDiv(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out) {
    int activation_code = 0;
    if (const auto* o = node.options<tflite::DivOptions>()) activation_code = static_cast<int>(o->fused_activation_function());
    // LiteRT fuses RELU, RELU6 and RELU_N1_TO_1 as clamps; NONE, TANH and SIGN_BIT clamp nothing.
    if (activation_code < 0 || activation_code > 5) {
      return node.UnsupportedError("fused activation " + std::to_string(activation_code) + " is unknown");
    }
    const auto activation = static_cast<quant::Activation>(activation_code);
    if (a.type == DataType::kFloat32) {
      float_clamp_ = quant::FloatActivationRange(activation);
      return Status::Ok();
    }
    if (a.type == DataType::kInt32) {
      // LiteRT checks int32 divisors against the tensor's zero point, then divides by 0 where it is not 0.
      if (b.zero_point() != 0) return node.UnsupportedError("int32 divisor with zero point " + std::to_string(b.zero_point()));
      switch (activation) {
        case quant::Activation::kRelu: int_clamp_ = {0, std::numeric_limits<int32_t>::max()}; break;
        case quant::Activation::kRelu6: int_clamp_ = {0, 6}; break;
        case quant::Activation::kReluN1To1: int_clamp_ = {-1, 1}; break;
        default: int_clamp_ = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}; break;
      }
      return Status::Ok();
    }
    TFLDBG_RETURN_IF_ERROR(CheckPerTensorQuantized(node, {&a, &b, &out}));
    // As LiteRT: the scales combined in float, then widened.
    const float real = a.scale() / (b.scale() * out.scale());
    if (!std::isfinite(real) || !(real > 0.0f)) {
      return node.UnsupportedError("the rescale s1/(s2·s_out) = " + FormatReal(real) + " is not a positive finite number");
    }
    div_.output_multiplier = quant::QuantizeMultiplier(static_cast<double>(real), node.rounding);
    div_.input1_offset = -a.zero_point();
    div_.input2_offset = -b.zero_point();
    div_.output_offset = out.zero_point();
    div_.clamp = quant::QuantizedActivationRange(activation, out.scale(), out.zero_point(), out.type);
    div_.rounding = node.rounding;
    return Status::Ok();
  }

  Status EvalDiv(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    switch (a.type) {
      case DataType::kFloat32:
        Apply<float>(broadcast_, a, b, out, [this](float x, float y) {
          return std::min(std::max(x / y, float_clamp_.min), float_clamp_.max);
        });
        return Status::Ok();
      case DataType::kInt32:
        TFLDBG_RETURN_IF_ERROR(CheckNoZeroDivisor<int32_t>(node, b, 0));
        Apply<int32_t>(broadcast_, a, b, out, [this](int32_t x, int32_t y) {
          return std::min(std::max(math::DivideInt32(x, y), int_clamp_.min), int_clamp_.max);
        });
        return Status::Ok();
      case DataType::kInt8: return EvalQuantizedDiv<int8_t>(node, a, b, out);
      case DataType::kUInt8: return EvalQuantizedDiv<uint8_t>(node, a, b, out);
      case DataType::kInt16: return EvalQuantizedDiv<int16_t>(node, a, b, out);
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

  template <typename T>
  Status EvalQuantizedDiv(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    TFLDBG_RETURN_IF_ERROR(CheckNoZeroDivisor<T>(node, b, static_cast<T>(b.zero_point())));
    Apply<T>(broadcast_, a, b, out, [this](T x, T y) { return static_cast<T>(math::QuantizedDiv(div_, x, y)); });
    return Status::Ok();
  }

  // LiteRT fails the Invoke when a divisor is 0 (its real value, for quantized inputs).
  template <typename T>
  static Status CheckNoZeroDivisor(const NodeContext& node, const Tensor& divisor, T zero) {
    const int64_t at = FindValue<T>(divisor, zero);
    if (at < 0) return Status::Ok();
    return node.RuntimeFailure("division by zero: element " + std::to_string(at) + " of '" + divisor.name +
                               "' is 0 (LiteRT fails the same way)");
  }

  // ---- POW -----------------------------------------------------------------
  Status EvalPow(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    if (a.type == DataType::kInt32) {
      const int32_t* e = b.data<int32_t>();
      for (int64_t i = 0; i < b.element_count(); ++i) {
        if (e[i] < 0) return node.RuntimeFailure("int32 POW with a negative exponent (LiteRT fails the same way)");
      }
      return RunPow<int32_t>(a, b, out, [](int32_t x, int32_t y) { return math::PowInt32(x, y); });
    }
    return RunPow<float>(a, b, out, [](float x, float y) { return std::pow(x, y); });
  }

  template <typename T, typename Fn>
  Status RunPow(const Tensor& a, const Tensor& b, Tensor& out, Fn pow) const {
    // LiteRT's broadcasting POW raises to a one-element exponent near an
    // integer n >= 1 by repeated multiplication instead.
    if (!same_shapes_ && b.element_count() == 1) {
      const int n = math::IntegerPowExponent(b.data<T>()[0]);
      if (n >= 1) {
        const T* x = a.data<T>();
        T* y = out.data<T>();
        const int64_t count = out.element_count();
        for (int64_t i = 0; i < count; ++i) y[i] = math::IntegerPow(x[i], n);
        return Status::Ok();
      }
    }
    Apply<T>(broadcast_, a, b, out, pow);
    return Status::Ok();
  }

  // ---- MAXIMUM, MINIMUM ---------------------------------------------------------
  Status EvalMaximumMinimum(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out, bool maximum) const {
    switch (a.type) {
      case DataType::kFloat32: return MaxMin<float>(a, b, out, maximum);
      case DataType::kInt8: return MaxMin<int8_t>(a, b, out, maximum);
      case DataType::kUInt8: return MaxMin<uint8_t>(a, b, out, maximum);
      case DataType::kInt16: return MaxMin<int16_t>(a, b, out, maximum);
      case DataType::kInt32: return MaxMin<int32_t>(a, b, out, maximum);
      case DataType::kInt64: return MaxMin<int64_t>(a, b, out, maximum);
      case DataType::kFloat16:
        // Compared as floats, the chosen half copied unchanged.
        Apply<uint16_t>(broadcast_, a, b, out, [maximum](uint16_t x, uint16_t y) {
          const float fx = math::HalfToFloat(x), fy = math::HalfToFloat(y);
          return (maximum ? fx > fy : fx < fy) ? x : y;
        });
        return Status::Ok();
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

  // LiteRT's order of operands: x1 > x2 ? x1 : x2 (so NaN in x1 loses, in x2 wins).
  template <typename T>
  Status MaxMin(const Tensor& a, const Tensor& b, Tensor& out, bool maximum) const {
    if (maximum) {
      Apply<T>(broadcast_, a, b, out, [](T x, T y) { return x > y ? x : y; });
    } else {
      Apply<T>(broadcast_, a, b, out, [](T x, T y) { return x < y ? x : y; });
    }
    return Status::Ok();
  }

  // ---- SQUARED_DIFFERENCE ----------------------------------------------------------
  Status PrepareSquaredDifference(const NodeContext& node, const Tensor& a, const Tensor& b, const Tensor& out) {
    TFLDBG_RETURN_IF_ERROR(CheckPerTensorQuantized(node, {&a, &b, &out}));
    // As LiteRT: twice the larger scale in float, the ratios in double.
    const double twice_max = static_cast<double>(2 * std::max(a.scale(), b.scale()));
    const double real1 = static_cast<double>(a.scale()) / twice_max;
    const double real2 = static_cast<double>(b.scale()) / twice_max;
    const double real_output = twice_max * twice_max /
                               static_cast<double>(static_cast<float>(1 << (2 * math::kSquaredDifferenceLeftShift)) * out.scale());
    sqdiff_.input1_multiplier = quant::QuantizeMultiplier(real1, node.rounding);
    sqdiff_.input2_multiplier = quant::QuantizeMultiplier(real2, node.rounding);
    sqdiff_.output_multiplier = quant::QuantizeMultiplier(real_output, node.rounding);
    if (!(real_output < 1.0) || sqdiff_.output_multiplier.shift > 0) {
      // LiteRT's QuantizeMultiplierSmallerThanOneExp aborts the process here.
      return node.UnsupportedError("output scale " + FormatReal(out.scale()) + " is too small: (2·max(s1, s2))²/(2^14·s_out) = " +
                                   FormatReal(real_output) + " must be below 1 (LiteRT aborts)");
    }
    // (QuantizeMultiplier flushes rescales below 2^-32 to 0, as LiteRT's does.)
    sqdiff_.input1_offset = -a.zero_point();
    sqdiff_.input2_offset = -b.zero_point();
    sqdiff_.output_offset = out.zero_point();
    sqdiff_.rounding = node.rounding;
    return Status::Ok();
  }

  Status EvalSquaredDifference(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    switch (a.type) {
      case DataType::kFloat32:
        Apply<float>(broadcast_, a, b, out, [](float x, float y) {
          const float d = x - y;
          return d * d;
        });
        return Status::Ok();
      case DataType::kInt32:
        Apply<int32_t>(broadcast_, a, b, out, [](int32_t x, int32_t y) {
          const uint32_t d = static_cast<uint32_t>(x) - static_cast<uint32_t>(y);
          return static_cast<int32_t>(d * d);
        });
        return Status::Ok();
      case DataType::kInt8:
        Apply<int8_t>(broadcast_, a, b, out, [this](int8_t x, int8_t y) {
          return static_cast<int8_t>(math::QuantizedSquaredDifference(sqdiff_, x, y));
        });
        return Status::Ok();
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

  // ---- FLOOR_DIV, FLOOR_MOD ----------------------------------------------------------
  Status EvalFloorDiv(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    switch (a.type) {
      case DataType::kFloat32: return FloorDiv<float>(node, a, b, out);
      case DataType::kInt8: return FloorDiv<int8_t>(node, a, b, out);
      case DataType::kInt16: return FloorDiv<int16_t>(node, a, b, out);
      case DataType::kInt32: return FloorDiv<int32_t>(node, a, b, out);
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

  template <typename T>
  Status FloorDiv(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    // LiteRT refuses a zero divisor for floats too (-0.0 included).
    TFLDBG_RETURN_IF_ERROR(CheckNoZeroDivisor<T>(node, b, T{0}));
    if constexpr (std::is_integral_v<T> && sizeof(T) < 4) {
      if (same_shapes_) {
        // The one overflow, the minimum over -1, depends on where LiteRT's
        // vectorised loop puts the element (math::FloorDivSaturates).
        const T* x = a.data<T>();
        const T* y = b.data<T>();
        T* z = out.data<T>();
        const int64_t n = out.element_count();
        for (int64_t i = 0; i < n; ++i) {
          const bool overflow = x[i] == std::numeric_limits<T>::min() && y[i] == -1;
          z[i] = overflow && math::FloorDivSaturates(i, n) ? std::numeric_limits<T>::max() : math::FloorDiv(x[i], y[i]);
        }
        return Status::Ok();
      }
    }
    Apply<T>(broadcast_, a, b, out, [](T x, T y) { return math::FloorDiv(x, y); });
    return Status::Ok();
  }

  Status EvalFloorMod(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    switch (a.type) {
      case DataType::kFloat32:
        // fmod by 0 is NaN: LiteRT checks only integer divisors.
        Apply<float>(broadcast_, a, b, out, [](float x, float y) { return math::FloorMod(x, y); });
        return Status::Ok();
      case DataType::kInt8: return FloorMod<int8_t>(node, a, b, out);
      case DataType::kInt16: return FloorMod<int16_t>(node, a, b, out);
      case DataType::kInt32: return FloorMod<int32_t>(node, a, b, out);
      case DataType::kInt64: return FloorMod<int64_t>(node, a, b, out);
      default: return node.RuntimeFailure("unexpected input type");
    }
  }

  template <typename T>
  Status FloorMod(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    TFLDBG_RETURN_IF_ERROR(CheckNoZeroDivisor<T>(node, b, T{0}));
    Apply<T>(broadcast_, a, b, out, [](T x, T y) { return math::FloorMod(x, y); });
    return Status::Ok();
  }

  // ---- ATAN2 ----------------------------------------------------------------------
  Status EvalAtan2(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    if (a.type == DataType::kFloat64) {
      Apply<double>(broadcast_, a, b, out, [](double y, double x) { return std::atan2(y, x); });
      return Status::Ok();
    }
    if (a.type == DataType::kFloat16) {
      // Eigen::half: atan2 of the widened values, rounded back to half (nearest even).
      Apply<uint16_t>(broadcast_, a, b, out, [](uint16_t y, uint16_t x) {
        return math::FloatToHalf(std::atan2(math::HalfToFloat(y), math::HalfToFloat(x)));
      });
      return Status::Ok();
    }
    if (a.type != DataType::kFloat32) return node.RuntimeFailure("unexpected input type");
    Apply<float>(broadcast_, a, b, out, [](float y, float x) { return std::atan2(y, x); });
    return Status::Ok();
  }

  // ---- BITWISE_XOR, RIGHT_SHIFT ---------------------------------------------------
  template <template <typename> class Fn>
  Status EvalIntegers(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    switch (a.type) {
      case DataType::kInt8: Apply<int8_t>(broadcast_, a, b, out, Fn<int8_t>()); break;
      case DataType::kUInt8: Apply<uint8_t>(broadcast_, a, b, out, Fn<uint8_t>()); break;
      case DataType::kInt16: Apply<int16_t>(broadcast_, a, b, out, Fn<int16_t>()); break;
      case DataType::kUInt16: Apply<uint16_t>(broadcast_, a, b, out, Fn<uint16_t>()); break;
      case DataType::kInt32: Apply<int32_t>(broadcast_, a, b, out, Fn<int32_t>()); break;
      case DataType::kUInt32: Apply<uint32_t>(broadcast_, a, b, out, Fn<uint32_t>()); break;
      default: return node.RuntimeFailure("unexpected input type");
    }
    return Status::Ok();
  }
  template <typename T>
  struct Xor {
    T operator()(T x, T y) const { return static_cast<T>(x ^ y); }
  };
  template <typename T>
  struct Shift {
    T operator()(T x, T y) const { return math::RightShift(x, y); }
  };
  Status EvalBitwiseXor(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    return EvalIntegers<Xor>(node, a, b, out);
  }
  Status EvalRightShift(const NodeContext& node, const Tensor& a, const Tensor& b, Tensor& out) const {
    return EvalIntegers<Shift>(node, a, b, out);
  }

  // ---- shared checks ---------------------------------------------------------------
  static Status CheckPerTensorQuantized(const NodeContext& node, std::initializer_list<const Tensor*> tensors) {
    for (const Tensor* t : tensors) {
      if (t->quant.empty() || t->quant.per_channel()) {
        return node.InvalidModelError("quantized tensor '" + t->name + "' needs one scale and zero point");
      }
      if (!(t->scale() > 0.0f) || !std::isfinite(t->scale())) {
        return node.InvalidModelError("tensor '" + t->name + "' has scale " + FormatReal(t->scale()) + "; it must be positive");
      }
    }
    return Status::Ok();
  }

  BinaryOp op_;
  math::BroadcastN<2> broadcast_;
  bool same_shapes_ = false;
  quant::FloatRange float_clamp_;
  quant::IntRange int_clamp_;
  math::QuantizedDivParams div_;
  math::QuantizedSquaredDifferenceParams sqdiff_;
};

}  // namespace

std::unique_ptr<Kernel> CreateDivKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kDiv); }
std::unique_ptr<Kernel> CreatePowKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kPow); }
std::unique_ptr<Kernel> CreateMaximumKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kMaximum); }
std::unique_ptr<Kernel> CreateMinimumKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kMinimum); }
std::unique_ptr<Kernel> CreateSquaredDifferenceKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kSquaredDifference); }
std::unique_ptr<Kernel> CreateFloorDivKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kFloorDiv); }
std::unique_ptr<Kernel> CreateFloorModKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kFloorMod); }
std::unique_ptr<Kernel> CreateAtan2Kernel() { return std::make_unique<BinaryKernel>(BinaryOp::kAtan2); }
std::unique_ptr<Kernel> CreateBitwiseXorKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kBitwiseXor); }
std::unique_ptr<Kernel> CreateRightShiftKernel() { return std::make_unique<BinaryKernel>(BinaryOp::kRightShift); }

}  // namespace tfldbg
