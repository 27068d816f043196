#include "tensor/tensor.h"


#include <cstring>

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

namespace tfldbg {
namespace {
int32_t ReadI32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
}  // namespace

bool ValidStringBuffer(const uint8_t* bytes, size_t size) {
  if (bytes == nullptr || size < 4) return false;
  const int32_t count = ReadI32(bytes);
  if (count < 0 || 4 * (static_cast<uint64_t>(count) + 2) > size) return false;
  int64_t previous = 4 * (static_cast<int64_t>(count) + 2);
  for (int32_t i = 0; i <= count; ++i) {
    const int64_t off = ReadI32(bytes + 4 + 4 * static_cast<size_t>(i));
    if (off < previous || off > static_cast<int64_t>(size)) return false;
    previous = off;
  }
  return true;
}

int32_t StringCount(const Tensor& tensor) {
  if (tensor.bytes == nullptr || tensor.byte_size < 4) return 0;
  return ReadI32(tensor.bytes);
}

std::string_view StringAt(const Tensor& tensor, int64_t i) {
  if (i < 0 || i >= StringCount(tensor)) return {};
  const int32_t begin = ReadI32(tensor.bytes + 4 + 4 * static_cast<size_t>(i));
  const int32_t end = ReadI32(tensor.bytes + 8 + 4 * static_cast<size_t>(i));
  return {reinterpret_cast<const char*>(tensor.bytes) + begin, static_cast<size_t>(end - begin)};
}

std::vector<uint8_t> PackStrings(const std::vector<std::string_view>& strings) {
  size_t total = 4 * (strings.size() + 2);
  for (std::string_view s : strings) total += s.size();
  std::vector<uint8_t> out(total);
  auto put = [&](size_t pos, int32_t v) { std::memcpy(out.data() + pos, &v, sizeof(v)); };
  put(0, static_cast<int32_t>(strings.size()));
  size_t offset = 4 * (strings.size() + 2);
  for (size_t i = 0; i < strings.size(); ++i) {
    put(4 + 4 * i, static_cast<int32_t>(offset));
    if (!strings[i].empty()) std::memcpy(out.data() + offset, strings[i].data(), strings[i].size());
    offset += strings[i].size();
  }
  put(4 + 4 * strings.size(), static_cast<int32_t>(offset));
  return out;
}

void AssignPackedStrings(Tensor& tensor, const uint8_t* bytes, size_t size) {
  if (bytes == tensor.bytes) return;
  std::vector<uint8_t> copy(bytes, bytes + size);
  tensor.dynamic_storage = std::move(copy);
  tensor.bytes = tensor.dynamic_storage.data();
  tensor.byte_size = tensor.dynamic_storage.size();
}

void SetStrings(Tensor& tensor, const std::vector<std::string_view>& strings) {
  // The strings may point into the tensor's own storage: pack first.
  std::vector<uint8_t> packed = PackStrings(strings);
  tensor.dynamic_storage = std::move(packed);
  tensor.bytes = tensor.dynamic_storage.data();
  tensor.byte_size = tensor.dynamic_storage.size();
}

}  // namespace tfldbg
