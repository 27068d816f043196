// STABLEHLO_GATHER (the StableHLO spec's gather, as LiteRT computes it):
// every output index splits into batch dimensions (those not in offset_dims)
// and offset dimensions. The batch index picks a start vector from
// start_indices along index_vector_dim; start_index_map scatters it into an
// operand index, clamped so the whole slice fits (max(0, min(start, dim -
// slice))); the offset index, with 0 inserted at collapsed_slice_dims, is
// added to it. Indices int32 or int64; any operand type (values are moved).
// LiteRT has no operand_batching_dims; it reads the index vector along a
// dimension of start_indices, so index_vector_dim must be one of them.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kOperand = 0;
constexpr int kStartIndices = 1;
constexpr int kOutput = 0;

std::vector<int64_t> Longs(const flatbuffers::Vector<int64_t>* v) {
  return v == nullptr ? std::vector<int64_t>{} : std::vector<int64_t>(v->begin(), v->end());
}

bool Contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Distinct values, each in [0, limit).
bool DistinctInRange(const std::vector<int64_t>& v, int64_t limit) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < 0 || v[i] >= limit) return false;
    for (size_t j = 0; j < i; ++j) {
      if (v[j] == v[i]) return false;
    }
  }
  return true;
}

std::string Join(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

class StablehloGatherKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOperand, "operand"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kStartIndices, "start_indices"));
    const Tensor& operand = *node.input(kOperand);
    const Tensor& indices = *node.input(kStartIndices);
    Tensor& out = *node.output(kOutput);
    TFLDBG_RETURN_IF_ERROR(CheckWholeBytes(node, operand, "operand"));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "start_indices", {DataType::kInt32, DataType::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, operand, "operand", out, "output"));
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloGatherOptions>();
    if (o == nullptr) return node.InvalidModelError("StablehloGatherOptions are missing");
    offset_dims_ = Longs(o->offset_dims());
    collapsed_ = Longs(o->collapsed_slice_dims());
    start_index_map_ = Longs(o->start_index_map());
    slice_sizes_ = Longs(o->slice_sizes());
    index_vector_dim_ = o->index_vector_dim();
    const int64_t operand_rank = static_cast<int64_t>(operand.shape.size());
    const int64_t indices_rank = static_cast<int64_t>(indices.shape.size());
    if (index_vector_dim_ < 0 || index_vector_dim_ >= indices_rank) {
      return node.UnsupportedError("index_vector_dim " + std::to_string(index_vector_dim_) + " with start_indices of rank " +
                                   std::to_string(indices_rank) +
                                   " (LiteRT reads the index vector along a dimension of start_indices)");
    }
    if (static_cast<int64_t>(slice_sizes_.size()) != operand_rank) {
      return node.InvalidModelError("slice_sizes " + Join(slice_sizes_) + " for an operand of rank " +
                                    std::to_string(operand_rank));
    }
    for (int64_t d = 0; d < operand_rank; ++d) {
      if (slice_sizes_[d] < 0 || slice_sizes_[d] > operand.shape[d]) {
        return node.InvalidModelError("slice_sizes " + Join(slice_sizes_) + " do not fit the operand " +
                                      ShapeToString(operand.shape));
      }
    }
    if (!DistinctInRange(collapsed_, operand_rank)) {
      return node.InvalidModelError("collapsed_slice_dims " + Join(collapsed_) + " for an operand of rank " +
                                    std::to_string(operand_rank));
    }
    for (int64_t d : collapsed_) {
      if (slice_sizes_[d] != 1) return node.InvalidModelError("collapsed dimension " + std::to_string(d) + " has slice size " + std::to_string(slice_sizes_[d]) + ", not 1");
    }
    if (!DistinctInRange(start_index_map_, operand_rank) ||
        static_cast<int64_t>(start_index_map_.size()) != indices.shape[index_vector_dim_]) {
      return node.InvalidModelError("start_index_map " + Join(start_index_map_) + " for index vectors of " +
                                    std::to_string(indices.shape[index_vector_dim_]) + " and an operand of rank " +
                                    std::to_string(operand_rank));
    }
    const int64_t out_rank = static_cast<int64_t>(offset_dims_.size()) + indices_rank - 1;
    if (static_cast<int64_t>(offset_dims_.size()) + static_cast<int64_t>(collapsed_.size()) != operand_rank ||
        !DistinctInRange(offset_dims_, out_rank) || !std::is_sorted(offset_dims_.begin(), offset_dims_.end())) {
      return node.InvalidModelError("offset_dims " + Join(offset_dims_) + " with collapsed_slice_dims " + Join(collapsed_) +
                                    " for an operand of rank " + std::to_string(operand_rank));
    }
    // The output: offset dimensions take the uncollapsed slice sizes in
    // order, the others the dimensions of start_indices but index_vector_dim.
    std::vector<int32_t> shape;
    size_t next_slice = 0;
    int64_t next_batch = 0;
    for (int64_t d = 0; d < out_rank; ++d) {
      if (Contains(offset_dims_, d)) {
        while (Contains(collapsed_, static_cast<int64_t>(next_slice))) ++next_slice;
        shape.push_back(static_cast<int32_t>(slice_sizes_[next_slice++]));
      } else {
        if (next_batch == index_vector_dim_) ++next_batch;
        shape.push_back(indices.shape[next_batch++]);
      }
    }
    return SetOutputShape(node, out, shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& operand = *node.input(kOperand);
    const Tensor& indices = *node.input(kStartIndices);
    Tensor& out = *node.output(kOutput);
    const int64_t n = out.element_count();
    if (n == 0 || operand.element_count() == 0) return Status::Ok();
    const size_t bytes = ElementBytes(operand.type);
    const int out_rank = static_cast<int>(out.shape.size());
    const int operand_rank = static_cast<int>(operand.shape.size());
    const int indices_rank = static_cast<int>(indices.shape.size());
    std::vector<int64_t> out_index(static_cast<size_t>(out_rank), 0), at(static_cast<size_t>(operand_rank));
    std::vector<int64_t> index_of(static_cast<size_t>(indices_rank));
    const int64_t vector_size = indices.shape[index_vector_dim_];
    for (int64_t i = 0; i < n; ++i) {
      // Batch part of the output index -> position in start_indices; offset part -> slice offsets.
      std::fill(at.begin(), at.end(), 0);
      int b = 0;
      size_t slice_dim = 0;
      for (int d = 0; d < out_rank; ++d) {
        if (Contains(offset_dims_, d)) {
          while (Contains(collapsed_, static_cast<int64_t>(slice_dim))) ++slice_dim;
          at[slice_dim++] = out_index[d];
        } else {
          if (b == index_vector_dim_) ++b;
          index_of[b++] = out_index[d];
        }
      }
      for (int64_t k = 0; k < vector_size; ++k) {
        index_of[index_vector_dim_] = k;
        int64_t flat = 0;
        for (int d = 0; d < indices_rank; ++d) flat = flat * indices.shape[d] + index_of[d];
        const int64_t start = ReadIndex(indices, flat);
        const int64_t dim = start_index_map_[k];
        at[dim] += std::max<int64_t>(0, std::min<int64_t>(start, operand.shape[dim] - slice_sizes_[dim]));
      }
      int64_t from = 0;
      for (int d = 0; d < operand_rank; ++d) from = from * operand.shape[d] + at[d];
      std::memcpy(out.bytes + i * bytes, operand.bytes + from * bytes, bytes);
      for (int d = out_rank - 1; d >= 0; --d) {
        if (++out_index[d] < out.shape[d]) break;
        out_index[d] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  std::vector<int64_t> offset_dims_, collapsed_, start_index_map_, slice_sizes_;
  int64_t index_vector_dim_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloGatherKernel() { return std::make_unique<StablehloGatherKernel>(); }

}  // namespace tfldbg
