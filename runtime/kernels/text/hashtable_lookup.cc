// HASHTABLE_LOOKUP: for each int32 of `lookup`, the row of `value` whose key
// (in the int32 vector `key`) equals it, found with the C library's bsearch
// as LiteRT's kernel finds it (tflite/kernels/hashtable_lookup.cc): the
// keys are meant to be sorted; on unsorted keys the halving below decides, as glibc's bsearch
// does. A hit copies the row and sets `hits` to 1; a miss writes a zero row
// (an empty string) and 0. String values must be a vector.
#include <cstring>
#include <string_view>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kLookup = 0;
constexpr int kKey = 1;
constexpr int kValue = 2;

// LiteRT's comparator is `*a - *b` on int; inlined into bsearch, the
// compiler turns `(a - b) < 0` into `a < b` (signed overflow being
// undefined), so the LiteRT build compares exactly: -2^31 finds itself.
int32_t Difference(int32_t a, int32_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// glibc's bsearch: the index of an element comparing equal, or -1.
int64_t BinarySearch(int32_t wanted, const int32_t* keys, int64_t n) {
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    const int64_t mid = (lo + hi) / 2;
    const int32_t c = Difference(wanted, keys[mid]);
    if (c < 0) {
      hi = mid;
    } else if (c > 0) {
      lo = mid + 1;
    } else {
      return mid;
    }
  }
  return -1;
}

class HashtableLookupKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 2));
    for (int i = 0; i < 3; ++i) {
      TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, i == kLookup ? "lookup" : i == kKey ? "key" : "value"));
    }
    const Tensor& lookup = *node.input(kLookup);
    const Tensor& key = *node.input(kKey);
    const Tensor& value = *node.input(kValue);
    Tensor& output = *node.output(0);
    Tensor& hits = *node.output(1);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, lookup, "lookup", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, lookup, "lookup", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, key, "key", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, key, "key", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, value, "value",
                                     {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                      DataType::kInt32, DataType::kInt64, DataType::kBool, DataType::kString}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, value, "value", 1,
                                     value.type == DataType::kString ? 1 : 8));
    if (key.dim(0) != value.dim(0)) {
      return node.InvalidModelError("key has " + std::to_string(key.dim(0)) + " entries but value " +
                                    std::to_string(value.dim(0)) + " rows");
    }
    if (value.dim(0) == 0) {
      return node.UnsupportedError("an empty table (LiteRT divides by its row count)");
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, value, "value", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, hits, "hits", {DataType::kUInt8}));
    std::vector<int32_t> shape = value.shape;
    shape[0] = lookup.dim(0);
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    return SetOutputShape(node, hits, {lookup.dim(0)});
  }

  Status Eval(NodeContext& node) override {
    const Tensor& lookup = *node.input(kLookup);
    const Tensor& key = *node.input(kKey);
    const Tensor& value = *node.input(kValue);
    Tensor& output = *node.output(0);
    uint8_t* hits = node.output(1)->data<uint8_t>();
    const int64_t rows = value.dim(0);
    const int64_t n = lookup.dim(0);
    const bool strings = value.type == DataType::kString;
    const size_t row_bytes = strings ? 0 : static_cast<size_t>(value.element_count() / rows) * ElementBytes(value.type);
    std::vector<std::string_view> found(strings ? static_cast<size_t>(n) : 0);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t row = BinarySearch(lookup.data<int32_t>()[i], key.data<int32_t>(), rows);
      hits[i] = row >= 0 ? 1 : 0;
      if (strings) {
        if (row >= 0) found[static_cast<size_t>(i)] = StringAt(value, row);
      } else if (row >= 0) {
        CopyBytes(output.bytes + static_cast<size_t>(i) * row_bytes, value.bytes + static_cast<size_t>(row) * row_bytes,
                  row_bytes);
      } else if (row_bytes != 0) {
        std::memset(output.bytes + static_cast<size_t>(i) * row_bytes, 0, row_bytes);
      }
    }
    if (strings) SetStrings(output, found);
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateHashtableLookupKernel() { return std::make_unique<HashtableLookupKernel>(); }

}  // namespace tfldbg
