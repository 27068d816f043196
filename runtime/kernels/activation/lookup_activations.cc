// ELU and GELU: elementwise in float; quantized through the lookup tables
// LiteRT builds in Prepare (LUTPopulate): 256 entries for int8/uint8 indexed
// by the raw byte, 513 interpolated entries for int16.
//
// ELU: float32 and int8, as LiteRT's only ELU kernel computes them. LiteRT's
// reference resolver has no ELU at all (BUILTIN_REF refuses the model), so
// the node is marked as computing LiteRT's optimized arithmetic
// (docs/litert-defects.md). GELU: float32, int8, uint8, int16 (one kernel in
// both resolvers), exact (erfc) or tanh-approximate.
#include <array>
#include <cmath>

#include "kernels/kernel.h"
#include "quant/int16_lut.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutput = 0;

// The functions LiteRT evaluates, in float, in its order of operations.
float EluTransform(float x) { return x < 0.0f ? std::expm1(x) : x; }

// sqrt(2/pi), computed in double and stored as float, as LiteRT's kSqrt2dPi.
constexpr float kSqrt2OverPi = static_cast<float>(M_2_SQRTPI * M_SQRT1_2);

// 0.5·x·erfc(-x/sqrt(2)): LiteRT's GeluTransform (erfc avoids the
// cancellation of 1 + erf for large negative x).
float GeluExact(float x) { return 0.5f * x * std::erfc(x * static_cast<float>(-M_SQRT1_2)); }
// 0.5·x·(1 + tanh(sqrt(2/pi)·(x + 0.044715·x³))): GeluTransformApproximate.
float GeluApproximate(float x) {
  return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}

class LookupActivationKernel : public Kernel {
 public:
  // ELU when `gelu` is false.
  explicit LookupActivationKernel(bool gelu) : gelu_(gelu) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    if (gelu_) {
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
      const auto* o = node.options<tflite::GeluOptions>();
      fn_ = o != nullptr && o->approximate() ? &GeluApproximate : &GeluExact;
    } else {
      // LiteRT's ELU kernel fails uint8 and int16 at Invoke.
      TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8}));
      fn_ = &EluTransform;
      node.litert_optimized = true;  // BUILTIN_REF has no ELU
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat32) return Status::Ok();
    if (input.quant.empty() || output.quant.empty() || !(input.scale() > 0) || !(output.scale() > 0) ||
        !std::isfinite(input.scale()) || !std::isfinite(output.scale())) {
      return node.InvalidModelError("quantized " + node.op_name + " needs positive finite scales on input and output");
    }
    if (input.type == DataType::kInt16) {
      // LUTPopulate<int16_t>: the table spans the whole int16 input range in
      // float (scale times the integer distance to the zero point).
      const float in_min = input.scale() * static_cast<float>(-32768 - input.zero_point());
      const float in_max = input.scale() * static_cast<float>(32767 - input.zero_point());
      const float out_min = output.scale() * static_cast<float>(-32768 - output.zero_point());
      const float out_max = output.scale() * static_cast<float>(32767 - output.zero_point());
      quant::BuildInt16Lut(fn_, in_min, in_max, out_min, out_max, table16_.data());
      return Status::Ok();
    }
    table8_ = quant::BuildLookupTableInt8(input.scale(), input.zero_point(), output.scale(), output.zero_point(), fn_,
                                          input.type == DataType::kUInt8);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    const int64_t n = input.element_count();
    switch (input.type) {
      case DataType::kFloat32: {
        const float* x = input.data<float>();
        float* y = output.data<float>();
        for (int64_t i = 0; i < n; ++i) y[i] = fn_(x[i]);
        return Status::Ok();
      }
      case DataType::kInt16: {
        const int16_t* x = input.data<int16_t>();
        int16_t* y = output.data<int16_t>();
        for (int64_t i = 0; i < n; ++i) y[i] = quant::Int16LutLookup(x[i], table16_.data());
        return Status::Ok();
      }
      default: {  // int8, uint8: entries hold the output's raw byte, indexed by the input's
        const uint8_t* x = input.bytes;
        uint8_t* y = output.bytes;
        for (int64_t i = 0; i < n; ++i) y[i] = table8_[x[i]];
        return Status::Ok();
      }
    }
  }

 private:
  bool gelu_;
  float (*fn_)(float) = &EluTransform;
  std::array<uint8_t, 256> table8_{};
  std::array<int16_t, quant::kInt16LutSize> table16_{};
};

}  // namespace

std::unique_ptr<Kernel> CreateEluKernel() { return std::make_unique<LookupActivationKernel>(false); }
std::unique_ptr<Kernel> CreateGeluKernel() { return std::make_unique<LookupActivationKernel>(true); }

}  // namespace tfldbg
