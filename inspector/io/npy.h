// NumPy .npy files: writes format 1.0 (little-endian, C order) so numpy.load
// reads a dump with no tfldbg installed; reads untrusted .npy inputs, checking
// every header field and the data size before trusting them.
//
//   Status s = WriteNpy("out/t.npy", DataType::kInt8, {1, 8, 8, 16}, bytes, size);
//   Result<NpyArray> a = ReadNpy("input.npy");  // a->type, a->shape, a->data
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tfldbg/dtype.h"
#include "tfldbg/status.h"

namespace tfldbg {

// The complete header (magic, version, length, dict, padding) for an array.
// Fails for types numpy cannot hold as a plain array (string, resource, int4).
Result<std::string> NpyHeader(DataType type, const std::vector<int32_t>& shape);

// Writes header and data; on any failure (a full disk included) removes the
// partial file and returns one line naming the file and the reason.
Status WriteNpy(const std::string& path, DataType type, const std::vector<int32_t>& shape, const uint8_t* data,
                size_t bytes);

struct NpyArray {
  DataType type = DataType::kFloat32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;
};

// Reads a .npy file (versions 1.0 to 3.0). Refuses, in one line naming the file,
// Fortran order, big-endian or unsupported dtypes, malformed headers, shapes
// that overflow, and data shorter or longer than the shape says.
Result<NpyArray> ReadNpy(const std::string& path);
Result<NpyArray> ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin);

}  // namespace tfldbg
