// A tensor as the interpreter and kernels see it: type, shape, quantization
// and a pointer to its bytes (the arena for activations, the model file for
// constants, owned storage for densified or converted constants).
//
//   const float* x = input.data<float>();
//   int64_t n = input.element_count();
//   int32_t channels = input.dim(3);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tfldbg/dtype.h"
#include "model/model_view.h"
#include "model/sparsity.h"

namespace tfldbg {

enum class TensorKind { kIntermediate, kInput, kOutput, kConstant, kVariable };
const char* TensorKindName(TensorKind kind);

struct Tensor {
  int index = -1;  // index in its subgraph
  std::string name;
  DataType type = DataType::kFloat32;
  std::vector<int32_t> shape;
  QuantParams quant;
  TensorKind kind = TensorKind::kIntermediate;

  uint8_t* bytes = nullptr;  // constants point into the read-only model: never write through them
  size_t byte_size = 0;

  // A tensor whose shape is known only at Invoke (it depends on values, or on
  // another dynamic tensor): kept out of the arena, sized and allocated in
  // dynamic_storage each time its producer runs.
  bool dynamic = false;
  std::vector<uint8_t> dynamic_storage;

  // A constant the model stores sparse: its levels in traversal order (empty
  // when dense). `bytes` holds the decoded dense tensor either way.
  std::vector<SparseLevel> sparse_levels;

  bool is_constant() const { return kind == TensorKind::kConstant; }
  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[static_cast<size_t>(i)]; }
  int64_t element_count() const {
    int64_t n = 1;
    for (int32_t d : shape) n *= d;
    return n;
  }
  // Per-tensor scale and zero point (the first entry when per-channel).
  float scale() const { return quant.scale.empty() ? 0.0f : quant.scale[0]; }
  int32_t zero_point() const { return quant.zero_point.empty() ? 0 : static_cast<int32_t>(quant.zero_point[0]); }

  template <typename T>
  T* data() { return reinterpret_cast<T*>(bytes); }
  template <typename T>
  const T* data() const { return reinterpret_cast<const T*>(bytes); }

  // Element i of an integer or bool tensor, widened; 0 for other types.
  // For code that handles several integer types alike (requantizing,
  // dequantizing, printing); kernels' inner loops use data<T>().
  int64_t IntegerAt(int64_t i) const;
  // Stores v at element i of an integer or bool tensor, truncated to its
  // type in two's complement (the caller clamps first where it must).
  void SetIntegerAt(int64_t i, int64_t v);
  // Element i as a double: float types and integers; 0 for other types.
  double ValueAt(int64_t i) const;
};

// String tensors hold LiteRT's packed form: int32 count N, N+1 int32 offsets
// (from the buffer's start), then the bytes of each string. Their size depends
// on the values, so they live outside the arena: every writer (a kernel, the
// input setter) replaces the whole buffer with SetStrings.
//
//   std::string_view s = StringAt(input, 3);
//   SetStrings(output, {"a", "", std::string("\0b", 2)});
int32_t StringCount(const Tensor& tensor);  // N, or 0 when the buffer holds none
std::string_view StringAt(const Tensor& tensor, int64_t i);  // "" past the end
// Packs `strings` into `tensor`'s own storage (dynamic_storage), pointing bytes at it.
void SetStrings(Tensor& tensor, const std::vector<std::string_view>& strings);
// Copies a packed buffer (another string tensor's bytes) into `tensor`'s own storage.
void AssignPackedStrings(Tensor& tensor, const uint8_t* bytes, size_t size);
// The packed form of `strings`.
std::vector<uint8_t> PackStrings(const std::vector<std::string_view>& strings);
// True when the bytes are a well-formed packed buffer (count, increasing
// offsets within the buffer).
bool ValidStringBuffer(const uint8_t* bytes, size_t size);

// "int8[1,8,8,16]" — used in error messages and logs.
std::string DescribeTypeAndShape(const Tensor& tensor);
std::string ShapeToString(const std::vector<int32_t>& shape);

}  // namespace tfldbg
