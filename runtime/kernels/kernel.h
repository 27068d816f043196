// The kernel interface: one object per node, Prepare once, Eval per Invoke.
//
// Prepare validates types, shapes and options, writes each output's shape and
// precomputes what Eval needs (multipliers, shifts, lookup tables) into the
// kernel object. Eval is a type switch into pure math in kernels/math/, which
// takes parameters, shapes and raw pointers and knows nothing of the interpreter.
//
//   class AddKernel : public Kernel {
//     Status Prepare(NodeContext& node) override;  // checks, output shape, multipliers
//     Status Eval(NodeContext& node) override;     // math::Add(params, shapes, pointers)
//   };
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tfldbg/status.h"
#include "cpu/cpu.h"
#include "tensor/tensor.h"
#include "model/model_view.h"
#include "quant/fixed_point.h"

namespace tfldbg {

class ThreadPool;  // cpu/thread_pool.h

// Whose arithmetic the kernels compute (--kernels): LiteRT's reference kernels
// (the default: what BUILTIN_REF computes) or its optimized CPU kernels (what
// BUILTIN_WITHOUT_DEFAULT_DELEGATES computes on x86; docs/deployment.md lists
// where the two differ, op by op) or its default CPU path, the XNNPACK
// delegate (kXnnpack: the nodes XNNPACK takes compute XNNPACK's arithmetic,
// the others the optimized kernels'; runtime/kernels/xnnpack/).
enum class KernelSet { kReference, kOptimized, kXnnpack };
const char* KernelSetName(KernelSet kernels);  // "reference", "optimized", "xnnpack"

// Another subgraph of the model, prepared, as control-flow kernels (WHILE, IF,
// CALL_ONCE) run it: set its inputs, Run, read its outputs. Every node it runs
// is observed and numbered like the caller's, with its subgraph index.
class Subgraph {
 public:
  virtual ~Subgraph() = default;
  virtual int index() const = 0;
  virtual std::vector<Tensor*> input_tensors() = 0;
  virtual std::vector<Tensor*> output_tensors() = 0;
  virtual Status Run() = 0;
};

// What the interpreter shares across its subgraphs: resolving subgraphs and
// the resource variables (VAR_HANDLE, ASSIGN_VARIABLE, READ_VARIABLE).
class RunContext {
 public:
  virtual ~RunContext() = default;
  // Prepares subgraph `index` once (its nodes, plan and arena) and returns it.
  virtual Result<Subgraph*> GetSubgraph(int index) = 0;
  // Resource variables: a handle per (container, shared_name), and its value.
  struct Variable {
    bool assigned = false;
    DataType type = DataType::kFloat32;
    std::vector<int32_t> shape;
    std::vector<uint8_t> bytes;
  };
  virtual int32_t VariableHandle(const std::string& container, const std::string& shared_name) = 0;
  virtual Variable* FindVariable(int32_t handle) = 0;
  // Hash tables (HASHTABLE*): int64 -> string or string -> int64, filled once
  // by the first HASHTABLE_IMPORT (later imports are ignored, as in LiteRT);
  // they live as long as the interpreter, across Invokes.
  struct Hashtable {
    DataType key_type = DataType::kInt64;
    DataType value_type = DataType::kString;
    bool imported = false;
    std::map<int64_t, std::string> by_int;     // int64 keys
    std::map<std::string, int64_t> by_string;  // string keys
    size_t size() const { return key_type == DataType::kString ? by_string.size() : by_int.size(); }
  };
  // The table `id`, created with these types when it does not exist yet.
  virtual Hashtable* HashtableFor(int32_t id, DataType key_type, DataType value_type) = 0;
  virtual Hashtable* FindHashtable(int32_t id) = 0;
  // Counts one loop iteration of the current Invoke; false once all loops
  // together (nested ones multiply) have run max_loop_iterations.
  virtual bool CountLoopIteration() = 0;
  virtual int64_t max_loop_iterations() const = 0;
};

// What a kernel sees of its node. Inputs absent in the model (index -1) are null.
struct NodeContext {
  const ModelView* model = nullptr;
  int subgraph = 0;
  int op_index = 0;
  const tflite::Operator* op = nullptr;
  std::string op_name;  // "CONV_2D"
  int op_version = 1;
  std::vector<Tensor*> inputs;
  std::vector<Tensor*> outputs;
  quant::RoundingMode rounding = quant::RoundingMode::kDouble;
  // True when `rounding` is LiteRT's own choice for the op (--rounding
  // litert), not one the user forced: a kernel whose op rounds once in LiteRT
  // on some paths only may then pick the other mode for the rest.
  bool rounding_follows_litert = false;
  // Whose arithmetic to compute: where LiteRT's optimized kernel differs from
  // its reference kernel in more than the requantization rounding (which
  // `rounding` already carries), the kernel reads this.
  KernelSet kernels = KernelSet::kReference;
  // --kernels xnnpack: true when LiteRT's XNNPACK delegate takes this node
  // (runtime/kernels/xnnpack/). `kernels` is then kOptimized for every node:
  // a kernel with XNNPACK arithmetic for the op branches on this flag.
  bool xnnpack_delegated = false;
  // Float CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED sum their products
  // with fused multiply-adds (the deployment kernel sets: XNNPACK and the
  // optimized GEMMs fuse them), or round each product first (LiteRT's
  // reference kernels): math::MulAdd.
  bool fused_float_sums() const { return kernels != KernelSet::kReference; }
  RunContext* run = nullptr;  // other subgraphs and resource variables
  int invocation = 0;         // how many times this subgraph had run before, in this Invoke
  // The kernels' implementation (never kAuto here): kScalar runs the reference
  // loops; any other path lets a kernel run its fast version for that
  // instruction set, which must give the same integer results bit for bit.
  CpuPath cpu = CpuPath::kScalar;
  // Threads for the kernel's tasks (null: the calling thread only). Results
  // must not depend on it: tasks write disjoint outputs, each the same way.
  ThreadPool* pool = nullptr;

  // Dynamic shapes. At plan time only constants have values; a kernel whose
  // output shapes depend on a computed tensor's values calls DeferToEval()
  // and returns Ok, and the interpreter prepares it again before each Eval
  // (prepare_at_eval), when every input holds its value for this Invoke.
  bool prepare_at_eval = false;
  // Inputs were resized: the shapes the model stores on outputs are the old ones.
  bool stored_shapes_stale = false;
  bool outputs_dynamic = false;
  // Set by Prepare when the node computes what LiteRT's optimized kernel
  // computes because LiteRT's reference kernel is missing or defective for
  // this case (docs/litert-defects.md); the dump records it so a comparison
  // picks the LiteRT kernels tfldbg matches there.
  bool litert_optimized = false;

  bool ValuesKnown(const Tensor& t) const { return t.is_constant() || prepare_at_eval; }
  void DeferToEval() { outputs_dynamic = true; }
  // Defers the node when one of these (present) tensors has no value yet and
  // returns true: Prepare then returns Ok without setting output shapes.
  bool DeferUnlessValuesKnown(std::initializer_list<const Tensor*> tensors) {
    for (const Tensor* t : tensors) {
      if (t != nullptr && !ValuesKnown(*t)) {
        DeferToEval();
        return true;
      }
    }
    return false;
  }

  int input_count() const { return static_cast<int>(inputs.size()); }
  int output_count() const { return static_cast<int>(outputs.size()); }
  // Null when the slot is absent or past the end.
  Tensor* input(int slot) const {
    return slot < input_count() ? inputs[static_cast<size_t>(slot)] : nullptr;
  }
  Tensor* output(int slot) const {
    return slot < output_count() ? outputs[static_cast<size_t>(slot)] : nullptr;
  }

  // "subgraph 0, operator 12 (CONV_2D)"
  std::string Describe() const;
  // Errors that name the node: Unsupported("subgraph 0, operator 3 (ADD): int4 input is not supported").
  Status UnsupportedError(const std::string& what) const;
  Status InvalidModelError(const std::string& what) const;
  Status RuntimeFailure(const std::string& what) const;

  // Typed builtin options; null when the operator carries other or no options.
  template <typename T>
  const T* options() const { return op->builtin_options_as<T>(); }
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual Status Prepare(NodeContext& node) = 0;
  virtual Status Eval(NodeContext& node) = 0;
  // True for kernels that may write their output into their first input's memory.
  // tfldbg never aliases; kept so the dump can say which ops LiteRT runs in place.
};

using KernelFactory = std::unique_ptr<Kernel> (*)();

// Common checks used by Prepare; each returns an error naming the node and slot.
Status CheckInputCount(const NodeContext& node, int min_count, int max_count);
Status CheckOutputCount(const NodeContext& node, int count);
Status CheckInputPresent(const NodeContext& node, int slot, const char* slot_name);
Status CheckType(const NodeContext& node, const Tensor& tensor, const char* slot_name,
                 std::initializer_list<DataType> allowed);
Status CheckSameType(const NodeContext& node, const Tensor& a, const char* a_name, const Tensor& b,
                     const char* b_name);
Status CheckRank(const NodeContext& node, const Tensor& tensor, const char* slot_name, int min_rank,
                 int max_rank);
// Sets the output shape, checking that a shape already given by the model is not contradicted.
Status SetOutputShape(const NodeContext& node, Tensor& output, std::vector<int32_t> shape);

// Helpers for kernels that move elements without arithmetic on their values.
size_t ElementBytes(DataType type);  // bytes per element of a whole-byte type
// memcpy that accepts the null pointers of empty tensors when there is nothing to copy.
void CopyBytes(uint8_t* to, const uint8_t* from, size_t n);
// Copies input 0 into output 0 unchanged (ops that differ only in shape).
Status CopyInputToOutput(NodeContext& node);
// Runs `eval` (a kernel's typed Eval) on string tensors by standing int32 ids
// in for the strings: while it runs, each string input among `input_slots` is
// an int32 tensor of ids (equal strings get equal ids when `equal_ids`, else
// each element its own position 0..N-1, numbered across the inputs in order)
// and a string output at `output_slot` (-1: none) an int32 tensor; afterwards
// the types and bytes are restored and the output is packed from the strings
// its ids name. So a kernel that only moves or compares elements (GATHER, SLICE,
// TILE, FILL, EQUAL) runs strings with its own index logic.
Status EvalOnStringIds(NodeContext& node, const std::vector<int>& input_slots, int output_slot, bool equal_ids,
                       const std::function<Status()>& eval);

// Copies a whole value between tensors of one type and element count: bytes,
// or for strings the packed buffer into `to`'s own storage.
void CopyTensorValue(const Tensor& from, Tensor& to);
// Refuses types whose elements are not whole bytes, strings, resources and variants.
Status CheckWholeBytes(const NodeContext& node, const Tensor& t, const char* slot);
// The product of shape[from, to).
int64_t Product(const std::vector<int32_t>& shape, int from, int to);
// Element i of an int32/int64 (or int16) index tensor.
int64_t ReadIndex(const Tensor& t, int64_t i);
// Reads an int32/int64 tensor whose values are known (a constant, or any
// tensor when the node is prepared at Eval) into int64 values, or fails.
Status ReadConstantInts(const NodeContext& node, const Tensor& t, const char* name, std::vector<int64_t>& out);
// An axis in [0, limit), negative ones counted from the end.
Result<int> ResolveAxis(const NodeContext& node, int axis, int limit);

}  // namespace tfldbg
