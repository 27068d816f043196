// Mixed execution (`tfldbg run --float-nodes`): a quantized model with a chosen
// set of nodes run in float, the rest quantized, with the QUANTIZE/DEQUANTIZE a
// converter would put at the borders. A float node's inputs that a quantized
// node produced are dequantized with their own parameters; it runs its float
// kernel in the float shadow (interpreter/float_shadow.h: weights dequantized);
// its outputs stay float for the float nodes after it and are quantized with
// the output tensor's own scale and zero point only where a quantized node
// reads them. The model's own float -> integer QUANTIZE and integer -> float
// DEQUANTIZE nodes always run as the shadow's copies, so the borders sit where
// the float nodes are (a float SOFTMAX before the output DEQUANTIZE gives its
// float value, not one quantized again). An empty set is the integer model,
// bit for bit; the set of every node is the float shadow.
//
//   auto shadow = Engine::Create(view, {.planner = kNoReuse, .float_shadow = true});
//   MixedObserver mixed(*shadow.value(), {3, 5, 7});
//   auto quantized = Engine::Create(view, options, &mixed);
//   mixed.Attach(*quantized.value());
//   mixed.Reset(); quantized.value()->Invoke();
//   std::vector<float> y; mixed.OutputAsFloat(quantized.value()->output_indices()[0], &y);
#pragma once

#include <set>
#include <vector>

#include "interpreter/engine.h"

namespace tfldbg {

class MixedObserver : public NodeObserver {
 public:
  MixedObserver(Engine& shadow, std::set<int> float_nodes) : shadow_(shadow), float_nodes_(std::move(float_nodes)) {}
  // The quantized engine this observer watches (created with it as observer).
  void Attach(Engine& quantized);
  // Before each Invoke: every value is the quantized run's again.
  void Reset();

  bool WantsNode(const NodeContext& node) override { return node.subgraph == shadow_.subgraph_index(); }
  Status BeforeNode(int step, const NodeContext& node) override;
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;

  // A tensor's value after the run as float32: the float value where a float
  // node produced it last, else the quantized value dequantized (float tensors
  // as they are).
  Status ValueAsFloat(int tensor, std::vector<float>* out) const;
  bool IsFloat(int tensor) const { return float_[static_cast<size_t>(tensor)]; }

 private:
  Engine& shadow_;
  Engine* quantized_ = nullptr;
  std::set<int> float_nodes_;
  std::vector<bool> float_;  // per tensor: its current value is the shadow's
};

}  // namespace tfldbg
