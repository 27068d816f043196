// NumPy .npy files: writes format 1.0 (little-endian, C order) so numpy.load
// reads a dump with no tfldbg installed; reads untrusted .npy inputs, checking
// every header field and the data size against the file's size before
// allocating or reading any data.
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

// Writes header and data (for kString, `data` is LiteRT's packed string buffer,
// written as a numpy '|S<n>' array, n the longest string); on any failure (a full disk included) removes the
// partial file and returns one line naming the file and the reason.
Status WriteNpy(const std::string& path, DataType type, const std::vector<int32_t>& shape, const uint8_t* data,
                size_t bytes);

struct NpyArray {
  DataType type = DataType::kFloat32;
  std::vector<int32_t> shape;
  std::vector<uint8_t> data;
};

// What a .npy header says: the array's type and shape, where its data starts
// and how many data bytes the shape needs.
struct NpyHeaderInfo {
  DataType type = DataType::kFloat32;
  std::vector<int32_t> shape;
  std::string descr;         // as written: "<f4"
  size_t data_offset = 0;    // bytes before the data (magic, version, length, dict)
  uint64_t data_bytes = 0;   // product of the shape times the element size
  // Strings ('|S<n>' bytes, '<U<n>' UTF-32 text; type kString): n, the
  // characters of each fixed-width element.
  uint64_t string_width = 0;
  bool unicode = false;
};

// A numpy string array's data ('S': NUL-padded bytes; 'U': NUL-padded
// UTF-32LE, stored as UTF-8) as LiteRT's packed string buffer. Trailing NULs
// are padding, as numpy reads them. Refuses code points that are not Unicode.
Result<std::vector<uint8_t>> NpyStringsToPacked(const NpyHeaderInfo& header, const uint8_t* data, size_t bytes,
                                                const std::string& origin);

// The largest header dict accepted. numpy writes a few dozen bytes and itself
// refuses more than 10,000 by default; the bound keeps a hostile length field
// from costing a large read before anything is checked.
inline constexpr size_t kMaxNpyHeaderBytes = size_t{64} << 10;
// The largest array ReadNpy allocates for. A file's size must match its header
// exactly, so a hostile header cannot make us allocate more than the file
// holds; this bound is for files that are really (or sparsely) that large. It
// is far above any model input met so far (the largest of the real models,
// DeepLab v3's 1x257x257x3 float32, is 774 KiB) and below what a workstation
// can hold twice (the array and the tensor it is copied into). `run`, `dump`
// and `replay` read an input straight into its tensor once its header
// matches, so for them the tensor's own size is the bound.
inline constexpr uint64_t kMaxNpyDataBytes = uint64_t{4} << 30;

// Parses the header at the start of `bytes` (the first `size` bytes of a file
// of `file_size` bytes) and checks that the file holds exactly the data bytes
// its shape needs. Refuses, in one line naming `origin`, Fortran order,
// big-endian or unsupported dtypes, malformed headers and shapes that overflow.
Result<NpyHeaderInfo> ParseNpyHeader(const uint8_t* bytes, size_t size, uint64_t file_size, const std::string& origin);

// An open .npy file whose header has been read and checked against the file's
// size, its data not yet read: a caller checks type and shape against where
// the array goes (a model input) before reading a byte of data.
//
//   TFLDBG_ASSIGN_OR_RETURN(NpyFile f, NpyFile::Open("x.npy"));
//   if (f.header().shape != tensor.shape) return ...;
//   TFLDBG_RETURN_IF_ERROR(f.ReadData(tensor.bytes, tensor.byte_size));
class NpyFile {
 public:
  // A regular file only (a FIFO, device or directory is refused without
  // blocking: core/file.h), whose data is at most `max_data_bytes`.
  static Result<NpyFile> Open(const std::string& path, uint64_t max_data_bytes = kMaxNpyDataBytes);
  NpyFile(NpyFile&& other) noexcept;
  NpyFile& operator=(NpyFile&& other) noexcept;
  NpyFile(const NpyFile&) = delete;
  NpyFile& operator=(const NpyFile&) = delete;
  ~NpyFile();

  const std::string& path() const { return path_; }
  const NpyHeaderInfo& header() const { return header_; }
  // Reads the data into `out`, which must hold exactly header().data_bytes.
  Status ReadData(uint8_t* out, size_t bytes);

 private:
  NpyFile() = default;
  std::string path_;
  int fd_ = -1;
  NpyHeaderInfo header_;
};

// Reads a .npy file (versions 1.0 to 3.0): NpyFile::Open, then the data.
Result<NpyArray> ReadNpy(const std::string& path, uint64_t max_data_bytes = kMaxNpyDataBytes);
// The same checks on a whole file already in memory (tests, the fuzzer).
Result<NpyArray> ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin);

}  // namespace tfldbg
