#include "kernels/kernel.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace tfldbg {

std::string NodeContext::Describe() const {
  return "subgraph " + std::to_string(subgraph) + ", operator " + std::to_string(op_index) + " (" + op_name + ")";
}

Status NodeContext::UnsupportedError(const std::string& what) const { return Unsupported(Describe() + ": " + what); }
Status NodeContext::InvalidModelError(const std::string& what) const { return InvalidModel(Describe() + ": " + what); }
Status NodeContext::RuntimeFailure(const std::string& what) const { return RuntimeError(Describe() + ": " + what); }

Status CheckInputCount(const NodeContext& node, int min_count, int max_count) {
  const int n = node.input_count();
  if (n < min_count || n > max_count) {
    const std::string expected = min_count == max_count
                                     ? std::to_string(min_count)
                                     : std::to_string(min_count) + " to " + std::to_string(max_count);
    return node.InvalidModelError("expected " + expected + " inputs, got " + std::to_string(n));
  }
  return Status::Ok();
}

Status CheckOutputCount(const NodeContext& node, int count) {
  if (node.output_count() != count || std::any_of(node.outputs.begin(), node.outputs.end(), [](Tensor* t) { return t == nullptr; })) {
    return node.InvalidModelError("expected " + std::to_string(count) + " outputs, got " + std::to_string(node.output_count()));
  }
  return Status::Ok();
}

Status CheckInputPresent(const NodeContext& node, int slot, const char* slot_name) {
  if (node.input(slot) == nullptr) {
    return node.InvalidModelError(std::string("input ") + std::to_string(slot) + " (" + slot_name + ") is missing");
  }
  return Status::Ok();
}

Status CheckType(const NodeContext& node, const Tensor& tensor, const char* slot_name,
                 std::initializer_list<DataType> allowed) {
  for (DataType t : allowed) {
    if (tensor.type == t) return Status::Ok();
  }
  std::string list;
  for (DataType t : allowed) list += (list.empty() ? "" : ", ") + std::string(DataTypeName(t));
  return node.UnsupportedError(std::string(slot_name) + " has type " + DataTypeName(tensor.type) +
                               "; supported: " + list);
}

Status CheckSameType(const NodeContext& node, const Tensor& a, const char* a_name, const Tensor& b,
                     const char* b_name) {
  if (a.type != b.type) {
    return node.InvalidModelError(std::string(a_name) + " is " + DataTypeName(a.type) + " but " + b_name + " is " +
                                  DataTypeName(b.type));
  }
  return Status::Ok();
}

Status CheckRank(const NodeContext& node, const Tensor& tensor, const char* slot_name, int min_rank, int max_rank) {
  if (tensor.rank() < min_rank || tensor.rank() > max_rank) {
    return node.UnsupportedError(std::string(slot_name) + " has rank " + std::to_string(tensor.rank()) + " " +
                                 ShapeToString(tensor.shape) + "; expected rank " + std::to_string(min_rank) +
                                 (min_rank == max_rank ? "" : " to " + std::to_string(max_rank)));
  }
  return Status::Ok();
}

Status SetOutputShape(const NodeContext& node, Tensor& output, std::vector<int32_t> shape) {
  for (int32_t d : shape) {
    if (d < 0) return node.InvalidModelError("computed output shape " + ShapeToString(shape) + " is negative");
  }
  if (!output.dynamic && !node.stored_shapes_stale && !output.shape.empty() && output.shape != shape) {
    // The model's stored shape may be stale for dynamic models, but a
    // static model that disagrees with shape inference is a bug somewhere.
    const auto stored = ElementCount(output.shape);
    const auto computed = ElementCount(shape);
    if (!stored || !computed || *stored != *computed) {
      return node.InvalidModelError("output '" + output.name + "' is stored as " + ShapeToString(output.shape) +
                                    " but the inputs give " + ShapeToString(shape));
    }
  }
  output.shape = std::move(shape);
  return Status::Ok();
}

size_t ElementBytes(DataType type) { return static_cast<size_t>(DataTypeBits(type) / 8); }

void CopyBytes(uint8_t* to, const uint8_t* from, size_t n) {
  if (n != 0) std::memcpy(to, from, n);
}

void CopyTensorValue(const Tensor& from, Tensor& to) {
  if (&from == &to) return;
  if (to.type == DataType::kString) {
    AssignPackedStrings(to, from.bytes, from.byte_size);
    return;
  }
  if (to.bytes != from.bytes && from.byte_size != 0) std::memmove(to.bytes, from.bytes, from.byte_size);
}

Status EvalOnStringIds(NodeContext& node, const std::vector<int>& input_slots, int output_slot, bool equal_ids,
                       const std::function<Status()>& eval) {
  struct Saved {
    Tensor* tensor;
    uint8_t* bytes;
    size_t byte_size;
  };
  std::vector<Saved> saved;
  std::vector<std::string_view> strings;  // the string each id names
  std::vector<std::vector<int32_t>> ids(input_slots.size());
  std::unordered_map<std::string_view, int32_t> known;
  for (size_t k = 0; k < input_slots.size(); ++k) {
    Tensor* t = const_cast<Tensor*>(node.input(input_slots[k]));  // restored below; its bytes are never written
    if (t == nullptr || t->type != DataType::kString) continue;
    const int64_t n = t->element_count();
    if (StringCount(*t) != n) {
      return node.RuntimeFailure("input " + std::to_string(input_slots[k]) + " '" + t->name + "' holds " +
                                 std::to_string(StringCount(*t)) + " strings for shape " + ShapeToString(t->shape));
    }
    ids[k].resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const std::string_view s = StringAt(*t, i);
      int32_t id = static_cast<int32_t>(strings.size());
      if (equal_ids) {
        const auto [it, added] = known.emplace(s, id);
        id = it->second;
        if (added) strings.push_back(s);
      } else {
        strings.push_back(s);
      }
      ids[k][static_cast<size_t>(i)] = id;
    }
    saved.push_back({t, t->bytes, t->byte_size});
    t->type = DataType::kInt32;
    t->bytes = reinterpret_cast<uint8_t*>(ids[k].data());
    t->byte_size = ids[k].size() * sizeof(int32_t);
  }
  Tensor* out = output_slot >= 0 ? node.output(output_slot) : nullptr;
  if (out != nullptr && out->type != DataType::kString) out = nullptr;
  std::vector<int32_t> out_ids;
  std::vector<uint8_t> out_storage;
  if (out != nullptr) {
    out_ids.assign(static_cast<size_t>(std::max<int64_t>(out->element_count(), 0)), -1);
    out_storage = std::move(out->dynamic_storage);
    out->type = DataType::kInt32;
    out->bytes = reinterpret_cast<uint8_t*>(out_ids.data());
    out->byte_size = out_ids.size() * sizeof(int32_t);
  }
  const Status status = eval();
  for (const Saved& s : saved) {
    s.tensor->type = DataType::kString;
    s.tensor->bytes = s.bytes;
    s.tensor->byte_size = s.byte_size;
  }
  if (out == nullptr) return status;
  out->type = DataType::kString;
  out->dynamic_storage = std::move(out_storage);
  std::vector<std::string_view> values(out_ids.size());
  for (size_t i = 0; i < out_ids.size(); ++i) {
    const int32_t id = out_ids[i];
    if (id >= 0 && static_cast<size_t>(id) < strings.size()) values[i] = strings[static_cast<size_t>(id)];
  }
  if (!status.ok()) return status;
  uint64_t total = 4 * (static_cast<uint64_t>(values.size()) + 2);
  for (std::string_view v : values) total += v.size();
  if (total > 0x7fffffff) {
    SetStrings(*out, std::vector<std::string_view>(values.size()));
    return node.RuntimeFailure("output '" + out->name + "' would hold " + std::to_string(total) +
                               " bytes of strings, over LiteRT's 2 GiB");
  }
  SetStrings(*out, values);  // packs (copies) before the inputs' storage could change
  return status;
}

Status CopyInputToOutput(NodeContext& node) {
  CopyTensorValue(*node.input(0), *node.output(0));
  return Status::Ok();
}

Status CheckWholeBytes(const NodeContext& node, const Tensor& t, const char* slot) {
  if (DataTypeBits(t.type) < 8 || t.type == DataType::kString || t.type == DataType::kResource ||
      t.type == DataType::kVariant) {
    return node.UnsupportedError(std::string(slot) + " of type " + DataTypeName(t.type));
  }
  return Status::Ok();
}

int64_t Product(const std::vector<int32_t>& shape, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; ++i) n *= shape[static_cast<size_t>(i)];
  return n;
}

int64_t ReadIndex(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kInt64: return t.data<int64_t>()[i];
    case DataType::kInt16: return t.data<int16_t>()[i];
    default: return t.data<int32_t>()[i];
  }
}

Status ReadConstantInts(const NodeContext& node, const Tensor& t, const char* name, std::vector<int64_t>& out) {
  if (!node.ValuesKnown(t) || (t.type != DataType::kInt32 && t.type != DataType::kInt64)) {
    return node.UnsupportedError(std::string(name) + " must be an int32/int64 tensor");
  }
  out.resize(static_cast<size_t>(t.element_count()));
  for (int64_t i = 0; i < t.element_count(); ++i) {
    out[static_cast<size_t>(i)] = t.type == DataType::kInt32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  }
  return Status::Ok();
}

Result<int> ResolveAxis(const NodeContext& node, int axis, int limit) {
  if (axis < 0) axis += limit;
  if (axis < 0 || axis >= limit) return node.InvalidModelError("axis is out of range (" + std::to_string(limit) + " positions)");
  return axis;
}

}  // namespace tfldbg
