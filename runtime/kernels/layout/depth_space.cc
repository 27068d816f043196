// DEPTH_TO_SPACE and SPACE_TO_DEPTH on NHWC tensors: blocks of block_size x
// block_size pixels move to or from the channels (channel index
// (y % b * b + x % b) * C + c, TensorFlow's DCR order). The bytes move
// unchanged, whatever the quantization (LiteRT does not compare it).
#include <limits>
#include <string>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kSpaceInput = 0;

class DepthSpaceKernel : public Kernel {
 public:
  explicit DepthSpaceKernel(bool to_space) : to_space_(to_space) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSpaceInput, "input"));
    const Tensor& input = *node.input(kSpaceInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt32,
                                      DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    int64_t block = 0;
    if (to_space_) {
      if (const auto* o = node.options<tflite::DepthToSpaceOptions>()) block = o->block_size();
    } else {
      if (const auto* o = node.options<tflite::SpaceToDepthOptions>()) block = o->block_size();
    }
    if (block <= 0) return node.InvalidModelError("block_size " + std::to_string(block) + " must be positive");
    block_ = static_cast<int32_t>(block);
    const int64_t n = input.dim(0), h = input.dim(1), w = input.dim(2), c = input.dim(3);
    std::vector<int64_t> dims;
    if (to_space_) {
      if (c % (block * block) != 0) {
        return node.InvalidModelError("depth " + std::to_string(c) + " is not a multiple of block_size^2 = " +
                                      std::to_string(block * block));
      }
      dims = {n, h * block, w * block, c / (block * block)};
    } else {
      if (h % block != 0 || w % block != 0) {
        return node.InvalidModelError("height " + std::to_string(h) + " and width " + std::to_string(w) +
                                      " must be multiples of block_size " + std::to_string(block));
      }
      if (c != 0 && block * block > std::numeric_limits<int32_t>::max() / c) {
        return node.InvalidModelError("depth " + std::to_string(c) + " times block_size^2 exceeds the int32 range");
      }
      dims = {n, h / block, w / block, c * block * block};
    }
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, shape));
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kSpaceInput);
    Tensor& output = *node.output(0);
    // Walk the spatial side (the output of DEPTH_TO_SPACE, the input of
    // SPACE_TO_DEPTH): each pixel's `depth` channels are one contiguous run
    // on both sides.
    const Tensor& space = to_space_ ? output : input;
    const Tensor& depth_side = to_space_ ? input : output;
    const int64_t n = space.dim(0), h = space.dim(1), w = space.dim(2), depth = space.dim(3);
    const int64_t dh = depth_side.dim(1), dw = depth_side.dim(2), dc = depth_side.dim(3);
    const size_t width = ElementBytes(input.type);
    const size_t run = static_cast<size_t>(depth) * width;
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t y = 0; y < h; ++y) {
        for (int64_t x = 0; x < w; ++x) {
          const int64_t space_at = ((b * h + y) * w + x) * depth;
          const int64_t channel = ((y % block_) * block_ + x % block_) * depth;
          const int64_t depth_at = ((b * dh + y / block_) * dw + x / block_) * dc + channel;
          if (to_space_) {
            CopyBytes(output.bytes + static_cast<size_t>(space_at) * width, input.bytes + static_cast<size_t>(depth_at) * width, run);
          } else {
            CopyBytes(output.bytes + static_cast<size_t>(depth_at) * width, input.bytes + static_cast<size_t>(space_at) * width, run);
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  bool to_space_;
  int32_t block_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> CreateDepthToSpaceKernel() { return std::make_unique<DepthSpaceKernel>(true); }
std::unique_ptr<Kernel> CreateSpaceToDepthKernel() { return std::make_unique<DepthSpaceKernel>(false); }

}  // namespace tfldbg
