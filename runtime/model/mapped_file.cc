#include "model/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tfldbg {

Result<std::shared_ptr<const ModelBytes>> ModelBytes::MapFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return IoError(path + ": cannot stat: " + std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return IoError(path + ": not a regular file");
  }
  if (st.st_size == 0) {
    ::close(fd);
    return InvalidModel(path + ": the file is empty");
  }
  void* mapping = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (mapping == MAP_FAILED) return IoError(path + ": cannot map: " + std::strerror(err));
  std::shared_ptr<ModelBytes> bytes(new ModelBytes());
  bytes->mapping_ = mapping;
  bytes->data_ = static_cast<const uint8_t*>(mapping);
  bytes->size_ = static_cast<size_t>(st.st_size);
  return std::shared_ptr<const ModelBytes>(std::move(bytes));
}

std::shared_ptr<const ModelBytes> ModelBytes::FromVector(std::vector<uint8_t> bytes) {
  std::shared_ptr<ModelBytes> out(new ModelBytes());
  const size_t units = (bytes.size() + 7) / 8 + 1;
  out->owned_ = std::make_unique<uint64_t[]>(units);
  if (!bytes.empty()) std::memcpy(out->owned_.get(), bytes.data(), bytes.size());
  out->data_ = reinterpret_cast<const uint8_t*>(out->owned_.get());
  out->size_ = bytes.size();
  return out;
}

ModelBytes::~ModelBytes() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
}

}  // namespace tfldbg
