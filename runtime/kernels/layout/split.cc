// SPLIT and SPLIT_V along an axis (computed sizes deferred to Eval).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- SPLIT, SPLIT_V ----------------------------------------------------------------------------

class SplitKernel : public Kernel {
 public:
  explicit SplitKernel(bool by_sizes) : by_sizes_(by_sizes) {}

  Status Prepare(NodeContext& node) override {
    // SPLIT: (axis, input); SPLIT_V: (input, size_splits, axis).
    const int input_slot = by_sizes_ ? 0 : 1, axis_slot = by_sizes_ ? 2 : 0;
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, by_sizes_ ? 3 : 2, by_sizes_ ? 3 : 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, input_slot, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, axis_slot, "axis"));
    if (by_sizes_) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "size_splits"));
    const Tensor& input = *node.input(input_slot);
    const Tensor& axis_tensor = *node.input(axis_slot);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, axis_tensor, "axis", {DataType::kInt32, DataType::kInt64}));
    if (axis_tensor.element_count() != 1) return node.InvalidModelError("the axis must be one value");
    const int outputs = node.output_count();
    if (outputs < 1) return node.InvalidModelError("no outputs");
    if (const auto* o = node.options<tflite::SplitOptions>(); o != nullptr && !by_sizes_ && o->num_splits() != outputs) {
      return node.InvalidModelError("num_splits " + std::to_string(o->num_splits()) + " but " + std::to_string(outputs) + " outputs");
    }
    if (node.DeferUnlessValuesKnown({&axis_tensor, by_sizes_ ? node.input(1) : nullptr})) return Status::Ok();
    int64_t axis = ReadIndex(axis_tensor, 0);
    if (axis < 0) axis += input.rank();
    if (axis < 0 || axis >= input.rank()) return node.InvalidModelError("axis " + std::to_string(ReadIndex(axis_tensor, 0)) + " is out of range");
    axis_ = static_cast<int>(axis);
    const int64_t total = input.dim(axis_);
    sizes_.assign(static_cast<size_t>(outputs), 0);
    if (by_sizes_) {
      const Tensor& splits = *node.input(1);
      TFLDBG_RETURN_IF_ERROR(CheckType(node, splits, "size_splits", {DataType::kInt32, DataType::kInt64}));
      if (splits.element_count() != outputs) {
        return node.InvalidModelError("size_splits holds " + std::to_string(splits.element_count()) + " values for " +
                                      std::to_string(outputs) + " outputs");
      }
      int64_t known = 0;
      int open = -1;
      for (int i = 0; i < outputs; ++i) {
        const int64_t s = ReadIndex(splits, i);
        if (s == -1 && open < 0) {
          open = i;
        } else if (s < 0) {
          return node.InvalidModelError("size_splits has a negative size (or more than one -1)");
        } else {
          known += s;
          sizes_[static_cast<size_t>(i)] = s;
        }
      }
      if (open >= 0) sizes_[static_cast<size_t>(open)] = total - known;
      if ((open >= 0 && known > total) || (open < 0 && known != total)) {
        return node.InvalidModelError("size_splits do not add up to " + std::to_string(total));
      }
    } else {
      if (total % outputs != 0) {
        return node.InvalidModelError("dimension " + std::to_string(axis_) + " (" + std::to_string(total) +
                                      ") does not split into " + std::to_string(outputs) + " equal parts");
      }
      std::fill(sizes_.begin(), sizes_.end(), total / outputs);
    }
    for (int i = 0; i < outputs; ++i) {
      if (node.output(i) == nullptr) return node.InvalidModelError("output " + std::to_string(i) + " is missing");
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(i), "output"));
      std::vector<int32_t> shape = input.shape;
      shape[static_cast<size_t>(axis_)] = static_cast<int32_t>(sizes_[static_cast<size_t>(i)]);
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(i), shape));
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(by_sizes_ ? 0 : 1);
    const size_t element = ElementBytes(input.type);
    const int64_t outer = Product(input.shape, 0, axis_);
    const size_t inner = static_cast<size_t>(Product(input.shape, axis_ + 1, input.rank())) * element;
    const size_t row = static_cast<size_t>(input.dim(axis_)) * inner;
    size_t offset = 0;
    for (int i = 0; i < node.output_count(); ++i) {
      const size_t chunk = static_cast<size_t>(sizes_[static_cast<size_t>(i)]) * inner;
      for (int64_t o = 0; o < outer; ++o) {
        CopyBytes(node.output(i)->bytes + static_cast<size_t>(o) * chunk, input.bytes + static_cast<size_t>(o) * row + offset, chunk);
      }
      offset += chunk;
    }
    return Status::Ok();
  }

 private:
  bool by_sizes_;
  int axis_ = 0;
  std::vector<int64_t> sizes_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSplitKernel() { return std::make_unique<SplitKernel>(false); }
std::unique_ptr<Kernel> CreateSplitVKernel() { return std::make_unique<SplitKernel>(true); }

}  // namespace tfldbg
