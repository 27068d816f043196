#include "dump/dump_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "io/npy.h"

namespace tfldbg {

namespace fs = std::filesystem;

NpyDirectorySink::NpyDirectorySink(std::string root, size_t max_pending_bytes)
    : root_(std::move(root)), max_pending_bytes_(max_pending_bytes), writer_([this] { WriterLoop(); }) {}

NpyDirectorySink::~NpyDirectorySink() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  writer_.join();
}

Result<std::string> NpyDirectorySink::Store(const Tensor& tensor, int subgraph, int value_number) {
  std::string name = "tensors/s" + std::to_string(subgraph) + "_t" + std::to_string(tensor.index) + "_v" +
                     std::to_string(value_number) + ".npy";
  // Refuse what cannot be stored now, not later in the writer.
  if (auto header = NpyHeader(tensor.type, tensor.shape); !header.ok()) return header.status().WithContext(name);
  Job job{root_ + "/" + name, tensor.type, tensor.shape, std::vector<uint8_t>(tensor.bytes, tensor.bytes + tensor.byte_size)};
  std::unique_lock<std::mutex> lock(mu_);
  // Wait for room, unless the queue is empty (one value larger than the limit still goes).
  changed_.wait(lock, [&] { return !error_.ok() || queue_.empty() || pending_bytes_ + job.bytes.size() <= max_pending_bytes_; });
  if (!error_.ok()) return error_;
  pending_bytes_ += job.bytes.size();
  queue_.push_back(std::move(job));
  lock.unlock();
  changed_.notify_all();
  return name;
}

Status NpyDirectorySink::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return !error_.ok() || (queue_.empty() && !writing_); });
  return error_;
}

double NpyDirectorySink::write_seconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return write_seconds_;
}

void NpyDirectorySink::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    Status written = WriteNpy(job.path, job.type, job.shape, job.bytes.data(), job.bytes.size());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    lock.lock();
    write_seconds_ += seconds;
    pending_bytes_ -= job.bytes.size();
    writing_ = false;
    if (!written.ok()) {
      error_ = written;
      queue_.clear();
      pending_bytes_ = 0;
    }
    changed_.notify_all();
  }
}

Status WriteJsonFile(const std::string& path, const nlohmann::json& json) {
  const std::string text = json.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError(tmp + ": cannot create: " + std::strerror(errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = ok ? 0 : errno;
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    std::remove(tmp.c_str());
    return IoError(path + ": write failed: " + std::strerror(err != 0 ? err : EIO));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return IoError(path + ": cannot rename into place: " + std::strerror(errno));
  return Status::Ok();
}

Result<DumpDirectory> DumpDirectory::Begin(const std::string& target, bool force) {
  std::error_code ec;
  fs::path t = fs::path(target);
  while (!t.empty() && t.filename().empty()) t = t.parent_path();  // "out/" -> "out"
  if (t.empty()) return InvalidArgument("the output directory name is empty");
  if (fs::exists(t, ec) && !force) {
    return InvalidArgument(t.string() + ": already exists; pass --force to replace it");
  }
  const fs::path parent = t.has_parent_path() ? t.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) return IoError(parent.string() + ": no such directory for the dump");
  DumpDirectory dir;
  dir.target_ = t.string();
  dir.force_ = force;
  dir.staging_ = (parent / ("." + t.filename().string() + ".tfldbg-partial-" + std::to_string(::getpid()))).string();
  fs::remove_all(dir.staging_, ec);
  if (!fs::create_directories(fs::path(dir.staging_) / "tensors", ec)) {
    return IoError(dir.staging_ + ": cannot create the staging directory: " + ec.message());
  }
  return dir;
}

Status DumpDirectory::Abandon(nlohmann::json manifest) {
  manifest["complete"] = false;
  return WriteJsonFile(staging_ + "/manifest.json", manifest);
}

Status DumpDirectory::Finish(nlohmann::json manifest) {
  manifest["complete"] = true;
  TFLDBG_RETURN_IF_ERROR(WriteJsonFile(staging_ + "/manifest.json", manifest));
  return Commit();
}

Status DumpDirectory::Commit() {
  std::error_code ec;
  if (fs::exists(target_, ec)) {
    if (!force_) return InvalidArgument(target_ + ": appeared while dumping; not replaced (use --force)");
    fs::remove_all(target_, ec);
    if (ec) return IoError(target_ + ": cannot remove the old dump: " + ec.message());
  }
  fs::rename(staging_, target_, ec);
  if (ec) return IoError(target_ + ": cannot move the finished dump into place: " + ec.message());
  return Status::Ok();
}

}  // namespace tfldbg
