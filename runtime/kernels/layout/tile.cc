// TILE with constant or computed multiples; any element type of whole bytes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- TILE ------------------------------------------------------------------------------------

class TileKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "multiples"));
    const Tensor& input = *node.input(0);
    const Tensor& multiples = *node.input(1);
    if (input.type != DataType::kString) TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", *node.output(0), "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, multiples, "multiples", {DataType::kInt32, DataType::kInt64}));
    if (multiples.rank() != 1 || multiples.dim(0) != input.rank()) {
      return node.InvalidModelError("multiples must be [" + std::to_string(input.rank()) + "], got " + ShapeToString(multiples.shape));
    }
    if (node.DeferUnlessValuesKnown({&multiples})) return Status::Ok();
    std::vector<int32_t> shape;
    int64_t total = 1;
    for (int i = 0; i < input.rank(); ++i) {
      const int64_t m = ReadIndex(multiples, i);
      const int64_t d = m * input.dim(i);
      if (m < 0 || d > std::numeric_limits<int32_t>::max()) {
        return node.InvalidModelError("multiple " + std::to_string(m) + " in dimension " + std::to_string(i) + " is negative or too large");
      }
      total *= d;
      if (total > (int64_t{1} << 34)) return node.InvalidModelError("the tiled output would be too large");
      shape.push_back(static_cast<int32_t>(d));
    }
    return SetOutputShape(node, *node.output(0), shape);
  }
  Status Eval(NodeContext& node) override {
    if (node.input(0)->type == DataType::kString) return EvalOnStringIds(node, {0}, 0, false, [&] { return EvalTyped(node); });
    return EvalTyped(node);
  }

  Status EvalTyped(NodeContext& node) {
    const Tensor& input = *node.input(0);
    Tensor& output = *node.output(0);
    if (output.element_count() == 0) return Status::Ok();
    if (input.rank() == 0) {
      CopyBytes(output.bytes, input.bytes, ElementBytes(input.type));
      return Status::Ok();
    }
    Tile(input, output, 0, 0, 0);
    return Status::Ok();
  }

 private:
  // Copies dimension `dim` of the input block at `in` (elements) into the
  // output at `out`, then repeats the written block; returns its length.
  int64_t Tile(const Tensor& input, Tensor& output, int dim, int64_t in, int64_t out) const {
    const size_t element = ElementBytes(input.type);
    const int64_t in_dim = input.dim(dim);
    const int64_t repeats = in_dim == 0 ? 0 : output.dim(dim) / in_dim;
    int64_t written = 0;
    if (dim == input.rank() - 1) {
      CopyBytes(output.bytes + static_cast<size_t>(out) * element, input.bytes + static_cast<size_t>(in) * element,
                  static_cast<size_t>(in_dim) * element);
      written = in_dim;
    } else {
      const int64_t in_stride = Product(input.shape, dim + 1, input.rank());
      for (int64_t i = 0; i < in_dim; ++i) written += Tile(input, output, dim + 1, in + i * in_stride, out + written);
    }
    for (int64_t r = 1; r < repeats; ++r) {
      CopyBytes(output.bytes + static_cast<size_t>(out + r * written) * element, output.bytes + static_cast<size_t>(out) * element,
                  static_cast<size_t>(written) * element);
    }
    return written * std::max<int64_t>(repeats, 1);
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateTileKernel() { return std::make_unique<TileKernel>(); }

}  // namespace tfldbg
