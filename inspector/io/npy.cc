#include "io/npy.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "core/file.h"
#include "core/text.h"
#include "tensor/tensor.h"

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
namespace {

// A packed string buffer as a numpy '|S<n>' header and NUL-padded elements.
Result<std::pair<std::string, std::vector<uint8_t>>> StringNpy(const std::vector<int32_t>& shape, const uint8_t* data,
                                                               size_t bytes) {
  if (!ValidStringBuffer(data, bytes)) return InvalidArgument("the string tensor's buffer is malformed");
  Tensor view;
  view.type = DataType::kString;
  view.bytes = const_cast<uint8_t*>(data);
  view.byte_size = bytes;
  const int32_t count = StringCount(view);
  uint64_t elements = 1;
  for (int32_t d : shape) elements *= static_cast<uint64_t>(d < 0 ? 0 : d);
  if (elements != static_cast<uint64_t>(count)) {
    return InvalidArgument("the string tensor holds " + std::to_string(count) + " strings for shape " +
                           ShapeToString(shape));
  }
  size_t width = 1;  // numpy's narrowest string type is S1
  for (int32_t i = 0; i < count; ++i) width = std::max(width, StringAt(view, i).size());
  std::vector<uint8_t> out(width * static_cast<size_t>(count), 0);
  for (int32_t i = 0; i < count; ++i) {
    const std::string_view s = StringAt(view, i);
    if (!s.empty()) std::memcpy(out.data() + width * static_cast<size_t>(i), s.data(), s.size());
  }
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";
  std::string dict = "{'descr': '|S" + std::to_string(width) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t unpadded = 10 + dict.size() + 1;
  const size_t total = (unpadded + 63) / 64 * 64;
  dict.append(total - unpadded, ' ');
  dict += '\n';
  if (dict.size() > 0xffff) return InvalidArgument("the string tensor's .npy header is too long");
  std::string header("\x93NUMPY\x01\x00", 8);
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>((dict.size() >> 8) & 0xff);
  return std::make_pair(header + dict, std::move(out));
}

}  // namespace

Status WriteNpy(const std::string& path, DataType type, const std::vector<int32_t>& shape, const uint8_t* data,
                size_t bytes) {
  if (type == DataType::kString) {
    auto strings = StringNpy(shape, data, bytes);
    if (!strings.ok()) return strings.status().WithContext(path);
    const auto& [head, body] = strings.value();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IoError(path + ": cannot create: " + std::strerror(errno));
    struct iovec parts[2] = {{const_cast<char*>(head.data()), head.size()},
                             {const_cast<uint8_t*>(body.data()), body.size()}};
    bool ok = WriteAll(fd, parts, body.empty() ? 1 : 2);
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

Result<NpyHeaderInfo> ParseNpyHeader(const uint8_t* bytes, size_t size, uint64_t file_size, const std::string& origin) {
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
  if (header_len > kMaxNpyHeaderBytes) {
    return fail("the header length " + std::to_string(header_len) + " is over the limit of " +
                std::to_string(kMaxNpyHeaderBytes) + " bytes");
  }
  if (header_len > size - offset) return fail("the header length " + std::to_string(header_len) + " runs past the file");
  const std::string dict(reinterpret_cast<const char*>(bytes + offset), header_len);

  size_t p = FindKey(dict, "descr");
  if (p == std::string::npos) return fail("the header has no 'descr'");
  const size_t q1 = dict.find_first_of("'\"", p);
  const size_t q2 = q1 == std::string::npos ? q1 : dict.find(dict[q1], q1 + 1);
  if (q2 == std::string::npos) return fail("the header's 'descr' is not a string");
  NpyHeaderInfo info;
  info.descr = dict.substr(q1 + 1, q2 - q1 - 1);
  uint64_t element_bytes = 0;
  std::optional<DataType> type;
  if (info.descr.size() >= 3 && (info.descr.compare(0, 2, "|S") == 0 || info.descr.compare(0, 2, "<U") == 0 ||
                                 info.descr.compare(0, 2, "=U") == 0 || info.descr.compare(0, 2, "|U") == 0)) {
    const std::string digits = info.descr.substr(2);
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) {
      return fail("dtype " + QuotedName(info.descr) + " has no width");
    }
    info.string_width = std::stoull(digits);
    info.unicode = info.descr[1] == 'U';
    element_bytes = info.string_width * (info.unicode ? 4 : 1);
    type = DataType::kString;
  } else {
    type = TypeFromDescr(info.descr);
    if (type) element_bytes = static_cast<uint64_t>(DataTypeBits(*type) / 8);
  }
  if (!type) return fail("dtype " + QuotedName(info.descr) + " is not supported (little-endian numeric, bool, and 'S' or 'U' strings only)");
  info.type = *type;

  p = FindKey(dict, "fortran_order");
  if (p == std::string::npos) return fail("the header has no 'fortran_order'");
  while (p < dict.size() && dict[p] == ' ') ++p;
  if (dict.compare(p, 5, "False") != 0) return fail("Fortran-order arrays are not supported; save with C order");

  p = FindKey(dict, "shape");
  if (p == std::string::npos) return fail("the header has no 'shape'");
  const size_t open = dict.find('(', p);
  const size_t close = open == std::string::npos ? open : dict.find(')', open);
  if (close == std::string::npos) return fail("the header's 'shape' is not a tuple");
  const std::string dims = dict.substr(open + 1, close - open - 1);
  size_t i = 0;
  while (i < dims.size()) {
    while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
    if (i >= dims.size()) break;
    if (!std::isdigit(static_cast<unsigned char>(dims[i]))) {
      return fail("the shape " + QuotedName("(" + dims + ")") + " is not a tuple of sizes");
    }
    uint64_t v = 0;
    while (i < dims.size() && std::isdigit(static_cast<unsigned char>(dims[i]))) {
      v = v * 10 + static_cast<uint64_t>(dims[i] - '0');
      if (v > 0x7fffffff) return fail("a dimension of " + QuotedName("(" + dims + ")") + " is too large");
      ++i;
    }
    info.shape.push_back(static_cast<int32_t>(v));
    if (info.shape.size() > 16) return fail("more than 16 dimensions");
  }
  uint64_t elements = 1;
  for (int32_t d : info.shape) {
    if (d != 0 && elements > (uint64_t{1} << 40) / static_cast<uint64_t>(d)) return fail("the shape is too large");
    elements *= static_cast<uint64_t>(d);
  }
  if (element_bytes != 0 && elements > (uint64_t{1} << 40) / element_bytes) return fail("the shape is too large");
  info.data_bytes = elements * element_bytes;
  info.data_offset = offset + header_len;
  // The file must hold exactly what the header says, checked before anything
  // is allocated: a 376 KiB file whose header claims 1 GiB is refused here.
  const uint64_t held = file_size - info.data_offset;
  if (held != info.data_bytes) {
    return fail("shape (" + dims + ") of " + info.descr + " needs " + std::to_string(info.data_bytes) +
                " data bytes, the file has " + std::to_string(held));
  }
  return info;
}

Result<NpyArray> ParseNpy(const uint8_t* bytes, size_t size, const std::string& origin) {
  TFLDBG_ASSIGN_OR_RETURN(NpyHeaderInfo header, ParseNpyHeader(bytes, size, size, origin));
  NpyArray array;
  array.type = header.type;
  array.shape = std::move(header.shape);
  array.data.assign(bytes + header.data_offset, bytes + size);
  return array;
}

namespace {

// Reads exactly `bytes` bytes at the descriptor's position, resuming after
// short reads and EINTR; an error when the file ends first or read fails.
Status ReadExactly(int fd, uint8_t* out, size_t bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::read(fd, out + done, bytes - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError(path + ": read failed: " + std::strerror(errno));
    if (n == 0) {
      return IoError(path + ": the file ended after " + std::to_string(done) + " of " + std::to_string(bytes) +
                     " bytes (it shrank while being read)");
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<NpyFile> NpyFile::Open(const std::string& path, uint64_t max_data_bytes) {
  TFLDBG_ASSIGN_OR_RETURN(RegularFile file, OpenRegularFile(path));
  NpyFile npy;
  npy.path_ = path;
  npy.fd_ = file.fd;  // owned by `npy` from here on: closed by its destructor
  // The fixed part, then the dict it announces (bounded by kMaxNpyHeaderBytes).
  uint8_t prefix[12] = {};
  const size_t prefix_bytes = static_cast<size_t>(std::min<uint64_t>(file.size, sizeof prefix));
  TFLDBG_RETURN_IF_ERROR(ReadExactly(npy.fd_, prefix, prefix_bytes, path));
  std::vector<uint8_t> head(prefix, prefix + prefix_bytes);
  if (prefix_bytes >= 10 && std::memcmp(prefix, "\x93NUMPY", 6) == 0) {
    const size_t fixed = prefix[6] == 1 ? 10 : 12;
    size_t header_len = prefix[8] | (static_cast<size_t>(prefix[9]) << 8);
    if (fixed == 12 && prefix_bytes == 12) {
      header_len |= (static_cast<size_t>(prefix[10]) << 16) | (static_cast<size_t>(prefix[11]) << 24);
    }
    const uint64_t wanted = std::min<uint64_t>({fixed + std::min(header_len, kMaxNpyHeaderBytes), file.size});
    if (wanted > head.size()) {
      const size_t have = head.size();
      head.resize(static_cast<size_t>(wanted));
      TFLDBG_RETURN_IF_ERROR(ReadExactly(npy.fd_, head.data() + have, head.size() - have, path));
    } else {
      head.resize(static_cast<size_t>(wanted));
    }
  }
  TFLDBG_ASSIGN_OR_RETURN(npy.header_, ParseNpyHeader(head.data(), head.size(), file.size, path));
  if (npy.header_.data_bytes > max_data_bytes) {
    return InvalidArgument(path + ": holds " + FormatBytes(npy.header_.data_bytes) + " of data, over the limit of " +
                           FormatBytes(max_data_bytes));
  }
  if (::lseek(npy.fd_, static_cast<off_t>(npy.header_.data_offset), SEEK_SET) < 0) {
    return IoError(path + ": cannot seek: " + std::strerror(errno));
  }
  return npy;
}

NpyFile::NpyFile(NpyFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), header_(std::move(other.header_)) {}

NpyFile& NpyFile::operator=(NpyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    header_ = std::move(other.header_);
  }
  return *this;
}

NpyFile::~NpyFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status NpyFile::ReadData(uint8_t* out, size_t bytes) {
  if (fd_ < 0) return IoError(path_ + ": already read");
  if (bytes != header_.data_bytes) {
    return InvalidArgument(path_ + ": holds " + std::to_string(header_.data_bytes) + " data bytes, " +
                           std::to_string(bytes) + " are wanted");
  }
  const Status read = ReadExactly(fd_, out, bytes, path_);
  ::close(fd_);
  fd_ = -1;
  return read;
}

Result<NpyArray> ReadNpy(const std::string& path, uint64_t max_data_bytes) {
  TFLDBG_ASSIGN_OR_RETURN(NpyFile file, NpyFile::Open(path, max_data_bytes));
  NpyArray array;
  array.type = file.header().type;
  array.shape = file.header().shape;
  array.data.resize(static_cast<size_t>(file.header().data_bytes));
  TFLDBG_RETURN_IF_ERROR(file.ReadData(array.data.data(), array.data.size()));
  return array;
}

}  // namespace tfldbg

namespace tfldbg {

Result<std::vector<uint8_t>> NpyStringsToPacked(const NpyHeaderInfo& header, const uint8_t* data, size_t bytes,
                                                const std::string& origin) {
  const uint64_t width = header.string_width;
  const uint64_t element_bytes = width * (header.unicode ? 4 : 1);
  if (header.type != DataType::kString || bytes != header.data_bytes) {
    return InvalidArgument(origin + ": not a string array");
  }
  const uint64_t count = element_bytes == 0 ? 1 : bytes / element_bytes;
  uint64_t elements = 1;
  for (int32_t d : header.shape) elements *= static_cast<uint64_t>(d);
  if (elements > 0x7ffffff0 || (element_bytes != 0 && count != elements)) {
    return InvalidArgument(origin + ": too many strings");
  }
  std::vector<std::string> texts(static_cast<size_t>(elements));
  for (uint64_t e = 0; e < elements && element_bytes != 0; ++e) {
    const uint8_t* at = data + e * element_bytes;
    std::string& out = texts[static_cast<size_t>(e)];
    if (!header.unicode) {
      size_t n = static_cast<size_t>(width);
      while (n > 0 && at[n - 1] == 0) --n;  // numpy's padding
      out.assign(reinterpret_cast<const char*>(at), n);
      continue;
    }
    size_t n = static_cast<size_t>(width);
    auto code_at = [&](size_t i) {
      uint32_t c;
      std::memcpy(&c, at + 4 * i, 4);
      return c;
    };
    while (n > 0 && code_at(n - 1) == 0) --n;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t c = code_at(i);
      if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return InvalidArgument(origin + ": element " + std::to_string(e) + " holds " + std::to_string(c) +
                               ", which is not a Unicode code point");
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
      } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
      } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
      }
    }
  }
  uint64_t total = 4 * (elements + 2);
  for (const std::string& t : texts) total += t.size();
  if (total > 0x7fffffff) return InvalidArgument(origin + ": the strings take more than 2 GiB");
  std::vector<std::string_view> views(texts.begin(), texts.end());
  return PackStrings(views);
}

}  // namespace tfldbg
