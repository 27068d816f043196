// REVERSE_V2 (the order of elements along contiguous axes, reversed) and
// REVERSE_SEQUENCE (the first seq_lengths[b] elements along seq_dim, reversed
// per batch entry b), with the types and checks LiteRT's kernels apply.
#include <algorithm>
#include <cstring>
#include <string>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// --- REVERSE_V2 ------------------------------------------------------------------------------

constexpr int kReverseInput = 0;
constexpr int kReverseAxis = 1;
constexpr int kReverseMaxRank = 8;  // LiteRT's limit

class ReverseV2Kernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kReverseInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kReverseAxis, "axis"));
    const Tensor& input = *node.input(kReverseInput);
    const Tensor& axis = *node.input(kReverseAxis);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kFloat16, DataType::kBFloat16, DataType::kInt8,
                                      DataType::kUInt8, DataType::kInt16, DataType::kInt32, DataType::kInt64,
                                      DataType::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, axis, "axis", {DataType::kInt32}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, axis, "axis", 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, input, "input", 0, kReverseMaxRank));
    if (axis.dim(0) > input.rank()) {
      return node.InvalidModelError(std::to_string(axis.dim(0)) + " axes for an input of rank " + std::to_string(input.rank()));
    }
    if (axis.dim(0) == 0) {
      // LiteRT's kernel reads axes[-1] and crashes (reference and optimized alike).
      return node.UnsupportedError("an empty axis list (LiteRT's kernel crashes on it)");
    }
    if (axis.is_constant()) TFLDBG_RETURN_IF_ERROR(ResolveAxes(node, input, axis));
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kReverseInput);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(ResolveAxes(node, input, *node.input(kReverseAxis)));
    // Contiguous axes reverse as one block: [outer, middle, inner] with the middle reversed.
    const int64_t outer = Product(input.shape, 0, first_);
    const int64_t middle = Product(input.shape, first_, last_ + 1);
    const int64_t inner = Product(input.shape, last_ + 1, input.rank());
    const size_t width = ElementBytes(input.type);
    const size_t block = static_cast<size_t>(inner) * width;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t m = 0; m < middle; ++m) {
        const int64_t from = (o * middle + m) * inner;
        const int64_t to = (o * middle + (middle - 1 - m)) * inner;
        CopyBytes(output.bytes + static_cast<size_t>(to) * width, input.bytes + static_cast<size_t>(from) * width, block);
      }
    }
    return Status::Ok();
  }

 private:
  // Axes in range (negative ones from the end) and, sorted, contiguous: the
  // only form LiteRT's kernel runs (it fails on repeated or separated axes).
  Status ResolveAxes(const NodeContext& node, const Tensor& input, const Tensor& axis) {
    std::vector<int> axes;
    for (int64_t i = 0; i < axis.element_count(); ++i) {
      int a = axis.data<int32_t>()[i];
      if (a < 0) a += input.rank();
      if (a < 0 || a >= input.rank()) {
        const std::string what = "axis " + std::to_string(axis.data<int32_t>()[i]) + " is out of range for rank " +
                                 std::to_string(input.rank());
        return axis.is_constant() ? node.InvalidModelError(what) : node.RuntimeFailure(what);
      }
      axes.push_back(a);
    }
    std::sort(axes.begin(), axes.end());
    for (size_t i = 1; i < axes.size(); ++i) {
      if (axes[i - 1] + 1 != axes[i]) {
        const std::string what = "non-contiguous axes are not supported (LiteRT refuses them)";
        return axis.is_constant() ? node.UnsupportedError(what) : node.RuntimeFailure(what);
      }
    }
    first_ = axes.front();
    last_ = axes.back();
    return Status::Ok();
  }

  int first_ = 0;
  int last_ = 0;
};

// --- REVERSE_SEQUENCE ------------------------------------------------------------------------

constexpr int kSequenceInput = 0;
constexpr int kSequenceLengths = 1;

class ReverseSequenceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSequenceInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSequenceLengths, "seq_lengths"));
    const Tensor& input = *node.input(kSequenceInput);
    const Tensor& lengths = *node.input(kSequenceLengths);
    Tensor& output = *node.output(0);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, input, "input",
                                     {DataType::kFloat32, DataType::kUInt8, DataType::kInt16, DataType::kInt32,
                                      DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, input, "input", output, "output"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, lengths, "seq_lengths", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckRank(node, lengths, "seq_lengths", 1, 1));
    const auto* options = node.options<tflite::ReverseSequenceOptions>();
    seq_dim_ = options ? options->seq_dim() : 0;
    batch_dim_ = options ? options->batch_dim() : 0;
    if (seq_dim_ < 0 || batch_dim_ < 0 || seq_dim_ >= input.rank() || batch_dim_ >= input.rank() || seq_dim_ == batch_dim_) {
      return node.InvalidModelError("seq_dim " + std::to_string(seq_dim_) + " and batch_dim " + std::to_string(batch_dim_) +
                                    " must be two different dimensions of the rank-" + std::to_string(input.rank()) + " input");
    }
    if (lengths.dim(0) != input.dim(batch_dim_)) {
      return node.InvalidModelError("seq_lengths has " + std::to_string(lengths.dim(0)) + " entries for a batch of " +
                                    std::to_string(input.dim(batch_dim_)));
    }
    return SetOutputShape(node, output, input.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& input = *node.input(kSequenceInput);
    const Tensor& lengths = *node.input(kSequenceLengths);
    Tensor& output = *node.output(0);
    const int seq_size = input.dim(seq_dim_);
    // LiteRT takes seq_lengths[b] - 1 through an int (int64 lengths keep their
    // low 32 bits); a length <= 0 leaves the entry as it is. A length beyond
    // seq_dim makes LiteRT write outside its output (it checks only entry 0).
    std::vector<int32_t> last(static_cast<size_t>(lengths.dim(0)));
    for (int64_t b = 0; b < lengths.dim(0); ++b) {
      const int64_t length = ReadIndex(lengths, b);
      const int32_t end = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(length) - 1));
      if (length > seq_size || end >= seq_size) {
        return node.RuntimeFailure("seq_lengths[" + std::to_string(b) + "] = " + std::to_string(length) +
                                   " exceeds the sequence dimension (" + std::to_string(seq_size) + ")");
      }
      last[static_cast<size_t>(b)] = end;
    }
    // [outer, dim(lo), middle, dim(hi), inner] with lo/hi the smaller/larger of seq_dim and batch_dim.
    const int lo = std::min(seq_dim_, batch_dim_), hi = std::max(seq_dim_, batch_dim_);
    const int64_t outer = Product(input.shape, 0, lo), middle = Product(input.shape, lo + 1, hi);
    const int64_t inner = Product(input.shape, hi + 1, input.rank());
    const int64_t lo_size = input.dim(lo), hi_size = input.dim(hi);
    const size_t width = ElementBytes(input.type);
    const size_t block = static_cast<size_t>(inner) * width;
    const bool batch_first = batch_dim_ < seq_dim_;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t a = 0; a < lo_size; ++a) {
        for (int64_t m = 0; m < middle; ++m) {
          for (int64_t c = 0; c < hi_size; ++c) {
            const int64_t batch = batch_first ? a : c;
            const int64_t pos = batch_first ? c : a;
            const int32_t end = last[static_cast<size_t>(batch)];
            const int64_t to_pos = pos <= end ? end - pos : pos;
            const int64_t to_a = batch_first ? a : to_pos, to_c = batch_first ? to_pos : c;
            const int64_t from = (((o * lo_size + a) * middle + m) * hi_size + c) * inner;
            const int64_t to = (((o * lo_size + to_a) * middle + m) * hi_size + to_c) * inner;
            CopyBytes(output.bytes + static_cast<size_t>(to) * width, input.bytes + static_cast<size_t>(from) * width, block);
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  int seq_dim_ = 0;
  int batch_dim_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateReverseV2Kernel() { return std::make_unique<ReverseV2Kernel>(); }
std::unique_ptr<Kernel> CreateReverseSequenceKernel() { return std::make_unique<ReverseSequenceKernel>(); }

}  // namespace tfldbg
