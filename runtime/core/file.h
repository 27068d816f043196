// Reading files a user hands us (models, .npy inputs, manifests, overlays):
// regular files only, opened without blocking (a FIFO or device is refused
// instead of hanging the run), and never more than a stated number of bytes.
//
//   Result<std::string> text = ReadRegularFile("dump/manifest.json", size_t{256} << 20);
//   Result<RegularFile> f = OpenRegularFile("model.tflite");  // f->fd, f->size; close with f->Close()
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "tfldbg/status.h"

namespace tfldbg {

// An open read-only descriptor of a regular file and its size at open time.
struct RegularFile {
  int fd = -1;
  uint64_t size = 0;
  void Close();
};

// Opens `path` for reading; refuses anything but a regular file (directories,
// FIFOs, sockets, devices) in one line naming the file, without blocking.
Result<RegularFile> OpenRegularFile(const std::string& path);

// The whole content of a regular file of at most `max_bytes`.
Result<std::string> ReadRegularFile(const std::string& path, size_t max_bytes);

// "1.5 GiB", "376 KiB", "12 bytes": sizes in messages.
std::string FormatBytes(uint64_t bytes);

}  // namespace tfldbg
