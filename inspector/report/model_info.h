// Everything `tfldbg info` reports about a model, as one JSON document whose
// structure is documented in docs/cli.md ("info --json"). The text view and the
// HTML graph are both rendered from this document, so they cannot disagree.
//
//   nlohmann::json info = ModelInfoJson(view, {.with_plan = true});
//   std::cout << info.dump(2);
#pragma once

#include "kernels/registry.h"
#include "model/model_view.h"
#include "nlohmann/json.hpp"

namespace tfldbg {

struct ModelInfoOptions {
  bool with_plan = false;  // run Prepare and report both memory plans
};

nlohmann::json ModelInfoJson(const ModelView& view, const ModelInfoOptions& options);

// One operator of the op table (kernels/op_table.h): name, code, family,
// whether tfldbg runs it (and the types) or why not, its options table and facts.
nlohmann::json OpJson(const OpInfo& op);
// The whole op table, as `tfldbg ops --json` prints it (docs/cli.md).
nlohmann::json OpTableJson();

// Quantization of one tensor: null when it has none; per-channel arrays in full.
nlohmann::json QuantizationJson(const QuantParams& quant);

}  // namespace tfldbg
