// Output shapes computed from values a model supplies (a shape tensor, block
// sizes, paddings): checked before they become a Tensor's int32 shape, so a
// hostile value is one clear line, never an overflowed or negative dimension.
//
//   std::vector<int32_t> shape;
//   TFLDBG_RETURN_IF_ERROR(CheckedOutputShape(node, {n, h * block, w * block, c}, shape));
//   TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, output, shape));
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {

// At most 2^40 elements: far beyond any arena the interpreter allows, and far
// below where an element count or a byte size could overflow int64.
constexpr int64_t kMaxComputedElements = int64_t{1} << 40;

// Dimensions computed in int64 (so the arithmetic that produced them cannot
// overflow for int32 inputs): each must be in [0, INT32_MAX] and their product
// at most kMaxComputedElements.
inline Status CheckedOutputShape(const NodeContext& node, const std::vector<int64_t>& dims, std::vector<int32_t>& shape) {
  shape.clear();
  int64_t elements = 1;
  for (int64_t d : dims) {
    if (d < 0) return node.InvalidModelError("computed output dimension " + std::to_string(d) + " is negative");
    if (d > std::numeric_limits<int32_t>::max()) {
      return node.InvalidModelError("computed output dimension " + std::to_string(d) + " exceeds the int32 range");
    }
    shape.push_back(static_cast<int32_t>(d));
  }
  for (int64_t d : dims) {
    if (d == 0) return Status::Ok();
  }
  for (int64_t d : dims) {
    if (elements > kMaxComputedElements / d) {
      return node.InvalidModelError("the computed output shape " + ShapeToString(shape) + " is too large");
    }
    elements *= d;
  }
  return Status::Ok();
}

}  // namespace tfldbg
