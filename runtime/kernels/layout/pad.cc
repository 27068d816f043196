// PAD and PADV2: a constant value around the input (the output zero point for
// quantized PAD), any rank LiteRT accepts.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

class PadKernel : public Kernel {
 public:
  explicit PadKernel(bool v2) : v2_(v2) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, v2_ ? 3 : 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "paddings"));
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 0, 6));
    if (DataTypeBits(input.type) < 8) return node.UnsupportedError(std::string(DataTypeName(input.type)) + " input");
    if (node.DeferUnlessValuesKnown({node.input(1)})) return Status::Ok();
    std::vector<int64_t> pads;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, *node.input(1), "paddings", pads));
    if (pads.size() != static_cast<size_t>(2 * input.rank())) {
      return node.InvalidModelError("paddings must be [" + std::to_string(input.rank()) + ", 2]");
    }
    std::vector<int32_t> shape;
    before_.clear();
    for (int d = 0; d < input.rank(); ++d) {
      const int64_t lo = pads[static_cast<size_t>(2 * d)], hi = pads[static_cast<size_t>(2 * d + 1)];
      if (lo < 0 || hi < 0 || lo + hi + input.dim(d) > (int64_t{1} << 30)) {
        return node.InvalidModelError("padding " + std::to_string(lo) + "/" + std::to_string(hi) + " is negative or too large");
      }
      before_.push_back(static_cast<int32_t>(lo));
      shape.push_back(static_cast<int32_t>(lo + hi + input.dim(d)));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    // The fill value: PADV2's constant, else 0 (the zero point for quantized types).
    const size_t element = static_cast<size_t>(DataTypeBits(input.type) / 8);
    fill_.assign(element, 0);
    const Tensor* constant = v2_ ? node.input(2) : nullptr;
    if (constant != nullptr) {
      if (constant->type != input.type || constant->element_count() != 1) {
        return node.InvalidModelError("constant_values must be one value of the input's type");
      }
      if (!constant->is_constant()) return node.UnsupportedError("a non-constant pad value");
      std::memcpy(fill_.data(), constant->bytes, element);
    } else if (!output.quant.empty() && IsQuantizedIntegerType(output.type)) {
      const int32_t zp = output.zero_point();
      if (output.type == DataType::kInt8) fill_[0] = static_cast<uint8_t>(static_cast<int8_t>(zp));
      if (output.type == DataType::kUInt8) fill_[0] = static_cast<uint8_t>(zp);
      if (output.type == DataType::kInt16) {
        const int16_t v = static_cast<int16_t>(zp);
        std::memcpy(fill_.data(), &v, 2);
      }
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    const size_t element = fill_.size();
    const int64_t n = output.element_count();
    for (int64_t i = 0; i < n; ++i) std::memcpy(output.bytes + static_cast<size_t>(i) * element, fill_.data(), element);
    // Copy each input row (the innermost dimension) to its place.
    const int rank = input.rank();
    if (rank == 0) {
      std::memcpy(output.bytes, input.bytes, element);
      return Status::Ok();
    }
    const int64_t rows = input.element_count() / std::max(1, input.dim(rank - 1));
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    for (int64_t r = 0; r < rows && input.dim(rank - 1) > 0; ++r) {
      int64_t out_offset = 0;
      for (int d = 0; d < rank; ++d) out_offset = out_offset * output.dim(d) + index[static_cast<size_t>(d)] + before_[static_cast<size_t>(d)];
      std::memcpy(output.bytes + static_cast<size_t>(out_offset) * element,
                  input.bytes + static_cast<size_t>(r * input.dim(rank - 1)) * element, static_cast<size_t>(input.dim(rank - 1)) * element);
      for (int d = rank - 2; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < input.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  bool v2_;
  std::vector<int32_t> before_;
  std::vector<uint8_t> fill_;
};

}  // namespace

std::unique_ptr<Kernel> CreatePadKernel() { return std::make_unique<PadKernel>(false); }
std::unique_ptr<Kernel> CreatePadV2Kernel() { return std::make_unique<PadKernel>(true); }

}  // namespace tfldbg
