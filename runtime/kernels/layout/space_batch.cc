// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on NHC or NHWC tensors (LiteRT's
// ranks 3 and 4; rank 3 is NHWC with W = 1), with constant or computed int32
// block_shape and paddings/crops. Padding is the output zero point for 8- and
// 16-bit types, byte by byte as LiteRT's memset writes it, else 0.
#include <cstring>
#include <string>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kBatchInput = 0;
constexpr int kBatchBlockShape = 1;
constexpr int kBatchPaddings = 2;  // paddings for SPACE_TO_BATCH_ND, crops for BATCH_TO_SPACE_ND

class SpaceBatchKernel : public Kernel {
 public:
  explicit SpaceBatchKernel(bool to_batch) : to_batch_(to_batch) {}

  Status Prepare(NodeContext& node) override {
    const char* pads_name = to_batch_ ? "paddings" : "crops";
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBatchInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBatchBlockShape, "block_shape"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBatchPaddings, pads_name));
    const Tensor& input = *node.input(kBatchInput);
    const Tensor& block = *node.input(kBatchBlockShape);
    const Tensor& pads = *node.input(kBatchPaddings);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 3, 4));
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, input, "input"));
    const size_t width = ElementBytes(input.type);
    if (width != 1 && width != 2 && width != 4 && width != 8) {
      return node.UnsupportedError(std::string("input of type ") + DataTypeName(input.type) +
                                   " (LiteRT moves elements of 1, 2, 4 or 8 bytes)");
    }
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    if (IsQuantizedIntegerType(input.type) && (input.scale() != output.scale() || input.zero_point() != output.zero_point())) {
      return node.UnsupportedError("the output's scale and zero point differ from the input's");
    }
    if (input.type == DataType::kInt16 && (input.zero_point() != 0 || output.zero_point() != 0)) {
      return node.UnsupportedError("int16 with a zero point other than 0");
    }
    // LiteRT reads both as int32 without looking at their type.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, block, "block_shape", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, pads, pads_name, {DataType::kInt32}));
    const int spatial = input.rank() - 2;
    if (block.rank() != 1 || block.dim(0) != spatial) {
      return node.InvalidModelError("block_shape must be [" + std::to_string(spatial) + "], got " + ShapeToString(block.shape));
    }
    if (pads.rank() != 2 || pads.dim(0) != spatial || pads.dim(1) != 2) {
      return node.InvalidModelError(std::string(pads_name) + " must be [" + std::to_string(spatial) + ", 2], got " +
                                    ShapeToString(pads.shape));
    }
    if (node.DeferUnlessValuesKnown({&block, &pads})) return Status::Ok();
    // NHWC view: rank 3 is NH1C with block width 1 and no padding along W.
    block_h_ = block.data<int32_t>()[0];
    block_w_ = spatial == 2 ? block.data<int32_t>()[1] : 1;
    before_h_ = pads.data<int32_t>()[0];
    before_w_ = spatial == 2 ? pads.data<int32_t>()[2] : 0;
    std::vector<int64_t> dims(input.shape.begin(), input.shape.end());
    int64_t batch = input.dim(0);
    for (int d = 0; d < spatial; ++d) {
      const int64_t b = block.data<int32_t>()[d];
      const int64_t lo = pads.data<int32_t>()[2 * d], hi = pads.data<int32_t>()[2 * d + 1];
      std::string what;
      if (b < 1) {
        what = "block_shape[" + std::to_string(d) + "] = " + std::to_string(b) + " must be positive";
      } else if (to_batch_) {
        // Negative paddings crop, as LiteRT's loops compute them.
        const int64_t padded = input.dim(d + 1) + lo + hi;
        if (padded < 0 || padded % b != 0) {
          what = "padded dimension " + std::to_string(d + 1) + " (" + std::to_string(padded) +
                 ") is not a non-negative multiple of block_shape " + std::to_string(b);
        } else {
          dims[static_cast<size_t>(d) + 1] = padded / b;
          batch *= b;
        }
      } else {
        const int64_t cropped = input.dim(d + 1) * b - lo - hi;
        if (lo < 0 || hi < 0 || cropped < 0) {
          what = "crops " + std::to_string(lo) + "/" + std::to_string(hi) + " of dimension " + std::to_string(d + 1) +
                 " must be non-negative and leave a non-negative size";
        } else if (batch % b != 0) {
          what = "batch " + std::to_string(input.dim(0)) + " is not a multiple of the block_shape product";
        } else {
          dims[static_cast<size_t>(d) + 1] = cropped;
          batch /= b;
        }
      }
      if (!what.empty()) return node.prepare_at_eval ? node.RuntimeFailure(what) : node.InvalidModelError(what);
    }
    dims[0] = batch;
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, shape));
    pad_byte_ = (width <= 2 && to_batch_) ? static_cast<uint8_t>(output.zero_point()) : 0;
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kBatchInput);
    Tensor& output = *node.output(0);
    const size_t width = ElementBytes(input.type);
    // The batch side (output of SPACE_TO_BATCH_ND, input of BATCH_TO_SPACE_ND)
    // and the space side, both as NHWC.
    const Tensor& batch_side = to_batch_ ? output : input;
    const Tensor& space_side = to_batch_ ? input : output;
    const int64_t bn = batch_side.dim(0), bh = batch_side.dim(1), bw = batch_side.rank() == 4 ? batch_side.dim(2) : 1;
    const int64_t sn = space_side.dim(0), sh = space_side.dim(1), sw = space_side.rank() == 4 ? space_side.dim(2) : 1;
    const int64_t depth = input.dim(input.rank() - 1);
    const size_t run = static_cast<size_t>(depth) * width;
    if (to_batch_ && output.byte_size != 0) std::memset(output.bytes, pad_byte_, output.byte_size);
    if (sn == 0) return Status::Ok();
    for (int64_t b = 0; b < bn; ++b) {
      const int64_t image = b % sn;
      const int64_t shift_h = (b / sn) / block_w_, shift_w = (b / sn) % block_w_;
      for (int64_t y = 0; y < bh; ++y) {
        const int64_t sy = y * block_h_ + shift_h - before_h_;
        if (sy < 0 || sy >= sh) continue;
        for (int64_t x = 0; x < bw; ++x) {
          const int64_t sx = x * block_w_ + shift_w - before_w_;
          if (sx < 0 || sx >= sw) continue;
          const int64_t batch_at = ((b * bh + y) * bw + x) * depth;
          const int64_t space_at = ((image * sh + sy) * sw + sx) * depth;
          if (to_batch_) {
            CopyBytes(output.bytes + static_cast<size_t>(batch_at) * width, input.bytes + static_cast<size_t>(space_at) * width, run);
          } else {
            CopyBytes(output.bytes + static_cast<size_t>(space_at) * width, input.bytes + static_cast<size_t>(batch_at) * width, run);
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  bool to_batch_;
  int64_t block_h_ = 1, block_w_ = 1, before_h_ = 0, before_w_ = 0;
  uint8_t pad_byte_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateSpaceToBatchNdKernel() { return std::make_unique<SpaceBatchKernel>(true); }
std::unique_ptr<Kernel> CreateBatchToSpaceNdKernel() { return std::make_unique<SpaceBatchKernel>(false); }

}  // namespace tfldbg
