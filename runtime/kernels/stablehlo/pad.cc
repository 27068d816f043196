// STABLEHLO_PAD: input element i lands at low + i * (interior + 1) in each
// dimension; everything else is the padding value (input 1, a scalar of the
// input's type). Negative edge padding crops (the elements it would place
// before the start or past the end are dropped). Any whole-byte type: values
// are moved, never computed. As LiteRT: when some output dimension comes out
// zero or negative, the output has every dimension 0.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kInput = 0;
constexpr int kPaddingValue = 1;
constexpr int kOutput = 0;
constexpr int kMaxRank = 8;  // TFLITE_STABLEHLO_PAD_PARAMS_MAX_DIMENSION_COUNT

Status ReadLongs(const NodeContext& node, const flatbuffers::Vector<int64_t>* v, const char* name, size_t rank,
                 std::vector<int64_t>& out) {
  if (v == nullptr || v->size() != rank) {
    return node.InvalidModelError(std::string(name) + " has " + std::to_string(v ? v->size() : 0) +
                                  " values for an input of rank " + std::to_string(rank));
  }
  out.assign(v->begin(), v->end());
  return Status::Ok();
}

class StablehloPadKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kInput, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kPaddingValue, "padding value"));
    const Tensor& in = *node.input(kInput);
    const Tensor& value = *node.input(kPaddingValue);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, in, "input"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, in, "input", value, "padding value"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, in, "input", out, "output"));
    if (value.element_count() != 1) {
      return node.InvalidModelError("the padding value has " + std::to_string(value.element_count()) +
                                    " elements, not one");
    }
    const size_t rank = in.shape.size();
    if (rank < 1 || rank > kMaxRank) {
      return node.UnsupportedError("input of rank " + std::to_string(rank) + " (LiteRT pads ranks 1 to 8)");
    }
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloPadOptions>();
    if (o == nullptr) return node.InvalidModelError("StablehloPadOptions are missing");
    TFLDBG_RETURN_IF_ERROR(ReadLongs(node, o->edge_padding_low(), "edge_padding_low", rank, low_));
    TFLDBG_RETURN_IF_ERROR(ReadLongs(node, o->edge_padding_high(), "edge_padding_high", rank, high_));
    TFLDBG_RETURN_IF_ERROR(ReadLongs(node, o->interior_padding(), "interior_padding", rank, interior_));
    std::vector<int32_t> shape(rank);
    bool empty = false;
    constexpr int64_t kLimit = std::numeric_limits<int32_t>::max();
    for (size_t d = 0; d < rank; ++d) {
      const int64_t dim = in.shape[d];
      const int64_t bound = int64_t{1} << 40;  // keeps every sum below in range
      if (interior_[d] < 0) return node.InvalidModelError("interior padding " + std::to_string(interior_[d]) + " < 0");
      if (interior_[d] > bound || low_[d] < -bound || low_[d] > bound || high_[d] < -bound || high_[d] > bound) {
        return node.UnsupportedError("padding beyond 2^40 in dimension " + std::to_string(d));
      }
      const int64_t size = dim + (dim > 0 ? dim - 1 : 0) * interior_[d] + low_[d] + high_[d];
      if (size > kLimit) return node.UnsupportedError("output dimension " + std::to_string(size) + " beyond 2^31 - 1");
      if (size <= 0) empty = true;
      shape[d] = static_cast<int32_t>(size);
    }
    if (empty) {
      shape.assign(rank, 0);
    } else {
      int64_t count = 1;
      for (int32_t n : shape) {
        count *= n;
        if (count > (int64_t{1} << 40)) return node.UnsupportedError("an output of more than 2^40 elements");
      }
    }
    return SetOutputShape(node, out, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& in = *node.input(kInput);
    const Tensor& value = *node.input(kPaddingValue);
    Tensor& out = *node.output(kOutput);
    const size_t bytes = ElementBytes(in.type);
    const int64_t n_out = out.element_count();
    for (int64_t i = 0; i < n_out; ++i) std::memcpy(out.bytes + i * bytes, value.bytes, bytes);
    const int64_t n_in = in.element_count();
    if (n_out == 0 || n_in == 0) return Status::Ok();
    const int rank = static_cast<int>(in.shape.size());
    // Walk the input in order, keeping its index; place each element where it lands.
    std::vector<int64_t> index(static_cast<size_t>(rank), 0);
    std::vector<int64_t> out_stride(static_cast<size_t>(rank), 1);
    for (int d = rank - 2; d >= 0; --d) out_stride[d] = out_stride[d + 1] * out.shape[d + 1];
    for (int64_t i = 0; i < n_in; ++i) {
      int64_t flat = 0;
      bool inside = true;
      for (int d = 0; d < rank; ++d) {
        const int64_t at = low_[d] + index[d] * (interior_[d] + 1);
        if (at < 0 || at >= out.shape[d]) {
          inside = false;
          break;
        }
        flat += at * out_stride[d];
      }
      if (inside) std::memcpy(out.bytes + flat * bytes, in.bytes + i * bytes, bytes);
      for (int d = rank - 1; d >= 0; --d) {
        if (++index[d] < in.shape[d]) break;
        index[d] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  std::vector<int64_t> low_, high_, interior_;
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloPadKernel() { return std::make_unique<StablehloPadKernel>(); }

}  // namespace tfldbg
