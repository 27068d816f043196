// Finds the kernel factory for an operator code (see op_table.h).
//
//   KernelFactory make = FindBuiltinKernel(view.BuiltinCode(op.opcode_index()));
//   if (make == nullptr) ...unsupported...
#pragma once

#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {

KernelFactory FindBuiltinKernel(int32_t builtin_code);
KernelFactory FindCustomKernel(const std::string& custom_code);
// The float shadow's QUANTIZE/DEQUANTIZE (interpreter/float_shadow.h): copies
// its float32 input to its float32 output.
std::unique_ptr<Kernel> CreateShadowCopyKernel();
// Names of every implemented operator, builtin then custom.
std::vector<std::string> SupportedOpNames();

}  // namespace tfldbg
