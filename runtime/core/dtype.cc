#include "tfldbg/dtype.h"

namespace tfldbg {

std::optional<DataType> DataTypeFromModel(int value) {
  if (value < 0 || value > static_cast<int>(DataType::kFloat8E5M2)) return std::nullopt;
  return static_cast<DataType>(value);
}

const char* DataTypeName(DataType type) {
  switch (type) {
    case DataType::kFloat32: return "float32";
    case DataType::kFloat16: return "float16";
    case DataType::kInt32: return "int32";
    case DataType::kUInt8: return "uint8";
    case DataType::kInt64: return "int64";
    case DataType::kString: return "string";
    case DataType::kBool: return "bool";
    case DataType::kInt16: return "int16";
    case DataType::kComplex64: return "complex64";
    case DataType::kInt8: return "int8";
    case DataType::kFloat64: return "float64";
    case DataType::kComplex128: return "complex128";
    case DataType::kUInt64: return "uint64";
    case DataType::kResource: return "resource";
    case DataType::kVariant: return "variant";
    case DataType::kUInt32: return "uint32";
    case DataType::kUInt16: return "uint16";
    case DataType::kInt4: return "int4";
    case DataType::kBFloat16: return "bfloat16";
    case DataType::kInt2: return "int2";
    case DataType::kUInt4: return "uint4";
    case DataType::kFloat8E4M3FN: return "float8_e4m3fn";
    case DataType::kFloat8E5M2: return "float8_e5m2";
  }
  return "unknown";
}

int DataTypeBits(DataType type) {
  switch (type) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kFloat8E4M3FN:
    case DataType::kFloat8E5M2: return 8;
    case DataType::kFloat16:
    case DataType::kBFloat16:
    case DataType::kInt16:
    case DataType::kUInt16: return 16;
    case DataType::kFloat32:
    case DataType::kInt32:
    case DataType::kUInt32: return 32;
    case DataType::kFloat64:
    case DataType::kInt64:
    case DataType::kUInt64:
    case DataType::kComplex64: return 64;
    case DataType::kComplex128: return 128;
    case DataType::kInt4:
    case DataType::kUInt4: return 4;
    case DataType::kInt2: return 2;
    case DataType::kString:
    case DataType::kResource:
    case DataType::kVariant: return 0;
  }
  return 0;
}

std::optional<uint64_t> DenseByteSize(DataType type, uint64_t elements) {
  const int bits = DataTypeBits(type);
  if (bits == 0) return std::nullopt;
  if (bits >= 8) {
    const uint64_t bytes_per = static_cast<uint64_t>(bits / 8);
    if (elements > UINT64_MAX / bytes_per) return std::nullopt;
    return elements * bytes_per;
  }
  const uint64_t per_byte = static_cast<uint64_t>(8 / bits);
  return elements / per_byte + (elements % per_byte != 0 ? 1 : 0);
}

std::string NumpyDescr(DataType type) {
  switch (type) {
    case DataType::kFloat32: return "<f4";
    case DataType::kFloat16: return "<f2";
    case DataType::kInt32: return "<i4";
    case DataType::kUInt8: return "|u1";
    case DataType::kInt64: return "<i8";
    case DataType::kBool: return "|b1";
    case DataType::kInt16: return "<i2";
    case DataType::kComplex64: return "<c8";
    case DataType::kInt8: return "|i1";
    case DataType::kFloat64: return "<f8";
    case DataType::kComplex128: return "<c16";
    case DataType::kUInt64: return "<u8";
    case DataType::kUInt32: return "<u4";
    case DataType::kUInt16: return "<u2";
    default: return "";
  }
}

bool IsQuantizedIntegerType(DataType type) {
  return type == DataType::kInt8 || type == DataType::kUInt8 || type == DataType::kInt16 ||
         type == DataType::kInt4;
}

}  // namespace tfldbg
