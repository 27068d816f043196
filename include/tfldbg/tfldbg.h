// tfldbg's public C++ API: load a model, run it with tfldbg's kernels (LiteRT's
// reference arithmetic, bit for bit), read any tensor, watch every node, write
// a dump, add custom operators. Everything under this include prefix is the
// stable surface (docs/api.md); everything else in the source tree is internal.
//
//   #include "tfldbg/tfldbg.h"
//   auto model = tfldbg::Model::FromFile("model.tflite");
//   if (!model.ok()) { std::cerr << model.status().message() << "\n"; return 1; }
//   auto interp = tfldbg::Interpreter::Create(model.value());
//   interp.value()->SetInput("0", pixels.data(), pixels.size());
//   interp.value()->Invoke();
//   tfldbg::TensorView scores = interp.value()->Output("0").value();
//
// Errors are values (tfldbg/status.h): every failure is one line naming the
// file and the place (subgraph, operator, tensor), never an exception or abort.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tfldbg/custom_op.h"
#include "tfldbg/dtype.h"
#include "tfldbg/export.h"
#include "tfldbg/status.h"

namespace tfldbg {

// The version of this library: "0.1.0".
TFLDBG_EXPORT const char* Version();

// A loaded .tflite model: mapped read-only, verified (flatbuffers verifier and
// semantic checks: every index, size and quantization array). Immutable and
// cheap to copy; many interpreters may share one.
class TFLDBG_EXPORT Model {
 public:
  static Result<Model> FromFile(const std::string& path);
  static Result<Model> FromBytes(std::vector<uint8_t> bytes, const std::string& origin = "<bytes>");

  const std::string& origin() const;
  int subgraph_count() const;
  std::vector<std::string> signature_keys() const;
  // Each signature: its key, the subgraph it runs, and its input and output
  // names with the tensor each stands for (LiteRT's get_signature_list).
  struct Signature {
    std::string key;
    int subgraph = 0;
    std::vector<std::pair<std::string, int>> inputs, outputs;
  };
  std::vector<Signature> signatures() const;
  // Operators of the model that tfldbg does not run ("CUSTOM:Name" for custom
  // ones), empty when it runs them all.
  std::vector<std::string> missing_ops() const;

  struct Impl;

 private:
  explicit Model(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
  friend class Interpreter;
};

enum class Planner { kReuse, kNoReuse };
// kLiteRt: what the pinned LiteRT computes, op by op; kDouble / kSingle: one
// requantization rounding everywhere (docs/cli.md, --rounding).
enum class Rounding { kLiteRt, kDouble, kSingle };
// Whose arithmetic the kernels compute (docs/deployment.md, --kernels):
// LiteRT's reference kernels (the default), its optimized CPU kernels, or its
// default CPU path: the nodes the XNNPACK delegate takes compute XNNPACK's
// arithmetic, the others the optimized kernels'.
enum class Kernels { kReference, kOptimized, kXnnpack };

struct Options {
  std::string signature;  // run this signature's subgraph (else `subgraph`)
  int subgraph = 0;
  Planner planner = Planner::kReuse;
  Rounding rounding = Rounding::kLiteRt;
  Kernels kernels = Kernels::kReference;
  size_t max_arena_bytes = size_t{16} << 30;
  int64_t max_loop_iterations = int64_t{1} << 24;
  // Inputs resized along their shape signature's -1 dimensions, by input key.
  std::vector<std::pair<std::string, std::vector<int32_t>>> input_shapes;
  // How the kernels are computed, never what they compute (docs/cli.md, --cpu):
  // "auto" (TFLDBG_CPU, else the widest path this CPU runs), "scalar" (the
  // reference kernels), "portable", "avx2", "avxvnni", "avx512vnni".
  std::string cpu = "auto";
  // Threads the kernels split their work over; the same bytes for any count.
  int threads = 1;
};

struct Quantization {
  std::vector<float> scale;  // empty: not quantized
  std::vector<int64_t> zero_point;
  int quantized_dimension = 0;
};

struct TensorInfo {
  int subgraph = 0;
  int index = -1;
  std::string name;
  DataType type = DataType::kFloat32;
  std::vector<int32_t> shape;
  // The model's shape with -1 for each dimension that may be resized (the
  // shape itself when the model declares no signature).
  std::vector<int32_t> shape_signature;
  Quantization quantization;
  std::string kind;  // "input", "output", "constant", "intermediate", "variable"
};

// A tensor's current bytes, read-only. Valid until the next Invoke (and, with
// the reuse planner, for intermediates only inside an observer's callback for
// the node that reads or writes them: keep a copy, or use Planner::kNoReuse or
// Observer::KeepsTensor).
struct TensorView {
  const TensorInfo* info = nullptr;
  const void* data = nullptr;
  size_t bytes = 0;
  template <typename T>
  const T* as() const { return static_cast<const T*>(data); }
  int64_t element_count() const {
    if (info == nullptr) return 0;
    int64_t n = 1;
    for (int32_t d : info->shape) n *= d;
    return n;
  }
};

// One executed node, as observers see it. During WantsNode only the identity
// fields are set (no tensors).
struct NodeInfo {
  int step = -1;       // executed nodes of this Invoke, counted from 0
  int subgraph = 0;
  int node = 0;        // operator index in its subgraph
  int invocation = 0;  // the how-manieth run of its subgraph in this Invoke (loop iterations)
  std::string op;      // "CONV_2D", or the custom code
  int op_version = 1;
  std::vector<TensorView> inputs;   // absent optional inputs: info == nullptr
  std::vector<TensorView> outputs;  // in BeforeNode: not yet written
  int64_t elapsed_ns = 0;           // AfterNode: the kernel's time
};

// Per-node hooks in two phases, as ggml's eval callback: asked once per node
// at Create (WantsNode), then called before and after each wanted node runs.
// Returning an error stops the run with it (an early stop is a Status too:
// return tfldbg::Cancelled("stopped at node 12")).
class TFLDBG_EXPORT Observer {
 public:
  virtual ~Observer();
  virtual bool WantsNode(const NodeInfo& node);
  // Tensors to keep readable after Invoke (the planner never reuses their memory).
  virtual bool KeepsTensor(int subgraph, int tensor);
  virtual Status BeforeNode(const NodeInfo& node);
  virtual Status AfterNode(const NodeInfo& node);
};

// Custom operators for the interpreters that are given this set (the C shape
// of tfldbg/custom_op.h: from C++, from a plugin library, from Python).
class TFLDBG_EXPORT CustomOps {
 public:
  CustomOps();
  ~CustomOps();
  CustomOps(const CustomOps&) = delete;
  CustomOps& operator=(const CustomOps&) = delete;
  Status Register(const TfldbgCustomOp& op);
  // Loads a plugin library exporting tfldbg_custom_ops (loading runs its code).
  Status LoadPlugin(const std::string& path);

  struct Impl;
  Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// Which nodes and tensors a dump keeps (`tfldbg dump`'s selection options).
struct DumpOptions {
  bool force = false;  // replace an existing tfldbg dump (never anything else)
  std::optional<std::pair<int, int>> nodes;  // inclusive operator indices
  std::vector<std::string> ops;              // empty: every op
  std::string tensor_regex;                  // empty: every tensor
  bool constants = true;
};

class TFLDBG_EXPORT Interpreter {
 public:
  // Prepares every node of the chosen subgraph and plans memory; any operator,
  // type or option tfldbg cannot run is refused here, in one line. The model,
  // the observers and the custom ops must outlive the interpreter.
  static Result<std::unique_ptr<Interpreter>> Create(const Model& model, const Options& options = {},
                                                     std::vector<Observer*> observers = {},
                                                     const CustomOps* custom_ops = nullptr);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  const std::vector<TensorInfo>& inputs() const;
  const std::vector<TensorInfo>& outputs() const;
  // Every tensor of the subgraph that runs.
  const std::vector<TensorInfo>& tensors() const;

  // An input by signature name, tensor name or position ("0"); `bytes` must be
  // the tensor's exact size (a string input takes LiteRT's packed buffer: int32
  // count, count + 1 int32 offsets from the buffer's start, then the bytes).
  Status SetInput(const std::string& key, const void* data, size_t bytes);
  // Seeded random values for every input, as `tfldbg run --seed N` makes them.
  Status SetRandomInputs(uint64_t seed);
  Status Invoke();

  Result<TensorView> Output(const std::string& key) const;
  Result<TensorView> Tensor(int index) const;

  // Runs one Invoke on the inputs as set and writes every node's inputs and
  // outputs into `dir` (docs/dump-format.md), as `tfldbg dump` does.
  Status InvokeAndDump(const std::string& dir, const DumpOptions& options = {});

  struct Impl;

 private:
  explicit Interpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tfldbg
