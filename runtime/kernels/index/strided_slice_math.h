// STRIDED_SLICE (LiteRT's index rules, ellipsis and new axes included) on raw
// bytes with an element size; SLICE is the special case of stride 1.
//
//   math::StridedSlicePlan plan;
//   std::string why = math::PlanStridedSlice({3, 5}, spec, &plan);       // empty when valid
//   math::StridedSlice(plan, sizeof(int8_t), in, out);
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tfldbg::math {

// STRIDED_SLICE as the model states it: begin/end/strides (same length) and the masks.
struct StridedSliceSpec {
  std::vector<int64_t> begin, end, strides;
  uint32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;  // end counts from begin
};

// The slice resolved against an input shape: one entry per "effective" axis (the
// input's axes with the new axes inserted), each walked from start by stride, count times.
struct StridedSlicePlan {
  std::vector<int32_t> effective_shape;
  std::vector<int64_t> start, stride, count;
  std::vector<int32_t> output_shape;  // the effective axes that are not shrunk
};

namespace strided_slice_detail {

inline bool Bit(uint32_t mask, int i) { return i >= 0 && i < 32 && ((mask >> i) & 1u) != 0; }

// LiteRT's StartForAxis / EndForAxis (reference/strided_slice.h, dynamic params).
inline int64_t Start(int64_t begin, int64_t stride, int64_t size, bool masked) {
  int64_t start = begin;
  if (start < 0) start += size;
  start = stride > 0 ? std::clamp<int64_t>(start, 0, size) : std::clamp<int64_t>(start, -1, size - 1);
  if (masked) start = stride > 0 ? 0 : size - 1;
  return start;
}

inline int64_t End(int64_t end, int64_t start, int64_t stride, int64_t size, bool masked, bool shrink, bool offset) {
  if (shrink) return start >= size ? start : start + 1;
  int64_t stop = offset ? end + start : end;
  if (stop < 0) stop += size;
  stop = stride > 0 ? std::clamp<int64_t>(stop, 0, size) : std::clamp<int64_t>(stop, -1, size - 1);
  if (masked) stop = stride > 0 ? size : -1;
  return stop;
}

}  // namespace strided_slice_detail

// Resolves the masks the way LiteRT's strided_slice.cc BuildStridedSliceParams does:
// new axes not covered by the ellipsis add size-1 axes, the ellipsis spans the axes
// the spec leaves out, and axes past the spec are taken whole. Returns why the slice
// cannot be run (empty when it can).
inline std::string PlanStridedSlice(const std::vector<int32_t>& input_shape, const StridedSliceSpec& spec, StridedSlicePlan* plan) {
  using strided_slice_detail::Bit;
  const int input_dims = static_cast<int>(input_shape.size());
  const int begin_count = static_cast<int>(spec.begin.size());
  if (spec.end.size() != spec.begin.size() || spec.strides.size() != spec.begin.size()) {
    return "begin, end and strides must have the same length";
  }
  if (begin_count > 31) return "more than 31 slice entries";
  int num_add_axis = 0;
  for (int i = 0; i < begin_count; ++i) {
    if (!Bit(spec.ellipsis_mask, i) && Bit(spec.new_axis_mask, i)) ++num_add_axis;
  }
  const int effective_dims = input_dims + num_add_axis;
  if (effective_dims > 31) return "too many axes";
  // LiteRT sizes offset slices by reading `end` at each effective axis.
  if (spec.offset && (spec.ellipsis_mask != 0 || spec.new_axis_mask != 0 || begin_count != input_dims)) {
    return "offset mode needs one slice entry per input axis and no ellipsis or new axis";
  }

  uint32_t ellipsis = 0, new_axis = 0;
  int ellipsis_start = effective_dims, expanded_ellipsis = 0;
  for (int i = 0; i < effective_dims;) {
    if (Bit(spec.ellipsis_mask, i)) {
      ellipsis_start = i;
      const int ellipsis_end = std::max(i + 1, std::min(i + 1 + num_add_axis + input_dims - begin_count, effective_dims));
      expanded_ellipsis = ellipsis_end - ellipsis_start - 1;
      for (; i < ellipsis_end; ++i) ellipsis |= 1u << i;
      continue;
    }
    if (Bit(spec.new_axis_mask, i - expanded_ellipsis)) new_axis |= 1u << i;
    ++i;
  }

  const auto n = static_cast<size_t>(effective_dims);
  std::vector<int64_t> begin(n, 0), end(n, 0), strides(n, 1);
  uint32_t begin_mask = 0, end_mask = 0, shrink_mask = 0;
  plan->effective_shape.assign(n, 1);
  int added_ellipsis = 0, added_axes = 0, next_input_axis = 0;
  // Every effective axis other than a new one must take the next input axis in order,
  // or the slice would read the input with a shape it does not have.
  auto take_input_axis = [&](int i) -> bool {
    const int axis = i - added_axes;
    if (axis != next_input_axis || axis >= input_dims) return false;
    plan->effective_shape[static_cast<size_t>(i)] = input_shape[static_cast<size_t>(axis)];
    ++next_input_axis;
    return true;
  };
  for (int i = 0; i < effective_dims; ++i) {
    const auto u = static_cast<size_t>(i);
    if (Bit(ellipsis, i)) {
      added_ellipsis = std::max(0, i - ellipsis_start);
      begin_mask |= 1u << i;
      end_mask |= 1u << i;
      if (!take_input_axis(i)) return "the masks do not map onto the input's axes";
    } else if (Bit(new_axis, i)) {
      begin[u] = 0;
      end[u] = 1;
      plan->effective_shape[u] = 1;
      ++added_axes;
    } else if (i >= begin_count + expanded_ellipsis) {
      begin_mask |= 1u << i;
      end_mask |= 1u << i;
      if (!take_input_axis(i)) return "the masks do not map onto the input's axes";
    } else {
      const int orig = i - added_ellipsis;
      if (orig < 0 || orig >= begin_count) return "the masks do not map onto the slice entries";
      const auto o = static_cast<size_t>(orig);
      begin[u] = spec.begin[o];
      end[u] = spec.end[o];
      strides[u] = spec.strides[o];
      if (Bit(spec.begin_mask, orig)) begin_mask |= 1u << i;
      if (Bit(spec.end_mask, orig)) end_mask |= 1u << i;
      if (Bit(spec.shrink_axis_mask, orig)) shrink_mask |= 1u << i;
      if (!take_input_axis(i)) return "the masks do not map onto the input's axes";
    }
  }
  if (next_input_axis != input_dims) return "the masks do not map onto the input's axes";

  plan->start.assign(n, 0);
  plan->stride.assign(n, 1);
  plan->count.assign(n, 0);
  plan->output_shape.clear();
  for (int i = 0; i < effective_dims; ++i) {
    const auto u = static_cast<size_t>(i);
    const int64_t stride = strides[u], size = plan->effective_shape[u];
    if (stride == 0) return "stride 0 on axis " + std::to_string(i);
    if (stride < -(int64_t{1} << 31) || stride >= (int64_t{1} << 31)) return "a stride out of the int32 range";
    const bool shrink = Bit(shrink_mask, i);
    const int64_t start = strided_slice_detail::Start(begin[u], stride, size, Bit(begin_mask, i));
    const int64_t stop = strided_slice_detail::End(end[u], start, stride, size, Bit(end_mask, i), shrink, spec.offset);
    const int64_t span = stop - start;
    int64_t count = 0;
    if ((span < 0) == (stride < 0) && span != 0) count = stride < 0 ? (span + 1) / stride + 1 : (span - 1) / stride + 1;
    if (shrink) {
      if (count != 1) return "shrunk axis " + std::to_string(i) + " selects no element";
    } else {
      // LiteRT sizes an offset slice by `end` alone; it must agree with what is read.
      if (spec.offset) {
        const int64_t want = end[u];
        const int64_t by_end = (want < 0) != (stride < 0) || want == 0 ? 0 : (stride < 0 ? (want + 1) / stride + 1 : (want - 1) / stride + 1);
        if (by_end != count) return "offset slice on axis " + std::to_string(i) + " runs past the input or is masked";
      }
      plan->output_shape.push_back(static_cast<int32_t>(count));
    }
    plan->start[u] = start;
    plan->stride[u] = stride;
    plan->count[u] = count;
  }
  return std::string();
}

// Writes the planned elements in order.
inline void StridedSlice(const StridedSlicePlan& plan, size_t element_size, const uint8_t* input, uint8_t* output) {
  const int rank = static_cast<int>(plan.effective_shape.size());
  int64_t total = 1;
  for (int64_t c : plan.count) total *= c;
  if (total == 0) return;
  if (rank == 0) {
    std::memcpy(output, input, element_size);
    return;
  }
  std::vector<int64_t> input_stride(static_cast<size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d) {
    input_stride[static_cast<size_t>(d)] = input_stride[static_cast<size_t>(d + 1)] * plan.effective_shape[static_cast<size_t>(d + 1)];
  }
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  int64_t source = 0;
  for (int d = 0; d < rank; ++d) source += plan.start[static_cast<size_t>(d)] * input_stride[static_cast<size_t>(d)];
  for (int64_t o = 0; o < total; ++o) {
    std::memcpy(output + static_cast<size_t>(o) * element_size, input + static_cast<size_t>(source) * element_size, element_size);
    for (int d = rank - 1; d >= 0; --d) {
      const auto u = static_cast<size_t>(d);
      const int64_t step = plan.stride[u] * input_stride[u];
      source += step;
      if (++index[u] < plan.count[u]) break;
      source -= step * plan.count[u];
      index[u] = 0;
    }
  }
}

}  // namespace tfldbg::math
