// Tensor element types, with the facts every layer needs about them.
//
// The numbering equals the .tflite TensorType enum, so a value read from a
// model converts with a cast after DataTypeFromModel() has checked the range.
//
//   DataType t = DataType::kInt8;
//   DataTypeName(t);          // "int8"
//   DataTypeBits(t);          // 8
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tfldbg/export.h"

namespace tfldbg {

enum class DataType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUInt64 = 12,
  kResource = 13,
  kVariant = 14,
  kUInt32 = 15,
  kUInt16 = 16,
  kInt4 = 17,
  kBFloat16 = 18,
  kInt2 = 19,
  kUInt4 = 20,
  kFloat8E4M3FN = 21,
  kFloat8E5M2 = 22,
};

// Returns the type for a TensorType value, or nullopt when the value is unknown.
TFLDBG_EXPORT std::optional<DataType> DataTypeFromModel(int value);

// Lower-case numpy-style name: "float32", "int8", "string", ...
TFLDBG_EXPORT const char* DataTypeName(DataType type);

// Bits per element in a dense buffer (4 for int4, 2 for int2); 0 for types whose
// size is not fixed (string, resource, variant).
TFLDBG_EXPORT int DataTypeBits(DataType type);

// Bytes of a dense buffer of `elements` elements (sub-byte types are packed),
// or nullopt when the type has no fixed size.
TFLDBG_EXPORT std::optional<uint64_t> DenseByteSize(DataType type, uint64_t elements);

// The numpy .npy "descr" for the type as tfldbg stores it ("<f4", "|i1", ...);
// empty when the type cannot be stored as a plain numpy array.
TFLDBG_EXPORT std::string NumpyDescr(DataType type);

TFLDBG_EXPORT bool IsQuantizedIntegerType(DataType type);  // int4, int8, uint8, int16

}  // namespace tfldbg
