// CaptureObserver: records every wanted node's inputs as they were before it
// ran and its outputs right after, handing each new tensor value to a sink.
//
// A value is stored once. A node's input refers to the value its producer
// stored unless the tensor changed since (variables updated in place by
// stateful kernels), in which case the new value is stored too. With the
// reuse planner this is what keeps intermediates before their memory is
// reused; with the no-reuse planner the result is byte for byte the same.
//
//   NpyDirectorySink sink(staging_dir);
//   CaptureObserver capture(sink, CaptureOptions{});
//   auto interp = Engine::Create(view, options, &capture);  ...  interp->Invoke();
//   for (const StepRecord& step : capture.steps()) ...
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "interpreter/observer.h"

namespace tfldbg {

// Where captured values go: files in a dump directory, or memory.
class ValueSink {
 public:
  virtual ~ValueSink() = default;
  // Persists one value of `tensor`; returns the name the manifest records
  // (for files, the path relative to the dump root).
  virtual Result<std::string> Store(const Tensor& tensor, int subgraph, int value_number) = 0;
};

// Which nodes and tensors to capture (the dump command's selection options).
struct CaptureOptions {
  std::optional<std::pair<int, int>> node_range;  // inclusive operator indices
  std::set<std::string> ops;                      // empty: every op
  std::optional<std::regex> tensor_pattern;       // tensors whose names match (search)
  bool constants = true;                          // store constant inputs (once)
  const std::atomic<bool>* cancel = nullptr;      // when set, the run stops before the next node
  int64_t inline_max_elements = 0;                // also keep values of tensors this small (--inline-json N)
  std::function<void(int step, const NodeContext& node)> progress;  // called after each captured node
  // Inputs may be set from outside between nodes (a replay): any tensor whose
  // bytes differ from its stored value gets a new value file, not only variables.
  bool values_set_from_outside = false;
};

struct SlotRecord {
  int slot = 0;
  int tensor = -1;   // -1 for an absent optional input
  std::string file;  // empty when not stored
};

struct StepRecord {
  int step = 0;
  int subgraph = 0;
  int node = 0;
  int invocation = 0;  // the how-manieth run of its subgraph in this Invoke (loop iteration), from 0
  std::string op;
  int op_version = 1;
  // The node computes LiteRT's optimized arithmetic (NodeContext::litert_optimized).
  bool litert_optimized = false;
  // --kernels xnnpack: LiteRT's XNNPACK delegate takes the node (NodeContext::xnnpack_delegated).
  bool xnnpack_delegated = false;
  std::vector<SlotRecord> inputs;
  std::vector<SlotRecord> outputs;
  // Inputs the node changed in place (variable tensors: an LSTM's or SVDF's
  // state), with their new value.
  std::vector<SlotRecord> updates;
  int64_t time_ns = 0;
};

class CaptureObserver : public NodeObserver {
 public:
  CaptureObserver(ValueSink& sink, CaptureOptions options);

  bool WantsNode(const NodeContext& node) override;
  Status BeforeNode(int step, const NodeContext& node) override;
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override;

  const std::vector<StepRecord>& steps() const { return steps_; }
  // Values kept for inlining, by stored file name, as numbers in C order.
  const std::map<std::string, std::vector<double>>& inlined() const { return inlined_; }
  uint64_t bytes_stored() const { return bytes_stored_; }
  // Stores a graph input before the run, so every consumer refers to it and
  // the manifest can name the file even when its consumers are filtered out.
  Result<std::string> StoreInput(const Tensor& tensor, int subgraph) { return StoreValue(tensor, subgraph); }
  // Clears per-run state so the same observer can record another Invoke.
  void Reset();

 private:
  struct TensorState {
    int values = 0;          // how many values were stored so far
    std::string file;        // the current value's file
    uint64_t fingerprint = 0;
    bool has_value = false;
  };
  bool WantsTensor(const Tensor& tensor) const;
  Result<std::string> StoreValue(const Tensor& tensor, int subgraph);
  bool MaySetFromOutside(const Tensor& tensor) const;
  std::vector<size_t> open_steps_;  // steps begun and not yet finished, innermost last

  ValueSink& sink_;
  CaptureOptions options_;
  std::map<std::pair<int, int>, TensorState> tensors_;
  std::vector<StepRecord> steps_;
  std::map<std::string, std::vector<double>> inlined_;
  uint64_t bytes_stored_ = 0;
};

// A fast 64-bit fingerprint of a tensor's bytes, to notice in-place updates.
uint64_t Fingerprint(const uint8_t* data, size_t size);

}  // namespace tfldbg
