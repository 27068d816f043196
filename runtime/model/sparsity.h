// Sparse constants: TFLite's compressed tensor format, decoded to dense bytes.
//
// A sparse constant's buffer holds only the values its SparsityParameters keep.
// The tensor is walked in `traversal_order` over n + k levels: the n dimensions
// of the dense shape (each blocked one cut into blocks) and then the k block
// dimensions named by `block_map`. A DENSE level visits every index
// (`dense_size`); a SPARSE_CSR level visits, under each position of the level
// above, the indices array_indices[array_segments[p] .. array_segments[p + 1]).
// Values are taken in that walk's order. This is what LiteRT's DENSIFY and its
// FULLY_CONNECTED with sparse weights decode (sparsity_format_converter.cc).
//
// Everything is checked before a byte is written, since the file may be
// hostile: the traversal order a permutation, the block map increasing, dense
// sizes equal to the shape's, segments non-decreasing from 0 to the number of
// indices, every index inside its level, and the buffer holding exactly as
// many values as the walk visits.
//
//   TFLDBG_ASSIGN_OR_RETURN(SparseConstant dense,
//                           DensifyConstant(*tensor.sparsity(), shape, 4, buffer, "subgraph 0, tensor 3 'w'"));
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tfldbg/status.h"
#include "model/model_view.h"
#include "tflite_generated.h"

namespace tfldbg {

// One level of the walk, as a kernel that cares about the layout sees it.
struct SparseLevel {
  bool compressed = false;  // SPARSE_CSR (else DENSE)
  int32_t size = 0;         // indices this level ranges over
  int dimension = 0;        // the dense dimension it walks (a block's: the one block_map cuts)
  bool in_block = false;    // walks inside a block
};

struct SparseConstant {
  std::vector<uint8_t> bytes;       // the dense tensor, row-major
  std::vector<SparseLevel> levels;  // in traversal order
  int64_t stored_values = 0;        // values the buffer held
};

// Decodes `values` (elements of `element_bytes` each) into the dense tensor of
// `shape`. `where` names the tensor for error messages.
Result<SparseConstant> DensifyConstant(const tflite::SparsityParameters& sparsity, const std::vector<int32_t>& shape,
                                       size_t element_bytes, ByteView values, const std::string& where);

}  // namespace tfldbg
