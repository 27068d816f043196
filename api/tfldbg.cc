// The public API (include/tfldbg/tfldbg.h) over the runtime and the inspector:
// each public object holds the internal one it stands for, and observers are
// adapted through one internal fan-out so that dumps can be taken at any Invoke.
#include "tfldbg/tfldbg.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>

#include "cli/inputs.h"
#include "dump/dump_writer.h"
#include "dump/manifest.h"
#include "interpreter/engine.h"
#include "model/model_view.h"
#include "plugins/plugin_loader.h"

namespace tfldbg {

const char* Version() { return TFLDBG_VERSION; }

// --- Model --------------------------------------------------------------------------------------

struct Model::Impl {
  explicit Impl(ModelView v) : view(std::move(v)) {}
  ModelView view;
  std::string origin;
};

Result<Model> Model::FromFile(const std::string& path) {
  TFLDBG_ASSIGN_OR_RETURN(ModelView view, ModelView::LoadFile(path));
  auto impl = std::make_shared<Impl>(std::move(view));
  impl->origin = path;
  return Model(std::move(impl));
}

Result<Model> Model::FromBytes(std::vector<uint8_t> bytes, const std::string& origin) {
  TFLDBG_ASSIGN_OR_RETURN(ModelView view, ModelView::LoadBytes(std::move(bytes), origin));
  auto impl = std::make_shared<Impl>(std::move(view));
  impl->origin = origin;
  return Model(std::move(impl));
}

const std::string& Model::origin() const { return impl_->origin; }
int Model::subgraph_count() const { return impl_->view.subgraph_count(); }

std::vector<std::string> Model::signature_keys() const {
  std::vector<std::string> keys;
  const auto* sigs = impl_->view.model().signature_defs();
  for (uint32_t i = 0; i < SizeOf(sigs); ++i) {
    const auto* key = sigs->Get(i)->signature_key();
    keys.push_back(key != nullptr ? key->str() : "");
  }
  return keys;
}

std::vector<Model::Signature> Model::signatures() const {
  std::vector<Signature> out;
  const auto* sigs = impl_->view.model().signature_defs();
  for (uint32_t i = 0; i < SizeOf(sigs); ++i) {
    const tflite::SignatureDef* def = sigs->Get(i);
    Signature sig;
    sig.key = def->signature_key() != nullptr ? def->signature_key()->str() : "";
    sig.subgraph = static_cast<int>(def->subgraph_index());
    const auto maps = [](const auto* list, std::vector<std::pair<std::string, int>>& into) {
      for (uint32_t j = 0; j < SizeOf(list); ++j) {
        const tflite::TensorMap* map = list->Get(j);
        into.emplace_back(map->name() != nullptr ? map->name()->str() : "", static_cast<int>(map->tensor_index()));
      }
    };
    maps(def->inputs(), sig.inputs);
    maps(def->outputs(), sig.outputs);
    out.push_back(std::move(sig));
  }
  return out;
}

std::vector<std::string> Model::missing_ops() const {
  std::vector<std::string> missing;
  const ModelView& view = impl_->view;
  for (int s = 0; s < view.subgraph_count(); ++s) {
    for (uint32_t o = 0; o < SizeOf(view.subgraph(s).operators()); ++o) {
      const auto& op = view.op(s, static_cast<int>(o));
      const bool custom = view.IsCustom(op.opcode_index());
      const std::string name = view.OpName(op.opcode_index());
      const OpInfo* info = custom ? FindCustomOp(name) : FindBuiltinOp(view.BuiltinCode(op.opcode_index()));
      const std::string label = custom ? "CUSTOM:" + name : name;
      if ((info == nullptr || !info->supported()) && std::find(missing.begin(), missing.end(), label) == missing.end()) {
        missing.push_back(label);
      }
    }
  }
  return missing;
}

// --- Observer and custom ops --------------------------------------------------------------------

Observer::~Observer() = default;
bool Observer::WantsNode(const NodeInfo&) { return true; }
bool Observer::KeepsTensor(int, int) { return false; }
Status Observer::BeforeNode(const NodeInfo&) { return Status::Ok(); }
Status Observer::AfterNode(const NodeInfo&) { return Status::Ok(); }

struct CustomOps::Impl {
  CustomOpRegistry registry;
};

CustomOps::CustomOps() : impl_(std::make_unique<Impl>()) {}
CustomOps::~CustomOps() = default;
Status CustomOps::Register(const TfldbgCustomOp& op) { return impl_->registry.Register(op); }
Status CustomOps::LoadPlugin(const std::string& path) { return LoadCustomOpPlugin(path, impl_->registry); }

// --- Interpreter --------------------------------------------------------------------------------

namespace {

const char* KindName(TensorKind kind) { return TensorKindName(kind); }

TensorInfo InfoOf(int subgraph, const tfldbg::Tensor& t, const ModelView* model = nullptr) {
  TensorInfo info;
  info.shape_signature = t.shape;
  if (model != nullptr && t.index >= 0 && static_cast<uint32_t>(t.index) < SizeOf(model->subgraph(subgraph).tensors())) {
    const auto* signature = model->tensor(subgraph, t.index).shape_signature();
    if (signature != nullptr && signature->size() == t.shape.size()) info.shape_signature.assign(signature->begin(), signature->end());
  }
  info.subgraph = subgraph;
  info.index = t.index;
  info.name = t.name;
  info.type = t.type;
  info.shape = t.shape;
  info.quantization.scale = t.quant.scale;
  info.quantization.zero_point = t.quant.zero_point;
  info.quantization.quantized_dimension = t.quant.quantized_dimension;
  info.kind = KindName(t.kind);
  return info;
}

}  // namespace

// Runs the public observers (and, during InvokeAndDump, a capture) from the
// interpreter's one observer slot. It wants every node, so that a dump can be
// taken at any Invoke; the public observers are called only for theirs.
class ObserverFanOut : public NodeObserver {
 public:
  explicit ObserverFanOut(std::vector<Observer*> observers) : observers_(std::move(observers)) {}

  bool WantsNode(const NodeContext& node) override {
    NodeInfo info = Identity(node, -1);
    std::vector<bool> wants;
    for (Observer* o : observers_) wants.push_back(o->WantsNode(info));
    wanted_[{node.subgraph, node.op_index}] = wants;
    return true;
  }
  bool KeepsTensor(int subgraph, int tensor) override {
    return std::any_of(observers_.begin(), observers_.end(), [&](Observer* o) { return o->KeepsTensor(subgraph, tensor); });
  }
  Status BeforeNode(int step, const NodeContext& node) override {
    if (capture_ != nullptr && capture_->WantsNode(node)) TFLDBG_RETURN_IF_ERROR(capture_->BeforeNode(step, node));
    return Call(step, node, 0, [](Observer* o, const NodeInfo& info) { return o->BeforeNode(info); });
  }
  Status AfterNode(int step, const NodeContext& node, int64_t elapsed_ns) override {
    if (capture_ != nullptr && capture_->WantsNode(node)) {
      TFLDBG_RETURN_IF_ERROR(capture_->AfterNode(step, node, elapsed_ns));
    }
    return Call(step, node, elapsed_ns, [](Observer* o, const NodeInfo& info) { return o->AfterNode(info); });
  }

  void set_capture(NodeObserver* capture) { capture_ = capture; }
  // Tensor infos by (subgraph, index), made once per tensor and kept stable
  // so that views can point at them.
  const TensorInfo* InfoFor(int subgraph, const tfldbg::Tensor& t) {
    auto [it, inserted] = infos_.try_emplace({subgraph, t.index});
    if (inserted || it->second.shape != t.shape) it->second = InfoOf(subgraph, t);
    return &it->second;
  }

 private:
  static NodeInfo Identity(const NodeContext& node, int step) {
    NodeInfo info;
    info.step = step;
    info.subgraph = node.subgraph;
    info.node = node.op_index;
    info.invocation = node.invocation;
    info.op = node.op_name;
    info.op_version = node.op_version;
    return info;
  }

  template <typename F>
  Status Call(int step, const NodeContext& node, int64_t elapsed_ns, F call) {
    if (observers_.empty()) return Status::Ok();
    const std::vector<bool>& wants = wanted_[{node.subgraph, node.op_index}];
    if (std::none_of(wants.begin(), wants.end(), [](bool w) { return w; })) return Status::Ok();
    NodeInfo info = Identity(node, step);
    info.elapsed_ns = elapsed_ns;
    const auto view = [&](const tfldbg::Tensor* t) {
      TensorView v;
      if (t == nullptr) return v;
      v.info = InfoFor(node.subgraph, *t);
      v.data = t->bytes;
      v.bytes = t->byte_size;
      return v;
    };
    for (const tfldbg::Tensor* t : node.inputs) info.inputs.push_back(view(t));
    for (const tfldbg::Tensor* t : node.outputs) info.outputs.push_back(view(t));
    for (size_t i = 0; i < observers_.size(); ++i) {
      if (wants[i]) TFLDBG_RETURN_IF_ERROR(call(observers_[i], info));
    }
    return Status::Ok();
  }

  std::vector<Observer*> observers_;
  std::map<std::pair<int, int>, std::vector<bool>> wanted_;
  std::map<std::pair<int, int>, TensorInfo> infos_;
  NodeObserver* capture_ = nullptr;
};

struct Interpreter::Impl {
  std::shared_ptr<const Model::Impl> model;  // keeps the model's bytes alive
  std::unique_ptr<ObserverFanOut> fan_out;
  std::unique_ptr<Engine> interp;
  std::vector<TensorInfo> inputs, outputs, tensors;
  std::string model_path;
};

Interpreter::Interpreter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Interpreter::~Interpreter() = default;

Result<std::unique_ptr<Interpreter>> Interpreter::Create(const Model& model, const Options& options,
                                                        std::vector<Observer*> observers, const CustomOps* custom_ops) {
  if (std::any_of(observers.begin(), observers.end(), [](Observer* o) { return o == nullptr; })) {
    return InvalidArgument("an observer is null");
  }
  auto impl = std::make_unique<Impl>();
  impl->model = model.impl_;
  impl->model_path = model.origin();
  impl->fan_out = std::make_unique<ObserverFanOut>(std::move(observers));
  InterpreterOptions internal;
  internal.signature = options.signature;
  internal.subgraph = options.subgraph;
  internal.planner = options.planner == Planner::kNoReuse ? PlannerKind::kNoReuse : PlannerKind::kReuse;
  internal.rounding = options.rounding == Rounding::kDouble   ? RoundingPolicy::kDouble
                      : options.rounding == Rounding::kSingle ? RoundingPolicy::kSingle
                                                              : RoundingPolicy::kLiteRt;
  internal.kernels = options.kernels == Kernels::kOptimized ? KernelSet::kOptimized
                     : options.kernels == Kernels::kXnnpack ? KernelSet::kXnnpack
                                                            : KernelSet::kReference;
  internal.max_arena_bytes = options.max_arena_bytes;
  internal.max_loop_iterations = options.max_loop_iterations;
  const std::optional<CpuPath> cpu = ParseCpuPath(options.cpu);
  if (!cpu) return InvalidArgument("cpu '" + options.cpu + "': expected auto|" + CpuPathNames());
  internal.cpu = *cpu;
  internal.threads = options.threads;
  internal.custom_ops = custom_ops != nullptr ? &custom_ops->impl().registry : nullptr;
  if (!options.input_shapes.empty()) {
    // Keys name inputs; the interpreter resizes by tensor index.
    TFLDBG_ASSIGN_OR_RETURN(auto probe, Engine::Create(model.impl_->view, internal));
    for (const auto& [key, shape] : options.input_shapes) {
      TFLDBG_ASSIGN_OR_RETURN(tfldbg::Tensor * t, probe->FindInput(key));
      internal.input_shapes[t->index] = shape;
    }
  }
  TFLDBG_ASSIGN_OR_RETURN(impl->interp, Engine::Create(model.impl_->view, internal, impl->fan_out.get()));
  const int sg = impl->interp->subgraph_index();
  const ModelView* view = &model.impl_->view;
  for (int i : impl->interp->input_indices()) impl->inputs.push_back(InfoOf(sg, impl->interp->tensors()[static_cast<size_t>(i)], view));
  for (int i : impl->interp->output_indices()) impl->outputs.push_back(InfoOf(sg, impl->interp->tensors()[static_cast<size_t>(i)], view));
  for (const tfldbg::Tensor& t : impl->interp->tensors()) impl->tensors.push_back(InfoOf(sg, t, view));
  return std::unique_ptr<Interpreter>(new Interpreter(std::move(impl)));
}

const std::vector<TensorInfo>& Interpreter::inputs() const { return impl_->inputs; }
const std::vector<TensorInfo>& Interpreter::outputs() const { return impl_->outputs; }
const std::vector<TensorInfo>& Interpreter::tensors() const { return impl_->tensors; }

Status Interpreter::SetInput(const std::string& key, const void* data, size_t bytes) {
  TFLDBG_ASSIGN_OR_RETURN(tfldbg::Tensor * t, impl_->interp->FindInput(key));
  if (t->type == DataType::kString) {  // LiteRT's packed buffer of exactly as many strings as elements
    const auto* packed = static_cast<const uint8_t*>(data);
    tfldbg::Tensor view;
    view.bytes = const_cast<uint8_t*>(packed);
    view.byte_size = bytes;
    if (!ValidStringBuffer(packed, bytes) || StringCount(view) != t->element_count()) {
      return InvalidArgument("input '" + t->name + "' (" + DescribeTypeAndShape(*t) + ") takes a packed string buffer of " +
                             std::to_string(t->element_count()) + " strings (int32 count, offsets, bytes)");
    }
    AssignPackedStrings(*t, packed, bytes);
    return Status::Ok();
  }
  if (bytes != t->byte_size) {
    return InvalidArgument("input '" + t->name + "' (" + DescribeTypeAndShape(*t) + ") takes " +
                           std::to_string(t->byte_size) + " bytes, got " + std::to_string(bytes));
  }
  if (bytes != 0) std::memcpy(t->bytes, data, bytes);
  return Status::Ok();
}

Status Interpreter::SetRandomInputs(uint64_t seed) {
  cli::InputSpec spec;
  spec.seed = seed;
  return cli::SetInputs(*impl_->interp, spec).status();
}

Status Interpreter::Invoke() { return impl_->interp->Invoke(); }

Result<TensorView> Interpreter::Output(const std::string& key) const {
  TFLDBG_ASSIGN_OR_RETURN(tfldbg::Tensor * t, impl_->interp->FindOutput(key));
  return Tensor(t->index);
}

Result<TensorView> Interpreter::Tensor(int index) const {
  const auto& tensors = impl_->interp->tensors();
  if (index < 0 || static_cast<size_t>(index) >= tensors.size()) {
    return InvalidArgument("tensor " + std::to_string(index) + " does not exist (the subgraph has " +
                           std::to_string(tensors.size()) + ")");
  }
  const tfldbg::Tensor& t = tensors[static_cast<size_t>(index)];
  TensorView view;
  view.info = impl_->fan_out->InfoFor(impl_->interp->subgraph_index(), t);
  view.data = t.bytes;
  view.bytes = t.byte_size;
  return view;
}

Status Interpreter::InvokeAndDump(const std::string& dir, const DumpOptions& options) {
  TFLDBG_ASSIGN_OR_RETURN(DumpDirectory target, DumpDirectory::Begin(dir, options.force));
  NpyDirectorySink sink(target.staging());
  CaptureOptions selection;
  selection.node_range = options.nodes;
  selection.ops.insert(options.ops.begin(), options.ops.end());
  if (!options.tensor_regex.empty()) {
    try {
      selection.tensor_pattern.emplace(options.tensor_regex);
    } catch (const std::regex_error& e) {
      return InvalidArgument("tensor pattern '" + options.tensor_regex + "': " + e.what());
    }
  }
  selection.constants = options.constants;
  CaptureObserver capture(sink, selection);
  Engine& interp = *impl_->interp;
  RunDescription run;
  run.model_path = impl_->model_path;
  run.model_sha256 = Sha256Hex(interp.model().file_data(), interp.model().file_size());
  run.tool_version = TFLDBG_VERSION;
  Status status = Status::Ok();
  for (int i : interp.input_indices()) {
    const tfldbg::Tensor& t = interp.tensors()[static_cast<size_t>(i)];
    auto file = capture.StoreInput(t, interp.subgraph_index());
    if (!file.ok()) {
      status = file.status();
      break;
    }
    run.inputs.push_back({{"name", t.name}, {"tensor", t.index}, {"source", "set by the program"}, {"file", file.value()}});
  }
  if (status.ok()) {
    impl_->fan_out->set_capture(&capture);
    status = interp.Invoke();
    impl_->fan_out->set_capture(nullptr);
  }
  if (status.ok()) status = sink.Flush();
  if (status.ok()) status = target.Finish(BuildManifest(interp, capture.steps(), run, capture.inlined()));
  if (!status.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(target.staging(), ec);
  }
  return status;
}

}  // namespace tfldbg
