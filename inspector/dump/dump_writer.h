// Writing a dump directory (docs/dump-format.md): tensors/*.npy and
// manifest.json, staged in a hidden directory beside the target and renamed
// into place only when complete, so an interrupted dump never looks whole.
//
//   auto dir = DumpDirectory::Begin("out/dump", /*force=*/false);
//   NpyDirectorySink sink(dir->staging());
//   ... run with a CaptureObserver on `sink` ...
//   dir->Finish(manifest);   // writes manifest.json with complete: true, renames
#pragma once

#include <string>

#include "core/result.h"
#include "nlohmann/json.hpp"
#include "observers/capture_observer.h"

namespace tfldbg {

inline constexpr int kDumpFormatVersion = 1;

// Stores each value as DIR/tensors/s<subgraph>_t<tensor>_v<value>.npy.
class NpyDirectorySink : public ValueSink {
 public:
  explicit NpyDirectorySink(std::string root) : root_(std::move(root)) {}
  Result<std::string> Store(const Tensor& tensor, int subgraph, int value_number) override;

 private:
  std::string root_;
};

class DumpDirectory {
 public:
  // Refuses an existing target unless `force`; creates the staging directory.
  static Result<DumpDirectory> Begin(const std::string& target, bool force);

  const std::string& staging() const { return staging_; }
  const std::string& target() const { return target_; }

  // Writes the manifest (complete: false) into the staging directory; the
  // directory stays where it is, named so that nobody mistakes it for a dump.
  Status Abandon(nlohmann::json manifest);
  // Writes the manifest with complete: true and renames staging -> target.
  Status Finish(nlohmann::json manifest);

 private:
  std::string target_;
  std::string staging_;
  bool force_ = false;
};

Status WriteJsonFile(const std::string& path, const nlohmann::json& json);

}  // namespace tfldbg
