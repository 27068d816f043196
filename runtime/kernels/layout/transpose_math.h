// TRANSPOSE (any rank) on raw bytes with an element size, so one instance
// serves every type.
//
//   math::Transpose({2, 3, 4}, {2, 0, 1}, sizeof(float), in, out);      // out is [4, 2, 3]
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tfldbg::math {

// out[i0..in-1] = in[i_perm[0] .. i_perm[n-1]]: output dimension d is input dimension perm[d].
inline void Transpose(const std::vector<int32_t>& input_shape, const std::vector<int>& perm, size_t element_size,
                      const uint8_t* input, uint8_t* output) {
  const int rank = static_cast<int>(input_shape.size());
  std::vector<int64_t> input_stride(static_cast<size_t>(rank), 1);
  for (int d = rank - 2; d >= 0; --d) input_stride[static_cast<size_t>(d)] = input_stride[static_cast<size_t>(d + 1)] * input_shape[static_cast<size_t>(d + 1)];
  std::vector<int64_t> stride(static_cast<size_t>(rank)), size(static_cast<size_t>(rank));  // per output dimension
  int64_t total = 1;
  for (int d = 0; d < rank; ++d) {
    const auto p = static_cast<size_t>(perm[static_cast<size_t>(d)]);
    stride[static_cast<size_t>(d)] = input_stride[p];
    size[static_cast<size_t>(d)] = input_shape[p];
    total *= input_shape[p];
  }
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  int64_t source = 0;
  for (int64_t o = 0; o < total; ++o) {
    std::memcpy(output + static_cast<size_t>(o) * element_size, input + static_cast<size_t>(source) * element_size, element_size);
    for (int d = rank - 1; d >= 0; --d) {
      const auto u = static_cast<size_t>(d);
      source += stride[u];
      if (++index[u] < size[u]) break;
      source -= stride[u] * size[u];
      index[u] = 0;
    }
  }
}

}  // namespace tfldbg::math
