// Local float replay (`tfldbg replay`): after each node of the quantized run,
// the float shadow (interpreter/float_shadow.h) runs the same node on the
// dequantized values that node actually received, so the shadow's outputs are
// the float answer to the very inputs the quantized kernel saw: the error born
// at that node. The shadow interpreter's own observer records what it runs.
//
//   auto shadow = Engine::Create(view, {.planner = kNoReuse, .float_shadow = true}, &local_capture);
//   ShadowObserver replay(*shadow.value());
//   ObserverFanOut both({&quant_capture, &replay});
//   auto quantized = Engine::Create(view, options, &both);
#pragma once

#include <map>
#include <utility>
#include <vector>

#include "interpreter/engine.h"

namespace tfldbg {

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
class ObserverFanOut : public NodeObserver {
 public:
  explicit ObserverFanOut(std::vector<NodeObserver*> observers) : observers_(std::move(observers)) {}
  bool WantsNode(const NodeContext& node) override;
  bool KeepsTensor(int subgraph, int tensor) override;
  Status BeforeNode(int step, const NodeContext& node) override;
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;

 private:
  std::vector<NodeObserver*> observers_;
  std::map<std::pair<int, int>, std::vector<bool>> wants_;  // (subgraph, node) -> per observer
};

}  // namespace tfldbg
