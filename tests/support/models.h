// Where the tests find models: the shared third-party models beside the
// checkout (../shared/models) and the bundled example.
//
//   for (const std::string& path : SharedModels("real", ".tflite")) { ... }
//   if (!HaveSharedModels()) GTEST_SKIP() << kNoSharedModels;
#pragma once

#include <string>
#include <vector>

namespace tfldbg::testing {

inline constexpr const char* kNoSharedModels =
    "../shared/models is absent (a user's clone has no shared/; CI always has it)";

bool HaveSharedModels();
// Files under ../shared/models/<folder> (recursively) ending in `suffix`, sorted.
std::vector<std::string> SharedModels(const std::string& folder, const std::string& suffix);
std::string SharedModelPath(const std::string& relative);
std::vector<uint8_t> ReadFileBytes(const std::string& path);

}  // namespace tfldbg::testing
