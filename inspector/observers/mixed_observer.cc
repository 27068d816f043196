#include "observers/mixed_observer.h"

#include <cstring>

#include "interpreter/float_shadow.h"
#include "observers/shadow_observer.h"

namespace tfldbg {

void MixedObserver::Attach(Engine& quantized) {
  quantized_ = &quantized;
  // The model's own borders follow their neighbours: a float -> integer QUANTIZE
  // and an integer -> float DEQUANTIZE run as the shadow's copies, so a float
  // node next to them reads or leaves float values (as a converter would drop
  // them there), and a quantized node quantizes what they pass with the same
  // parameters and arithmetic as the QUANTIZE kernel (DEQUANTIZE likewise).
  for (int i = 0; i < quantized.node_count(); ++i) {
    const NodeContext& n = quantized.node(i);
    const Tensor* in = n.inputs.empty() ? nullptr : n.inputs[0];
    const Tensor* out = n.outputs.empty() ? nullptr : n.outputs[0];
    if (in == nullptr || out == nullptr || in->is_constant()) continue;
    const bool quantize = n.op_name == "QUANTIZE" && in->type == DataType::kFloat32 && out->type != DataType::kFloat32;
    const bool dequantize = n.op_name == "DEQUANTIZE" && in->type != DataType::kFloat32 && out->type == DataType::kFloat32;
    if (quantize || dequantize) float_nodes_.insert(n.op_index);
  }
  Reset();
}

void MixedObserver::Reset() { float_.assign(shadow_.tensors().size(), false); }

// Quantized nodes read quantized values: what a float node left is quantized
// with the tensor's own parameters first (the converter's QUANTIZE).
Status MixedObserver::BeforeNode(int step, const NodeContext& node) {
  (void)step;
  if (float_nodes_.count(node.op_index) != 0) return Status::Ok();
  for (Tensor* to : node.inputs) {
    if (to == nullptr || to->is_constant() || !float_[static_cast<size_t>(to->index)]) continue;
    const Tensor& from = shadow_.tensors()[static_cast<size_t>(to->index)];
    if (from.type == DataType::kFloat32 && to->type != DataType::kFloat32) {
      if (from.element_count() != to->element_count()) {
        return RuntimeError(node.Describe() + ": the float value of tensor " + std::to_string(to->index) + " has shape " +
                            ShapeToString(from.shape) + ", the quantized run's " + ShapeToString(to->shape));
      }
      TFLDBG_RETURN_IF_ERROR(QuantizeIntoTensor(from.data<float>(), *to).WithContext(node.Describe()));
    } else if (from.type == DataType::kString && to->type == DataType::kString) {
      AssignPackedStrings(*to, from.bytes, from.byte_size);
    } else if (from.type == to->type && from.byte_size == to->byte_size) {
      if (from.byte_size > 0) std::memcpy(to->bytes, from.bytes, from.byte_size);
    } else {
      return RuntimeError(node.Describe() + ": tensor " + std::to_string(to->index) + " is " + DataTypeName(from.type) +
                          " in the float shadow and " + DataTypeName(to->type) + " in the quantized run");
    }
  }
  return Status::Ok();
}

// After the quantized kernel ran: a float node runs again in the shadow on its
// inputs' float values (quantized ones dequantized: the converter's
// DEQUANTIZE), and its outputs' values are the shadow's from then on.
Status MixedObserver::AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) {
  (void)step;
  (void)elapsed_ns;
  const bool in_float = float_nodes_.count(node.op_index) != 0;
  if (!in_float) {
    for (const Tensor* t : node.outputs) {
      if (t != nullptr) float_[static_cast<size_t>(t->index)] = false;
    }
    return Status::Ok();
  }
  for (const Tensor* from : node.inputs) {
    if (from == nullptr || from->is_constant() || float_[static_cast<size_t>(from->index)]) continue;
    TFLDBG_RETURN_IF_ERROR(FeedShadowTensor(node, *from, shadow_.tensors()[static_cast<size_t>(from->index)]));
  }
  TFLDBG_RETURN_IF_ERROR(shadow_.InvokeNode(node.op_index).WithContext("the float shadow"));
  for (const Tensor* t : node.outputs) {
    if (t != nullptr) float_[static_cast<size_t>(t->index)] = true;
  }
  return Status::Ok();
}

Status MixedObserver::ValueAsFloat(int tensor, std::vector<float>* out) const {
  const bool in_float = float_[static_cast<size_t>(tensor)];
  const Tensor& t = (in_float ? shadow_ : *quantized_).tensors()[static_cast<size_t>(tensor)];
  out->assign(static_cast<size_t>(t.element_count()), 0.0f);
  if (t.type == DataType::kFloat32 || t.type == DataType::kFloat16 || !t.quant.empty()) return DequantizeTensor(t, out->data());
  for (int64_t i = 0; i < t.element_count(); ++i) (*out)[static_cast<size_t>(i)] = static_cast<float>(t.ValueAt(i));
  return Status::Ok();
}

}  // namespace tfldbg
