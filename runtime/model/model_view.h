// A verified, read-only view of a .tflite model.
//
// Loading runs the flatbuffers Verifier and then tfldbg's semantic checks, so
// code that holds a ModelView may index tensors, buffers, operator codes and
// subgraphs without checking ranges again. Every refusal names the file and
// the place (subgraph, operator, tensor) and the offending value.
//
//   Result<ModelView> view = ModelView::LoadFile("model.tflite");
//   if (!view.ok()) return view.status();
//   for (int s = 0; s < view->subgraph_count(); ++s) { ... view->subgraph(s) ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tfldbg/dtype.h"
#include "tfldbg/status.h"
#include "model/mapped_file.h"
#include "tflite_generated.h"

namespace tfldbg {

// A non-owning view of constant bytes inside the model.
struct ByteView {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool empty() const { return size == 0; }
};

// Quantization parameters of one tensor, copied out of the flatbuffer.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  bool has_details = false;  // custom/blockwise details override the arrays
  bool empty() const { return scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
};

// Returns the number of elements of a vector that may be absent (null).
template <typename V>
inline uint32_t SizeOf(const V* v) {
  return v == nullptr ? 0u : v->size();
}

class ModelView {
 public:
  static Result<ModelView> LoadFile(const std::string& path);
  static Result<ModelView> LoadBytes(std::vector<uint8_t> bytes, std::string origin = "<memory>");
  static Result<ModelView> FromBytes(std::shared_ptr<const ModelBytes> bytes, std::string origin);

  const tflite::Model& model() const { return *model_; }
  const std::string& origin() const { return origin_; }
  const uint8_t* file_data() const { return bytes_->data(); }
  size_t file_size() const { return bytes_->size(); }

  int subgraph_count() const { return static_cast<int>(SizeOf(model_->subgraphs())); }
  const tflite::SubGraph& subgraph(int index) const { return *model_->subgraphs()->Get(index); }
  const tflite::Tensor& tensor(int subgraph, int tensor) const {
    return *this->subgraph(subgraph).tensors()->Get(tensor);
  }
  const tflite::Operator& op(int subgraph, int op) const {
    return *this->subgraph(subgraph).operators()->Get(op);
  }

  // The operator's builtin code with the "127 rule" applied: the larger of the
  // deprecated int8 code and the int32 code.
  int32_t BuiltinCode(uint32_t opcode_index) const;
  bool IsCustom(uint32_t opcode_index) const;
  // "CONV_2D", or for custom ops their custom_code ("TFLite_Detection_PostProcess").
  std::string OpName(uint32_t opcode_index) const;
  int32_t OpVersion(uint32_t opcode_index) const;

  // Constant data of a buffer, inline or stored after the flatbuffer at an
  // absolute file offset. Empty when the buffer holds nothing.
  ByteView BufferData(uint32_t buffer_index) const;
  // The tensor's constant data (empty for activations).
  ByteView TensorData(int subgraph, int tensor) const;

  DataType TensorType(int subgraph, int tensor) const;
  std::vector<int32_t> TensorShape(int subgraph, int tensor) const;
  QuantParams TensorQuant(int subgraph, int tensor) const;
  std::string TensorName(int subgraph, int tensor) const;
  bool TensorIsSparse(int subgraph, int tensor) const;

  // "subgraph 0, operator 12 (CONV_2D)" — the prefix of every error about an operator.
  std::string DescribeOperator(int subgraph, int op) const;
  // "subgraph 0, tensor 7 'conv1/Relu'"
  std::string DescribeTensor(int subgraph, int tensor) const;

 private:
  ModelView() = default;
  Status Check() const;

  std::shared_ptr<const ModelBytes> bytes_;
  const tflite::Model* model_ = nullptr;
  std::string origin_;
};

// The quantized dimension tfldbg uses: the stored one, except that a rank-1
// tensor with one scale per element gets axis 0 whatever the file says.
int32_t EffectiveQuantizedDimension(int32_t axis, const std::vector<int32_t>& shape, size_t scale_count);

// Product of the dimensions, or nullopt on a negative dimension or overflow past 2^62.
std::optional<uint64_t> ElementCount(const std::vector<int32_t>& shape);

}  // namespace tfldbg
