// Unary elementwise math: ABS, NEG, SQUARE, SQRT, RSQRT, EXP, LOG, SIN, COS,
// FLOOR, CEIL, ROUND, SIGN, on the types LiteRT 2.3's kernels run (measured):
//
//   ABS     float32, int8 and int16 quantized (rescaled when the scales differ),
//           int16 unquantized, int32
//   NEG     float32, float16, int8, int16, int32, int64 (integers negated raw:
//           LiteRT ignores their quantization)
//   SQUARE  float32
//   SQRT    float32, int8 and int16 quantized (float math, truncated)
//   RSQRT   float32, int8 quantized (fixed point), int16 quantized (table)
//   EXP     float32, int8 and int16 quantized (tables)
//   LOG     float32, int8 and int16 quantized (tables)
//   SIN/COS float32, float16
//   FLOOR   float32, float16       CEIL  float32       ROUND  float32, float16
//   SIGN    float32, float64, int32
//
// Quantized int16 always has zero points 0. Tables are built in Prepare as
// LiteRT builds them (LUTPopulate, in float). The element math that is more
// than a libm call is in unary_math.h.
#include <array>
#include <cmath>
#include <sstream>

#include "kernels/elementwise/unary_math.h"
#include "kernels/kernel.h"
#include "quant/int16_lut.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutput = 0;

enum class UnaryOp { kAbs, kNeg, kSquare, kSqrt, kRsqrt, kExp, kLog, kSin, kCos, kFloor, kCeil, kRound, kSign };

// How Eval computes a node, decided in Prepare.
enum class Path {
  kFloat32,
  kFloat16,
  kFloat64,
  kInteger,      // int16 (ABS), int32, int64 and NEG's int8/int16: plain integer math
  kTable8,       // int8 EXP, LOG: 256-entry table indexed by the raw byte
  kTable16,      // int16 EXP, LOG, RSQRT: 513-entry interpolated table
  kAbsQuantized,
  kRsqrtInt8,
  kSqrtQuantized,
};

std::string FormatScale(float scale) {
  std::ostringstream s;
  s << scale;
  return s.str();
}

// Refuses input types LiteRT's kernel for the op does not run (its Prepare
// and Eval together).
Status CheckInputType(const NodeContext& node, UnaryOp op, const Tensor& input) {
  using D = DataType;
  switch (op) {
    case UnaryOp::kAbs: return CheckType(node, input, "input", {D::kFloat32, D::kInt8, D::kInt16, D::kInt32});
    case UnaryOp::kNeg:
      return CheckType(node, input, "input", {D::kFloat32, D::kFloat16, D::kInt8, D::kInt16, D::kInt32, D::kInt64});
    case UnaryOp::kSquare:
    case UnaryOp::kCeil: return CheckType(node, input, "input", {D::kFloat32});
    case UnaryOp::kSqrt:
    case UnaryOp::kRsqrt:
    case UnaryOp::kExp:
    case UnaryOp::kLog: return CheckType(node, input, "input", {D::kFloat32, D::kInt8, D::kInt16});
    case UnaryOp::kSin:
    case UnaryOp::kCos:
    case UnaryOp::kFloor:
    case UnaryOp::kRound: return CheckType(node, input, "input", {D::kFloat32, D::kFloat16});
    case UnaryOp::kSign: return CheckType(node, input, "input", {D::kFloat32, D::kFloat64, D::kInt32});
  }
  return node.RuntimeFailure("unknown unary op");
}

// NEG, FLOOR, CEIL, ROUND and EXP give their output the input's type whatever
// the model declares (LiteRT's Prepare sets it); the others require equal types.
bool RetypesOutput(UnaryOp op) {
  return op == UnaryOp::kNeg || op == UnaryOp::kFloor || op == UnaryOp::kCeil || op == UnaryOp::kRound ||
         op == UnaryOp::kExp;
}

// The float function LiteRT applies, by op (float32 math; sin/cos/exp/log are
// the same libm calls LiteRT's build makes).
float FloatFunction(UnaryOp op, float x) {
  switch (op) {
    case UnaryOp::kAbs: return std::fabs(x);
    case UnaryOp::kNeg: return -x;
    case UnaryOp::kSquare: return x * x;
    case UnaryOp::kSqrt: return std::sqrt(x);
    case UnaryOp::kRsqrt: return 1.0f / std::sqrt(x);
    case UnaryOp::kExp: return std::exp(x);
    case UnaryOp::kLog: return std::log(x);
    case UnaryOp::kSin: return std::sin(x);
    case UnaryOp::kCos: return std::cos(x);
    case UnaryOp::kFloor: return std::floor(x);
    case UnaryOp::kCeil: return std::ceil(x);
    case UnaryOp::kRound: return math::RoundHalfToEven(x);
    case UnaryOp::kSign: return math::Sign(x);
  }
  return x;
}

// Table functions with LiteRT's parameter: the value for inputs <= 0.
float LogOrFloor(float x, const void* value_at_or_below_zero) {
  return x <= 0.0f ? *static_cast<const float*>(value_at_or_below_zero) : std::log(x);
}
float RsqrtOrCeiling(float x, const void* value_at_or_below_zero) {
  return x <= 0.0f ? *static_cast<const float*>(value_at_or_below_zero) : 1.0f / std::sqrt(x);
}
float Exp(float x, const void*) { return std::exp(x); }

template <typename T, typename F>
void Map(const Tensor& in, Tensor& out, F f) {
  const T* x = in.data<T>();
  T* y = out.data<T>();
  const int64_t n = in.element_count();
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

class UnaryKernel : public Kernel {
 public:
  explicit UnaryKernel(UnaryOp op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckInputType(node, op_, input));
    // LiteRT's reference resolver has no CEIL or ROUND and no ABS past version
    // 3: what runs is its builtin (optimized) kernel (docs/litert-defects.md).
    node.litert_optimized = op_ == UnaryOp::kCeil || op_ == UnaryOp::kRound || (op_ == UnaryOp::kAbs && node.op_version >= 4);
    if (RetypesOutput(op_) && output.type != input.type) {
      if (output.is_constant() || output.kind == TensorKind::kVariable || output.kind == TensorKind::kInput) {
        return node.InvalidModelError("output '" + output.name + "' is " + DataTypeName(output.type) +
                                      " but the input is " + DataTypeName(input.type));
      }
      output.type = input.type;
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    switch (input.type) {
      case DataType::kFloat32: path_ = Path::kFloat32; return Status::Ok();
      case DataType::kFloat16: path_ = Path::kFloat16; return Status::Ok();
      case DataType::kFloat64: path_ = Path::kFloat64; return Status::Ok();
      case DataType::kInt32:
      case DataType::kInt64: path_ = Path::kInteger; return Status::Ok();
      default: break;
    }
    // int8 and int16 from here.
    if (op_ == UnaryOp::kNeg) {  // raw negation whatever the quantization
      path_ = Path::kInteger;
      return Status::Ok();
    }
    if (op_ == UnaryOp::kAbs && input.type == DataType::kInt16 && input.quant.empty()) {
      path_ = Path::kInteger;
      return Status::Ok();
    }
    if (input.type == DataType::kInt16 && input.quant.empty()) {
      // SQRT, RSQRT and LOG read the input's absent quantization (their
      // table or scale) and crash LiteRT; EXP builds its table from scale 0.
      return node.UnsupportedError("int16 input without quantization (LiteRT " +
                                   std::string(op_ == UnaryOp::kExp ? "computes no defined value" : "crashes") +
                                   " on it)");
    }
    // LiteRT's EXP does not check: it builds its table from scale 0.
    const char* why_needed = op_ == UnaryOp::kExp ? "LiteRT builds its table from scale 0 without one"
                                                  : "LiteRT requires a scale and zero point";
    TFLDBG_RETURN_IF_ERROR(CheckQuantized(node, input, "input", why_needed));
    TFLDBG_RETURN_IF_ERROR(CheckQuantized(node, output, "output", why_needed));
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.UnsupportedError("int16 input and output must have zero point 0 (as LiteRT requires)");
    }
    return PrepareQuantized(node, input, output);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    switch (path_) {
      case Path::kFloat32: {
        const UnaryOp op = op_;
        Map<float>(input, output, [op](float x) { return FloatFunction(op, x); });
        return Status::Ok();
      }
      case Path::kFloat16: return EvalFloat16(input, output);
      case Path::kFloat64: Map<double>(input, output, [](double x) { return math::Sign(x); }); return Status::Ok();
      case Path::kInteger: return EvalInteger(node, input, output);
      case Path::kTable8: {
        const uint8_t* x = input.bytes;
        uint8_t* y = output.bytes;
        const int64_t n = input.element_count();
        for (int64_t i = 0; i < n; ++i) y[i] = table8_[x[i]];
        return Status::Ok();
      }
      case Path::kTable16: {
        // LiteRT's RSQRT refuses the whole tensor before it looks anything up.
        if (op_ == UnaryOp::kRsqrt) TFLDBG_RETURN_IF_ERROR(CheckNonNegative<int16_t>(node, input, 0, kRsqrtNegative));
        const int16_t* lut = table16_.data();
        Map<int16_t>(input, output, [lut](int16_t x) { return quant::Int16LutLookup(x, lut); });
        return Status::Ok();
      }
      case Path::kAbsQuantized:
        if (input.type == DataType::kInt8) {
          Map<int8_t>(input, output, [this](int8_t x) { return static_cast<int8_t>(math::AbsQuantized(abs_, x)); });
        } else {
          Map<int16_t>(input, output, [this](int16_t x) { return static_cast<int16_t>(math::AbsQuantized(abs_, x)); });
        }
        return Status::Ok();
      case Path::kRsqrtInt8: {
        const int8_t* x = input.data<int8_t>();
        int8_t* y = output.data<int8_t>();
        const int64_t n = input.element_count();
        for (int64_t i = 0; i < n; ++i) {
          // Checked element by element, as LiteRT does (it stops at the first).
          if (x[i] < rsqrt_.input_zero_point) return node.RuntimeFailure(kRsqrtNegative);
          y[i] = static_cast<int8_t>(math::RsqrtInt8(rsqrt_, x[i]));
        }
        return Status::Ok();
      }
      case Path::kSqrtQuantized:
        return input.type == DataType::kInt8 ? EvalSqrtQuantized<int8_t>(node, input, output)
                                             : EvalSqrtQuantized<int16_t>(node, input, output);
    }
    return node.RuntimeFailure("unexpected kernel path");
  }

 private:
  static constexpr const char* kRsqrtNegative = "Rsqrt is only defined for positive values (an input is below the zero point)";
  static constexpr const char* kSqrtNegative = "Sqrt is only defined for non-negative values (an input is below the zero point)";

  // Quantized int8/int16 tensors: LiteRT requires affine quantization, and its
  // arithmetic assumes a positive scale. (The model loader has already held
  // zero points to the type's range and scales to finite non-negative values.)
  static Status CheckQuantized(const NodeContext& node, const Tensor& t, const char* slot, const char* why_needed) {
    if (t.quant.empty()) {
      return node.UnsupportedError(std::string(slot) + " is " + DataTypeName(t.type) + " without quantization (" +
                                   why_needed + ")");
    }
    if (!(t.scale() > 0)) return node.InvalidModelError(std::string(slot) + " scale is 0");
    return Status::Ok();
  }

  Status PrepareQuantized(const NodeContext& node, const Tensor& input, Tensor& output) {
    const float in_scale = input.scale(), out_scale = output.scale();
    const int32_t in_zp = input.zero_point(), out_zp = output.zero_point();
    const bool is_int8 = input.type == DataType::kInt8;
    switch (op_) {
      case UnaryOp::kAbs: {
        abs_.input_zero_point = in_zp;
        abs_.output_zero_point = out_zp;
        abs_.range = quant::TypeRange(output.type);
        abs_.rounding = node.rounding;
        abs_.rescale = in_scale != out_scale;
        // LiteRT divides the scales in float, then widens.
        abs_.multiplier = quant::QuantizeMultiplier(static_cast<double>(in_scale / out_scale), node.rounding);
        if (abs_.rescale && abs_.multiplier.shift > 30) {
          return node.UnsupportedError("s_in/s_out = " + FormatScale(in_scale / out_scale) + " is out of range");
        }
        path_ = Path::kAbsQuantized;
        return Status::Ok();
      }
      case UnaryOp::kSqrt:
        sqrt_ = {in_scale, in_zp, out_scale, out_zp, quant::TypeRange(output.type)};
        path_ = Path::kSqrtQuantized;
        return Status::Ok();
      case UnaryOp::kRsqrt: {
        if (!is_int8) {
          // The table's value for inputs <= 0 is the largest output.
          const float ceiling = 32767 * out_scale;
          BuildTable16(RsqrtOrCeiling, &ceiling, in_scale, in_zp, out_scale, out_zp);
          return Status::Ok();
        }
        // 1 / (sqrt(s_in)·s_out): sqrt and product in float, the reciprocal in double.
        const float root_times_scale = std::sqrt(in_scale) * out_scale;
        rsqrt_.multiplier = quant::QuantizeMultiplier(1.0 / static_cast<double>(root_times_scale), node.rounding);
        if (rsqrt_.multiplier.shift > 30 || rsqrt_.multiplier.shift < -31 + 20) {
          return node.UnsupportedError("1/(sqrt(s_in)·s_out) = " + FormatScale(1.0f / root_times_scale) + " is out of range");
        }
        rsqrt_.input_zero_point = in_zp;
        rsqrt_.output_zero_point = out_zp;
        rsqrt_.rounding = node.rounding;
        path_ = Path::kRsqrtInt8;
        return Status::Ok();
      }
      case UnaryOp::kExp:
        if (input.quant.per_channel() || output.quant.per_channel()) {
          // LiteRT reads the legacy per-tensor scale, which is 0 for these.
          return node.UnsupportedError("per-channel quantization (LiteRT builds its table from scale 0)");
        }
        if (is_int8) {
          table8_ = quant::BuildLookupTableInt8(in_scale, in_zp, out_scale, out_zp, Exp, nullptr, /*is_uint8=*/false);
          path_ = Path::kTable8;
        } else {
          BuildTable16(Exp, nullptr, in_scale, in_zp, out_scale, out_zp);
        }
        return Status::Ok();
      case UnaryOp::kLog: {
        // log of inputs <= 0 is the smallest output value.
        const float floor_value = static_cast<float>((is_int8 ? -128 : -32768) - out_zp) * out_scale;
        if (is_int8) {
          table8_ = quant::BuildLookupTableInt8(in_scale, in_zp, out_scale, out_zp, LogOrFloor, &floor_value,
                                                 /*is_uint8=*/false);
          path_ = Path::kTable8;
        } else {
          BuildTable16(LogOrFloor, &floor_value, in_scale, in_zp, out_scale, out_zp);
        }
        return Status::Ok();
      }
      default:
        break;
    }
    return node.UnsupportedError(std::string(DataTypeName(input.type)) + " input");
  }

  // LiteRT's LUTPopulate<int16_t>: the table spans the whole int16 input range.
  void BuildTable16(float (*fn)(float, const void*), const float* param, float in_scale, int32_t in_zp, float out_scale,
                    int32_t out_zp) {
    quant::BuildInt16Lut(fn, param, in_scale * static_cast<float>(-32768 - in_zp), in_scale * static_cast<float>(32767 - in_zp),
                         out_scale * static_cast<float>(-32768 - out_zp), out_scale * static_cast<float>(32767 - out_zp),
                         table16_.data());
    path_ = Path::kTable16;
  }

  Status EvalFloat16(const Tensor& input, Tensor& output) const {
    const uint16_t* x = input.data<uint16_t>();
    uint16_t* y = output.data<uint16_t>();
    const int64_t n = input.element_count();
    const UnaryOp op = op_;
    if (op == UnaryOp::kNeg) {
      for (int64_t i = 0; i < n; ++i) y[i] = math::NegateHalf(x[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) y[i] = math::ApplyToHalf(x[i], [op](float v) { return FloatFunction(op, v); });
    }
    return Status::Ok();
  }

  Status EvalInteger(const NodeContext& node, const Tensor& input, Tensor& output) const {
    switch (op_) {
      case UnaryOp::kNeg:
        switch (input.type) {
          case DataType::kInt8: Map<int8_t>(input, output, math::WrappingNegate<int8_t>); break;
          case DataType::kInt16: Map<int16_t>(input, output, math::WrappingNegate<int16_t>); break;
          case DataType::kInt32: Map<int32_t>(input, output, math::WrappingNegate<int32_t>); break;
          default: Map<int64_t>(input, output, math::WrappingNegate<int64_t>); break;
        }
        return Status::Ok();
      case UnaryOp::kAbs:
        if (input.type == DataType::kInt16) {
          Map<int16_t>(input, output, math::WrappingAbs<int16_t>);
        } else {
          Map<int32_t>(input, output, math::WrappingAbs<int32_t>);
        }
        return Status::Ok();
      case UnaryOp::kSign: Map<int32_t>(input, output, math::Sign<int32_t>); return Status::Ok();
      default: return node.RuntimeFailure("unexpected integer input");
    }
  }

  template <typename T>
  static Status CheckNonNegative(const NodeContext& node, const Tensor& input, int32_t zero_point, const char* message) {
    const T* x = input.data<T>();
    const int64_t n = input.element_count();
    for (int64_t i = 0; i < n; ++i) {
      if (x[i] < zero_point) return node.RuntimeFailure(message);
    }
    return Status::Ok();
  }

  template <typename T>
  Status EvalSqrtQuantized(const NodeContext& node, const Tensor& input, Tensor& output) const {
    const T* x = input.data<T>();
    T* y = output.data<T>();
    const int64_t n = input.element_count();
    for (int64_t i = 0; i < n; ++i) {
      const float dequantized = math::SqrtDequantized(sqrt_, x[i]);
      if (!(dequantized >= 0.0f)) return node.RuntimeFailure(kSqrtNegative);
      y[i] = static_cast<T>(math::SqrtQuantized(sqrt_, dequantized));
    }
    return Status::Ok();
  }

  UnaryOp op_;
  Path path_ = Path::kFloat32;
  std::array<uint8_t, 256> table8_{};
  std::array<int16_t, quant::kInt16LutSize> table16_{};
  math::AbsQuantizedParams abs_;
  math::RsqrtInt8Params rsqrt_;
  math::SqrtQuantizedParams sqrt_;
};

}  // namespace

std::unique_ptr<Kernel> CreateAbsKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kAbs); }
std::unique_ptr<Kernel> CreateNegKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kNeg); }
std::unique_ptr<Kernel> CreateSquareKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kSquare); }
std::unique_ptr<Kernel> CreateSqrtKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kSqrt); }
std::unique_ptr<Kernel> CreateRsqrtKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRsqrt); }
std::unique_ptr<Kernel> CreateExpKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kExp); }
std::unique_ptr<Kernel> CreateLogKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kLog); }
std::unique_ptr<Kernel> CreateSinKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kSin); }
std::unique_ptr<Kernel> CreateCosKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kCos); }
std::unique_ptr<Kernel> CreateFloorKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kFloor); }
std::unique_ptr<Kernel> CreateCeilKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kCeil); }
std::unique_ptr<Kernel> CreateRoundKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kRound); }
std::unique_ptr<Kernel> CreateSignKernel() { return std::make_unique<UnaryKernel>(UnaryOp::kSign); }

}  // namespace tfldbg
