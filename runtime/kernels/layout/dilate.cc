// DILATE: the input's elements spread `dilations[d] - 1` positions apart
// along each dimension, the gaps filled with padding_value (its first
// element); any element type, any rank >= 1, constant or computed int32
// dilations, as LiteRT's kernel.
#include <cstring>
#include <string>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kDilateInput = 0;
constexpr int kDilateDilations = 1;
constexpr int kDilatePaddingValue = 2;

class DilateKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kDilateInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kDilateDilations, "dilations"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kDilatePaddingValue, "padding_value"));
    const Tensor& input = *node.input(kDilateInput);
    const Tensor& dilations = *node.input(kDilateDilations);
    const Tensor& padding = *node.input(kDilatePaddingValue);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", padding, "padding_value"));
    if (input.rank() == 0) return node.InvalidModelError("input must have rank 1 or more (LiteRT refuses a scalar)");
    if (padding.element_count() < 1) return node.InvalidModelError("padding_value has no element");
    TFLDBG_RETURN_IF_ERROR(CheckType(node, dilations, "dilations", {DataType::kInt32}));
    if (dilations.rank() != 1 || dilations.dim(0) != input.rank()) {
      return node.InvalidModelError("dilations must be [" + std::to_string(input.rank()) + "], got " +
                                    ShapeToString(dilations.shape));
    }
    if (node.DeferUnlessValuesKnown({&dilations})) return Status::Ok();
    std::vector<int64_t> dims;
    factors_.clear();
    for (int d = 0; d < input.rank(); ++d) {
      const int64_t k = dilations.data<int32_t>()[d];
      // LiteRT: factors >= 1, and an empty dimension dilated by more than 1
      // gives it a negative size it cannot allocate.
      if (k < 1 || (input.dim(d) == 0 && k > 1)) {
        const std::string what = "dilation " + std::to_string(k) + " of dimension " + std::to_string(d) + " (size " +
                                 std::to_string(input.dim(d)) + ") must be >= 1, and 1 for an empty dimension";
        return node.prepare_at_eval ? node.RuntimeFailure(what) : node.InvalidModelError(what);
      }
      factors_.push_back(k);
      dims.push_back(input.dim(d) == 0 ? 0 : (input.dim(d) - 1) * k + 1);
    }
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, shape));
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kDilateInput);
    const Tensor& padding = *node.input(kDilatePaddingValue);
    Tensor& output = *node.output(0);
    const size_t width = ElementBytes(input.type);
    const int64_t total = output.element_count();
    for (int64_t i = 0; i < total; ++i) std::memcpy(output.bytes + static_cast<size_t>(i) * width, padding.bytes, width);
    const int rank = input.rank();
    const int64_t elements = input.element_count();
    if (elements == 0) return Status::Ok();
    // Each input row (last dimension) lands `factor` apart in its output row.
    std::vector<int64_t> out_stride(static_cast<size_t>(rank), 1);
    for (int d = rank - 2; d >= 0; --d) out_stride[static_cast<size_t>(d)] = out_stride[static_cast<size_t>(d) + 1] * output.dim(d + 1);
    const int64_t row = input.dim(rank - 1);
    const int64_t step = factors_[static_cast<size_t>(rank - 1)];
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    for (int64_t in = 0; in < elements; in += row) {
      int64_t base = 0;
      for (int d = 0; d < rank - 1; ++d) {
        base += index[static_cast<size_t>(d)] * factors_[static_cast<size_t>(d)] * out_stride[static_cast<size_t>(d)];
      }
      for (int64_t j = 0; j < row; ++j) {
        std::memcpy(output.bytes + static_cast<size_t>(base + j * step) * width, input.bytes + static_cast<size_t>(in + j) * width,
                    width);
      }
      for (int d = rank - 2; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < input.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  std::vector<int64_t> factors_;
};

}  // namespace

std::unique_ptr<Kernel> CreateDilateKernel() { return std::make_unique<DilateKernel>(); }

}  // namespace tfldbg
