// MIRROR_PAD's index map: which input position an output position copies,
// along one dimension. REFLECT mirrors around the edge element (offset 1:
// [a b c] padded by 2 gives c b | a b c | b a), SYMMETRIC repeats it
// (offset 0: b a | a b c | c b). Valid for pads <= size - offset, which
// Prepare enforces as LiteRT does.
//
//   std::vector<int32_t> map = math::MirrorPadIndexMap(/*size=*/3, /*before=*/2, /*after=*/2, /*offset=*/1);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tfldbg::math {

inline std::vector<int32_t> MirrorPadIndexMap(int32_t size, int32_t before, int32_t after, int32_t offset) {
  std::vector<int32_t> map;
  map.reserve(static_cast<size_t>(before) + static_cast<size_t>(size) + static_cast<size_t>(after));
  for (int32_t p = 0; p < before; ++p) map.push_back(before - 1 - p + offset);
  for (int32_t p = 0; p < size; ++p) map.push_back(p);
  for (int32_t q = 0; q < after; ++q) map.push_back(size - 1 - offset - q);
  return map;
}

}  // namespace tfldbg::math
