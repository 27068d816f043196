// An operator's builtin options as JSON, read generically through the
// schema's reflection data, so every option of every op — with the schema's
// defaults for fields the file omits — shows without per-op code.
//
//   nlohmann::json j = OperatorOptionsJson(view.op(0, 3));
//   // {"padding": "SAME", "stride_w": 1, "stride_h": 1, "fused_activation_function": "RELU6", ...}
#pragma once

#include <string>

#include "model/model_view.h"
#include "nlohmann/json.hpp"

namespace tfldbg {

// Options of the operator (builtin_options, then builtin_options_2 merged in);
// an empty object when it has none. Custom options are reported by size only.
nlohmann::json OperatorOptionsJson(const tflite::Operator& op);

// The options table's name, e.g. "Conv2DOptions"; empty when none.
std::string OperatorOptionsName(const tflite::Operator& op);

}  // namespace tfldbg
