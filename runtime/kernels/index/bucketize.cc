// BUCKETIZE: for each element, the number of boundaries not greater than it
// (std::upper_bound over the float boundaries of the options), as LiteRT's
// bucketize.cc computes it: the comparison is C++'s `value < boundary`, so an
// int32/int64 value is converted to float and a float boundary to double.
#include <algorithm>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;

template <typename T>
void Bucketize(const T* input, int64_t n, const std::vector<float>& boundaries, int32_t* output) {
  for (int64_t i = 0; i < n; ++i) {
    output[i] = static_cast<int32_t>(std::upper_bound(boundaries.begin(), boundaries.end(), input[i]) - boundaries.begin());
  }
}

class BucketizeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    const Tensor& input = *node.input(kInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kFloat64, DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32}));
    boundaries_.clear();
    // Without options LiteRT has no boundaries (every element in bucket 0);
    // options without the boundaries vector it refuses.
    if (const auto* options = node.options<tflite::BucketizeOptions>()) {
      if (options->boundaries() == nullptr) return node.InvalidModelError("the options hold no boundaries");
      boundaries_.assign(options->boundaries()->begin(), options->boundaries()->end());
    }
    // std::is_sorted's test (no boundary less than the one before), so NaNs pass as LiteRT lets them.
    if (!std::is_sorted(boundaries_.begin(), boundaries_.end())) {
      return node.InvalidModelError("the boundaries are not sorted");
    }
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kInput);
    int32_t* output = node.output(0)->data<int32_t>();
    const int64_t n = input.element_count();
    switch (input.type) {
      case DataType::kFloat32: Bucketize(input.data<float>(), n, boundaries_, output); break;
      case DataType::kFloat64: Bucketize(input.data<double>(), n, boundaries_, output); break;
      case DataType::kInt32: Bucketize(input.data<int32_t>(), n, boundaries_, output); break;
      default: Bucketize(input.data<int64_t>(), n, boundaries_, output); break;
    }
    return Status::Ok();
  }

 private:
  std::vector<float> boundaries_;
};

}  // namespace

std::unique_ptr<Kernel> CreateBucketizeKernel() { return std::make_unique<BucketizeKernel>(); }

}  // namespace tfldbg
