// RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL: the numbers
// LiteRT's random_ops.cc draws, from TensorFlow's Philox generator keyed by
// the options' seed and seed2 (random/philox.h).
//
// The generator lives in the kernel: it is keyed once, when the node is first
// prepared, and every Invoke continues the stream, as LiteRT's does (a second
// Invoke gives new numbers). With seed = seed2 = 0 LiteRT keys it from
// /dev/urandom (numbers differ from run to run); tfldbg keys it with 0 and 0
// as written, so its runs are reproducible (docs/architecture.md). LiteRT
// reads each seed as a C int: the low 32 bits, sign-extended; so does tfldbg.
//
// RANDOM_UNIFORM: floats in [0, 1), one per 32-bit output of the generator.
// RANDOM_STANDARD_NORMAL: Box-Muller on pairs of outputs; for an odd count the
// last pair's second value is dropped (LiteRT writes it one float past the
// output's end: docs/litert-defects.md).
// MULTINOMIAL: per row of logits, samples from the softmax over the finite
// logits (inverse CDF in double on 52-bit uniforms); a row with no finite
// logit gives num_classes, as LiteRT's upper_bound does.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "kernels/common/output_shape.h"
#include "kernels/kernel.h"
#include "kernels/random/philox.h"

namespace tfldbg {
namespace {

using random::Philox;

// The op's Philox generator, keyed from its options the first time the node is prepared.
Philox& KeyedGenerator(const NodeContext& node, std::optional<Philox>& rng) {
  if (!rng) {
    const auto* options = node.options<tflite::RandomOptions>();
    // LiteRT keeps the seeds as C ints: the low 32 bits of each, sign-extended.
    const int64_t seed = static_cast<int32_t>(options ? options->seed() : 0);
    const int64_t seed2 = static_cast<int32_t>(options ? options->seed2() : 0);
    rng.emplace(static_cast<uint64_t>(seed), static_cast<uint64_t>(seed2));
  }
  return *rng;
}

// --- RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL -------------------------------------------------

constexpr int kShape = 0;

enum class Distribution { kUniform, kStandardNormal };

template <Distribution kDistribution>
class RandomKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kShape, "shape"));
    const Tensor& shape = *node.input(kShape);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, shape, "shape", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, shape, "shape", 1, 1));
    // LiteRT's Eval fills float32 only and fails for any other output type.
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kFloat32}));
    KeyedGenerator(node, rng_);
    if (node.DeferUnlessValuesKnown({&shape})) return Status::Ok();
    std::vector<int64_t> dims;
    TFLDBG_RETURN_IF_ERROR(ReadConstantInts(node, shape, "shape", dims));
    std::vector<int32_t> out_shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, dims, out_shape));
    return SetOutputShape(node, output, out_shape);
  }

  Status Eval(NodeContext& node) override {
    Tensor& output = *node.output(0);
    float* out = output.data<float>();
    const int64_t n = output.element_count();
    Philox& rng = KeyedGenerator(node, rng_);
    for (int64_t done = 0; done < n; done += 4) {
      const Philox::Block block = rng.Next();
      const int64_t take = std::min<int64_t>(4, n - done);
      if (kDistribution == Distribution::kUniform) {
        for (int64_t i = 0; i < take; ++i) out[done + i] = random::UniformFloat(block[static_cast<size_t>(i)]);
      } else {
        for (int64_t i = 0; i < take; i += 2) {
          float f0, f1;
          random::BoxMuller(block[static_cast<size_t>(i)], block[static_cast<size_t>(i + 1)], &f0, &f1);
          out[done + i] = f0;
          if (i + 1 < take) out[done + i + 1] = f1;
        }
      }
    }
    return Status::Ok();
  }

 private:
  std::optional<Philox> rng_;
};

// --- MULTINOMIAL ----------------------------------------------------------------------------

constexpr int kLogits = 0;
constexpr int kNumSamples = 1;

template <typename Index>
void Sample(Philox& rng, const float* logits, int64_t batch, int64_t classes, Index* out, int64_t samples) {
  // This Invoke reads a copy; the op's generator jumps ahead by a fixed count
  // per Invoke (TensorFlow's allowance for kernels that draw an unknown number).
  Philox stream = rng;
  rng.Skip(static_cast<uint64_t>(batch) * ((static_cast<uint64_t>(samples) + 3) / 4 * 4) * 2 * 256);
  Philox::Block block{};
  size_t used = 4;
  std::vector<double> cdf(static_cast<size_t>(classes));
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = logits + b * classes;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t i = 0; i < classes; ++i) {
      if (std::isfinite(row[i])) max = std::max(max, row[i]);
    }
    const double max_logit = max;
    double total = 0.0;
    for (int64_t i = 0; i < classes; ++i) {
      if (std::isfinite(row[i])) total += std::exp(row[i] - max_logit);
      cdf[static_cast<size_t>(i)] = total;
    }
    for (int64_t j = 0; j < samples; ++j) {
      if (used == 4) {
        block = stream.Next();
        used = 0;
      }
      const double target = random::UniformDouble(block[used], block[used + 1]) * total;
      used += 2;
      out[b * samples + j] = static_cast<Index>(std::upper_bound(cdf.begin(), cdf.end(), target) - cdf.begin());
    }
  }
}

class MultinomialKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kLogits, "logits"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kNumSamples, "num_samples"));
    const Tensor& logits = *node.input(kLogits);
    const Tensor& num_samples = *node.input(kNumSamples);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, logits, "logits", {DataType::kFloat32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, logits, "logits", 2, 2));
    if (logits.dim(1) == 0) return node.UnsupportedError("logits with 0 classes (LiteRT's Invoke fails)");
    TFLDBG_RETURN_IF_ERROR(CheckType(node, num_samples, "num_samples", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, num_samples, "num_samples", 0, 0));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, output, "output", {DataType::kInt32, DataType::kInt64}));
    KeyedGenerator(node, rng_);
    if (node.DeferUnlessValuesKnown({&num_samples})) return Status::Ok();
    const int64_t samples = num_samples.data<int32_t>()[0];
    if (samples < 0) return node.InvalidModelError("num_samples is " + std::to_string(samples) + " (must be >= 0)");
    std::vector<int32_t> shape;
    TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, {logits.dim(0), samples}, shape));
    return SetOutputShape(node, output, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& logits = *node.input(kLogits);
    Tensor& output = *node.output(0);
    Philox& rng = KeyedGenerator(node, rng_);
    const int64_t batch = logits.dim(0), classes = logits.dim(1), samples = output.dim(1);
    if (output.type == DataType::kInt32) {
      Sample(rng, logits.data<float>(), batch, classes, output.data<int32_t>(), samples);
    } else {
      Sample(rng, logits.data<float>(), batch, classes, output.data<int64_t>(), samples);
    }
    return Status::Ok();
  }

 private:
  std::optional<Philox> rng_;
};

}  // namespace

std::unique_ptr<Kernel> CreateRandomUniformKernel() {
  return std::make_unique<RandomKernel<Distribution::kUniform>>();
}
std::unique_ptr<Kernel> CreateRandomStandardNormalKernel() {
  return std::make_unique<RandomKernel<Distribution::kStandardNormal>>();
}
std::unique_ptr<Kernel> CreateMultinomialKernel() { return std::make_unique<MultinomialKernel>(); }

}  // namespace tfldbg
