// The float shadow's QUANTIZE/DEQUANTIZE (interpreter/float_shadow.h): a
// kernel that copies its float32 input to its float32 output (in float,
// (de)quantizing is the identity).
#pragma once

#include <memory>

#include "kernels/kernel.h"

namespace tfldbg {

std::unique_ptr<Kernel> CreateShadowCopyKernel();

}  // namespace tfldbg
