// What the fuzz targets run the interpreter with, so that one input finishes
// in well under a second in the sanitizer build and libFuzzer's -timeout only
// ever catches a real hang:
//
//   tfldbg::fuzz::WorkBudget budget;
//   auto interp = tfldbg::Engine::Create(view, tfldbg::fuzz::Options(), &budget);
//   if (interp.ok()) (void)interp.value()->Invoke();   // Cancelled once the budget is spent
//
// The interpreter bounds memory (max_arena_bytes) and loops
// (max_loop_iterations) but not time: a valid 1 KiB model can ask for a
// 4096 x 4096 x 4096 BATCH_MATMUL inside a 64 MiB arena, and the seed
// nested_while.bin with a zero input runs its loops to the 2^24 default
// (15 s under ASan). Neither is a bug; both would stop an unattended run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "interpreter/engine.h"
#include "interpreter/observer.h"

namespace tfldbg::fuzz {

inline InterpreterOptions Options() {
  InterpreterOptions options;
  // 16 MiB: every real model's arena fits (the largest, DeepLab v3's reuse
  // plan, is 6.1 MiB); mutated shapes beyond it are refused at Create.
  options.max_arena_bytes = size_t{16} << 20;
  // Enough to run every seed's loops to their end with non-degenerate inputs;
  // a loop that never ends stops here in milliseconds.
  options.max_loop_iterations = 4096;
  return options;
}

// An upper bound on the work of one node, in element operations: linear in
// its inputs and outputs, except for the ops that reduce over a dimension of
// an input for every output element (convolutions, matrix products, pooling,
// recurrent cells, NMS), bounded by outputs x the largest input.
inline uint64_t NodeWork(const NodeContext& node) {
  uint64_t inputs = 0, largest_input = 0, outputs = 0;
  for (const Tensor* t : node.inputs) {
    if (t == nullptr) continue;
    const uint64_t n = static_cast<uint64_t>(t->element_count() > 0 ? t->element_count() : 0);
    inputs += n;
    if (n > largest_input) largest_input = n;
  }
  for (const Tensor* t : node.outputs) {
    if (t != nullptr && t->element_count() > 0) outputs += static_cast<uint64_t>(t->element_count());
  }
  static const char* const kReducing[] = {"CONV_2D",
                                          "DEPTHWISE_CONV_2D",
                                          "CONV_3D",
                                          "TRANSPOSE_CONV",
                                          "FULLY_CONNECTED",
                                          "BATCH_MATMUL",
                                          "AVERAGE_POOL_2D",
                                          "MAX_POOL_2D",
                                          "L2_POOL_2D",
                                          "LSTM",
                                          "UNIDIRECTIONAL_SEQUENCE_LSTM",
                                          "SVDF",
                                          "TFLite_Detection_PostProcess"};
  for (const char* name : kReducing) {
    if (node.op_name == name) {
      const uint64_t per_output = largest_input > 0 ? largest_input : 1;
      // Saturate instead of overflowing: the product of two 2^31 counts fits, three do not.
      if (outputs != 0 && per_output > UINT64_MAX / outputs) return UINT64_MAX;
      return inputs + outputs * per_output;
    }
  }
  return inputs + outputs;
}

// Cancels a run once its nodes' work (NodeWork, summed over every node run,
// loop bodies included) would pass `budget`. Deterministic, unlike a clock,
// so a saved input reproduces. The default, 2^24 element operations, is
// about 0.1 s of int8 convolution in the fuzz build: the small real models
// run to the end, the larger ones through their first layers, which reach
// the same kernels.
class WorkBudget : public NodeObserver {
 public:
  explicit WorkBudget(uint64_t budget = uint64_t{1} << 24) : budget_(budget) {}
  Status BeforeNode(int step, const NodeContext& node) override {
    (void)step;
    const uint64_t work = NodeWork(node);
    if (work > budget_ - spent_) {
      return Cancelled(node.Describe() + ": over the fuzzing work budget");
    }
    spent_ += work;
    return Status::Ok();
  }
  void Reset() { spent_ = 0; }
  uint64_t spent() const { return spent_; }

 private:
  uint64_t budget_;
  uint64_t spent_ = 0;
};

// The loader's contract: an error is one printable line (names from the model
// quoted with QuotedName, core/text.h). Returns false when `message` breaks it.
inline bool IsOnePrintableLine(const std::string& message) { return OneLine(message) == message; }

}  // namespace tfldbg::fuzz
