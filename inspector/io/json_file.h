// Reading JSON a user hands us (dump manifests, overlays): a regular file of
// bounded size, nested no deeper than a limit (deep nesting would overflow the
// stack when the value is later walked or printed), one line on any failure.
//
//   Result<nlohmann::json> manifest = ReadJsonFile("dump/manifest.json");
#pragma once

#include <cstddef>
#include <string>

#include "tfldbg/status.h"
#include "nlohmann/json.hpp"

namespace tfldbg {

inline constexpr size_t kMaxJsonBytes = size_t{512} << 20;
inline constexpr int kMaxJsonDepth = 64;

Result<nlohmann::json> ParseJson(const std::string& text, const std::string& origin, int max_depth = kMaxJsonDepth);
Result<nlohmann::json> ReadJsonFile(const std::string& path, size_t max_bytes = kMaxJsonBytes,
                                    int max_depth = kMaxJsonDepth);

}  // namespace tfldbg
