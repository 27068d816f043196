#include "interpreter/engine.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "cpu/thread_pool.h"
#include "interpreter/float_shadow.h"
#include "kernels/convert/shadow_copy.h"
#include "kernels/registry.h"
#include "model/sparsity.h"

namespace tfldbg {
namespace {

bool Contains(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

std::vector<int> ToIndices(const flatbuffers::Vector<int32_t>* v) {
  std::vector<int> out;
  for (uint32_t i = 0; i < SizeOf(v); ++i) out.push_back(v->Get(i));
  return out;
}

}  // namespace

const char* RoundingPolicyName(RoundingPolicy policy) {
  switch (policy) {
    case RoundingPolicy::kLiteRt: return "litert";
    case RoundingPolicy::kDouble: return "double";
    case RoundingPolicy::kSingle: return "single";
  }
  return "unknown";
}

const char* KernelSetName(KernelSet kernels) {
  return kernels == KernelSet::kOptimized ? "optimized" : "reference";
}

quant::RoundingMode RoundingForOp(RoundingPolicy policy, const OpInfo& op, KernelSet kernels) {
  if (policy == RoundingPolicy::kLiteRt && kernels == KernelSet::kOptimized && op.OptimizedGemm()) {
    return quant::RoundingMode::kDoubleHalfUp;
  }
  switch (policy) {
    case RoundingPolicy::kDouble: return quant::RoundingMode::kDouble;
    case RoundingPolicy::kSingle: return quant::RoundingMode::kSingle;
    case RoundingPolicy::kLiteRt: return op.RoundsOnce() ? quant::RoundingMode::kSingle : quant::RoundingMode::kDouble;
  }
  return quant::RoundingMode::kDouble;
}

// What the main interpreter and the subgraphs it runs share: the subgraphs
// themselves, the step numbering of one Invoke and the resource variables.
struct Engine::Shared : public RunContext {
  static constexpr size_t kMaxNesting = 64;  // bounds the recursion of preparing (and running) nested subgraphs
  explicit Shared(const ModelView& m) : model(m) {}
  ModelView model;
  InterpreterOptions options;
  NodeObserver* observer = nullptr;
  Engine* root = nullptr;
  std::map<int, std::unique_ptr<Engine>> subgraphs;  // other than the root's
  std::set<int> preparing;                                // to refuse recursion
  int next_step = 0;
  std::map<int, int> invocations;  // per subgraph, in the current Invoke
  int64_t loop_iterations = 0;     // all WHILE iterations of the current Invoke
  std::map<std::pair<std::string, std::string>, int32_t> handles;
  std::vector<Variable> variables;
  CpuPath cpu = CpuPath::kScalar;      // options.cpu resolved
  std::unique_ptr<ThreadPool> pool;  // null for one thread

  Result<Subgraph*> GetSubgraph(int index) override {
    if (index < 0 || index >= model.subgraph_count()) {
      return InvalidModel("subgraph " + std::to_string(index) + " does not exist (the model has " +
                          std::to_string(model.subgraph_count()) + ")");
    }
    if (index == root->index()) return InvalidModel("subgraph " + std::to_string(index) + " calls itself");
    auto it = subgraphs.find(index);
    if (it != subgraphs.end()) return static_cast<Subgraph*>(it->second.get());
    if (!preparing.insert(index).second) {
      return InvalidModel("subgraph " + std::to_string(index) + " is called recursively");
    }
    if (preparing.size() > kMaxNesting) {
      preparing.erase(index);
      return Unsupported("control flow nests deeper than " + std::to_string(kMaxNesting) + " subgraphs");
    }
    auto created = CreateSubgraph(*this, index);
    preparing.erase(index);
    if (!created.ok()) return created.status();
    Subgraph* out = created.value().get();
    subgraphs.emplace(index, std::move(created).value());
    return out;
  }

  int32_t VariableHandle(const std::string& container, const std::string& shared_name) override {
    auto [it, inserted] = handles.emplace(std::make_pair(container, shared_name), static_cast<int32_t>(variables.size()));
    if (inserted) variables.emplace_back();
    return it->second;
  }

  int64_t max_loop_iterations() const override { return options.max_loop_iterations; }
  bool CountLoopIteration() override { return ++loop_iterations <= options.max_loop_iterations; }

  std::map<int32_t, Hashtable> hashtables;

  Hashtable* HashtableFor(int32_t id, DataType key_type, DataType value_type) override {
    auto [it, inserted] = hashtables.try_emplace(id);
    if (inserted) {
      it->second.key_type = key_type;
      it->second.value_type = value_type;
    }
    return &it->second;
  }
  Hashtable* FindHashtable(int32_t id) override {
    auto it = hashtables.find(id);
    return it == hashtables.end() ? nullptr : &it->second;
  }

  Variable* FindVariable(int32_t handle) override {
    if (handle < 0 || static_cast<size_t>(handle) >= variables.size()) return nullptr;
    return &variables[static_cast<size_t>(handle)];
  }
};

Engine::Engine(const ModelView& model, const InterpreterOptions& options, NodeObserver* observer)
    : model_(model), options_(options), observer_(observer) {}

Engine::~Engine() { std::free(arena_); }

Result<std::unique_ptr<Engine>> Engine::Create(const ModelView& model, const InterpreterOptions& options,
                                                         NodeObserver* observer) {
  if (model.subgraph_count() == 0) {
    return InvalidModel(model.origin() + ": the model has no subgraphs, so there is nothing to run");
  }
  std::unique_ptr<Engine> interp(new Engine(model, options, observer));
  interp->owned_shared_ = std::make_unique<Shared>(model);
  interp->shared_ = interp->owned_shared_.get();
  interp->shared_->options = options;
  interp->shared_->observer = observer;
  interp->shared_->root = interp.get();
  if (options.threads < 1 || options.threads > 1024) {
    return InvalidArgument("threads must be in [1, 1024], got " + std::to_string(options.threads));
  }
  TFLDBG_ASSIGN_OR_RETURN(interp->shared_->cpu, ResolveCpuPath(options.cpu));
  if (options.threads > 1) interp->shared_->pool = std::make_unique<ThreadPool>(options.threads);
  TFLDBG_RETURN_IF_ERROR(interp->ChooseSubgraph().WithContext(model.origin()));
  TFLDBG_RETURN_IF_ERROR(interp->Setup().WithContext(model.origin()));
  return interp;
}

Result<std::unique_ptr<Engine>> Engine::CreateSubgraph(Shared& shared, int index) {
  InterpreterOptions options = shared.options;
  options.signature.clear();
  options.subgraph = index;
  options.input_shapes.clear();
  std::unique_ptr<Engine> interp(new Engine(shared.model, options, shared.observer));
  interp->shared_ = &shared;
  interp->subgraph_ = index;
  TFLDBG_RETURN_IF_ERROR(interp->Setup());
  return interp;
}

Status Engine::Setup() {
  cpu_ = shared_->cpu;
  TFLDBG_RETURN_IF_ERROR(BuildTensors());
  TFLDBG_RETURN_IF_ERROR(PrepareNodes());
  return PlanAndAllocate();
}

std::vector<Tensor*> Engine::input_tensors() {
  std::vector<Tensor*> out;
  for (int i : inputs_) out.push_back(&tensors_[static_cast<size_t>(i)]);
  return out;
}

std::vector<Tensor*> Engine::output_tensors() {
  std::vector<Tensor*> out;
  for (int i : outputs_) out.push_back(&tensors_[static_cast<size_t>(i)]);
  return out;
}

std::vector<const Engine*> Engine::subgraph_interpreters() const {
  std::vector<const Engine*> out{this};
  for (const auto& [index, child] : shared_->subgraphs) out.push_back(child.get());
  return out;
}

Status Engine::ChooseSubgraph() {
  if (options_.signature.empty()) {
    if (options_.subgraph < 0 || options_.subgraph >= model_.subgraph_count()) {
      return InvalidArgument("subgraph " + std::to_string(options_.subgraph) + " does not exist (the model has " +
                             std::to_string(model_.subgraph_count()) + ")");
    }
    subgraph_ = options_.subgraph;
    return Status::Ok();
  }
  const tflite::Model& m = model_.model();
  std::string known;
  for (uint32_t s = 0; s < SizeOf(m.signature_defs()); ++s) {
    const tflite::SignatureDef* sig = m.signature_defs()->Get(s);
    const std::string key = sig->signature_key() ? sig->signature_key()->str() : "";
    if (key == options_.signature) {
      subgraph_ = static_cast<int>(sig->subgraph_index());  // in range: the loader checked
      return Status::Ok();
    }
    known += (known.empty() ? "'" : ", '") + key + "'";
  }
  return InvalidArgument("no signature '" + options_.signature + "'; the model's signatures are " +
                         (known.empty() ? std::string("(none)") : known));
}

namespace {

// The float32 constants of a float model's main subgraph, by name.
std::map<std::string, int> FloatConstantsByName(const ModelView& model) {
  std::map<std::string, int> out;
  if (model.subgraph_count() == 0) return out;
  const int count = static_cast<int>(SizeOf(model.subgraph(0).tensors()));
  for (int t = 0; t < count; ++t) {
    if (model.TensorType(0, t) == DataType::kFloat32 && !model.TensorData(0, t).empty()) out.emplace(model.TensorName(0, t), t);
  }
  return out;
}

}  // namespace

static Status CheckResizable(const tflite::Tensor& tensor, const std::vector<int32_t>& shape) {
  const auto* signature = tensor.shape_signature();
  std::vector<int32_t> open;
  if (signature != nullptr) open.assign(signature->begin(), signature->end());
  bool fits = signature != nullptr && open.size() == shape.size();
  for (size_t i = 0; fits && i < shape.size(); ++i) {
    fits = shape[i] >= 0 && (open[i] == -1 || open[i] == shape[i]);
  }
  if (!fits) {
    return InvalidArgument("cannot take shape " + ShapeToString(shape) + ": the model's shape signature is " +
                           (signature == nullptr ? std::string("absent (every dimension fixed)") : ShapeToString(open)) +
                           ", and only its -1 dimensions may change");
  }
  return Status::Ok();
}

Status Engine::BuildTensors() {
  const int sg = subgraph_index();
  const std::map<std::string, int> float_weights =
      options_.float_shadow && options_.shadow_weights != nullptr ? FloatConstantsByName(*options_.shadow_weights)
                                                                  : std::map<std::string, int>{};
  const tflite::SubGraph& subgraph = model_.subgraph(sg);
  inputs_ = ToIndices(subgraph.inputs());
  outputs_ = ToIndices(subgraph.outputs());
  const int count = static_cast<int>(SizeOf(subgraph.tensors()));
  tensors_.resize(static_cast<size_t>(count));
  for (int t = 0; t < count; ++t) {
    Tensor& tensor = tensors_[static_cast<size_t>(t)];
    const tflite::Tensor& src = model_.tensor(sg, t);
    tensor.index = t;
    tensor.name = model_.TensorName(sg, t);
    tensor.type = model_.TensorType(sg, t);
    tensor.shape = model_.TensorShape(sg, t);
    tensor.quant = model_.TensorQuant(sg, t);
    if (auto resized = options_.input_shapes.find(t); resized != options_.input_shapes.end()) {
      if (!Contains(inputs_, t)) {
        return InvalidArgument(model_.DescribeTensor(sg, t) + " is not an input of the subgraph, so it cannot be resized");
      }
      TFLDBG_RETURN_IF_ERROR(CheckResizable(src, resized->second).WithContext(model_.DescribeTensor(sg, t)));
      tensor.shape = resized->second;
    }
    const ByteView data = model_.TensorData(sg, t);
    const bool shadowed = options_.float_shadow && ShadowedAsFloat(tensor);
    if (!data.empty()) {
      tensor.kind = TensorKind::kConstant;
      if (src.sparsity() != nullptr) {
        // Decoded once, here: kernels see the dense tensor; `sparse_levels`
        // remembers the layout for the checks that depend on it.
        if (tensor.type == DataType::kString || DataTypeBits(tensor.type) % 8 != 0) {
          return Unsupported(model_.DescribeTensor(sg, t) + ": sparse constants of type " + DataTypeName(tensor.type) +
                             " are not supported");
        }
        TFLDBG_ASSIGN_OR_RETURN(SparseConstant dense,
                                DensifyConstant(*src.sparsity(), tensor.shape, static_cast<size_t>(DataTypeBits(tensor.type) / 8),
                                                data, model_.DescribeTensor(sg, t)));
        owned_constants_.emplace_back(new uint8_t[std::max<size_t>(dense.bytes.size(), 1)]);
        std::memcpy(owned_constants_.back().get(), dense.bytes.data(), dense.bytes.size());
        tensor.bytes = owned_constants_.back().get();
        tensor.byte_size = dense.bytes.size();
        tensor.sparse_levels = std::move(dense.levels);
      } else if (reinterpret_cast<uintptr_t>(data.data) % 16 != 0) {
        // Buffers stored after the flatbuffer need not be aligned; kernels read typed values.
        owned_constants_.emplace_back(new uint8_t[data.size]);
        std::memcpy(owned_constants_.back().get(), data.data, data.size);
        tensor.bytes = owned_constants_.back().get();
      } else {
        tensor.bytes = const_cast<uint8_t*>(data.data);
      }
      if (tensor.sparse_levels.empty()) tensor.byte_size = data.size;
      if (shadowed) {
        const size_t n = static_cast<size_t>(tensor.element_count());
        std::unique_ptr<uint8_t[]> floats(new uint8_t[std::max<size_t>(n, 1) * sizeof(float)]);
        const auto original = float_weights.find(tensor.name);
        if (original != float_weights.end() && options_.shadow_weights->TensorShape(0, original->second) == tensor.shape &&
            options_.shadow_weights->TensorData(0, original->second).size == n * sizeof(float)) {
          std::memcpy(floats.get(), options_.shadow_weights->TensorData(0, original->second).data, n * sizeof(float));
        } else {
          TFLDBG_RETURN_IF_ERROR(
              DequantizeTensor(tensor, reinterpret_cast<float*>(floats.get())).WithContext(model_.DescribeTensor(sg, t)));
        }
        tensor.bytes = floats.get();
        tensor.byte_size = n * sizeof(float);
        owned_constants_.push_back(std::move(floats));
      }
    } else if (src.is_variable()) {
      tensor.kind = TensorKind::kVariable;
    } else if (Contains(inputs_, t)) {
      tensor.kind = TensorKind::kInput;
    } else if (Contains(outputs_, t)) {
      tensor.kind = TensorKind::kOutput;
    }
    if (shadowed) {
      tensor.type = DataType::kFloat32;
      tensor.quant = QuantParams{};
    }
  }
  return Status::Ok();
}

Status Engine::PrepareNodes() {
  const int sg = subgraph_index();
  const tflite::SubGraph& subgraph = model_.subgraph(sg);
  const int count = static_cast<int>(SizeOf(subgraph.operators()));
  nodes_.resize(static_cast<size_t>(count));
  for (int o = 0; o < count; ++o) {
    Node& node = nodes_[static_cast<size_t>(o)];
    const tflite::Operator& op = model_.op(sg, o);
    NodeContext& ctx = node.context;
    ctx.model = &model_;
    ctx.subgraph = sg;
    ctx.op_index = o;
    ctx.op = &op;
    ctx.op_name = model_.OpName(op.opcode_index());
    ctx.op_version = model_.OpVersion(op.opcode_index());
    ctx.run = shared_;
    ctx.cpu = shared_->cpu;
    ctx.pool = shared_->pool.get();
    ctx.stored_shapes_stale = !options_.input_shapes.empty();
    for (int index : ToIndices(op.inputs())) ctx.inputs.push_back(index < 0 ? nullptr : &tensors_[static_cast<size_t>(index)]);
    for (int index : ToIndices(op.outputs())) ctx.outputs.push_back(index < 0 ? nullptr : &tensors_[static_cast<size_t>(index)]);

    const bool custom = model_.IsCustom(op.opcode_index());
    const OpInfo* info = custom ? FindCustomOp(ctx.op_name) : FindBuiltinOp(model_.BuiltinCode(op.opcode_index()));
    const TfldbgCustomOp* registered =
        custom && info == nullptr && options_.custom_ops != nullptr ? options_.custom_ops->Find(ctx.op_name) : nullptr;
    if (registered != nullptr) {
      static const OpInfo kRegistered{};  // no facts: double rounding, no sparse inputs, its own float kernel
      info = &kRegistered;
    }
    if (registered == nullptr && (info == nullptr || !info->supported())) {
      std::string what = custom ? "custom operator '" + ctx.op_name + "'" : "operator " + ctx.op_name;
      what += " (version " + std::to_string(ctx.op_version) + ") is not supported by tfldbg";
      if (info != nullptr && std::string(info->why_not) != "not yet") what += std::string(": ") + info->why_not;
      return Unsupported(ctx.Describe() + ": " + what);
    }
    ctx.rounding = RoundingForOp(options_.rounding, *info, options_.kernels);
    ctx.kernels = options_.kernels;
    ctx.rounding_follows_litert = options_.rounding == RoundingPolicy::kLiteRt;
    // LiteRT's other kernels would read a sparse constant's packed values as if dense.
    for (size_t slot = 0; slot < ctx.inputs.size(); ++slot) {
      const Tensor* in = ctx.inputs[slot];
      if (in == nullptr || in->sparse_levels.empty() || info->MayReadSparse(static_cast<int>(slot))) continue;
      return Unsupported(ctx.Describe() + ": input " + std::to_string(slot) + " '" + in->name +
                         "' is a sparse constant, which " + ctx.op_name +
                         " cannot read (LiteRT reads those only where it has a kernel for them: docs/ops.md)");
    }
    // A constant's bytes are the model's (read-only memory): no kernel may
    // write them. (LiteRT crashes on such a model.)
    for (const Tensor* out : ctx.outputs) {
      if (out != nullptr && out->is_constant()) {
        return InvalidModel(ctx.Describe() + ": output '" + out->name + "' is a constant (it has data in the model)");
      }
    }
    // In float, (de)quantizing is the identity.
    const KernelFactory make = options_.float_shadow && info->ShadowIdentity() ? &CreateShadowCopyKernel : info->make;
    node.kernel = registered != nullptr ? CustomOpRegistry::MakeKernel(*registered) : make();
    node.observed = observer_ != nullptr && observer_->WantsNode(ctx);
    // A node reading a dynamic tensor is prepared when it runs, as is one
    // whose output shapes depend on computed values; its outputs are dynamic.
    node.deferred = std::any_of(ctx.inputs.begin(), ctx.inputs.end(), [](const Tensor* t) { return t && t->dynamic; });
    if (!node.deferred) {
      ctx.outputs_dynamic = false;
      TFLDBG_RETURN_IF_ERROR(node.kernel->Prepare(ctx));
      node.deferred = ctx.outputs_dynamic;
    }
    if (node.deferred) {
      for (Tensor* t : ctx.outputs) {
        if (t == nullptr) continue;
        if (t->kind == TensorKind::kVariable || t->kind == TensorKind::kInput || t->is_constant()) {
          return Unsupported(ctx.Describe() + ": output '" + t->name + "' is a graph input, variable or constant of run-time shape");
        }
        t->dynamic = true;
      }
    }
  }
  // A node that touches a dynamic tensor only its successors made dynamic (a
  // graph whose nodes are out of order, or two nodes writing one tensor) is
  // deferred too, so that every dynamic tensor is sized and allocated by
  // whichever node writes it, and read with the shape it has then.
  for (bool changed = true; changed;) {
    changed = false;
    for (Node& node : nodes_) {
      if (node.deferred) continue;
      auto dynamic = [](const Tensor* t) { return t != nullptr && t->dynamic; };
      const NodeContext& ctx = node.context;
      if (std::none_of(ctx.inputs.begin(), ctx.inputs.end(), dynamic) &&
          std::none_of(ctx.outputs.begin(), ctx.outputs.end(), dynamic)) {
        continue;
      }
      node.deferred = changed = true;
      for (Tensor* t : ctx.outputs) {
        if (t == nullptr) continue;
        if (t->kind == TensorKind::kVariable || t->kind == TensorKind::kInput || t->is_constant()) {
          return Unsupported(ctx.Describe() + ": output '" + t->name + "' is a graph input, variable or constant of run-time shape");
        }
        t->dynamic = true;
      }
    }
  }
  return Status::Ok();
}

Status Engine::PlanAndAllocate() {
  const int sg = subgraph_index();
  const int last_step = std::max(0, node_count() - 1);
  std::vector<int> first(tensors_.size(), -1), last(tensors_.size(), -1);
  for (int o = 0; o < node_count(); ++o) {
    const NodeContext& ctx = nodes_[static_cast<size_t>(o)].context;
    for (const Tensor* t : ctx.inputs) {
      if (t != nullptr) last[static_cast<size_t>(t->index)] = o;
    }
    for (const Tensor* t : ctx.outputs) {
      if (t == nullptr) continue;
      auto& f = first[static_cast<size_t>(t->index)];
      if (f < 0) f = o;
      last[static_cast<size_t>(t->index)] = std::max(last[static_cast<size_t>(t->index)], o);
    }
  }
  // A tensor a node reads that holds no value: no constant data, not a graph
  // input or variable, and no node writes it. LiteRT allocates it nowhere and
  // refuses at Invoke ("Input tensor N lacks data"); computing on zeros would
  // be a result that looks whole.
  for (int o = 0; o < node_count(); ++o) {
    const NodeContext& ctx = nodes_[static_cast<size_t>(o)].context;
    for (size_t slot = 0; slot < ctx.inputs.size(); ++slot) {
      const Tensor* t = ctx.inputs[slot];
      if (t == nullptr || t->is_constant() || t->kind == TensorKind::kInput || t->kind == TensorKind::kVariable ||
          first[static_cast<size_t>(t->index)] >= 0) {
        continue;
      }
      // LiteRT's one exception: RESHAPE's shape input when it is not 1-D (it is then ignored).
      if (ctx.op_name == "RESHAPE" && slot == 1 && t->shape.size() != 1) continue;
      const auto elements = ElementCount(t->shape);
      if (elements && *elements == 0) continue;
      return InvalidModel(ctx.Describe() + ": input " + std::to_string(slot) + " '" + t->name +
                          "' (tensor " + std::to_string(t->index) +
                          ") has no value: it has no data in the model, is not a graph input or variable, and no "
                          "operator writes it");
    }
  }
  std::vector<BufferRequirement> requirements;
  planned_.clear();
  for (Tensor& tensor : tensors_) {
    if (tensor.is_constant()) continue;
    if (tensor.type == DataType::kString) {
      // Sized by its value, so outside the arena: every writer replaces the
      // packed buffer; until then it holds empty strings.
      const auto elements = ElementCount(tensor.shape);
      if (!elements || *elements > options_.max_arena_bytes / 4) {
        return Unsupported(model_.DescribeTensor(sg, tensor.index) + ": string tensor of shape " +
                           ShapeToString(tensor.shape) + " is too large");
      }
      SetStrings(tensor, std::vector<std::string_view>(static_cast<size_t>(*elements)));
      continue;
    }
    if (tensor.dynamic) continue;
    const size_t i = static_cast<size_t>(tensor.index);
    const auto elements = ElementCount(tensor.shape);
    // A resource tensor holds a variable's handle, an int32.
    const DataType stored = tensor.type == DataType::kResource ? DataType::kInt32 : tensor.type;
    const auto bytes = elements ? DenseByteSize(stored, *elements) : std::nullopt;
    if (!bytes) {
      return Unsupported(model_.DescribeTensor(sg, tensor.index) + ": " + DataTypeName(tensor.type) +
                         " tensors of shape " + ShapeToString(tensor.shape) + " cannot be placed in the arena");
    }
    tensor.byte_size = static_cast<size_t>(*bytes);
    BufferRequirement req;
    req.bytes = tensor.byte_size;
    // Room for the type and shape the model declares too: a node prepared
    // before a later one retyped or reshaped the tensor (ADD's output type,
    // resized inputs, a hostile graph out of order) reads within the buffer.
    const auto declared_elements = ElementCount(model_.TensorShape(sg, tensor.index));
    const auto declared = declared_elements ? DenseByteSize(model_.TensorType(sg, tensor.index) == DataType::kResource
                                                                ? DataType::kInt32
                                                                : model_.TensorType(sg, tensor.index),
                                                            *declared_elements)
                                            : std::nullopt;
    if (declared && *declared > req.bytes && *declared <= options_.max_arena_bytes) req.bytes = static_cast<size_t>(*declared);
    const bool whole_run = tensor.kind == TensorKind::kInput || tensor.kind == TensorKind::kOutput ||
                           tensor.kind == TensorKind::kVariable || first[i] < 0 ||
                           (observer_ != nullptr && observer_->KeepsTensor(sg, tensor.index));
    req.first_use = (tensor.kind == TensorKind::kInput || tensor.kind == TensorKind::kVariable || first[i] < 0) ? 0 : first[i];
    req.last_use = whole_run ? last_step : std::max(last[i], req.first_use);
    planned_.push_back({tensor.index, req});
    requirements.push_back(req);
  }
  plan_ = MakePlanner(options_.planner)->Plan(requirements);
  if (plan_.arena_bytes > options_.max_arena_bytes) {
    return Unsupported("the " + std::string(PlannerKindName(options_.planner)) + " plan needs an arena of " +
                       std::to_string(plan_.arena_bytes) + " bytes, over the limit of " +
                       std::to_string(options_.max_arena_bytes));
  }
  const size_t arena_size = std::max<size_t>(AlignedSize(plan_.arena_bytes), kTensorAlignment);
  arena_ = static_cast<uint8_t*>(std::aligned_alloc(kTensorAlignment, arena_size));
  if (arena_ == nullptr) return RuntimeError("cannot allocate an arena of " + std::to_string(arena_size) + " bytes");
  std::memset(arena_, 0, arena_size);
  for (size_t p = 0; p < planned_.size(); ++p) {
    Tensor& tensor = tensors_[static_cast<size_t>(planned_[p].tensor)];
    tensor.bytes = arena_ + plan_.offsets[p];
    // LiteRT's ResetVariableTensor: int8 variables start at their zero point
    // (an int8 LSTM's output state), every other variable at 0.
    if (tensor.kind == TensorKind::kVariable && tensor.type == DataType::kInt8 && tensor.zero_point() != 0) {
      std::memset(tensor.bytes, static_cast<int8_t>(tensor.zero_point()), tensor.byte_size);
    }
  }
  return Status::Ok();
}

size_t Engine::arena_lower_bound() const {
  std::vector<BufferRequirement> requirements;
  for (const PlannedTensor& p : planned_) requirements.push_back(p.requirement);
  return ArenaLowerBound(requirements);
}

Status Engine::Invoke() {
  shared_->next_step = 0;
  shared_->invocations.clear();
  shared_->loop_iterations = 0;
  return RunNodes();
}

Status Engine::Run() { return RunNodes(); }

Status Engine::RunNodes() {
  const int invocation = shared_->invocations[subgraph_]++;
  for (int o = 0; o < node_count(); ++o) {
    Node& node = nodes_[static_cast<size_t>(o)];
    node.context.invocation = invocation;
    TFLDBG_RETURN_IF_ERROR(EvalNode(node, shared_->next_step++));
  }
  return Status::Ok();
}

Status Engine::EvalNode(Node& node, int step) {
  using Clock = std::chrono::steady_clock;
  NodeContext& ctx = node.context;
  if (node.deferred) {
    for (const Tensor* t : ctx.inputs) {
      if (t != nullptr && t->dynamic && t->bytes == nullptr && t->element_count() != 0) {
        return RuntimeError(ctx.Describe() + ": input '" + t->name + "' is read before any node has written it");
      }
    }
    // Every input now holds this Invoke's value: settle the output shapes and
    // give each dynamic output storage of its size.
    ctx.prepare_at_eval = true;
    ctx.outputs_dynamic = false;
    const Status prepared = node.kernel->Prepare(ctx);
    ctx.prepare_at_eval = false;
    TFLDBG_RETURN_IF_ERROR(prepared);
    for (Tensor* t : ctx.outputs) {
      if (t == nullptr || !t->dynamic) continue;
      if (t->type == DataType::kString) {  // the kernel packs its strings; empty ones until then
        const auto elements = ElementCount(t->shape);
        if (!elements || *elements > options_.max_arena_bytes / 4) {
          return RuntimeError(ctx.Describe() + ": string output '" + t->name + "' of shape " + ShapeToString(t->shape) +
                              " is too large");
        }
        SetStrings(*t, std::vector<std::string_view>(static_cast<size_t>(*elements)));
        continue;
      }
      const auto elements = ElementCount(t->shape);
      const auto bytes = elements ? DenseByteSize(t->type, *elements) : std::nullopt;
      if (!bytes || *bytes > options_.max_arena_bytes) {
        return RuntimeError(ctx.Describe() + ": output '" + t->name + "' of shape " + ShapeToString(t->shape) +
                            " cannot be allocated (over the arena limit of " + std::to_string(options_.max_arena_bytes) +
                            " bytes)");
      }
      t->dynamic_storage.assign(std::max<size_t>(static_cast<size_t>(*bytes), 1), 0);
      t->bytes = t->dynamic_storage.data();
      t->byte_size = static_cast<size_t>(*bytes);
    }
  }
  if (node.observed) TFLDBG_RETURN_IF_ERROR(observer_->BeforeNode(step, ctx));
  const auto start = Clock::now();
  TFLDBG_RETURN_IF_ERROR(node.kernel->Eval(ctx));
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  if (node.observed) TFLDBG_RETURN_IF_ERROR(observer_->AfterNode(step, ctx, elapsed));
  return Status::Ok();
}

Status Engine::InvokeNode(int step) {
  if (step < 0 || step >= node_count()) {
    return InvalidArgument("node " + std::to_string(step) + " does not exist (the subgraph has " +
                           std::to_string(node_count()) + ")");
  }
  return EvalNode(nodes_[static_cast<size_t>(step)], step);
}

Result<Tensor*> Engine::FindInput(const std::string& key) { return FindIo(key, inputs_, true); }
Result<Tensor*> Engine::FindOutput(const std::string& key) { return FindIo(key, outputs_, false); }

Result<Tensor*> Engine::FindIo(const std::string& key, const std::vector<int>& indices, bool inputs) {
  const char* what = inputs ? "input" : "output";
  const tflite::Model& m = model_.model();
  std::string known;
  // 1. Signature names of the signature that runs this subgraph.
  for (uint32_t s = 0; s < SizeOf(m.signature_defs()); ++s) {
    const tflite::SignatureDef* sig = m.signature_defs()->Get(s);
    if (static_cast<int>(sig->subgraph_index()) != subgraph_index()) continue;
    const auto* maps = inputs ? sig->inputs() : sig->outputs();
    for (uint32_t i = 0; i < SizeOf(maps); ++i) {
      const tflite::TensorMap* map = maps->Get(i);
      const std::string name = map->name() ? map->name()->str() : "";
      if (name == key) return &tensors_[map->tensor_index()];
      known += (known.empty() ? "" : ", ") + ("'" + name + "'");
    }
  }
  // 2. Tensor names, 3. positions.
  for (size_t i = 0; i < indices.size(); ++i) {
    Tensor& t = tensors_[static_cast<size_t>(indices[i])];
    if (t.name == key) return &t;
    known += (known.empty() ? "" : ", ") + ("'" + t.name + "'");
  }
  if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos && key.size() < 9) {
    const size_t pos = std::stoul(key);
    if (pos < indices.size()) return &tensors_[static_cast<size_t>(indices[pos])];
  }
  return InvalidArgument("no " + std::string(what) + " named '" + key + "'; the model's " + what + "s are " +
                         (known.empty() ? std::string("(none)") : known) + ", or a position 0.." +
                         std::to_string(static_cast<int>(indices.size()) - 1));
}

}  // namespace tfldbg
