// RFFT2D: the 2-D FFT of the innermost two dimensions of a float32 tensor,
// cropped or zero-padded to fft_length = [H, W] (an int32 pair, constant or
// computed), giving complex64 of shape [..., H, W/2 + 1]. H and W must be
// powers of two (LiteRT's fft2d library handles no other length); W = 1 is
// refused: LiteRT's kernel returns wrong values there (docs/litert-defects.md).
// The arithmetic is in signal/rfft2d_math.h.
#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"
#include "kernels/signal/rfft2d_math.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kFftLength = 1;
// H * W at most 2^24 (4096 x 4096): tfldbg's double scratch is 16 bytes per
// output element (LiteRT's working buffer is H * (W + 2) doubles); a hostile
// fft_length must not make Prepare allocate gigabytes.
constexpr int64_t kMaxFftElements = int64_t{1} << 24;

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

class Rfft2dKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kFftLength, "fft_length"));
    const Tensor& input = *node.input(kInput);
    const Tensor& fft_length = *node.input(kFftLength);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 2, 8));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, fft_length, "fft_length", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, fft_length, "fft_length", 1, 1));
    if (fft_length.dim(0) != 2) {
      return node.InvalidModelError("fft_length has " + std::to_string(fft_length.dim(0)) + " values (must be 2)");
    }
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kComplex64}));
    if (node.DeferUnlessValuesKnown({&fft_length})) return Status::Ok();
    const int64_t height = fft_length.data<int32_t>()[0];
    const int64_t width = fft_length.data<int32_t>()[1];
    if (!IsPowerOfTwo(height) || !IsPowerOfTwo(width)) {
      return node.UnsupportedError("fft_length [" + std::to_string(height) + ", " + std::to_string(width) +
                                   "]: both must be powers of two (as in LiteRT)");
    }
    if (width == 1) {
      return node.UnsupportedError("fft_length width 1 (LiteRT's RFFT2D returns wrong values for it)");
    }
    if (height * width > kMaxFftElements) {
      return node.UnsupportedError("fft_length [" + std::to_string(height) + ", " + std::to_string(width) +
                                   "]: more than 2^24 points per transform");
    }
    std::vector<int64_t> dims(input.shape.begin(), input.shape.end());
    dims[dims.size() - 2] = height;
    dims[dims.size() - 1] = width / 2 + 1;
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, shape));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
    plan_.Reset(height, width);
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    const int rank = input.rank();
    const int64_t slices = Product(input.shape, 0, rank - 2);
    const int64_t in_height = input.dim(rank - 2);
    const int64_t in_width = input.dim(rank - 1);
    const int64_t out_slice = static_cast<int64_t>(output.dim(rank - 2)) * plan_.bins();
    const float* in = input.data<float>();
    auto* out = output.data<std::complex<float>>();
    for (int64_t s = 0; s < slices; ++s) {
      plan_.Run(in + s * in_height * in_width, in_height, in_width, out + s * out_slice);
    }
    return Status::Ok();
  }

 private:
  signal::Rfft2dPlan plan_;
};

}  // namespace

std::unique_ptr<Kernel> CreateRfft2dKernel() { return std::make_unique<Rfft2dKernel>(); }

}  // namespace tfldbg
