// ZEROS_LIKE and FILL: a tensor of one repeated value. ZEROS_LIKE takes the
// input's shape (float32, int32, int64: what LiteRT's kernel runs); FILL takes
// its shape from an int32/int64 vector (constant or computed) and repeats a
// scalar of any type of 1, 2, 4 or 8 bytes, as LiteRT copies it by width.
#include <cstring>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- ZEROS_LIKE ------------------------------------------------------------------------------

constexpr int kZerosLikeInput = 0;

class ZerosLikeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kZerosLikeInput, "input"));
    const Tensor& input = *node.input(kZerosLikeInput);
    Tensor& output = *node.output(0);
    // LiteRT's Eval writes only these three; every other type fails there.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32, DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    return SetOutputShape(node, output, input.shape);
  }
  Status Eval(NodeContext& node) override {
    Tensor& output = *node.output(0);
    if (output.byte_size != 0) std::memset(output.bytes, 0, output.byte_size);
    return Status::Ok();
  }
};

// --- FILL ------------------------------------------------------------------------------------

constexpr int kFillDims = 0;
constexpr int kFillValue = 1;

class FillKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFillDims, "dims"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFillValue, "value"));
    const Tensor& dims = *node.input(kFillDims);
    const Tensor& value = *node.input(kFillValue);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, dims, "dims", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, dims, "dims", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, value, "value", 0, 0));
    if (value.type != DataType::kString) TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, value, "value"));
    const size_t width = ElementBytes(value.type);
    if (value.type != DataType::kString && width != 1 && width != 2 && width != 4 && width != 8) {
      return node.UnsupportedError(std::string("value of type ") + DataTypeName(value.type) +
                                   " (LiteRT fills elements of 1, 2, 4 or 8 bytes)");
    }
    // LiteRT gives the output the value's type and requires its quantization.
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, value, "value", output, "output"));
    if (value.scale() != output.scale() || value.zero_point() != output.zero_point()) {
      return node.UnsupportedError("the output's scale and zero point differ from the value's");
    }
    if (value.type == DataType::kInt16 && value.zero_point() != 0) {
      return node.UnsupportedError("int16 value with zero point " + std::to_string(value.zero_point()) + " (must be 0)");
    }
    if (node.DeferUnlessValuesKnown({&dims})) return Status::Ok();
    std::vector<int64_t> extents;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, dims, "dims", extents));
    for (int64_t d : extents) {
      if (d < 0) return node.InvalidModelError("FILL dimensions must be >= 0, got " + std::to_string(d));
    }
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, extents, shape));
    return SetOutputShape(node, output, shape);
  }
  Status Eval(NodeContext& node) override {
    auto run = [&] {
      const Tensor& value = *node.input(kFillValue);
      Tensor& output = *node.output(0);
      const size_t width = ElementBytes(value.type);
      const int64_t n = output.element_count();
      for (int64_t i = 0; i < n; ++i) std::memcpy(output.bytes + static_cast<size_t>(i) * width, value.bytes, width);
      return Status::Ok();
    };
    return node.input(kFillValue)->type == DataType::kString ? EvalOnStringIds(node, {kFillValue}, 0, false, run) : run();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateZerosLikeKernel() { return std::make_unique<ZerosLikeKernel>(); }
std::unique_ptr<Kernel> CreateFillKernel() { return std::make_unique<FillKernel>(); }

}  // namespace tfldbg
