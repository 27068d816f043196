// SEGMENT_SUM and UNSORTED_SEGMENT_{SUM,PROD,MAX,MIN}: rows of data reduced
// into the output row their segment id names, as LiteRT's segment_sum.cc and
// unsorted_segment.cc do. The output's first dimension comes from the ids
// (SEGMENT_SUM: the last id + 1) or from num_segments, so a node whose ids or
// count are computed is prepared when they are known.
//
// Reductions run in input order with LiteRT's operations: integer sums and
// products wrap; max is std::max(acc, x) and min std::min(acc, x), so a NaN
// already in the accumulator stays and a NaN arriving is skipped; segments
// no id names keep the initial value (0, 1, the type's lowest, its max).
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "kernels/index/index_math.h"
#include "kernels/kernel.h"

namespace tfldbg {
namespace {

constexpr int kData = 0;
constexpr int kSegmentIds = 1;
constexpr int kNumSegments = 2;

enum class SegmentReduction { kSum, kProd, kMax, kMin };

template <typename T>
T InitialValue(SegmentReduction reduction) {
  switch (reduction) {
    case SegmentReduction::kSum: return T(0);
    case SegmentReduction::kProd: return T(1);
    case SegmentReduction::kMax: return std::numeric_limits<T>::lowest();
    default: return std::numeric_limits<T>::max();
  }
}

template <typename T>
T Combine(SegmentReduction reduction, T acc, T x) {
  switch (reduction) {
    case SegmentReduction::kSum: return math::WrappingAdd(acc, x);
    case SegmentReduction::kProd: return math::WrappingMul(acc, x);
    case SegmentReduction::kMax: return std::max(acc, x);
    default: return std::min(acc, x);
  }
}

// Reduces rows of `row_size` elements of data into output rows; a negative
// id drops its row (UNSORTED_SEGMENT_*), an id past the output cannot occur
// (Prepare checked every id against the output's first dimension).
template <typename T>
void ReduceSegments(SegmentReduction reduction, const T* data, const int32_t* ids, int64_t id_count, int64_t row_size,
                    T* output, int64_t output_rows) {
  std::fill(output, output + output_rows * row_size, InitialValue<T>(reduction));
  for (int64_t i = 0; i < id_count; ++i) {
    if (ids[i] < 0) continue;
    T* out = output + static_cast<int64_t>(ids[i]) * row_size;
    const T* in = data + i * row_size;
    for (int64_t e = 0; e < row_size; ++e) out[e] = Combine(reduction, out[e], in[e]);
  }
}

Status EvalSegments(NodeContext& node, SegmentReduction reduction) {
  const Tensor& data = *node.input(kData);
  const Tensor& ids = *node.input(kSegmentIds);
  Tensor& output = *node.output(0);
  const int64_t id_count = ids.element_count();
  const int64_t output_rows = output.dim(0);
  // Each id owns data's elements after the id dimensions (the output's trailing shape).
  const int64_t row_size = Product(output.shape, 1, output.rank());
  if (output_rows == 0 || row_size == 0) return Status::Ok();
  for (int64_t i = 0; i < id_count; ++i) {
    if (ids.data<int32_t>()[i] >= output_rows) {
      return node.RuntimeFailure("segment id " + std::to_string(ids.data<int32_t>()[i]) + " at position " +
                                 std::to_string(i) + " is outside [0, " + std::to_string(output_rows) + ")");
    }
  }
  if (data.type == DataType::kInt32) {
    ReduceSegments(reduction, data.data<int32_t>(), ids.data<int32_t>(), id_count, row_size, output.data<int32_t>(),
                   output_rows);
  } else {
    ReduceSegments(reduction, data.data<float>(), ids.data<int32_t>(), id_count, row_size, output.data<float>(),
                   output_rows);
  }
  return Status::Ok();
}

Status CheckSegmentTypes(const NodeContext& node) {
  TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kData, "data"));
  TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kSegmentIds, "segment_ids"));
  const Tensor& data = *node.input(kData);
  TFLDBG_RETURN_IF_ERROR(CheckType(node, data, "data", {DataType::kFloat32, DataType::kInt32}));
  TFLDBG_RETURN_IF_ERROR(CheckType(node, *node.input(kSegmentIds), "segment_ids", {DataType::kInt32}));
  return CheckSameType(node, data, "data", *node.output(0), "output");
}

// --- SEGMENT_SUM -----------------------------------------------------------------------------

class SegmentSumKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckSegmentTypes(node));
    node.litert_optimized = true;  // LiteRT's reference resolver has no SEGMENT_SUM (docs/litert-defects.md)
    const Tensor& data = *node.input(kData);
    const Tensor& ids = *node.input(kSegmentIds);
    if (data.rank() < 1) return node.InvalidModelError("data must have at least one dimension");
    if (ids.rank() != 1 || ids.dim(0) != data.dim(0)) {
      return node.InvalidModelError("segment_ids " + ShapeToString(ids.shape) + " must be a vector of one id per row of data " +
                                    ShapeToString(data.shape));
    }
    if (node.DeferUnlessValuesKnown({&ids})) return Status::Ok();
    // Sorted ids, from 0, each the same as the one before or one more.
    const int32_t* id = ids.data<int32_t>();
    for (int64_t i = 0; i < ids.element_count(); ++i) {
      const int64_t expected_low = i == 0 ? 0 : id[i - 1];
      const int64_t expected_high = i == 0 ? 0 : int64_t{id[i - 1]} + 1;
      if (id[i] < expected_low || id[i] > expected_high) {
        return node.InvalidModelError("segment id " + std::to_string(id[i]) + " at position " + std::to_string(i) +
                                      (i == 0 ? " must be 0" : " must equal the one before or exceed it by one"));
      }
    }
    std::vector<int32_t> shape = data.shape;
    shape[0] = ids.element_count() == 0 ? 0 : id[ids.element_count() - 1] + 1;
    return SetOutputShape(node, *node.output(0), shape);
  }

  Status Eval(NodeContext& node) override { return EvalSegments(node, SegmentReduction::kSum); }
};

// --- UNSORTED_SEGMENT_* ----------------------------------------------------------------------

class UnsortedSegmentKernel : public Kernel {
 public:
  explicit UnsortedSegmentKernel(SegmentReduction reduction) : reduction_(reduction) {}

  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 3, 3));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    TFLDBG_RETURN_IF_ERROR(CheckSegmentTypes(node));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, kNumSegments, "num_segments"));
    const Tensor& data = *node.input(kData);
    const Tensor& ids = *node.input(kSegmentIds);
    const Tensor& count = *node.input(kNumSegments);
    TFLDBG_RETURN_IF_ERROR(CheckType(node, count, "num_segments", {DataType::kInt32}));
    // The ids' shape is a prefix of the data's: one id per sub-tensor of data.
    bool prefix = ids.rank() <= data.rank();
    for (int d = 0; prefix && d < ids.rank(); ++d) prefix = ids.dim(d) == data.dim(d);
    if (!prefix) {
      return node.InvalidModelError("segment_ids " + ShapeToString(ids.shape) + " is not a prefix of data " +
                                    ShapeToString(data.shape));
    }
    if (!(count.rank() == 0 || (count.rank() == 1 && count.dim(0) == 1))) {
      return node.InvalidModelError("num_segments must be a scalar or a vector of one, it has shape " + ShapeToString(count.shape));
    }
    if (node.DeferUnlessValuesKnown({&ids, &count})) return Status::Ok();
    const int32_t segments = count.data<int32_t>()[0];
    if (segments < 0) return node.InvalidModelError("num_segments " + std::to_string(segments) + " is negative");
    for (int64_t i = 0; i < ids.element_count(); ++i) {
      if (ids.data<int32_t>()[i] >= segments) {
        return node.InvalidModelError("segment id " + std::to_string(ids.data<int32_t>()[i]) + " at position " +
                                      std::to_string(i) + " is not below num_segments " + std::to_string(segments));
      }
    }
    std::vector<int32_t> shape = {segments};
    shape.insert(shape.end(), data.shape.begin() + ids.rank(), data.shape.end());
    return SetOutputShape(node, *node.output(0), shape);
  }

  Status Eval(NodeContext& node) override { return EvalSegments(node, reduction_); }

 private:
  SegmentReduction reduction_;
};

}  // namespace

std::unique_ptr<Kernel> CreateSegmentSumKernel() { return std::make_unique<SegmentSumKernel>(); }
std::unique_ptr<Kernel> CreateUnsortedSegmentSumKernel() {
  return std::make_unique<UnsortedSegmentKernel>(SegmentReduction::kSum);
}
std::unique_ptr<Kernel> CreateUnsortedSegmentProdKernel() {
  return std::make_unique<UnsortedSegmentKernel>(SegmentReduction::kProd);
}
std::unique_ptr<Kernel> CreateUnsortedSegmentMaxKernel() {
  return std::make_unique<UnsortedSegmentKernel>(SegmentReduction::kMax);
}
std::unique_ptr<Kernel> CreateUnsortedSegmentMinKernel() {
  return std::make_unique<UnsortedSegmentKernel>(SegmentReduction::kMin);
}

}  // namespace tfldbg
