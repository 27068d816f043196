// MIRROR_PAD, REFLECT and SYMMETRIC, with constant or computed int32/int64
// paddings; any element type of 1, 2, 4 or 8 bytes and any rank, as LiteRT.
#include <cstring>
#include <string>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"
#include "kernels/layout/mirror_pad_math.h"

namespace tfldbg {
namespace {

constexpr int kMirrorInput = 0;
constexpr int kMirrorPaddings = 1;

class MirrorPadKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kMirrorInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kMirrorPaddings, "paddings"));
    const Tensor& input = *node.input(kMirrorInput);
    const Tensor& paddings = *node.input(kMirrorPaddings);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    const size_t width = ElementBytes(input.type);
    if (width != 1 && width != 2 && width != 4 && width != 8) {
      return node.UnsupportedError(std::string("input of type ") + DataTypeName(input.type) +
                                   " (LiteRT pads elements of 1, 2, 4 or 8 bytes)");
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    const auto* options = node.options<tflite::MirrorPadOptions>();
    if (options == nullptr) return node.InvalidModelError("MIRROR_PAD without its options (LiteRT needs the mode)");
    offset_ = options->mode() == tflite::MirrorPadMode::REFLECT ? 1 : 0;
    if (options->mode() != tflite::MirrorPadMode::REFLECT && options->mode() != tflite::MirrorPadMode::SYMMETRIC) {
      return node.InvalidModelError("unknown mirror padding mode " + std::to_string(static_cast<int>(options->mode())));
    }
    if (IsQuantizedIntegerType(input.type) && (input.scale() != output.scale() || input.zero_point() != output.zero_point())) {
      return node.UnsupportedError("the output's scale and zero point differ from the input's");
    }
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.UnsupportedError("int16 with a zero point other than 0");
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, paddings, "paddings", {DataType::kInt32, DataType::kInt64}));
    if (paddings.rank() != 2 || paddings.dim(0) != input.rank() || paddings.dim(1) != 2) {
      return node.InvalidModelError("paddings must be [" + std::to_string(input.rank()) + ", 2], got " + ShapeToString(paddings.shape));
    }
    if (node.DeferUnlessValuesKnown({&paddings})) return Status::Ok();
    std::vector<int64_t> pads;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, paddings, "paddings", pads));
    std::vector<int64_t> dims;
    maps_.clear();
    for (int d = 0; d < input.rank(); ++d) {
      const int64_t before = pads[static_cast<size_t>(2 * d)], after = pads[static_cast<size_t>(2 * d + 1)];
      const int64_t limit = int64_t{input.dim(d)} - offset_;
      if (before < 0 || after < 0 || before > limit || after > limit) {
        const std::string what = "paddings " + std::to_string(before) + "/" + std::to_string(after) + " of dimension " +
                                 std::to_string(d) + " must be in [0, " + std::to_string(limit) + "] (its size " +
                                 std::to_string(input.dim(d)) + (offset_ ? " minus 1 for REFLECT)" : " for SYMMETRIC)");
        return node.prepare_at_eval ? node.RuntimeFailure(what) : node.InvalidModelError(what);
      }
      dims.push_back(input.dim(d) + before + after);
      maps_.push_back(math::MirrorPadIndexMap(input.dim(d), static_cast<int32_t>(before), static_cast<int32_t>(after), offset_));
    }
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, shape));
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kMirrorInput);
    Tensor& output = *node.output(0);
    const size_t width = ElementBytes(input.type);
    const int rank = input.rank();
    const int64_t total = output.element_count();
    if (total == 0) return Status::Ok();
    if (rank == 0) {
      CopyBytes(output.bytes, input.bytes, width);
      return Status::Ok();
    }
    std::vector<int64_t> in_stride(static_cast<size_t>(rank), 1);
    for (int d = rank - 2; d >= 0; --d) in_stride[static_cast<size_t>(d)] = in_stride[static_cast<size_t>(d) + 1] * input.dim(d + 1);
    const std::vector<int32_t>& row_map = maps_[static_cast<size_t>(rank - 1)];
    const int64_t row = output.dim(rank - 1);
    std::vector<int32_t> index(static_cast<size_t>(rank), 0);
    for (int64_t out = 0; out < total; out += row) {
      int64_t base = 0;
      for (int d = 0; d < rank - 1; ++d) {
        base += maps_[static_cast<size_t>(d)][static_cast<size_t>(index[static_cast<size_t>(d)])] * in_stride[static_cast<size_t>(d)];
      }
      for (int64_t j = 0; j < row; ++j) {
        std::memcpy(output.bytes + static_cast<size_t>(out + j) * width,
                    input.bytes + static_cast<size_t>(base + row_map[static_cast<size_t>(j)]) * width, width);
      }
      for (int d = rank - 2; d >= 0; --d) {
        if (++index[static_cast<size_t>(d)] < output.dim(d)) break;
        index[static_cast<size_t>(d)] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  int32_t offset_ = 1;                      // 1 for REFLECT, 0 for SYMMETRIC
  std::vector<std::vector<int32_t>> maps_;  // per dimension: output position -> input position
};

}  // namespace

std::unique_ptr<Kernel> CreateMirrorPadKernel() { return std::make_unique<MirrorPadKernel>(); }

}  // namespace tfldbg
