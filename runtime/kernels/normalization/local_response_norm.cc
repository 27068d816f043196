// LOCAL_RESPONSE_NORMALIZATION (float32, 4-D): each value divided by
// (bias + alpha·sum of squares over the channels [c - radius, c + radius])^beta.
//
// LiteRT's reference kernel sums the channels [c - radius, c + radius), one
// short of the op's definition (with radius 0 it leaves every value's own
// square out), so tfldbg computes what LiteRT's optimized kernel computes
// (docs/litert-defects.md): the squares times alpha, summed in a sliding
// window (add the entering channel, store bias + sum, subtract the leaving
// one), then x·(1/s) for beta 1, x·(1/sqrt(s)) for beta 1/2, else x·s^-beta.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kOutput = 0;

class LocalResponseNormKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 4, 4));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, input.shape));
    const auto* o = node.options<tflite::LocalResponseNormalizationOptions>();
    radius_ = o != nullptr ? o->radius() : 0;
    bias_ = o != nullptr ? o->bias() : 0.0f;
    alpha_ = o != nullptr ? o->alpha() : 0.0f;
    beta_ = o != nullptr ? o->beta() : 0.0f;
    if (radius_ < 0) return node.InvalidModelError("radius " + std::to_string(radius_) + " is negative");
    depth_ = input.dim(3);
    rows_ = depth_ == 0 ? 0 : input.element_count() / depth_;
    squares_.assign(static_cast<size_t>(depth_), 0.0f);
    node.litert_optimized = true;  // LiteRT's reference window is one channel short
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const float* in = node.input(kInput)->data<float>();
    float* out = node.output(kOutput)->data<float>();
    const int64_t depth = depth_, radius = radius_;
    for (int64_t r = 0; r < rows_; ++r) {
      const float* x = in + r * depth;
      float* y = out + r * depth;
      for (int64_t c = 0; c < depth; ++c) squares_[static_cast<size_t>(c)] = x[c] * x[c] * alpha_;
      // LiteRT pads the squares with `radius` zeros on each side; adding or
      // subtracting a padding zero never changes the (never negative-zero) sum.
      float sum = 0.0f;
      for (int64_t c = 0; c < std::min(radius, depth); ++c) sum += squares_[static_cast<size_t>(c)];
      for (int64_t c = 0; c < depth; ++c) {
        if (c + radius < depth) sum += squares_[static_cast<size_t>(c + radius)];
        y[c] = bias_ + sum;
        if (c - radius >= 0) sum -= squares_[static_cast<size_t>(c - radius)];
      }
      for (int64_t c = 0; c < depth; ++c) {
        if (beta_ == 1.0f) {
          y[c] = x[c] * (1.0f / y[c]);
        } else if (beta_ == 0.5f) {
          y[c] = x[c] * (1.0f / std::sqrt(y[c]));
        } else {
          y[c] = x[c] * std::pow(y[c], -beta_);
        }
      }
    }
    return Status::Ok();
  }

 private:
  int radius_ = 0;
  float bias_ = 0.0f, alpha_ = 0.0f, beta_ = 0.0f;
  int depth_ = 1;
  int64_t rows_ = 0;
  std::vector<float> squares_;
};

}  // namespace

std::unique_ptr<Kernel> CreateLocalResponseNormalizationKernel() { return std::make_unique<LocalResponseNormKernel>(); }

}  // namespace tfldbg
