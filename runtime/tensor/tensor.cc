#include "tensor/tensor.h"

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
