#include "dump/dump_writer.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "io/json_file.h"
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
  if (tensor.type == DataType::kString) {
    if (!ValidStringBuffer(tensor.bytes, tensor.byte_size) || StringCount(tensor) != tensor.element_count()) {
      return InvalidArgument(name + ": the string tensor's buffer does not hold " + std::to_string(tensor.element_count()) +
                             " strings");
    }
  } else if (auto header = NpyHeader(tensor.type, tensor.shape); !header.ok()) {
    return header.status().WithContext(name);
  }
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

namespace {

// The target as an absolute, normal path without a trailing separator.
fs::path NormalTarget(const std::string& target) {
  std::error_code ec;
  fs::path t = fs::absolute(fs::path(target), ec).lexically_normal();
  if (!t.has_filename() && t.has_relative_path()) t = t.parent_path();  // "/a/b/" -> "/a/b"
  return t;
}

bool IsSameOrAncestor(const fs::path& ancestor, const fs::path& path) {
  auto a = ancestor.begin();
  auto p = path.begin();
  for (; a != ancestor.end(); ++a, ++p) {
    if (p == path.end() || *a != *p) return false;
  }
  return true;
}

// Why an existing directory must not be replaced by --force, or "" when it
// may: only an empty directory or one that tfldbg wrote (its manifest.json
// says format tfldbg-dump or tfldbg-replay) is ever deleted.
std::string WhyNotReplaceable(const fs::path& target) {
  std::error_code ec;
  const fs::file_status link = fs::symlink_status(target, ec);
  if (fs::is_symlink(link)) return "is a symbolic link";
  if (!fs::is_directory(link)) return "is not a directory";
  const fs::path canonical = fs::weakly_canonical(target, ec);
  if (ec || !canonical.has_relative_path()) return "is the root directory";
  const fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
  if (!ec && IsSameOrAncestor(canonical, cwd)) return "is the working directory or one of its parents";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    if (fs::weakly_canonical(fs::path(home), ec) == canonical) return "is the home directory";
  }
  if (fs::is_empty(target, ec) && !ec) return "";
  const fs::path manifest = target / "manifest.json";
  auto json = ReadJsonFile(manifest.string());
  if (!json.ok()) return "holds no tfldbg manifest.json, so it is not a tfldbg dump";
  const nlohmann::json& m = json.value();
  const auto format = m.is_object() && m.contains("format") && m["format"].is_string() ? m["format"].get<std::string>() : "";
  if (format != kDumpFormat && format != kReplayFormat) {
    return "has a manifest.json whose format is not \"" + std::string(kDumpFormat) + "\", so it is not a tfldbg dump";
  }
  return "";
}

}  // namespace

Status CheckReplaceable(const std::string& target) {
  const fs::path t = NormalTarget(target);
  const std::string why = WhyNotReplaceable(t);
  if (why.empty()) return Status::Ok();
  return InvalidArgument(target + ": " + why + "; --force replaces only an empty directory or a tfldbg dump");
}

Result<DumpDirectory> DumpDirectory::Begin(const std::string& target, bool force) {
  std::error_code ec;
  if (target.empty()) return InvalidArgument("the output directory name is empty");
  const fs::path t = NormalTarget(target);
  if (!t.has_relative_path()) return InvalidArgument(target + ": is the root directory; name a new directory for the dump");
  if (fs::exists(fs::symlink_status(t, ec))) {
    if (!force) return InvalidArgument(target + ": already exists; pass --force to replace it (a tfldbg dump only)");
    TFLDBG_RETURN_IF_ERROR(CheckReplaceable(target));
  }
  const fs::path parent = t.parent_path();
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
  if (!fs::exists(fs::symlink_status(target_, ec))) {
    fs::rename(staging_, target_, ec);
    if (ec) return IoError(target_ + ": cannot move the finished dump into place: " + ec.message());
    return Status::Ok();
  }
  if (!force_) return InvalidArgument(target_ + ": appeared while dumping; not replaced (use --force)");
  // Checked again: the directory may have changed since Begin. Then swap: the
  // old dump moves aside, the new one into place, and only then is the old
  // one deleted, so a failure at any point leaves one whole dump.
  TFLDBG_RETURN_IF_ERROR(CheckReplaceable(target_));
  const fs::path t(target_);
  const fs::path old = t.parent_path() / ("." + t.filename().string() + ".tfldbg-old-" + std::to_string(::getpid()));
  fs::remove_all(old, ec);
  fs::rename(t, old, ec);
  if (ec) return IoError(target_ + ": cannot move the old dump aside: " + ec.message());
  fs::rename(staging_, t, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::rename(old, t, ec);
    return IoError(target_ + ": cannot move the finished dump into place: " + why);
  }
  fs::remove_all(old, ec);
  if (ec) return IoError(old.string() + ": the new dump is in place, but the old one could not be deleted: " + ec.message());
  return Status::Ok();
}

}  // namespace tfldbg
