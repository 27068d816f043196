// Local float replay (`tfldbg replay`): after each node of the quantized run,
// the float shadow (interpreter/float_shadow.h) runs the same node on the
// dequantized values that node actually received, so the shadow's outputs are
// the float answer to the very inputs the quantized kernel saw: the error born
// at that node. The shadow interpreter's own observer records what it runs.
//
//   auto shadow = Engine::Create(view, {.planner = kNoReuse, .float_shadow = true}, &local_capture);
//   ShadowObserver replay(*shadow.value());
//   ObserverFanOut both({&quant_capture, &replay}, {"the quantized run (quant/)", "the local float reference (local/)"});
//   auto quantized = Engine::Create(view, options, &both);
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "interpreter/engine.h"

namespace tfldbg {

// Gives the float shadow's tensor `to` the quantized run's value of `from`:
// dequantized where the shadow holds float32, else copied (strings repacked);
// a shape or type the two runs disagree on is an error naming the node.
Status FeedShadowTensor(const NodeContext& node, const Tensor& from, Tensor& to);

class ShadowObserver : public NodeObserver {
 public:
  explicit ShadowObserver(Engine& shadow) : shadow_(shadow) {}
  // The nodes of the subgraph that runs; a control-flow node is replayed whole
  // (its float shadow runs the called subgraphs in float).
  bool WantsNode(const NodeContext& node) override { return node.subgraph == shadow_.subgraph_index(); }
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;

 private:
  Engine& shadow_;
};

// Calls several observers in turn, each only for the nodes it asked for.
// With `labels` (one per observer), an observer's error is prefixed with its
// label, so a failure says which of them failed (a full disk under local/ is
// not blamed on the quantized run), and observer_failed() tells it apart from
// an error of the run itself.
class ObserverFanOut : public NodeObserver {
 public:
  explicit ObserverFanOut(std::vector<NodeObserver*> observers, std::vector<std::string> labels = {})
      : observers_(std::move(observers)), labels_(std::move(labels)) {}
  bool WantsNode(const NodeContext& node) override;
  bool KeepsTensor(int subgraph, int tensor) override;
  Status BeforeNode(int step, const NodeContext& node) override;
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;
  // Whether the last error came from one of the observers (not the run).
  bool observer_failed() const { return observer_failed_; }

 private:
  Status Label(size_t observer, Status status);

  std::vector<NodeObserver*> observers_;
  std::vector<std::string> labels_;
  bool observer_failed_ = false;
  std::map<std::pair<int, int>, std::vector<bool>> wants_;  // (subgraph, node) -> per observer
};

}  // namespace tfldbg
