#include "kernels/registry.h"

#include "kernels/op_table.h"

namespace tfldbg {

#define X(code, name) std::unique_ptr<Kernel> Create##name##Kernel();
TFLDBG_BUILTIN_OPS(X)
#undef X
#define X(custom_name, name) std::unique_ptr<Kernel> Create##name##Kernel();
TFLDBG_CUSTOM_OPS(X)
#undef X

KernelFactory FindBuiltinKernel(int32_t builtin_code) {
  switch (static_cast<tflite::BuiltinOperator>(builtin_code)) {
#define X(code, name)               \
  case tflite::BuiltinOperator::code: \
    return &Create##name##Kernel;
    TFLDBG_BUILTIN_OPS(X)
#undef X
    default:
      return nullptr;
  }
}

KernelFactory FindCustomKernel(const std::string& custom_code) {
#define X(custom_name, name) \
  if (custom_code == custom_name) return &Create##name##Kernel;
  TFLDBG_CUSTOM_OPS(X)
#undef X
  (void)custom_code;
  return nullptr;
}

std::vector<std::string> SupportedOpNames() {
  std::vector<std::string> names;
#define X(code, name) names.push_back(#code);
  TFLDBG_BUILTIN_OPS(X)
#undef X
#define X(custom_name, name) names.push_back(custom_name);
  TFLDBG_CUSTOM_OPS(X)
#undef X
  return names;
}

}  // namespace tfldbg
