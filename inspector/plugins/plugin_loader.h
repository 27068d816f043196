// Loading custom-operator plugins: shared libraries that export
// `tfldbg_custom_ops` (include/tfldbg/custom_op.h). A plugin is code the user
// chose to run: loading it runs it (docs/security.md); what tfldbg checks is
// the shape of what it hands over (ABI version, names, functions), in one line.
//
//   CustomOpRegistry ops;
//   Status s = LoadCustomOpPlugin("libmy_ops.so", ops);   // stays loaded for the process
#pragma once

#include <string>

#include "kernels/custom/custom_op_registry.h"

namespace tfldbg {

Status LoadCustomOpPlugin(const std::string& path, CustomOpRegistry& registry);

}  // namespace tfldbg
