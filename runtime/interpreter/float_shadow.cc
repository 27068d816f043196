#include "interpreter/float_shadow.h"

#include <cstring>

#include "quant/fixed_point.h"
#include "quant/quantize.h"

namespace tfldbg {
namespace {

bool IsInteger(DataType type) {
  return type == DataType::kInt8 || type == DataType::kUInt8 || type == DataType::kInt16 || type == DataType::kInt32 ||
         type == DataType::kInt64;
}

}  // namespace

bool ShadowedAsFloat(const Tensor& tensor) {
  return tensor.type == DataType::kFloat16 || (IsInteger(tensor.type) && !tensor.quant.empty());
}

Status DequantizeTensor(const Tensor& t, float* out) {
  const int64_t n = t.element_count();
  if (t.bytes == nullptr && n > 0) return InvalidArgument("tensor " + std::to_string(t.index) + " has no data to dequantize");
  switch (t.type) {
    case DataType::kFloat32:
      if (n > 0) std::memcpy(out, t.bytes, static_cast<size_t>(n) * sizeof(float));
      return Status::Ok();
    case DataType::kFloat16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, t.bytes + 2 * i, 2);
        out[i] = math::HalfToFloat(h);
      }
      return Status::Ok();
    default:
      break;
  }
  if (!IsInteger(t.type) || t.quant.empty() || t.quant.zero_point.size() != t.quant.scale.size()) {
    return Unsupported("tensor " + std::to_string(t.index) + " '" + t.name + "' (" + DataTypeName(t.type) +
                       ") has no scales and zero points to dequantize with");
  }
  if (!t.quant.per_channel()) {
    const double scale = t.quant.scale[0];
    const int64_t zp = t.quant.zero_point[0];
    for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<double>(t.IntegerAt(i) - zp) * scale);
    return Status::Ok();
  }
  const int axis = t.quant.quantized_dimension;
  if (axis < 0 || axis >= t.rank() || t.dim(axis) != static_cast<int32_t>(t.quant.scale.size())) {
    return InvalidArgument("tensor " + std::to_string(t.index) + " '" + t.name + "': " + std::to_string(t.quant.scale.size()) +
                           " scales do not match dimension " + std::to_string(axis) + " of " + ShapeToString(t.shape));
  }
  int64_t inner = 1;
  for (int d = axis + 1; d < t.rank(); ++d) inner *= t.dim(d);
  const int64_t channels = t.dim(axis);
  for (int64_t i = 0; i < n; ++i) {
    const size_t c = static_cast<size_t>((i / inner) % channels);
    out[i] = static_cast<float>(static_cast<double>(t.IntegerAt(i) - t.quant.zero_point[c]) * t.quant.scale[c]);
  }
  return Status::Ok();
}

Status QuantizeIntoTensor(const float* in, Tensor& t) {
  const int64_t n = t.element_count();
  if (t.bytes == nullptr && n > 0) return InvalidArgument("tensor " + std::to_string(t.index) + " has no memory to quantize into");
  if (t.is_constant()) return InvalidArgument("tensor " + std::to_string(t.index) + " '" + t.name + "' is a constant");
  switch (t.type) {
    case DataType::kFloat32:
      if (n > 0) std::memcpy(t.bytes, in, static_cast<size_t>(n) * sizeof(float));
      return Status::Ok();
    case DataType::kFloat16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = math::FloatToHalf(in[i]);
        std::memcpy(t.bytes + 2 * i, &h, 2);
      }
      return Status::Ok();
    default:
      break;
  }
  if (!IsInteger(t.type) || t.type == DataType::kInt64 || t.quant.empty() ||
      t.quant.zero_point.size() != t.quant.scale.size()) {
    return Unsupported("tensor " + std::to_string(t.index) + " '" + t.name + "' (" + DataTypeName(t.type) +
                       ") has no scales and zero points to quantize with");
  }
  const quant::IntRange range = quant::TypeRange(t.type);
  if (!t.quant.per_channel()) {
    const float scale = t.quant.scale[0];
    const int32_t zp = static_cast<int32_t>(t.quant.zero_point[0]);
    for (int64_t i = 0; i < n; ++i) t.SetIntegerAt(i, math::AffineQuantize(in[i], scale, zp, range));
    return Status::Ok();
  }
  const int axis = t.quant.quantized_dimension;
  if (axis < 0 || axis >= t.rank() || t.dim(axis) != static_cast<int32_t>(t.quant.scale.size())) {
    return InvalidArgument("tensor " + std::to_string(t.index) + " '" + t.name + "': " + std::to_string(t.quant.scale.size()) +
                           " scales do not match dimension " + std::to_string(axis) + " of " + ShapeToString(t.shape));
  }
  int64_t inner = 1;
  for (int d = axis + 1; d < t.rank(); ++d) inner *= t.dim(d);
  const int64_t channels = t.dim(axis);
  for (int64_t i = 0; i < n; ++i) {
    const size_t c = static_cast<size_t>((i / inner) % channels);
    t.SetIntegerAt(i, math::AffineQuantize(in[i], t.quant.scale[c], static_cast<int32_t>(t.quant.zero_point[c]), range));
  }
  return Status::Ok();
}

}  // namespace tfldbg
