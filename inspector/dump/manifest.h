// The manifest.json of a dump (docs/dump-format.md, schema in
// docs/dump-manifest.schema.json): what was run, on what, and every step.
//
//   nlohmann::json m = BuildManifest(interp, capture.steps(), run);
#pragma once

#include <map>
#include <string>
#include <vector>

#include "interpreter/engine.h"
#include "nlohmann/json.hpp"
#include "observers/capture_observer.h"

namespace tfldbg {

struct RunDescription {
  std::string model_path;
  std::string model_sha256;
  nlohmann::json inputs = nlohmann::json::array();  // [{name, tensor, source, file}]
  std::string tool_version;
};

// `inlined` (optional): values of small tensors by file, written next to
// their file reference as "value" (--inline-json).
nlohmann::json BuildManifest(const Engine& interp, const std::vector<StepRecord>& steps,
                             const RunDescription& run,
                             const std::map<std::string, std::vector<double>>& inlined = {});

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(const uint8_t* data, size_t size);

}  // namespace tfldbg
