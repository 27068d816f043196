// Convolution2DTransposeBias (MediaPipe custom op, float32): inputs (input
// NHWC, filter OHWI, bias [C_out]); custom options are the raw bytes of
// TfLiteTransposeConvParams: int32 padding (1 SAME, otherwise none), stride
// width, stride height. The output size follows from the input:
// s·(in − 1) + k − p, where SAME trims p = max(0, k − (in − 1) mod s − 1) of
// which p/2 before. As MediaPipe's kernel: each output starts at its bias,
// then every input element scatters its products into it (LiteRT has no
// kernel; its TRANSPOSE_CONV + ADD computes the same up to where the bias
// enters the sum).
#include <algorithm>
#include <cstring>
#include <limits>

#include "kernels/conv/transpose_conv_math.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kFilter = 1;
constexpr int kBias = 2;

constexpr int32_t kPaddingSame = 1;  // TfLitePadding: 0 unknown, 1 SAME, 2 VALID

class Convolution2DTransposeBiasKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFilter, "filter"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kBias, "bias"));
    const Tensor& input = *node.input(kInput);
    const Tensor& filter = *node.input(kFilter);
    const Tensor& bias = *node.input(kBias);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", filter, "filter"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", bias, "bias"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, filter, "filter", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, bias, "bias", 1, 1));
    if (filter.dim(0) != bias.dim(0)) {
      return node.InvalidModelError("bias " + ShapeToString(bias.shape) + " does not match the filter's " +
                                    std::to_string(filter.dim(0)) + " output channels");
    }
    if (input.dim(3) != filter.dim(3)) {
      return node.InvalidModelError("the input " + ShapeToString(input.shape) + " has " + std::to_string(input.dim(3)) +
                                    " channels, the filter " + ShapeToString(filter.shape) + " takes " +
                                    std::to_string(filter.dim(3)));
    }
    int32_t params[3] = {0, 0, 0};  // padding, stride_width, stride_height
    TFLDBG_RETURN_IF_ERROR(ReadParams(node, params));
    const int32_t stride_w = params[1], stride_h = params[2];
    if (stride_w <= 0 || stride_h <= 0 || stride_w > (1 << 16) || stride_h > (1 << 16)) {
      return node.InvalidModelError("strides must be in [1, 65536], got " + std::to_string(stride_h) + "x" +
                                    std::to_string(stride_w));
    }
    if (input.dim(1) == 0 || input.dim(2) == 0) {
      return node.UnsupportedError("an empty input image (MediaPipe's output size is undefined for it)");
    }
    const bool same = params[0] == kPaddingSame;
    const int64_t kh = filter.dim(1), kw = filter.dim(2);
    const int64_t trim_h = same ? std::max<int64_t>(0, kh - (input.dim(1) - 1) % stride_h - 1) : 0;
    const int64_t trim_w = same ? std::max<int64_t>(0, kw - (input.dim(2) - 1) % stride_w - 1) : 0;
    const int64_t out_h = int64_t{stride_h} * (input.dim(1) - 1) + kh - trim_h;
    const int64_t out_w = int64_t{stride_w} * (input.dim(2) - 1) + kw - trim_w;
    if (out_h > std::numeric_limits<int32_t>::max() || out_w > std::numeric_limits<int32_t>::max()) {
      return node.InvalidModelError("the output would be " + std::to_string(out_h) + "x" + std::to_string(out_w));
    }
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, {input.dim(0), static_cast<int32_t>(out_h),
                                                         static_cast<int32_t>(out_w), filter.dim(0)}));
    geometry_.input = {input.dim(0), input.dim(1), input.dim(2), input.dim(3)};
    geometry_.filter = {filter.dim(0), kh, kw, filter.dim(3)};
    geometry_.output = {input.dim(0), out_h, out_w, filter.dim(0)};
    geometry_.stride_h = stride_h;
    geometry_.stride_w = stride_w;
    geometry_.pad_h = trim_h / 2;
    geometry_.pad_w = trim_w / 2;
    // A computed filter is reordered at every Eval, once the planner has placed it.
    filter_is_constant_ = filter.is_constant();
    if (filter_is_constant_) math::PackTransposeFilter(geometry_, filter.data<float>(), packed_);
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    const float* bias = node.input(kBias)->data<float>();
    float* y = node.output(0)->data<float>();
    if (!filter_is_constant_) math::PackTransposeFilter(geometry_, node.input(kFilter)->data<float>(), packed_);
    const int64_t n = geometry_.output.Size(), channels = geometry_.output.c;
    for (int64_t i = 0; i < n; ++i) y[i] = bias[i % channels];  // the sums start at the bias
    math::TransposeConvScatter<float>(geometry_, input.data<float>(), packed_.data(), y,
                                      [](float x, float w) { return x * w; });
    return Status::Ok();
  }

 private:
  // The first 12 bytes of the custom options: three little-endian int32.
  static Status ReadParams(const NodeContext& node, int32_t params[3]) {
    const uint8_t* data = nullptr;
    size_t size = 0;
    if (node.op->custom_options() != nullptr) {
      data = node.op->custom_options()->data();
      size = node.op->custom_options()->size();
    } else if (node.op->large_custom_options_offset() > 1) {
      data = node.model->file_data() + node.op->large_custom_options_offset();
      size = static_cast<size_t>(node.op->large_custom_options_size());
    }
    if (data == nullptr || size < 3 * sizeof(int32_t)) {
      return node.InvalidModelError("custom options hold " + std::to_string(size) +
                                    " bytes; Convolution2DTransposeBias needs 12 (padding, stride width, stride height)");
    }
    std::memcpy(params, data, 3 * sizeof(int32_t));
    return Status::Ok();
  }

  math::TransposeConvGeometry geometry_;
  bool filter_is_constant_ = false;
  std::vector<float> packed_;
};

}  // namespace

std::unique_ptr<Kernel> CreateConvolution2DTransposeBiasKernel() {
  return std::make_unique<Convolution2DTransposeBiasKernel>();
}

}  // namespace tfldbg
