#include "io/npy.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <optional>

namespace tfldbg {

Result<std::string> NpyHeader(DataType type, const std::vector<int32_t>& shape) {
  const std::string descr = NumpyDescr(type);
  if (descr.empty()) return Unsupported(std::string(DataTypeName(type)) + " tensors cannot be stored as .npy");
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";  // a one-element tuple: "(5,)"
  std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  // magic(6) + version(2) + length(2) + dict + '\n', padded with spaces to 64 bytes.
  const size_t unpadded = 10 + dict.size() + 1;
  const size_t total = (unpadded + 63) / 64 * 64;
  dict.append(total - unpadded, ' ');
  dict += '\n';
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>((dict.size() >> 8) & 0xff);
  return header + dict;
}

namespace {

// Writes all of `parts` with writev, resuming after partial writes and EINTR.
bool WriteAll(int fd, struct iovec* parts, int count) {
  while (count > 0) {
    const ssize_t n = ::writev(fd, parts, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    size_t done = static_cast<size_t>(n);
    while (count > 0 && done >= parts->iov_len) {
      done -= parts->iov_len;
      ++parts;
      --count;
    }
    if (count > 0) {
      parts->iov_base = static_cast<char*>(parts->iov_base) + done;
      parts->iov_len -= done;
    }
  }
  return true;
}

}  // namespace

// One open, one writev (header + data) and one close per file: a dump writes
// hundreds of files, so the per-file system calls are what its speed is made of.
Status WriteNpy(const std::string& path, DataType type, const std::vector<int32_t>& shape, const uint8_t* data,
                size_t bytes) {
  auto header = NpyHeader(type, shape);
  if (!header.ok()) return header.status().WithContext(path);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path + ": cannot create: " + std::strerror(errno));
  struct iovec parts[2] = {{const_cast<char*>(header.value().data()), header.value().size()},
                           {const_cast<uint8_t*>(data), bytes}};
  bool ok = WriteAll(fd, parts, bytes > 0 ? 2 : 1);
  int err = ok ? 0 : errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(path.c_str());
    return IoError(path + ": write failed: " + std::strerror(err != 0 ? err : EIO));
  }
  return Status::Ok();
}

}  // namespace tfldbg

namespace tfldbg {
namespace {

// The descr strings tfldbg accepts, and the type each stands for. '=' and '<'
// both mean little-endian on the machines we run on; '|' is for single bytes.
std::optional<DataType> TypeFromDescr(const std::string& descr) {
  static const std::pair<const char*, DataType> kKnown[] = {
      {"f4", DataType::kFloat32}, {"f2", DataType::kFloat16}, {"f8", DataType::kFloat64},
      {"i1", DataType::kInt8},    {"u1", DataType::kUInt8},   {"i2", DataType::kInt16},
      {"u2", DataType::kUInt16},  {"i4", DataType::kInt32},   {"u4", DataType::kUInt32},
      {"i8", DataType::kInt64},   {"u8", DataType::kUInt64},  {"b1", DataType::kBool},
      {"c8", DataType::kComplex64}, {"c16", DataType::kComplex128}};
  if (descr.size() < 3) return std::nullopt;
  const char order = descr[0];
  if (order != '<' && order != '|' && order != '=') return std::nullopt;
  const std::string code = descr.substr(1);
  for (const auto& [name, type] : kKnown) {
    if (code == name) {
      if (order == '|' && DataTypeBits(type) != 8) return std::nullopt;
      return type;
    }
  }
  return std::nullopt;
}

// Finds "'key': " in the header dict and returns the position after it.
size_t FindKey(const std::string& dict, const std::string& key) {
  for (const char quote : {'\'', '"'}) {
    const std::string needle = std::string(1, quote) + key + quote;
    const size_t at = dict.find(needle);
    if (at == std::string::npos) continue;
    size_t p = at + needle.size();
    while (p < dict.size() && dict[p] == ' ') ++p;
    if (p < dict.size() && dict[p] == ':') return p + 1;
  }
  return std::string::npos;
}

}  // namespace

Result<NpyArray> ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin) {
  auto fail = [&](const std::string& why) { return InvalidArgument(origin + ": not a usable .npy file: " + why); };
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) return fail("missing the \\x93NUMPY magic");
  const int major = bytes[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = bytes[8] | (static_cast<size_t>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) return fail("truncated header");
    header_len = bytes[8] | (static_cast<size_t>(bytes[9]) << 8) | (static_cast<size_t>(bytes[10]) << 16) |
                 (static_cast<size_t>(bytes[11]) << 24);
    offset = 12;
  } else {
    return fail("format version " + std::to_string(major) + " is unknown");
  }
  if (header_len > size - offset) return fail("the header length " + std::to_string(header_len) + " runs past the file");
  const std::string dict(reinterpret_cast<const char*>(bytes + offset), header_len);

  size_t p = FindKey(dict, "descr");
  if (p == std::string::npos) return fail("the header has no 'descr'");
  const size_t q1 = dict.find_first_of("'\"", p);
  const size_t q2 = q1 == std::string::npos ? q1 : dict.find(dict[q1], q1 + 1);
  if (q2 == std::string::npos) return fail("the header's 'descr' is not a string");
  const std::string descr = dict.substr(q1 + 1, q2 - q1 - 1);
  const auto type = TypeFromDescr(descr);
  if (!type) return fail("dtype '" + descr + "' is not supported (little-endian numeric and bool only)");

  p = FindKey(dict, "fortran_order");
  if (p == std::string::npos) return fail("the header has no 'fortran_order'");
  while (p < dict.size() && dict[p] == ' ') ++p;
  if (dict.compare(p, 5, "False") != 0) return fail("Fortran-order arrays are not supported; save with C order");

  p = FindKey(dict, "shape");
  if (p == std::string::npos) return fail("the header has no 'shape'");
  const size_t open = dict.find('(', p);
  const size_t close = open == std::string::npos ? open : dict.find(')', open);
  if (close == std::string::npos) return fail("the header's 'shape' is not a tuple");
  NpyArray array;
  array.type = *type;
  const std::string dims = dict.substr(open + 1, close - open - 1);
  size_t i = 0;
  while (i < dims.size()) {
    while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
    if (i >= dims.size()) break;
    if (!std::isdigit(static_cast<unsigned char>(dims[i]))) return fail("the shape '(" + dims + ")' is not a tuple of sizes");
    uint64_t v = 0;
    while (i < dims.size() && std::isdigit(static_cast<unsigned char>(dims[i]))) {
      v = v * 10 + static_cast<uint64_t>(dims[i] - '0');
      if (v > 0x7fffffff) return fail("a dimension of '(" + dims + ")' is too large");
      ++i;
    }
    array.shape.push_back(static_cast<int32_t>(v));
    if (array.shape.size() > 16) return fail("more than 16 dimensions");
  }
  uint64_t elements = 1;
  for (int32_t d : array.shape) {
    if (d != 0 && elements > (uint64_t{1} << 40) / static_cast<uint64_t>(d)) return fail("the shape is too large");
    elements *= static_cast<uint64_t>(d);
  }
  const uint64_t expected = elements * static_cast<uint64_t>(DataTypeBits(*type) / 8);
  const size_t data_at = offset + header_len;
  if (size - data_at != expected) {
    return fail("shape (" + dims + ") of " + descr + " needs " + std::to_string(expected) + " data bytes, the file has " +
                std::to_string(size - data_at));
  }
  array.data.assign(bytes + data_at, bytes + size);
  return array;
}

Result<NpyArray> ReadNpy(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError(path + ": read failed");
  return ParseNpy(bytes.data(), bytes.size(), path);
}

}  // namespace tfldbg
