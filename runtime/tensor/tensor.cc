#include "tensor/tensor.h"


#include "quant/quantize.h"

namespace tfldbg {

const char* TensorKindName(TensorKind kind) {
  switch (kind) {
    case TensorKind::kIntermediate: return "intermediate";
    case TensorKind::kInput: return "input";
    case TensorKind::kOutput: return "output";
    case TensorKind::kConstant: return "constant";
    case TensorKind::kVariable: return "variable";
  }
  return "unknown";
}

int64_t Tensor::IntegerAt(int64_t i) const {
  switch (type) {
    case DataType::kInt8: return data<int8_t>()[i];
    case DataType::kUInt8: return data<uint8_t>()[i];
    case DataType::kBool: return data<uint8_t>()[i] != 0;
    case DataType::kInt16: return data<int16_t>()[i];
    case DataType::kUInt16: return data<uint16_t>()[i];
    case DataType::kInt32: return data<int32_t>()[i];
    case DataType::kUInt32: return data<uint32_t>()[i];
    case DataType::kInt64: return data<int64_t>()[i];
    case DataType::kUInt64: return static_cast<int64_t>(data<uint64_t>()[i]);
    default: return 0;
  }
}

void Tensor::SetIntegerAt(int64_t i, int64_t v) {
  switch (type) {
    case DataType::kInt8: data<int8_t>()[i] = static_cast<int8_t>(v); break;
    case DataType::kUInt8: data<uint8_t>()[i] = static_cast<uint8_t>(v); break;
    case DataType::kBool: data<uint8_t>()[i] = v != 0; break;
    case DataType::kInt16: data<int16_t>()[i] = static_cast<int16_t>(v); break;
    case DataType::kUInt16: data<uint16_t>()[i] = static_cast<uint16_t>(v); break;
    case DataType::kInt32: data<int32_t>()[i] = static_cast<int32_t>(v); break;
    case DataType::kUInt32: data<uint32_t>()[i] = static_cast<uint32_t>(v); break;
    case DataType::kInt64: data<int64_t>()[i] = v; break;
    case DataType::kUInt64: data<uint64_t>()[i] = static_cast<uint64_t>(v); break;
    default: break;
  }
}

double Tensor::ValueAt(int64_t i) const {
  switch (type) {
    case DataType::kFloat32: return data<float>()[i];
    case DataType::kFloat64: return data<double>()[i];
    case DataType::kFloat16: return math::HalfToFloat(data<uint16_t>()[i]);
    case DataType::kUInt64: return static_cast<double>(data<uint64_t>()[i]);
    default: return static_cast<double>(IntegerAt(i));
  }
}

std::string ShapeToString(const std::vector<int32_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string DescribeTypeAndShape(const Tensor& tensor) {
  return std::string(DataTypeName(tensor.type)) + ShapeToString(tensor.shape);
}

}  // namespace tfldbg
