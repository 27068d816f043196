// PACK and UNPACK along an axis; any element type of whole bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- PACK / UNPACK ---------------------------------------------------------------------------

class PackKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.options<tflite::PackOptions>();
    const int count = o != nullptr ? o->values_count() : node.input_count();
    if (count < 1 || count != node.input_count()) {
      return node.InvalidModelError("values_count " + std::to_string(count) + " but " + std::to_string(node.input_count()) + " inputs");
    }
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    for (int i = 0; i < count; ++i) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, i, "value"));
    const Tensor& first = *node.input(0);
    // LiteRT's PACK takes these types (and refuses the others).
    TFLDBG_RETURN_IF_ERROR(CheckType(node, first, "values", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8,
                                                            DataType::kInt16, DataType::kInt32, DataType::kInt64}));
    for (int i = 1; i < count; ++i) {
      const Tensor& t = *node.input(i);
      if (t.type != first.type || t.shape != first.shape) {
        return node.InvalidModelError("input " + std::to_string(i) + " is " + DescribeTypeAndShape(t) + ", input 0 is " +
                                      DescribeTypeAndShape(first));
      }
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, first, "values", *node.output(0), "output"));
    TFLDBG_ASSIGN_OR_RETURN(axis_, ResolveAxis(node, o != nullptr ? o->axis() : 0, first.rank() + 1));
    std::vector<int32_t> shape = first.shape;
    shape.insert(shape.begin() + axis_, count);
    return SetOutputShape(node, *node.output(0), shape);
  }
  Status Eval(NodeContext& node) override {
    const Tensor& first = *node.input(0);
    const size_t element = ElementBytes(first.type);
    const int64_t outer = Product(first.shape, 0, axis_);
    const size_t inner = static_cast<size_t>(Product(first.shape, axis_, first.rank())) * element;
    const int count = node.input_count();
    uint8_t* out = node.output(0)->bytes;
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < count; ++i) {
        CopyBytes(out + (static_cast<size_t>(o) * count + static_cast<size_t>(i)) * inner,
                    node.input(i)->bytes + static_cast<size_t>(o) * inner, inner);
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

class UnpackKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    const Tensor& input = *node.input(0);
    // LiteRT's UNPACK takes these types (no int64).
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kUInt8, DataType::kInt8,
                                                           DataType::kInt16, DataType::kInt32, DataType::kBool}));
    const auto* o = node.options<tflite::UnpackOptions>();
    TFLDBG_ASSIGN_OR_RETURN(axis_, ResolveAxis(node, o != nullptr ? o->axis() : 0, input.rank()));
    const int count = input.dim(axis_);
    if ((o != nullptr && o->num() != count) || node.output_count() != count) {
      return node.InvalidModelError("unpacking " + std::to_string(count) + " values along axis " + std::to_string(axis_) +
                                    " into " + std::to_string(node.output_count()) + " outputs");
    }
    std::vector<int32_t> shape = input.shape;
    shape.erase(shape.begin() + axis_);
    for (int i = 0; i < count; ++i) {
      if (node.output(i) == nullptr) return node.InvalidModelError("output " + std::to_string(i) + " is missing");
      TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(i), "output"));
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.output(i), shape));
    }
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    const size_t element = ElementBytes(input.type);
    const int64_t outer = Product(input.shape, 0, axis_);
    const int count = input.dim(axis_);
    const size_t inner = static_cast<size_t>(Product(input.shape, axis_ + 1, input.rank())) * element;
    for (int64_t o = 0; o < outer; ++o) {
      for (int i = 0; i < count; ++i) {
        CopyBytes(node.output(i)->bytes + static_cast<size_t>(o) * inner,
                    input.bytes + (static_cast<size_t>(o) * count + static_cast<size_t>(i)) * inner, inner);
      }
    }
    return Status::Ok();
  }

 private:
  int axis_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreatePackKernel() { return std::make_unique<PackKernel>(); }
std::unique_ptr<Kernel> CreateUnpackKernel() { return std::make_unique<UnpackKernel>(); }

}  // namespace tfldbg
