// Per-node hooks, in the spirit of ggml's eval callback: the interpreter first
// asks whether the observer wants a node (once, at Prepare), then calls it
// before the node runs (inputs valid) and after (outputs valid). Tensors are
// for reading only. Returning a non-ok Status stops the run with that Status.
//
//   class Printer : public NodeObserver {
//     Status AfterNode(int step, const NodeContext& node, int64_t ns) override { ...; return Status::Ok(); }
//   };
//   interpreter->Invoke();  // with the observer passed to Engine::Create
#pragma once

#include <cstdint>

#include "tfldbg/status.h"
#include "kernels/kernel.h"

namespace tfldbg {

class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  // Ask phase: does the observer want BeforeNode/AfterNode calls for this node?
  virtual bool WantsNode(const NodeContext& node) { (void)node; return true; }
  // Tensors the observer will read after the run: the planner keeps them alive
  // to the end of the subgraph so their memory is never reused.
  virtual bool KeepsTensor(int subgraph, int tensor) { (void)subgraph; (void)tensor; return false; }
  // `step` counts executed nodes from 0 across one Invoke.
  virtual Status BeforeNode(int step, const NodeContext& node) { (void)step; (void)node; return Status::Ok(); }
  virtual Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) {
    (void)step; (void)node; (void)elapsed_ns;
    return Status::Ok();
  }
};

}  // namespace tfldbg
