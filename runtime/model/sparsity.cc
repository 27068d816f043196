#include "model/sparsity.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace tfldbg {
namespace {

// Larger dense tensors are refused rather than allocated: a hostile file can
// declare any shape for a handful of stored values.
constexpr int64_t kMaxDenseBytes = int64_t{2} << 30;

std::string JoinInts(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) s += (i ? "," : "") + std::to_string(values[i]);
  return s + "]";
}

// The values of an array_segments / array_indices union, widened to int64.
Result<std::vector<int64_t>> IndexVector(tflite::SparseIndexVector type, const void* table, const std::string& what) {
  std::vector<int64_t> out;
  if (table == nullptr) return InvalidModel(what + " is missing");
  auto copy = [&out](const auto* vector) {
    if (vector == nullptr) return;
    out.assign(vector->begin(), vector->end());
  };
  switch (type) {
    case tflite::SparseIndexVector::Int32Vector:
      copy(static_cast<const tflite::Int32Vector*>(table)->values());
      break;
    case tflite::SparseIndexVector::Uint16Vector:
      copy(static_cast<const tflite::Uint16Vector*>(table)->values());
      break;
    case tflite::SparseIndexVector::Uint8Vector:
      copy(static_cast<const tflite::Uint8Vector*>(table)->values());
      break;
    default:
      return InvalidModel(what + " is missing");
  }
  return out;
}

}  // namespace

Result<SparseConstant> DensifyConstant(const tflite::SparsityParameters& sparsity, const std::vector<int32_t>& shape,
                                       size_t element_bytes, ByteView values, const std::string& where) {
  const std::string in = where + ": sparsity: ";
  const int n = static_cast<int>(shape.size());
  const auto* order_fb = sparsity.traversal_order();
  const auto* metadata = sparsity.dim_metadata();
  if (order_fb == nullptr || metadata == nullptr) {
    return InvalidModel(in + "traversal_order and dim_metadata are both required");
  }
  if (element_bytes == 0) return Unsupported(where + ": sparse constants of sub-byte types are not supported");
  std::vector<int> block_map;
  if (const auto* bm = sparsity.block_map()) block_map.assign(bm->begin(), bm->end());
  const int k = static_cast<int>(block_map.size());
  const int levels = n + k;
  if (static_cast<int>(order_fb->size()) != levels || static_cast<int>(metadata->size()) != levels) {
    return InvalidModel(in + "the tensor has rank " + std::to_string(n) + " and " + std::to_string(k) +
                        " block dimension(s), so traversal_order and dim_metadata need " + std::to_string(levels) +
                        " entries; got " + std::to_string(order_fb->size()) + " and " +
                        std::to_string(metadata->size()));
  }
  const std::vector<int> order(order_fb->begin(), order_fb->end());
  for (int l = 0; l < levels; ++l) {
    const bool block_level = l >= n;
    const int lo = block_level ? n : 0, hi = block_level ? levels : n;
    if (order[l] < lo || order[l] >= hi ||
        std::count(order.begin() + lo, order.begin() + hi, order[l]) != 1) {
      std::vector<int64_t> shown(order.begin(), order.end());
      return InvalidModel(in + "traversal_order " + JoinInts(shown) + " must list 0.." + std::to_string(n - 1) +
                          " and then " + std::to_string(n) + ".." + std::to_string(levels - 1) + ", each once");
    }
  }
  for (int j = 0; j < k; ++j) {
    if (block_map[j] < 0 || block_map[j] >= n || (j > 0 && block_map[j] <= block_map[j - 1])) {
      return InvalidModel(in + "block_map must name increasing dimensions below " + std::to_string(n) +
                          "; entry " + std::to_string(j) + " is " + std::to_string(block_map[j]));
    }
  }

  // Block sizes, read at the level that walks each block dimension.
  std::vector<int64_t> block_size(static_cast<size_t>(k), 0);
  for (int l = n; l < levels; ++l) {
    const auto* m = metadata->Get(static_cast<flatbuffers::uoffset_t>(l));
    const int j = order[l] - n;
    if (m == nullptr || m->format() != tflite::DimensionType::DENSE) {
      return Unsupported(in + "level " + std::to_string(l) + " walks inside a block and must be DENSE (LiteRT "
                         "decodes dense blocks only)");
    }
    // LiteRT takes block j's size from level n + j's position in the order;
    // the two readings agree unless the block order is permuted with unequal sizes.
    const auto* lite = metadata->Get(static_cast<flatbuffers::uoffset_t>(order[n + j]));
    if (lite == nullptr || lite->dense_size() != m->dense_size()) {
      return Unsupported(in + "the block traversal order permutes blocks of different sizes, which LiteRT "
                         "decodes differently from the format's definition");
    }
    const int d = block_map[j];
    if (m->dense_size() <= 0 || shape[d] % m->dense_size() != 0) {
      return InvalidModel(in + "block size " + std::to_string(m->dense_size()) + " of dimension " +
                          std::to_string(d) + " does not divide its size " + std::to_string(shape[d]));
    }
    block_size[j] = m->dense_size();
  }

  // Dense strides, and the size and stride of each level of the walk.
  std::vector<int64_t> dense_stride(static_cast<size_t>(n), 1);
  int64_t dense_elements = 1;
  for (int d = n - 1; d >= 0; --d) {
    dense_stride[d] = dense_elements;
    dense_elements *= shape[d];
    if (dense_elements > kMaxDenseBytes) break;
  }
  if (dense_elements * static_cast<int64_t>(element_bytes) > kMaxDenseBytes) {
    return Unsupported(where + ": the sparse constant's dense form would exceed 2 GiB");
  }
  std::vector<int64_t> level_size(static_cast<size_t>(levels)), level_stride(static_cast<size_t>(levels));
  for (int l = 0; l < levels; ++l) {
    if (l < n) {
      const int d = order[l];
      const auto blocked = std::find(block_map.begin(), block_map.end(), d);
      const int64_t b = blocked == block_map.end() ? 1 : block_size[blocked - block_map.begin()];
      level_size[l] = shape[d] / b;
      level_stride[l] = dense_stride[d] * b;
    } else {
      const int j = order[l] - n;
      level_size[l] = block_size[j];
      level_stride[l] = dense_stride[block_map[j]];
    }
  }

  // First pass: check every level's arrays and count the positions, without
  // materialising anything, so no allocation depends on an unchecked number.
  const int64_t stored = static_cast<int64_t>(values.size / element_bytes);
  if (values.size % element_bytes != 0) {
    return InvalidModel(in + "the buffer holds " + std::to_string(values.size) +
                        " bytes, not a whole number of " + std::to_string(element_bytes) + "-byte values");
  }
  SparseConstant result;
  auto LevelDimension = [&](int l) { return l < n ? order[l] : block_map[order[l] - n]; };
  std::vector<std::vector<int64_t>> segments(static_cast<size_t>(levels)), indices(static_cast<size_t>(levels));
  int last_compressed = -1;
  for (int l = 0; l < levels; ++l) {
    const auto* m = metadata->Get(static_cast<flatbuffers::uoffset_t>(l));
    if (m != nullptr && m->format() == tflite::DimensionType::SPARSE_CSR) last_compressed = l;
  }
  int64_t count = 1;
  for (int l = 0; l < levels; ++l) {
    const auto* m = metadata->Get(static_cast<flatbuffers::uoffset_t>(l));
    const std::string level = in + "level " + std::to_string(l) + " (dimension " + std::to_string(order[l]) + ")";
    if (m == nullptr) return InvalidModel(level + ": metadata is missing");
    if (m->format() == tflite::DimensionType::DENSE) {
      if (m->dense_size() != level_size[l]) {
        return InvalidModel(level + ": dense_size is " + std::to_string(m->dense_size()) + ", expected " +
                            std::to_string(level_size[l]));
      }
      // Below the last CSR level every position holds a value; above it, the
      // next CSR level's array_segments must have an entry per position (and
      // a flatbuffer holds fewer than 2^31 of them).
      constexpr int64_t kMaxPositions = int64_t{1} << 40;
      const bool too_many = level_size[l] != 0 && count > kMaxPositions / level_size[l];
      if (!too_many) count *= level_size[l];
      if (too_many || (l > last_compressed && count > stored)) {
        return InvalidModel(level + ": the walk reaches more positions than the " + std::to_string(stored) +
                            " values the buffer holds");
      }
      result.levels.push_back({false, static_cast<int32_t>(level_size[l]), LevelDimension(l), l >= n});
      continue;
    }
    if (m->format() != tflite::DimensionType::SPARSE_CSR) {
      return InvalidModel(level + ": format " + std::to_string(static_cast<int>(m->format())) + " is not DENSE or SPARSE_CSR");
    }
    TFLDBG_ASSIGN_OR_RETURN(segments[l], IndexVector(m->array_segments_type(), m->array_segments(), level + ": array_segments"));
    TFLDBG_ASSIGN_OR_RETURN(indices[l], IndexVector(m->array_indices_type(), m->array_indices(), level + ": array_indices"));
    const auto& seg = segments[l];
    const auto& idx = indices[l];
    if (static_cast<int64_t>(seg.size()) != count + 1) {
      return InvalidModel(level + ": array_segments has " + std::to_string(seg.size()) + " entries, expected " +
                          std::to_string(count + 1) + " (one more than the positions above it)");
    }
    if (seg.front() != 0 || seg.back() != static_cast<int64_t>(idx.size())) {
      return InvalidModel(level + ": array_segments must run from 0 to the " + std::to_string(idx.size()) +
                          " indices; it runs from " + std::to_string(seg.front()) + " to " + std::to_string(seg.back()));
    }
    for (size_t i = 1; i < seg.size(); ++i) {
      if (seg[i] < seg[i - 1]) {
        return InvalidModel(level + ": array_segments decreases at entry " + std::to_string(i));
      }
    }
    for (size_t i = 0; i < idx.size(); ++i) {
      if (idx[i] < 0 || idx[i] >= level_size[l]) {
        return InvalidModel(level + ": array_indices[" + std::to_string(i) + "] is " + std::to_string(idx[i]) +
                            ", outside [0, " + std::to_string(level_size[l]) + ")");
      }
    }
    count = static_cast<int64_t>(idx.size());
    result.levels.push_back({true, static_cast<int32_t>(level_size[l]), LevelDimension(l), l >= n});
  }
  if (count != stored) {
    return InvalidModel(in + "the walk visits " + std::to_string(count) + " positions but the buffer holds " +
                        std::to_string(stored) + " values");
  }

  // Second pass: the dense offset of every position, level by level.
  std::vector<int64_t> offsets{0}, next;
  for (int l = 0; l < levels; ++l) {
    next.clear();
    if (!result.levels[l].compressed) {
      next.reserve(offsets.size() * static_cast<size_t>(level_size[l]));
      for (int64_t base : offsets) {
        for (int64_t i = 0; i < level_size[l]; ++i) next.push_back(base + i * level_stride[l]);
      }
    } else {
      next.reserve(indices[l].size());
      for (size_t p = 0; p < offsets.size(); ++p) {
        for (int64_t q = segments[l][p]; q < segments[l][p + 1]; ++q) {
          next.push_back(offsets[p] + indices[l][static_cast<size_t>(q)] * level_stride[l]);
        }
      }
    }
    offsets.swap(next);
  }
  result.bytes.assign(static_cast<size_t>(dense_elements) * element_bytes, 0);
  for (size_t i = 0; i < offsets.size(); ++i) {
    std::memcpy(result.bytes.data() + static_cast<size_t>(offsets[i]) * element_bytes, values.data + i * element_bytes,
                element_bytes);
  }
  result.stored_values = stored;
  return result;
}

}  // namespace tfldbg
