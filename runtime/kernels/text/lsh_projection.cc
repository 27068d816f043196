// LSH_PROJECTION: for each float seed of `hash` [num_hash, num_bits], the
// sign of sum_i weight[i] * Fingerprint64(seed bytes ++ row i of the input)
// (farmhash's 64-bit fingerprint read as int64, summed in double; weight 1
// when absent), as LiteRT's kernel computes it (tflite/kernels/lsh_projection.cc).
// DENSE writes every bit; SPARSE packs each seed row's bits into an int32
// and adds i << num_bits (wrapping, as the int32 arithmetic there wraps).
#include "kernels/kernel.h"
#include "kernels/text/farmhash.h"

namespace tfldbg {
namespace {

constexpr int kHash = 0;
constexpr int kInput = 1;
constexpr int kWeight = 2;

class LshProjectionKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kHash, "hash"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    if (node.input_count() == 3) TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kWeight, "weight"));
    const Tensor& hash = *node.input(kHash);
    const Tensor& input = *node.input(kInput);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, hash, "hash", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, hash, "hash", 2, 2));
    if (hash.dim(1) > 32) return node.InvalidModelError("hash has " + std::to_string(hash.dim(1)) + " bits per row (at most 32)");
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                      DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 1, 8));
    if (input.dim(0) == 0) return node.UnsupportedError("an input of no rows (LiteRT divides by the row count)");
    if (node.input_count() == 3) {
      const Tensor& weight = *node.input(kWeight);
      TFLDBG_RETURN_IF_ERROR(CheckType(node, weight, "weight", {DataType::kFloat32}));
      TFLDBG_RETURN_IF_ERROR(CheckRank(node, weight, "weight", 1, 1));
      if (weight.dim(0) != input.dim(0)) {
        return node.InvalidModelError("weight has " + std::to_string(weight.dim(0)) + " entries, the input " +
                                      std::to_string(input.dim(0)) + " rows");
      }
    }
    const auto* o = node.options<tflite::LSHProjectionOptions>();
    type_ = o ? o->type() : tflite::LSHProjectionType::UNKNOWN;
    if (type_ != tflite::LSHProjectionType::SPARSE && type_ != tflite::LSHProjectionType::DENSE) {
      return node.InvalidModelError("projection type " + std::to_string(static_cast<int>(type_)) + " (SPARSE or DENSE)");
    }
    if (type_ == tflite::LSHProjectionType::SPARSE && hash.dim(1) == 32) {
      return node.UnsupportedError("SPARSE with 32 bits per row (LiteRT shifts an int by 32: undefined)");
    }
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32}));
    const int32_t n = type_ == tflite::LSHProjectionType::SPARSE ? hash.dim(0) : hash.dim(0) * hash.dim(1);
    return SetOutputShape(node, output, {n});
  }

  Status Eval(NodeContext& node) override {
    const Tensor& hash = *node.input(kHash);
    const Tensor& input = *node.input(kInput);
    const float* weight = node.input_count() == 3 ? node.input(kWeight)->data<float>() : nullptr;
    int32_t* out = node.output(0)->data<int32_t>();
    const int32_t rows = input.dim(0);
    const size_t row_bytes = static_cast<size_t>(input.element_count() / rows) * ElementBytes(input.type);
    std::vector<uint8_t> key(sizeof(float) + row_bytes);
    auto sign_bit = [&](float seed) {
      double score = 0.0;
      for (int32_t i = 0; i < rows; ++i) {
        std::memcpy(key.data(), &seed, sizeof(float));
        CopyBytes(key.data() + sizeof(float), input.bytes + static_cast<size_t>(i) * row_bytes, row_bytes);
        const auto signature = static_cast<int64_t>(farmhash::Fingerprint64(key.data(), key.size()));
        const double running = static_cast<double>(signature);
        score += weight == nullptr ? running : weight[i] * running;
      }
      return score > 0 ? 1u : 0u;
    };
    const int32_t num_hash = hash.dim(0), num_bits = hash.dim(1);
    const float* seeds = hash.data<float>();
    for (int32_t i = 0; i < num_hash; ++i) {
      uint32_t signature = 0;
      for (int32_t j = 0; j < num_bits; ++j) {
        const uint32_t bit = sign_bit(seeds[i * num_bits + j]);
        if (type_ == tflite::LSHProjectionType::DENSE) {
          *out++ = static_cast<int32_t>(bit);
        } else {
          signature = (signature << 1) | bit;
        }
      }
      if (type_ == tflite::LSHProjectionType::SPARSE) {
        *out++ = static_cast<int32_t>(signature + static_cast<uint32_t>(i) * (uint32_t{1} << num_bits));
      }
    }
    return Status::Ok();
  }

 private:
  tflite::LSHProjectionType type_ = tflite::LSHProjectionType::UNKNOWN;
};

}  // namespace

std::unique_ptr<Kernel> CreateLshProjectionKernel() { return std::make_unique<LshProjectionKernel>(); }

}  // namespace tfldbg
