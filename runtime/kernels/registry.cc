#include "kernels/registry.h"

#include <cstring>

namespace tfldbg {

#define X(code, family, kernel, options, dtypes, facts) std::unique_ptr<Kernel> Create##kernel##Kernel();
#define N(code, family, options, why)
TFLDBG_BUILTIN_OPS(X, N)
#undef X
#undef N
#define C(custom_name, family, kernel, dtypes, facts) std::unique_ptr<Kernel> Create##kernel##Kernel();
TFLDBG_CUSTOM_OPS(C)
#undef C

namespace {

// The op table writes None for operators without an options table.
const char* OptionsName(const char* name) { return std::strcmp(name, "None") == 0 ? "" : name; }

std::vector<OpInfo> BuildTable() {
  using namespace op_facts;
  std::vector<OpInfo> ops;
#define X(code, family, kernel, options, dtypes, facts)                                                   \
  ops.push_back({#code, static_cast<int32_t>(tflite::BuiltinOperator::code), #family, &Create##kernel##Kernel, \
                 OptionsName(#options), dtypes, "", facts});
#define N(code, family, options, why) \
  ops.push_back({#code, static_cast<int32_t>(tflite::BuiltinOperator::code), #family, nullptr, OptionsName(#options), "", why, kNoFacts});
  TFLDBG_BUILTIN_OPS(X, N)
#undef X
#undef N
#define C(custom_name, family, kernel, dtypes, facts) \
  ops.push_back({custom_name, -1, #family, &Create##kernel##Kernel, "", dtypes, "", facts});
  TFLDBG_CUSTOM_OPS(C)
#undef C
  return ops;
}

}  // namespace

const std::vector<OpInfo>& AllOps() {
  static const std::vector<OpInfo> ops = BuildTable();
  return ops;
}

const OpInfo* FindBuiltinOp(int32_t builtin_code) {
  // Indexed once by code: the table is sorted by family, not by code.
  static const std::vector<const OpInfo*> by_code = [] {
    std::vector<const OpInfo*> v;
    for (const OpInfo& op : AllOps()) {
      if (op.builtin_code < 0) continue;
      if (static_cast<size_t>(op.builtin_code) >= v.size()) v.resize(static_cast<size_t>(op.builtin_code) + 1, nullptr);
      v[static_cast<size_t>(op.builtin_code)] = &op;
    }
    return v;
  }();
  if (builtin_code < 0 || static_cast<size_t>(builtin_code) >= by_code.size()) return nullptr;
  return by_code[static_cast<size_t>(builtin_code)];
}

const OpInfo* FindCustomOp(const std::string& custom_code) {
  for (const OpInfo& op : AllOps()) {
    if (op.builtin_code < 0 && custom_code == op.name) return &op;
  }
  return nullptr;
}

}  // namespace tfldbg
