// Renamed: the internal interpreter is Engine (interpreter/engine.h), so that
// the public API's tfldbg::Interpreter can have the name. This forwarding
// header goes away once no file includes it.
#pragma once
#include "interpreter/engine.h"
namespace tfldbg {
using Interpreter = Engine;
}  // namespace tfldbg
