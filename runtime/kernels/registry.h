// The operators tfldbg knows, from the op table (op_table.h): what runs each
// one and the facts the interpreter and the tools need about it.
//
//   const OpInfo* op = FindBuiltinOp(view.BuiltinCode(opcode_index));
//   if (op == nullptr || op->make == nullptr) ...unsupported: op->why...
//   quant::RoundingMode mode = op->RoundsOnce() ? kSingle : kDouble;
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernel.h"
#include "kernels/op_table.h"

namespace tfldbg {

struct OpInfo {
  const char* name = "";      // "CONV_2D", or the custom code
  int32_t builtin_code = -1;  // -1 for custom operators
  const char* family = "";    // the folder under kernels/
  KernelFactory make = nullptr;  // null when tfldbg does not run it
  const char* options = "";   // schema options table ("Conv2DOptions"), "" for none
  const char* dtypes = "";    // the main input's types it runs ("float32 int8 ...")
  const char* why_not = "";   // when make is null: why
  uint32_t facts = op_facts::kNoFacts;

  bool supported() const { return make != nullptr; }
  bool RoundsOnce() const { return (facts & op_facts::kRoundsOnce) != 0; }
  bool OptimizedGemm() const { return (facts & op_facts::kOptimizedGemm) != 0; }
  bool ShadowIdentity() const { return (facts & op_facts::kShadowIdentity) != 0; }
  int MainInputSlot() const { return static_cast<int>((facts >> 2) & 7u); }
  bool MayReadSparse(int slot) const { return slot >= 0 && slot < 24 && (facts & op_facts::SparseInput(slot)) != 0; }
};

// Null for codes the schema does not have.
const OpInfo* FindBuiltinOp(int32_t builtin_code);
// Null for custom codes tfldbg has no kernel for.
const OpInfo* FindCustomOp(const std::string& custom_code);
// Every builtin operator of the schema (in op-table order), then the custom ones.
const std::vector<OpInfo>& AllOps();

}  // namespace tfldbg
