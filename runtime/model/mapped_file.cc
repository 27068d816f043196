#include "model/mapped_file.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "core/file.h"

namespace tfldbg {

Result<std::shared_ptr<const ModelBytes>> ModelBytes::MapFile(const std::string& path) {
  TFLDBG_ASSIGN_OR_RETURN(RegularFile file, OpenRegularFile(path));
  if (file.size == 0) {
    file.Close();
    return InvalidModel(path + ": the file is empty");
  }
  if (file.size > static_cast<uint64_t>(SIZE_MAX / 2)) {
    file.Close();
    return InvalidModel(path + ": is " + FormatBytes(file.size) + ", too large to map");
  }
  const size_t size = static_cast<size_t>(file.size);
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, file.fd, 0);
  const int err = errno;
  file.Close();
  if (mapping == MAP_FAILED) return IoError(path + ": cannot map: " + std::strerror(err));
  std::shared_ptr<ModelBytes> bytes(new ModelBytes());
  bytes->mapping_ = mapping;
  bytes->data_ = static_cast<const uint8_t*>(mapping);
  bytes->size_ = size;
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
