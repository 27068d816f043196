#include "observers/capture_observer.h"

#include <cstring>

namespace tfldbg {

uint64_t Fingerprint(const uint8_t* data, size_t size) {
  // 64-bit multiply-xorshift over 8-byte words; collisions only hide an
  // in-place update, and only for variables, which are rare and small.
  uint64_t h = 0x9e3779b97f4a7c15ull ^ size;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  for (; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

CaptureObserver::CaptureObserver(ValueSink& sink, CaptureOptions options) : sink_(sink), options_(std::move(options)) {}

void CaptureObserver::Reset() {
  tensors_.clear();
  steps_.clear();
  open_steps_.clear();
  bytes_stored_ = 0;
}

bool CaptureObserver::WantsNode(const NodeContext& node) {
  if (options_.node_range && (node.op_index < options_.node_range->first || node.op_index > options_.node_range->second)) {
    return false;
  }
  return options_.ops.empty() || options_.ops.count(node.op_name) > 0;
}

bool CaptureObserver::WantsTensor(const Tensor& tensor) const {
  if (tensor.is_constant() && !options_.constants) return false;
  // Resource handles and variants: no array to store. Strings are stored as numpy string arrays.
  if (NumpyDescr(tensor.type).empty() && tensor.type != DataType::kString) return false;
  return !options_.tensor_pattern || std::regex_search(tensor.name, *options_.tensor_pattern);
}

// Tensors whose value can change without a node of this run writing it:
// variables, subgraph inputs (a loop body's, set by WHILE before each
// iteration) and, in a replay, everything.
bool CaptureObserver::MaySetFromOutside(const Tensor& tensor) const {
  return tensor.kind == TensorKind::kVariable || tensor.kind == TensorKind::kInput || options_.values_set_from_outside;
}

Result<std::string> CaptureObserver::StoreValue(const Tensor& tensor, int subgraph) {
  TensorState& state = tensors_[{subgraph, tensor.index}];
  auto file = sink_.Store(tensor, subgraph, state.values);
  if (!file.ok()) return file.status();
  ++state.values;
  state.file = file.value();
  state.has_value = true;
  if (MaySetFromOutside(tensor)) state.fingerprint = Fingerprint(tensor.bytes, tensor.byte_size);
  bytes_stored_ += tensor.byte_size;
  if (tensor.element_count() <= options_.inline_max_elements) {
    std::vector<double> values;
    const int64_t n = tensor.element_count();
    for (int64_t i = 0; i < n; ++i) {
      switch (tensor.type) {
        case DataType::kFloat32: values.push_back(tensor.data<float>()[i]); break;
        case DataType::kInt8: values.push_back(tensor.data<int8_t>()[i]); break;
        case DataType::kUInt8: values.push_back(tensor.data<uint8_t>()[i]); break;
        case DataType::kInt16: values.push_back(tensor.data<int16_t>()[i]); break;
        case DataType::kInt32: values.push_back(tensor.data<int32_t>()[i]); break;
        case DataType::kInt64: values.push_back(static_cast<double>(tensor.data<int64_t>()[i])); break;
        case DataType::kBool: values.push_back(tensor.bytes[i] != 0); break;
        default: break;
      }
    }
    if (static_cast<int64_t>(values.size()) == n) inlined_[file.value()] = std::move(values);
  }
  return file;
}

Status CaptureObserver::BeforeNode(int step, const NodeContext& node) {
  if (options_.cancel != nullptr && options_.cancel->load()) {
    return Cancelled("interrupted before " + node.Describe());
  }
  StepRecord record;
  record.step = step;
  record.subgraph = node.subgraph;
  record.node = node.op_index;
  record.invocation = node.invocation;
  record.op = node.op_name;
  record.op_version = node.op_version;
  record.litert_optimized = node.litert_optimized;
  record.xnnpack_delegated = node.xnnpack_delegated;
  for (int slot = 0; slot < node.input_count(); ++slot) {
    const Tensor* tensor = node.inputs[static_cast<size_t>(slot)];
    SlotRecord s{slot, tensor ? tensor->index : -1, ""};
    if (tensor != nullptr) {
      // A value already stored (a producer's output, a graph input) is referred
      // to even when the selection would not store it; a new or changed value
      // is stored only when selected.
      auto it = tensors_.find({node.subgraph, tensor->index});
      const bool known = it != tensors_.end() && it->second.has_value;
      const bool changed = known && MaySetFromOutside(*tensor) &&
                           Fingerprint(tensor->bytes, tensor->byte_size) != it->second.fingerprint;
      if (known && !changed) {
        s.file = it->second.file;
      } else if (WantsTensor(*tensor)) {
        auto file = StoreValue(*tensor, node.subgraph);
        if (!file.ok()) return file.status();
        s.file = file.value();
      }
    }
    record.inputs.push_back(std::move(s));
  }
  open_steps_.push_back(steps_.size());  // a WHILE's body runs between its BeforeNode and AfterNode
  steps_.push_back(std::move(record));
  return Status::Ok();
}

Status CaptureObserver::AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) {
  if (open_steps_.empty()) return RuntimeError(node.Describe() + ": finished without having started");
  StepRecord& record = steps_[open_steps_.back()];
  open_steps_.pop_back();
  record.time_ns = elapsed_ns;
  for (int slot = 0; slot < node.output_count(); ++slot) {
    const Tensor* tensor = node.outputs[static_cast<size_t>(slot)];
    SlotRecord s{slot, tensor ? tensor->index : -1, ""};
    if (tensor != nullptr && WantsTensor(*tensor)) {
      auto file = StoreValue(*tensor, node.subgraph);
      if (!file.ok()) return file.status();
      s.file = file.value();
    }
    record.outputs.push_back(std::move(s));
  }
  for (int slot = 0; slot < node.input_count(); ++slot) {
    const Tensor* tensor = node.inputs[static_cast<size_t>(slot)];
    if (tensor == nullptr || tensor->kind != TensorKind::kVariable || !WantsTensor(*tensor)) continue;
    auto it = tensors_.find({node.subgraph, tensor->index});
    if (it != tensors_.end() && it->second.has_value &&
        Fingerprint(tensor->bytes, tensor->byte_size) == it->second.fingerprint) {
      continue;
    }
    auto file = StoreValue(*tensor, node.subgraph);
    if (!file.ok()) return file.status();
    record.updates.push_back(SlotRecord{slot, tensor->index, file.value()});
  }
  if (options_.progress) options_.progress(step, node);
  return Status::Ok();
}

}  // namespace tfldbg
