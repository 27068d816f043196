#include "observers/shadow_observer.h"

#include <cstring>

#include "interpreter/float_shadow.h"

namespace tfldbg {

// Gives the float shadow's tensor `to` the quantized run's value of `from`:
// dequantized where the shadow holds float32, else copied (strings repacked).
Status FeedShadowTensor(const NodeContext& node, const Tensor& from, Tensor& to) {
  if (to.type == DataType::kFloat32 && from.type != DataType::kFloat32) {
    if (to.element_count() != from.element_count()) {
      return RuntimeError(node.Describe() + ": the shadow's tensor " + std::to_string(from.index) + " has shape " +
                          ShapeToString(to.shape) + ", the quantized run's " + ShapeToString(from.shape));
    }
    return DequantizeTensor(from, to.data<float>()).WithContext(node.Describe());
  }
  if (to.type == DataType::kString && from.type == DataType::kString) {
    AssignPackedStrings(to, from.bytes, from.byte_size);
  } else if (to.type == from.type && to.byte_size == from.byte_size) {
    if (from.byte_size > 0) std::memcpy(to.bytes, from.bytes, from.byte_size);
  } else {
    return RuntimeError(node.Describe() + ": tensor " + std::to_string(from.index) + " is " + DataTypeName(from.type) +
                        " in the quantized run and " + DataTypeName(to.type) + " in its float shadow");
  }
  return Status::Ok();
}

Status ShadowObserver::AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) {
  (void)step;
  (void)elapsed_ns;
  for (const Tensor* from : node.inputs) {
    if (from == nullptr || from->is_constant()) continue;  // the shadow has its own (dequantized) constants
    TFLDBG_RETURN_IF_ERROR(FeedShadowTensor(node, *from, shadow_.tensors()[static_cast<size_t>(from->index)]));
  }
  return shadow_.InvokeNode(node.op_index);
}

bool ObserverFanOut::WantsNode(const NodeContext& node) {
  std::vector<bool>& wants = wants_[{node.subgraph, node.op_index}];
  wants.clear();
  bool any = false;
  for (NodeObserver* o : observers_) {
    wants.push_back(o->WantsNode(node));
    any = any || wants.back();
  }
  return any;
}

bool ObserverFanOut::KeepsTensor(int subgraph, int tensor) {
  bool any = false;
  for (NodeObserver* o : observers_) any = o->KeepsTensor(subgraph, tensor) || any;  // ask every one
  return any;
}

Status ObserverFanOut::Label(size_t observer, Status status) {
  if (status.ok()) return status;
  observer_failed_ = true;
  return observer < labels_.size() ? status.WithContext(labels_[observer]) : status;
}

Status ObserverFanOut::BeforeNode(int step, const NodeContext& node) {
  const std::vector<bool>& wants = wants_[{node.subgraph, node.op_index}];
  for (size_t i = 0; i < observers_.size(); ++i) {
    if (i < wants.size() && wants[i]) TFLDBG_RETURN_IF_ERROR(Label(i, observers_[i]->BeforeNode(step, node)));
  }
  return Status::Ok();
}

Status ObserverFanOut::AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) {
  const std::vector<bool>& wants = wants_[{node.subgraph, node.op_index}];
  for (size_t i = 0; i < observers_.size(); ++i) {
    if (i < wants.size() && wants[i]) TFLDBG_RETURN_IF_ERROR(Label(i, observers_[i]->AfterNode(step, node, elapsed_ns)));
  }
  return Status::Ok();
}

}  // namespace tfldbg
