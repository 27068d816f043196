// The engine (tfldbg's interpreter inside; the public API's tfldbg::Interpreter
// wraps it): prepares every node once, plans memory, runs nodes in order.
//
//   Result<std::unique_ptr<Engine>> interp = Engine::Create(view, options, &observer);
//   Tensor* x = interp.value()->FindInput("input_1").value();
//   std::memcpy(x->bytes, data, x->byte_size);
//   Status s = interp.value()->Invoke();
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tfldbg/status.h"
#include "interpreter/observer.h"
#include "tensor/tensor.h"
#include "kernels/custom/custom_op_registry.h"
#include "kernels/kernel.h"
#include "kernels/registry.h"
#include "model/model_view.h"
#include "planner/memory_planner.h"

namespace tfldbg {

// Which requantization rounding each node uses.
//   kLiteRt: what the pinned LiteRT runtime's reference kernels compute, op by
//            op, as measured against it: double rounding, except the ops the
//            op table marks kRoundsOnce (FULLY_CONNECTED, whose integer path
//            goes through LiteRT's GEMM backend even with the reference resolver).
//   kDouble: double rounding everywhere (TFLite reference code, TFLM).
//   kSingle: single rounding everywhere (TFLITE_SINGLE_ROUNDING builds, CMSIS-NN).
// Under --kernels optimized, kLiteRt is what LiteRT's optimized kernels compute:
// kDoubleHalfUp for the ops the op table marks kOptimizedGemm (their 8-bit
// paths), else as under the reference kernels.
enum class RoundingPolicy { kLiteRt, kDouble, kSingle };
const char* RoundingPolicyName(RoundingPolicy policy);  // "litert", "double", "single"
quant::RoundingMode RoundingForOp(RoundingPolicy policy, const OpInfo& op, KernelSet kernels = KernelSet::kReference);

struct InterpreterOptions {
  // The subgraph to run: the one of this signature (by signature_key) when
  // set, else `subgraph` (0, the main graph, by default).
  std::string signature;
  int subgraph = 0;
  PlannerKind planner = PlannerKind::kReuse;
  RoundingPolicy rounding = RoundingPolicy::kLiteRt;
  // Whose arithmetic: LiteRT's reference kernels or its optimized ones (--kernels).
  KernelSet kernels = KernelSet::kReference;
  // Refuse models whose arena would exceed this, instead of failing to allocate.
  size_t max_arena_bytes = size_t{16} << 30;
  // Run the model's float shadow (interpreter/float_shadow.h): quantized
  // tensors as float32, constants dequantized, QUANTIZE/DEQUANTIZE copying.
  bool float_shadow = false;
  // With float_shadow: take a constant's values from this float model's
  // float32 constant of the same name and shape, when it has one, instead of
  // dequantizing (the original weights: QuantizationDebugger's reference).
  const ModelView* shadow_weights = nullptr;
  // Once all WHILE loops of one Invoke together (nested ones multiply) have run
  // this many iterations, the run stops with an error (a hostile model can
  // loop forever; no real one comes near the default).
  int64_t max_loop_iterations = int64_t{1} << 24;
  // Graph inputs resized from the model's shapes (tensor index -> shape), as
  // LiteRT's ResizeInputTensor: only where the model's shape signature leaves
  // the dimension open (-1). Every node is then prepared for the new shapes.
  std::map<int, std::vector<int32_t>> input_shapes;
  // Custom operators registered at run time (a program's, a plugin's, Python
  // callbacks), asked for custom codes the op table lacks. Must outlive the
  // interpreter; null for none.
  const CustomOpRegistry* custom_ops = nullptr;
  // Which kernels run (cpu/cpu.h): kAuto takes TFLDBG_CPU, else the widest
  // path this CPU runs; kScalar the reference kernels. Every path gives the
  // scalar kernels' bytes (tfldbg cpu-check).
  CpuPath cpu = CpuPath::kAuto;
  // Threads the kernels split their work over (the calling thread counts);
  // the results are the same bytes for any count.
  int threads = 1;
};

// One planned buffer and the tensor it holds, for reports (`tfldbg info --plan`).
struct PlannedTensor {
  int tensor = -1;
  BufferRequirement requirement;
};

class Engine : public Subgraph {
 public:
  // Loads the chosen subgraph (options.signature / options.subgraph; the main
  // graph by default): builds tensors, prepares every node,
  // plans and allocates the arena. Any unsupported op, type or option fails
  // here with one line naming the node.
  static Result<std::unique_ptr<Engine>> Create(const ModelView& model, const InterpreterOptions& options,
                                                     NodeObserver* observer = nullptr);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const ModelView& model() const { return model_; }
  const InterpreterOptions& options() const { return options_; }
  // The kernels' path after resolving kAuto (what ran).
  CpuPath cpu_path() const { return cpu_; }

  int subgraph_index() const { return subgraph_; }
  std::vector<Tensor>& tensors() { return tensors_; }
  const std::vector<Tensor>& tensors() const { return tensors_; }
  const std::vector<int>& input_indices() const { return inputs_; }
  const std::vector<int>& output_indices() const { return outputs_; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  const NodeContext& node(int i) const { return nodes_[static_cast<size_t>(i)].context; }

  // Finds a graph input or output by signature name, tensor name or position ("0").
  Result<Tensor*> FindInput(const std::string& key);
  Result<Tensor*> FindOutput(const std::string& key);

  Status Invoke();
  // Every prepared subgraph, this one first, then those that control-flow
  // nodes run (WHILE bodies, IF branches, CALL_ONCE initializers) by index.
  std::vector<const Engine*> subgraph_interpreters() const;

  // Subgraph (for control-flow kernels).
  int index() const override { return subgraph_; }
  std::vector<Tensor*> input_tensors() override;
  std::vector<Tensor*> output_tensors() override;
  Status Run() override;
  // Runs one node (with its observer calls) on the tensors as they are: for
  // replaying a node on input values set from outside (`tfldbg replay`).
  Status InvokeNode(int step);

  const ArenaPlan& plan() const { return plan_; }
  const std::vector<PlannedTensor>& planned_tensors() const { return planned_; }
  size_t arena_lower_bound() const;

 private:
  struct Node {
    NodeContext context;
    std::unique_ptr<Kernel> kernel;
    bool observed = false;
    bool deferred = false;  // prepared again before each Eval: its output shapes are known only then
  };

  struct Shared;
  Engine(const ModelView& model, const InterpreterOptions& options, NodeObserver* observer);
  static Result<std::unique_ptr<Engine>> CreateSubgraph(Shared& shared, int index);
  Status Setup();
  Status RunNodes();
  Status EvalNode(Node& node, int step);
  Status BuildTensors();
  Status PrepareNodes();
  Status PlanAndAllocate();
  Result<Tensor*> FindIo(const std::string& key, const std::vector<int>& indices, bool inputs);

  Status ChooseSubgraph();

  ModelView model_;
  InterpreterOptions options_;
  int subgraph_ = 0;
  NodeObserver* observer_ = nullptr;
  std::vector<Tensor> tensors_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  std::vector<Node> nodes_;
  std::vector<PlannedTensor> planned_;
  ArenaPlan plan_;
  uint8_t* arena_ = nullptr;
  std::vector<std::unique_ptr<uint8_t[]>> owned_constants_;
  std::unique_ptr<Shared> owned_shared_;  // the main interpreter owns what its subgraphs share
  Shared* shared_ = nullptr;
  CpuPath cpu_ = CpuPath::kScalar;
};

}  // namespace tfldbg
