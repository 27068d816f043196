// HASHTABLE, HASHTABLE_IMPORT, HASHTABLE_FIND, HASHTABLE_SIZE: LiteRT's static
// hash tables (tflite/kernels/hashtable*.cc, experimental/resource/static_hashtable.cc).
// HASHTABLE writes the table id (its option table_id) into a resource handle
// of shape [1] and creates the table when absent; the first IMPORT fills it
// (later ones are ignored; a repeated key keeps its first value); FIND maps
// each key, or the first element of the default, as LiteRT does; SIZE is the
// number of distinct keys, as int64[1]. Types: int64 -> string and
// string -> int64, the only pairs LiteRT's kernels accept. LiteRT's reference
// resolver has none of these kernels: the steps say so (litert_optimized).
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kHandle = 0;

bool SupportedPair(DataType key, DataType value) {
  return (key == DataType::kInt64 && value == DataType::kString) || (key == DataType::kString && value == DataType::kInt64);
}

Status CheckHandle(const NodeContext& node, const Tensor& handle) {
  if (handle.type != DataType::kResource && handle.type != DataType::kInt32) {
    return node.InvalidModelError("the table handle is " + std::string(DataTypeName(handle.type)) +
                                  ", not a resource or int32 tensor");
  }
  if (handle.rank() != 1 || handle.dim(0) != 1) {
    return node.InvalidModelError("the table handle has shape " + ShapeToString(handle.shape) + ", not [1]");
  }
  return Status::Ok();
}

Result<RunContext::Hashtable*> TableOf(const NodeContext& node, const Tensor& handle) {
  int32_t id = 0;
  if (handle.bytes == nullptr || handle.byte_size < sizeof(id)) return node.RuntimeFailure("the table handle holds no id");
  std::memcpy(&id, handle.bytes, sizeof(id));
  RunContext::Hashtable* table = node.run != nullptr ? node.run->FindHashtable(id) : nullptr;
  if (table == nullptr) return node.RuntimeFailure("table handle " + std::to_string(id) + " names no table");
  return table;
}

class HashtableKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    node.litert_optimized = true;  // LiteRT's reference resolver has no HASHTABLE
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 0, 0));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    if (node.run == nullptr) return node.RuntimeFailure("no tables available");
    const auto* o = node.options<tflite::HashtableOptions>();
    if (o == nullptr) return node.InvalidModelError("HashtableOptions are missing");
    const auto key = DataTypeFromModel(static_cast<int>(o->key_dtype()));
    const auto value = DataTypeFromModel(static_cast<int>(o->value_dtype()));
    if (!key || !value || !SupportedPair(*key, *value)) {
      return node.UnsupportedError("a table of " + std::string(key ? DataTypeName(*key) : "unknown") + " -> " +
                                   (value ? DataTypeName(*value) : "unknown") +
                                   " (LiteRT's tables map int64 -> string or string -> int64)");
    }
    key_ = *key;
    value_ = *value;
    id_ = o->table_id();
    Tensor& handle = *node.output(0);
    if (handle.type != DataType::kResource && handle.type != DataType::kInt32) {
      return node.InvalidModelError("the table handle is " + std::string(DataTypeName(handle.type)) +
                                    ", not a resource or int32 tensor");
    }
    return SetOutputShape(node, handle, {1});
  }
  Status Eval(NodeContext& node) override {
    RunContext::Hashtable* table = node.run->HashtableFor(id_, key_, value_);
    if (table->key_type != key_ || table->value_type != value_) {
      return node.RuntimeFailure("table " + std::to_string(id_) + " exists with other types");
    }
    std::memcpy(node.output(0)->bytes, &id_, sizeof(id_));
    return Status::Ok();
  }

 private:
  DataType key_ = DataType::kInt64, value_ = DataType::kString;
  int32_t id_ = 0;
};

// Keys and values of a table's types, in their shapes.
Status CheckKeysAndValues(const NodeContext& node, const Tensor& keys, const Tensor& values) {
  if (!SupportedPair(keys.type, values.type)) {
    return node.UnsupportedError("keys of " + std::string(DataTypeName(keys.type)) + " and values of " +
                                 DataTypeName(values.type) +
                                 " (LiteRT's tables map int64 -> string or string -> int64)");
  }
  return Status::Ok();
}

Status CheckTableTypes(const NodeContext& node, const RunContext::Hashtable& table, const Tensor& keys,
                       DataType value_type) {
  if (table.key_type != keys.type || table.value_type != value_type) {
    return node.RuntimeFailure("the table maps " + std::string(DataTypeName(table.key_type)) + " -> " +
                               DataTypeName(table.value_type) + ", not " + DataTypeName(keys.type) + " -> " +
                               DataTypeName(value_type));
  }
  return Status::Ok();
}

class HashtableImportKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    node.litert_optimized = true;
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 0));
    for (int i = 0; i < 3; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, i == 0 ? "handle" : i == 1 ? "keys" : "values"));
    TFLDBG_RETURN_IF_ERROR(CheckHandle(node, *node.input(kHandle)));
    const Tensor& keys = *node.input(1);
    const Tensor& values = *node.input(2);
    TFLDBG_RETURN_IF_ERROR(CheckKeysAndValues(node, keys, values));
    if (keys.element_count() != values.element_count()) {  // LiteRT's MatchingFlatSize
      return node.InvalidModelError("keys " + ShapeToString(keys.shape) + " and values " + ShapeToString(values.shape) +
                                    " differ in size");
    }
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    TFLDBG_ASSIGN_OR_RETURN(RunContext::Hashtable * table, TableOf(node, *node.input(kHandle)));
    const Tensor& keys = *node.input(1);
    const Tensor& values = *node.input(2);
    TFLDBG_RETURN_IF_ERROR(CheckTableTypes(node, *table, keys, values.type));
    if (table->imported) return Status::Ok();  // LiteRT ignores every import after the first
    const int64_t n = keys.element_count();
    for (int64_t i = 0; i < n; ++i) {
      if (keys.type == DataType::kString) {
        table->by_string.emplace(std::string(StringAt(keys, i)), values.data<int64_t>()[i]);
      } else {
        table->by_int.emplace(keys.data<int64_t>()[i], std::string(StringAt(values, i)));
      }
    }
    table->imported = true;
    return Status::Ok();
  }
};

class HashtableFindKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    node.litert_optimized = true;
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < 3; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, i == 0 ? "handle" : i == 1 ? "keys" : "default"));
    TFLDBG_RETURN_IF_ERROR(CheckHandle(node, *node.input(kHandle)));
    const Tensor& keys = *node.input(1);
    const Tensor& fallback = *node.input(2);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, fallback, "default", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckKeysAndValues(node, keys, output));
    if (fallback.element_count() < 1) return node.InvalidModelError("the default value is empty");
    return SetOutputShape(node, output, keys.shape);
  }
  Status Eval(NodeContext& node) override {
    TFLDBG_ASSIGN_OR_RETURN(RunContext::Hashtable * table, TableOf(node, *node.input(kHandle)));
    const Tensor& keys = *node.input(1);
    const Tensor& fallback = *node.input(2);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckTableTypes(node, *table, keys, output.type));
    if (!table->imported) return node.RuntimeFailure("the table is read before any HASHTABLE_IMPORT filled it");
    const int64_t n = keys.element_count();
    if (keys.type == DataType::kString) {
      const int64_t otherwise = fallback.data<int64_t>()[0];
      for (int64_t i = 0; i < n; ++i) {
        const auto it = table->by_string.find(std::string(StringAt(keys, i)));
        output.data<int64_t>()[i] = it == table->by_string.end() ? otherwise : it->second;
      }
      return Status::Ok();
    }
    const std::string_view otherwise = StringAt(fallback, 0);
    std::vector<std::string_view> found(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      const auto it = table->by_int.find(keys.data<int64_t>()[i]);
      found[static_cast<size_t>(i)] = it == table->by_int.end() ? otherwise : std::string_view(it->second);
    }
    SetStrings(output, found);
    return Status::Ok();
  }
};

class HashtableSizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    node.litert_optimized = true;
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kHandle, "handle"));
    TFLDBG_RETURN_IF_ERROR(CheckHandle(node, *node.input(kHandle)));
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt64}));
    return SetOutputShape(node, output, {1});
  }
  Status Eval(NodeContext& node) override {
    TFLDBG_ASSIGN_OR_RETURN(RunContext::Hashtable * table, TableOf(node, *node.input(kHandle)));
    node.output(0)->data<int64_t>()[0] = static_cast<int64_t>(table->size());
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateHashtableKernel() { return std::make_unique<HashtableKernel>(); }
std::unique_ptr<Kernel> CreateHashtableImportKernel() { return std::make_unique<HashtableImportKernel>(); }
std::unique_ptr<Kernel> CreateHashtableFindKernel() { return std::make_unique<HashtableFindKernel>(); }
std::unique_ptr<Kernel> CreateHashtableSizeKernel() { return std::make_unique<HashtableSizeKernel>(); }

}  // namespace tfldbg
