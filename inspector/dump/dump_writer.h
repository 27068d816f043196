// Writing a dump directory (docs/dump-format.md): tensors/*.npy and
// manifest.json, staged in a hidden directory beside the target and renamed
// into place only when complete, so an interrupted dump never looks whole.
//
//   auto dir = DumpDirectory::Begin("out/dump", /*force=*/false);
//   NpyDirectorySink sink(dir->staging());
//   ... run with a CaptureObserver on `sink` ...
//   dir->Finish(manifest);   // writes manifest.json with complete: true, renames
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tfldbg/status.h"
#include "nlohmann/json.hpp"
#include "observers/capture_observer.h"

namespace tfldbg {

inline constexpr int kDumpFormatVersion = 1;
inline constexpr const char* kDumpFormat = "tfldbg-dump";
// The top-level manifest of `tfldbg replay`'s directory of dumps.
inline constexpr const char* kReplayFormat = "tfldbg-replay";

// Ok when `target` (which exists) may be replaced by --force: an empty
// directory, or a tfldbg dump or replay directory that is not the root, the
// home directory, the working directory or one of its parents, nor a symlink.
Status CheckReplaceable(const std::string& target);

// Stores each value as DIR/tensors/s<subgraph>_t<tensor>_v<value>.npy.
//
// The files are written by a background thread: Store copies the value, queues
// it and returns its file name at once, so creating the files (tens of
// microseconds each on ext4, whatever their size) overlaps with the kernels
// instead of adding to them. At most `max_pending_bytes` wait in the queue;
// beyond that Store waits for the writer. A failed write (a full disk) is
// returned by the next Store and by Flush; after it nothing more is written.
class NpyDirectorySink : public ValueSink {
 public:
  explicit NpyDirectorySink(std::string root, size_t max_pending_bytes = size_t{64} << 20);
  ~NpyDirectorySink() override;  // discards what is still queued
  NpyDirectorySink(const NpyDirectorySink&) = delete;
  NpyDirectorySink& operator=(const NpyDirectorySink&) = delete;

  Result<std::string> Store(const Tensor& tensor, int subgraph, int value_number) override;
  // Waits until every queued value is on disk; the first write error, if any.
  Status Flush();
  // Seconds the writer thread spent creating and writing files.
  double write_seconds() const;

 private:
  struct Job {
    std::string path;
    DataType type;
    std::vector<int32_t> shape;
    std::vector<uint8_t> bytes;
  };
  void WriterLoop();

  std::string root_;
  size_t max_pending_bytes_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Job> queue_;
  size_t pending_bytes_ = 0;
  bool writing_ = false;
  bool stop_ = false;
  Status error_ = Status::Ok();
  double write_seconds_ = 0;
  std::thread writer_;
};

class DumpDirectory {
 public:
  // Refuses an existing target unless `force`, and with `force` anything but a
  // replaceable one (CheckReplaceable); creates the staging directory beside it.
  static Result<DumpDirectory> Begin(const std::string& target, bool force);

  const std::string& staging() const { return staging_; }
  const std::string& target() const { return target_; }

  // Writes the manifest (complete: false) into the staging directory; the
  // directory stays where it is, named so that nobody mistakes it for a dump.
  Status Abandon(nlohmann::json manifest);
  // Writes the manifest with complete: true and renames staging -> target; an
  // old target is moved aside first and deleted only once the new one is in place.
  Status Finish(nlohmann::json manifest);
  // Renames staging -> target without a top-level manifest (a directory of
  // dumps, such as `tfldbg replay`'s, whose parts wrote their own).
  Status Commit();

 private:
  std::string target_;
  std::string staging_;
  bool force_ = false;
};

Status WriteJsonFile(const std::string& path, const nlohmann::json& json);

}  // namespace tfldbg
