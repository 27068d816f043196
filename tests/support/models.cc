#include "support/models.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace tfldbg::testing {

namespace fs = std::filesystem;

bool HaveSharedModels() { return fs::is_directory(TFLDBG_SHARED_MODELS_DIR); }

std::string SharedModelPath(const std::string& relative) {
  return std::string(TFLDBG_SHARED_MODELS_DIR) + "/" + relative;
}

std::vector<std::string> SharedModels(const std::string& folder, const std::string& suffix) {
  std::vector<std::string> out;
  const fs::path root = fs::path(TFLDBG_SHARED_MODELS_DIR) / folder;
  if (!fs::is_directory(root)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string p = entry.path().string();
    if (entry.is_regular_file() && p.size() >= suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace tfldbg::testing
