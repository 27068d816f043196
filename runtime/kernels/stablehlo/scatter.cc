// STABLEHLO_SCATTER (the StableHLO spec's scatter, as LiteRT computes it): the
// output starts as a copy of the operand; then, for every element of
// `updates` in row-major order, its update-scatter dimensions (those not in
// update_window_dims) pick an index vector from scatter_indices along
// index_vector_dim, scatter_dims_to_operand_dims places it in an operand
// index, and its window dimensions (with 0 inserted at inserted_window_dims)
// are added. Targets outside the operand are skipped (element by element);
// the others become f(current, update), so repeated targets combine in
// order. f is the update computation subgraph's one op: STABLEHLO_ADD,
// STABLEHLO_MULTIPLY, STABLEHLO_MAXIMUM or STABLEHLO_MINIMUM (the
// arithmetic of elementwise_math.h), or none (replace). One operand and one
// updates tensor; indices int32 or int64; twelve element types.
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel.h"
#include "kernels/stablehlo/elementwise_math.h"

namespace tfldbg {
namespace {

using stablehlo::Op;

constexpr int kOperand = 0;
constexpr int kScatterIndices = 1;
constexpr int kUpdates = 2;
constexpr int kOutput = 0;

enum class Update { kReplace, kAdd, kMultiply, kMaximum, kMinimum };

std::vector<int64_t> Longs(const flatbuffers::Vector<int64_t>* v) {
  return v == nullptr ? std::vector<int64_t>{} : std::vector<int64_t>(v->begin(), v->end());
}

bool Contains(const std::vector<int64_t>& v, int64_t x) {
  for (int64_t y : v) {
    if (y == x) return true;
  }
  return false;
}

bool DistinctInRange(const std::vector<int64_t>& v, int64_t limit) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] < 0 || v[i] >= limit || Contains(std::vector<int64_t>(v.begin(), v.begin() + static_cast<long>(i)), v[i])) {
      return false;
    }
  }
  return true;
}

template <typename T, Op op>
void Combine(T* at, T update) {
  *at = stablehlo::Apply<op, T>(*at, update);
}

template <Op op>
void CombineHalf(uint16_t* at, uint16_t update) {
  *at = stablehlo::ApplyHalf<op>(*at, update);
}

class StablehloScatterKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kOperand, "operand"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kScatterIndices, "scatter_indices"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kUpdates, "updates"));
    const Tensor& operand = *node.input(kOperand);
    const Tensor& indices = *node.input(kScatterIndices);
    const Tensor& updates = *node.input(kUpdates);
    Tensor& out = *node.output(kOutput);
    using D = DataType;
    TFLDBG_RETURN_IF_ERROR(CheckType(node, operand, "operand", {D::kFloat16, D::kFloat32, D::kFloat64, D::kInt8, D::kInt16,
                                                                D::kInt32, D::kInt64, D::kUInt8, D::kUInt16, D::kUInt32,
                                                                D::kUInt64, D::kBool}));
    TFLDBG_RETURN_IF_ERROR(CheckType(node, indices, "scatter_indices", {D::kInt32, D::kInt64}));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, operand, "operand", updates, "updates"));
    TFLDBG_RETURN_IF_ERROR(CheckSameType(node, operand, "operand", out, "output"));
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloScatterOptions>();
    if (o == nullptr) return node.InvalidModelError("StablehloScatterOptions are missing");
    window_dims_ = Longs(o->update_window_dims());
    inserted_ = Longs(o->inserted_window_dims());
    to_operand_ = Longs(o->scatter_dims_to_operand_dims());
    index_vector_dim_ = o->index_vector_dim();
    const int64_t operand_rank = static_cast<int64_t>(operand.shape.size());
    const int64_t indices_rank = static_cast<int64_t>(indices.shape.size());
    const int64_t updates_rank = static_cast<int64_t>(updates.shape.size());
    if (index_vector_dim_ < 0 || index_vector_dim_ >= indices_rank) {
      return node.UnsupportedError("index_vector_dim " + std::to_string(index_vector_dim_) +
                                   " with scatter_indices of rank " + std::to_string(indices_rank) +
                                   " (LiteRT reads the index vector along a dimension of scatter_indices)");
    }
    if (!DistinctInRange(window_dims_, updates_rank) || !DistinctInRange(inserted_, operand_rank) ||
        static_cast<int64_t>(window_dims_.size() + inserted_.size()) != operand_rank) {
      return node.InvalidModelError("update_window_dims and inserted_window_dims do not make an index of the operand's rank " +
                                    std::to_string(operand_rank));
    }
    if (!DistinctInRange(to_operand_, operand_rank) ||
        static_cast<int64_t>(to_operand_.size()) != indices.shape[index_vector_dim_]) {
      return node.InvalidModelError("scatter_dims_to_operand_dims has " + std::to_string(to_operand_.size()) +
                                    " dimensions for index vectors of " + std::to_string(indices.shape[index_vector_dim_]));
    }
    // The update-scatter dimensions of `updates` walk the batch dimensions of
    // scatter_indices (all but index_vector_dim), in order.
    scatter_dims_.clear();
    for (int64_t d = 0; d < updates_rank; ++d) {
      if (!Contains(window_dims_, d)) scatter_dims_.push_back(d);
    }
    if (static_cast<int64_t>(scatter_dims_.size()) != indices_rank - 1) {
      return node.InvalidModelError("updates have " + std::to_string(scatter_dims_.size()) +
                                    " scatter dimensions for scatter_indices of rank " + std::to_string(indices_rank));
    }
    for (size_t k = 0, b = 0; k < scatter_dims_.size(); ++k, ++b) {
      if (static_cast<int64_t>(b) == index_vector_dim_) ++b;
      if (updates.shape[scatter_dims_[k]] > indices.shape[b]) {
        return node.InvalidModelError("updates " + ShapeToString(updates.shape) + " do not fit scatter_indices " +
                                      ShapeToString(indices.shape));
      }
    }
    // The update computation: one op of the subgraph, or none.
    const int body = o->update_computation_subgraph_index();
    if (body <= 0 || body >= node.model->subgraph_count()) {
      return node.InvalidModelError("update computation subgraph " + std::to_string(body) + " does not exist");
    }
    const auto* ops = node.model->subgraph(body).operators();
    const size_t count = ops == nullptr ? 0 : ops->size();
    if (count == 0) {
      update_ = Update::kReplace;
    } else if (count > 1) {
      return node.UnsupportedError("an update computation of " + std::to_string(count) + " ops (LiteRT allows one)");
    } else {
      const std::string name = node.model->OpName(ops->Get(0)->opcode_index());
      if (name == "STABLEHLO_ADD") update_ = Update::kAdd;
      else if (name == "STABLEHLO_MULTIPLY") update_ = Update::kMultiply;
      else if (name == "STABLEHLO_MAXIMUM") update_ = Update::kMaximum;
      else if (name == "STABLEHLO_MINIMUM") update_ = Update::kMinimum;
      else return node.UnsupportedError("an update computation of " + name +
                                        " (LiteRT: STABLEHLO_ADD, MULTIPLY, MAXIMUM, MINIMUM or none)");
    }
    return SetOutputShape(node, out, operand.shape);
  }

  Status Eval(NodeContext& node) override {
    const Tensor& operand = *node.input(kOperand);
    Tensor& out = *node.output(kOutput);
    if (out.byte_size > 0) std::memcpy(out.bytes, operand.bytes, out.byte_size);
    switch (operand.type) {
      case DataType::kFloat16: Run<uint16_t, true>(node); break;
      case DataType::kFloat32: Run<float, false>(node); break;
      case DataType::kFloat64: Run<double, false>(node); break;
      case DataType::kInt8: Run<int8_t, false>(node); break;
      case DataType::kInt16: Run<int16_t, false>(node); break;
      case DataType::kInt32: Run<int32_t, false>(node); break;
      case DataType::kInt64: Run<int64_t, false>(node); break;
      case DataType::kUInt8: Run<uint8_t, false>(node); break;
      case DataType::kUInt16: Run<uint16_t, false>(node); break;
      case DataType::kUInt32: Run<uint32_t, false>(node); break;
      case DataType::kUInt64: Run<uint64_t, false>(node); break;
      case DataType::kBool: Run<bool, false>(node); break;
      default: return node.RuntimeFailure("unexpected type");
    }
    return Status::Ok();
  }

 private:
  template <typename T, bool half>
  void Apply(T* at, T update) const {
    if constexpr (half) {
      switch (update_) {
        case Update::kReplace: *at = update; break;
        case Update::kAdd: CombineHalf<Op::kAdd>(at, update); break;
        case Update::kMultiply: CombineHalf<Op::kMultiply>(at, update); break;
        case Update::kMaximum: CombineHalf<Op::kMaximum>(at, update); break;
        case Update::kMinimum: CombineHalf<Op::kMinimum>(at, update); break;
      }
    } else {
      switch (update_) {
        case Update::kReplace: *at = update; break;
        case Update::kAdd: Combine<T, Op::kAdd>(at, update); break;
        case Update::kMultiply: Combine<T, Op::kMultiply>(at, update); break;
        case Update::kMaximum: Combine<T, Op::kMaximum>(at, update); break;
        case Update::kMinimum: Combine<T, Op::kMinimum>(at, update); break;
      }
    }
  }

  template <typename T, bool half>
  void Run(NodeContext& node) const {
    const Tensor& operand = *node.input(kOperand);
    const Tensor& indices = *node.input(kScatterIndices);
    const Tensor& updates = *node.input(kUpdates);
    Tensor& out = *node.output(kOutput);
    const int64_t n = updates.element_count();
    if (n == 0 || out.element_count() == 0) return;
    const int operand_rank = static_cast<int>(operand.shape.size());
    const int indices_rank = static_cast<int>(indices.shape.size());
    const int updates_rank = static_cast<int>(updates.shape.size());
    const T* values = updates.data<T>();
    T* y = out.data<T>();
    std::vector<int64_t> u(static_cast<size_t>(updates_rank), 0), at(static_cast<size_t>(operand_rank));
    std::vector<int64_t> index_of(static_cast<size_t>(indices_rank));
    const int64_t vector_size = indices.shape[index_vector_dim_];
    for (int64_t i = 0; i < n; ++i) {
      // Window part -> operand offsets (0 at the inserted dimensions).
      std::fill(at.begin(), at.end(), 0);
      size_t d_op = 0;
      for (int64_t w : window_dims_) {
        while (Contains(inserted_, static_cast<int64_t>(d_op))) ++d_op;
        at[d_op++] = u[static_cast<size_t>(w)];
      }
      // Scatter part -> position in scatter_indices.
      for (size_t k = 0, b = 0; k < scatter_dims_.size(); ++k, ++b) {
        if (static_cast<int64_t>(b) == index_vector_dim_) ++b;
        index_of[b] = u[static_cast<size_t>(scatter_dims_[k])];
      }
      for (int64_t k = 0; k < vector_size; ++k) {
        index_of[index_vector_dim_] = k;
        int64_t flat = 0;
        for (int d = 0; d < indices_rank; ++d) flat = flat * indices.shape[d] + index_of[d];
        const size_t dim = static_cast<size_t>(to_operand_[k]);
        // Wrapping as LiteRT's index arithmetic does (a wrapped sum is negative: skipped).
        at[dim] = static_cast<int64_t>(static_cast<uint64_t>(at[dim]) + static_cast<uint64_t>(ReadIndex(indices, flat)));
      }
      bool inside = true;
      int64_t target = 0;
      for (int d = 0; d < operand_rank; ++d) {
        if (at[d] < 0 || at[d] >= operand.shape[d]) {
          inside = false;
          break;
        }
        target = target * operand.shape[d] + at[d];
      }
      if (inside) Apply<T, half>(y + target, values[i]);
      for (int d = updates_rank - 1; d >= 0; --d) {
        if (++u[d] < updates.shape[d]) break;
        u[d] = 0;
      }
    }
  }

  std::vector<int64_t> window_dims_, inserted_, to_operand_, scatter_dims_;
  int64_t index_vector_dim_ = 0;
  Update update_ = Update::kReplace;
};

}  // namespace

std::unique_ptr<Kernel> CreateStablehloScatterKernel() { return std::make_unique<StablehloScatterKernel>(); }

}  // namespace tfldbg
