// QUANTIZE (float -> int8/uint8/int16, and integer requantization) and
// DEQUANTIZE (int8/uint8/int16 per-tensor or per-channel, float16 -> float32),
// as LiteRT's reference kernels compute them.
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;

int32_t ReadInt(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kInt8: return t.data<int8_t>()[i];
    case DataType::kUInt8: return t.data<uint8_t>()[i];
    case DataType::kInt16: return t.data<int16_t>()[i];
    default: return 0;
  }
}

void WriteInt(Tensor& t, int64_t i, int32_t v) {
  switch (t.type) {
    case DataType::kInt8: t.data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DataType::kUInt8: t.data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DataType::kInt16: t.data<int16_t>()[i] = static_cast<int16_t>(v); break;
    default: break;
  }
}

class QuantizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt8, DataType::kUInt8, DataType::kInt16}));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (output.quant.empty() || !(output.scale() > 0)) return node.InvalidModelError("the output needs a positive scale");
    if (output.quant.per_channel()) return node.UnsupportedError("per-channel QUANTIZE output is not supported");
    range_ = quant::TypeRange(output.type);
    if (input.type != DataType::kFloat32) {
      if (input.quant.empty() || !(input.scale() > 0)) return node.InvalidModelError("the input needs a positive scale");
      requant_ = quant::QuantizeMultiplier(static_cast<double>(input.scale()) / static_cast<double>(output.scale()), node.rounding);
      if (requant_.shift > 30 || requant_.shift < -31) return node.UnsupportedError("the requantization scale is out of range");
      rounding_ = node.rounding;
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int64_t n = input.element_count();
    const int32_t zp = output.zero_point();
    if (input.type == DataType::kFloat32) {
      // LiteRT's AffineQuantize divides by the scale held as a double.
      const double scale = output.scale();
      const float* x = input.data<float>();
      for (int64_t i = 0; i < n; ++i) {
        double q = std::round(static_cast<double>(x[i]) / scale);
        q = std::min(std::max(q, -2147483648.0), 2147483647.0);  // NaN stays NaN
        int32_t v = std::isnan(q) ? 0 : static_cast<int32_t>(q);
        v = quant::WrappingAdd(v, zp);
        WriteInt(output, i, std::min(std::max(v, range_.min), range_.max));
      }
      return Status::Ok();
    }
    const int32_t in_zp = input.zero_point();
    for (int64_t i = 0; i < n; ++i) {
      const int32_t v = quant::WrappingAdd(
          quant::MultiplyByQuantizedMultiplier(ReadInt(input, i) - in_zp, requant_, rounding_), zp);
      WriteInt(output, i, std::min(std::max(v, range_.min), range_.max));
    }
    return Status::Ok();
  }

 private:
  quant::IntRange range_;
  quant::QuantizedMultiplier requant_;
  quant::RoundingMode rounding_ = quant::RoundingMode::kDouble;
};

// IEEE half to float, exactly.
float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3FFu) << 13;
    }
  } else if (exponent == 31) {
    bits = sign | 0x7F800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

class DequantizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kInt8, DataType::kUInt8, DataType::kInt16, DataType::kFloat16}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    if (input.type == DataType::kFloat16) return Status::Ok();
    if (input.quant.empty()) return node.InvalidModelError("the input needs scales and zero points");
    if (input.quant.per_channel()) {
      axis_ = input.quant.quantized_dimension;
      if (axis_ < 0 || axis_ >= input.rank() || input.dim(axis_) != static_cast<int32_t>(input.quant.scale.size())) {
        return node.InvalidModelError("per-channel scales do not match dimension " + std::to_string(axis_));
      }
      inner_ = 1;
      for (int d = axis_ + 1; d < input.rank(); ++d) inner_ *= input.dim(d);
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    float* y = output.data<float>();
    const int64_t n = input.element_count();
    if (input.type == DataType::kFloat16) {
      const uint8_t* raw = input.bytes;
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, raw + 2 * i, 2);
        y[i] = HalfToFloat(h);
      }
      return Status::Ok();
    }
    if (!input.quant.per_channel()) {
      // LiteRT: static_cast<float>(double(scale) * (q - zero_point)).
      const double scale = input.scale();
      const int32_t zp = input.zero_point();
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(scale * (ReadInt(input, i) - zp));
      return Status::Ok();
    }
    const int64_t channels = input.dim(axis_);
    for (int64_t i = 0; i < n; ++i) {
      const size_t c = static_cast<size_t>((i / inner_) % channels);
      y[i] = static_cast<float>(ReadInt(input, i) - static_cast<int32_t>(input.quant.zero_point[c])) * input.quant.scale[c];
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
  int64_t inner_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> CreateQuantizeKernel() { return std::make_unique<QuantizeKernel>(); }
std::unique_ptr<Kernel> CreateDequantizeKernel() { return std::make_unique<DequantizeKernel>(); }

}  // namespace tfldbg
