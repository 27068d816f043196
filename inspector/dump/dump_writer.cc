#include "dump/dump_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "io/npy.h"

namespace tfldbg {

namespace fs = std::filesystem;

Result<std::string> NpyDirectorySink::Store(const Tensor& tensor, int subgraph, int value_number) {
  const std::string name = "tensors/s" + std::to_string(subgraph) + "_t" + std::to_string(tensor.index) + "_v" +
                           std::to_string(value_number) + ".npy";
  TFLDBG_RETURN_IF_ERROR(WriteNpy(root_ + "/" + name, tensor.type, tensor.shape, tensor.bytes, tensor.byte_size));
  return name;
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
