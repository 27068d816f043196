// Renders a model's graph (from the `info --json` document) as Graphviz DOT,
// or as a self-contained HTML page that works offline: the graph drawn in
// SVG by a small embedded script; clicking an operator shows its options and
// its tensors with dtype, shape and quantization.
//
//   nlohmann::json info = ModelInfoJson(view, {});
//   std::string dot = GraphToDot(info, 0);
//   std::string html = GraphToHtml(info);
#pragma once

#include <string>

#include "nlohmann/json.hpp"

namespace tfldbg {

std::string GraphToDot(const nlohmann::json& info, int subgraph);
// `node_colors` (optional): {"<subgraph>": {"<op index>": {"color": "#rrggbb", "value": number, "label": text}}}
// overlays per-node metrics (used by the quantization report's overlay).
std::string GraphToHtml(const nlohmann::json& info, const nlohmann::json& node_colors = nlohmann::json::object());

}  // namespace tfldbg
