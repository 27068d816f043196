// Read-only bytes of a model: a memory-mapped file or an owned copy.
//
//   Result<std::shared_ptr<const ModelBytes>> bytes = ModelBytes::MapFile("m.tflite");
//   bytes.value()->data();  bytes.value()->size();
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tfldbg/status.h"

namespace tfldbg {

class ModelBytes {
 public:
  // Maps `path` read-only. Fails with one line naming the file and the reason.
  static Result<std::shared_ptr<const ModelBytes>> MapFile(const std::string& path);
  // Takes ownership of bytes already in memory. The copy is aligned to 16 bytes,
  // as flatbuffers' force_align on buffer data expects.
  static std::shared_ptr<const ModelBytes> FromVector(std::vector<uint8_t> bytes);

  ~ModelBytes();
  ModelBytes(const ModelBytes&) = delete;
  ModelBytes& operator=(const ModelBytes&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  ModelBytes() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;      // non-null when mmap'd
  std::unique_ptr<uint64_t[]> owned_;  // 8-byte units keep the copy aligned
};

}  // namespace tfldbg
