// Control flow: WHILE, IF, CALL_ONCE, STABLEHLO_CASE and STABLEHLO_COMPOSITE
// run other subgraphs of the model (prepared once through the node's
// RunContext); VAR_HANDLE, ASSIGN_VARIABLE
// and READ_VARIABLE keep resource variables across subgraphs and Invokes.
// Shapes are static: a loop or branch whose tensors change shape is refused.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace tfldbg {
namespace {

// The same dtype and shape, so values can be copied byte for byte.
Status CheckCompatible(const NodeContext& node, const Tensor& from, const Tensor& to, const std::string& what) {
  if (from.type != to.type || from.shape != to.shape) {
    return node.UnsupportedError(what + ": " + DataTypeName(from.type) + ShapeToString(from.shape) + " into " +
                                 DataTypeName(to.type) + ShapeToString(to.shape) +
                                 " (control flow with changing shapes or types is not supported)");
  }
  return Status::Ok();
}

void CopyValue(const Tensor& from, Tensor& to) { CopyTensorValue(from, to); }

Result<Subgraph*> Resolve(const NodeContext& node, int index, const char* role) {
  if (node.run == nullptr) return node.RuntimeFailure("no subgraphs available to run");
  auto sub = node.run->GetSubgraph(index);
  if (!sub.ok()) return sub.status().WithContext(node.Describe() + ": " + role + " subgraph " + std::to_string(index));
  return sub;
}

// A loop keeps its state in the node's outputs: inputs are copied there, the
// condition and the body read them, the body's outputs are copied back.
class WhileKernel : public Kernel {
 public:

  Status Prepare(NodeContext& node) override {
    const auto* o = node.options<tflite::WhileOptions>();
    if (o == nullptr) return node.InvalidModelError("WhileOptions are missing");
    TFLDBG_ASSIGN_OR_RETURN(cond_, Resolve(node, o->cond_subgraph_index(), "condition"));
    TFLDBG_ASSIGN_OR_RETURN(body_, Resolve(node, o->body_subgraph_index(), "body"));
    const size_t n = node.inputs.size();
    if (node.outputs.size() != n || cond_->input_tensors().size() != n || body_->input_tensors().size() != n ||
        body_->output_tensors().size() != n) {
      return node.InvalidModelError("WHILE with " + std::to_string(n) + " inputs, " + std::to_string(node.outputs.size()) +
                                    " outputs, a condition of " + std::to_string(cond_->input_tensors().size()) +
                                    " inputs and a body of " + std::to_string(body_->input_tensors().size()) + " -> " +
                                    std::to_string(body_->output_tensors().size()));
    }
    const std::vector<Tensor*> cond_out = cond_->output_tensors();
    if (cond_out.size() != 1 || cond_out[0]->type != DataType::kBool || cond_out[0]->element_count() != 1) {
      return node.InvalidModelError("the condition subgraph must return one bool");
    }
    for (size_t i = 0; i < n; ++i) {
      if (node.inputs[i] == nullptr || node.outputs[i] == nullptr) return node.InvalidModelError("absent loop variable");
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.outputs[i], node.inputs[i]->shape));
      const std::string var = "loop variable " + std::to_string(i);
      TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *node.inputs[i], *node.outputs[i], var));
      TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *node.outputs[i], *cond_->input_tensors()[i], var + " -> condition"));
      TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *node.outputs[i], *body_->input_tensors()[i], var + " -> body"));
      TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *body_->output_tensors()[i], *node.outputs[i], "body -> " + var));
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    const size_t n = node.inputs.size();
    for (size_t i = 0; i < n; ++i) CopyValue(*node.inputs[i], *node.outputs[i]);
    const std::vector<Tensor*> cond_in = cond_->input_tensors(), body_in = body_->input_tensors();
    const std::vector<Tensor*> body_out = body_->output_tensors();
    const Tensor& verdict = *cond_->output_tensors()[0];
    for (;;) {
      if (!node.run->CountLoopIteration()) {
        return node.RuntimeFailure("the model's loops ran " + std::to_string(node.run->max_loop_iterations()) +
                                   " iterations in this run (nested loops count each inner one); stopped");
      }
      for (size_t i = 0; i < n; ++i) CopyValue(*node.outputs[i], *cond_in[i]);
      TFLDBG_RETURN_IF_ERROR(cond_->Run());
      if (verdict.bytes[0] == 0) return Status::Ok();
      for (size_t i = 0; i < n; ++i) CopyValue(*node.outputs[i], *body_in[i]);
      TFLDBG_RETURN_IF_ERROR(body_->Run());
      for (size_t i = 0; i < n; ++i) CopyValue(*body_out[i], *node.outputs[i]);
    }
  }

 private:
  Subgraph* cond_ = nullptr;
  Subgraph* body_ = nullptr;
};

// inputs[0] is the bool condition; the rest feed the branch that runs.
class IfKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.options<tflite::IfOptions>();
    if (o == nullptr) return node.InvalidModelError("IfOptions are missing");
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1 << 16));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "condition"));
    const Tensor& cond = *node.input(0);
    if (cond.type != DataType::kBool || cond.element_count() != 1) {
      return node.InvalidModelError("the condition must be one bool, got " + std::string(DataTypeName(cond.type)) +
                                    ShapeToString(cond.shape));
    }
    TFLDBG_ASSIGN_OR_RETURN(branches_[1], Resolve(node, o->then_subgraph_index(), "then"));
    TFLDBG_ASSIGN_OR_RETURN(branches_[0], Resolve(node, o->else_subgraph_index(), "else"));
    for (Subgraph* branch : branches_) {
      if (branch->input_tensors().size() + 1 != node.inputs.size() || branch->output_tensors().size() != node.outputs.size()) {
        return node.InvalidModelError("subgraph " + std::to_string(branch->index()) + " takes " +
                                      std::to_string(branch->input_tensors().size()) + " inputs and returns " +
                                      std::to_string(branch->output_tensors().size()) + "; IF passes " +
                                      std::to_string(node.inputs.size() - 1) + " and expects " +
                                      std::to_string(node.outputs.size()));
      }
      for (size_t i = 1; i < node.inputs.size(); ++i) {
        if (node.inputs[i] == nullptr) return node.InvalidModelError("absent branch input");
        TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *node.inputs[i], *branch->input_tensors()[i - 1], "branch input"));
      }
      for (size_t i = 0; i < node.outputs.size(); ++i) {
        if (node.outputs[i] == nullptr) return node.InvalidModelError("absent output");
        TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.outputs[i], branch->output_tensors()[i]->shape));
        TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *branch->output_tensors()[i], *node.outputs[i], "branch output"));
      }
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    Subgraph* branch = branches_[node.input(0)->bytes[0] != 0 ? 1 : 0];
    const std::vector<Tensor*> in = branch->input_tensors(), out = branch->output_tensors();
    for (size_t i = 1; i < node.inputs.size(); ++i) CopyValue(*node.inputs[i], *in[i - 1]);
    TFLDBG_RETURN_IF_ERROR(branch->Run());
    for (size_t i = 0; i < node.outputs.size(); ++i) CopyValue(*out[i], *node.outputs[i]);
    return Status::Ok();
  }

 private:
  Subgraph* branches_[2] = {nullptr, nullptr};  // else, then
};

// Runs `callee` on the node's inputs from `first_input` on; its outputs are the node's.
Status PrepareCall(const NodeContext& node, Subgraph& sub, size_t first_input) {
  if (sub.input_tensors().size() + first_input != node.inputs.size() || sub.output_tensors().size() != node.outputs.size()) {
    return node.InvalidModelError("subgraph " + std::to_string(sub.index()) + " takes " +
                                  std::to_string(sub.input_tensors().size()) + " inputs and returns " +
                                  std::to_string(sub.output_tensors().size()) + "; the node passes " +
                                  std::to_string(node.inputs.size() - first_input) + " and expects " +
                                  std::to_string(node.outputs.size()));
  }
  for (size_t i = first_input; i < node.inputs.size(); ++i) {
    if (node.inputs[i] == nullptr) return node.InvalidModelError("absent subgraph input");
    TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *node.inputs[i], *sub.input_tensors()[i - first_input], "subgraph input"));
  }
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i] == nullptr) return node.InvalidModelError("absent output");
    TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *node.outputs[i], sub.output_tensors()[i]->shape));
    TFLDBG_RETURN_IF_ERROR(CheckCompatible(node, *sub.output_tensors()[i], *node.outputs[i], "subgraph output"));
  }
  return Status::Ok();
}

Status RunCall(NodeContext& node, Subgraph& callee, size_t first_input) {
  const std::vector<Tensor*> in = callee.input_tensors(), out = callee.output_tensors();
  for (size_t i = first_input; i < node.inputs.size(); ++i) CopyValue(*node.inputs[i], *in[i - first_input]);
  TFLDBG_RETURN_IF_ERROR(callee.Run());
  for (size_t i = 0; i < node.outputs.size(); ++i) CopyValue(*out[i], *node.outputs[i]);
  return Status::Ok();
}

// STABLEHLO_CASE: inputs[0] (one int32) picks a branch subgraph; an index
// outside [0, branches) picks the last one (the StableHLO spec, and LiteRT).
// The rest of the inputs feed the branch.
class StablehloCaseKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.op->builtin_options_2_as<tflite::StablehloCaseOptions>();
    if (o == nullptr || o->branch_subgraph_indices() == nullptr || o->branch_subgraph_indices()->size() == 0) {
      return node.InvalidModelError("StablehloCaseOptions name no branch subgraph");
    }
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1 << 16));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "index"));
    const Tensor& index = *node.input(0);
    if (index.type != DataType::kInt32 || index.element_count() != 1) {
      return node.InvalidModelError("the index must be one int32, got " + std::string(DataTypeName(index.type)) +
                                    ShapeToString(index.shape));
    }
    node.litert_optimized = true;  // LiteRT's reference resolver has no STABLEHLO_CASE
    branches_.clear();
    for (int32_t b : *o->branch_subgraph_indices()) {
      TFLDBG_ASSIGN_OR_RETURN(Subgraph * branch, Resolve(node, b, "branch"));
      TFLDBG_RETURN_IF_ERROR(PrepareCall(node, *branch, 1));
      branches_.push_back(branch);
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    int32_t index = 0;
    std::memcpy(&index, node.input(0)->bytes, sizeof(index));
    const int32_t count = static_cast<int32_t>(branches_.size());
    return RunCall(node, *branches_[static_cast<size_t>(index < 0 || index >= count ? count - 1 : index)], 1);
  }

 private:
  std::vector<Subgraph*> branches_;
};

// STABLEHLO_COMPOSITE: a named group of ops (e.g. "odml.rms_norm") whose
// meaning is its decomposition subgraph; LiteRT's CPU kernel runs that
// subgraph, and so does tfldbg. The attributes only serve delegates.
class StablehloCompositeKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.op->builtin_options_2_as<tflite::StableHLOCompositeOptions>();
    if (o == nullptr) return node.InvalidModelError("StableHLOCompositeOptions are missing");
    // LiteRT refuses a composite without these (its parser requires them).
    if (o->name() == nullptr) return node.InvalidModelError("the composite has no name");
    if (o->composite_attributes() == nullptr) return node.InvalidModelError("the composite has no composite_attributes");
    TFLDBG_ASSIGN_OR_RETURN(decomposition_, Resolve(node, o->decomposition_subgraph_index(), "decomposition"));
    return PrepareCall(node, *decomposition_, 0);
  }
  Status Eval(NodeContext& node) override { return RunCall(node, *decomposition_, 0); }

 private:
  Subgraph* decomposition_ = nullptr;
};

// Runs its initializer subgraph on the first Invoke only.
class CallOnceKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    const auto* o = node.options<tflite::CallOnceOptions>();
    if (o == nullptr) return node.InvalidModelError("CallOnceOptions are missing");
    TFLDBG_ASSIGN_OR_RETURN(init_, Resolve(node, o->init_subgraph_index(), "init"));
    if (!init_->input_tensors().empty() || !init_->output_tensors().empty()) {
      return node.InvalidModelError("the init subgraph must have no inputs and no outputs");
    }
    return Status::Ok();
  }
  Status Eval(NodeContext&) override {
    if (done_) return Status::Ok();
    done_ = true;
    return init_->Run();
  }

 private:
  Subgraph* init_ = nullptr;
  bool done_ = false;
};

Result<RunContext::Variable*> VariableOf(const NodeContext& node, const Tensor& handle) {
  if (handle.type != DataType::kResource && handle.type != DataType::kInt32) {
    return node.InvalidModelError("the variable handle is " + std::string(DataTypeName(handle.type)));
  }
  int32_t id = -1;
  if (handle.byte_size >= sizeof(id)) std::memcpy(&id, handle.bytes, sizeof(id));
  RunContext::Variable* v = node.run ? node.run->FindVariable(id) : nullptr;
  if (v == nullptr) return node.RuntimeFailure("resource handle " + std::to_string(id) + " names no variable");
  return v;
}

class VarHandleKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    if (node.run == nullptr) return node.RuntimeFailure("no variables available");
    const auto* o = node.options<tflite::VarHandleOptions>();
    const std::string container = o && o->container() ? o->container()->str() : "";
    const std::string shared_name = o && o->shared_name() ? o->shared_name()->str() : "";
    handle_ = node.run->VariableHandle(container, shared_name);
    const Tensor& out = *node.output(0);
    if ((out.type != DataType::kResource && out.type != DataType::kInt32) || out.element_count() != 1) {
      return node.InvalidModelError("the handle output must be a resource tensor of one element");
    }
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    std::memcpy(node.output(0)->bytes, &handle_, sizeof(handle_));
    return Status::Ok();
  }

 private:
  int32_t handle_ = -1;
};

class AssignVariableKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 2, 2));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "handle"));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 1, "value"));
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    TFLDBG_ASSIGN_OR_RETURN(RunContext::Variable * v, VariableOf(node, *node.input(0)));
    const Tensor& value = *node.input(1);
    v->assigned = true;
    v->type = value.type;
    v->shape = value.shape;
    v->bytes.assign(value.bytes, value.bytes + value.byte_size);
    return Status::Ok();
  }
};

class ReadVariableKernel : public Kernel {
 public:
  Status Prepare(NodeContext& node) override {
    TFLDBG_RETURN_IF_ERROR(CheckInputCount(node, 1, 1));
    TFLDBG_RETURN_IF_ERROR(CheckInputPresent(node, 0, "handle"));
    TFLDBG_RETURN_IF_ERROR(CheckOutputCount(node, 1));
    return Status::Ok();
  }
  Status Eval(NodeContext& node) override {
    TFLDBG_ASSIGN_OR_RETURN(RunContext::Variable * v, VariableOf(node, *node.input(0)));
    Tensor& out = *node.output(0);
    if (!v->assigned) return node.RuntimeFailure("the variable is read before any value was assigned");
    if (v->type != out.type || v->shape != out.shape) {
      return node.UnsupportedError("the variable holds " + std::string(DataTypeName(v->type)) + ShapeToString(v->shape) +
                                   " but the output is " + DataTypeName(out.type) + ShapeToString(out.shape) +
                                   " (dynamic shapes are not supported)");
    }
    if (out.type == DataType::kString) {  // the packed buffer, in the output's own storage
      out.dynamic_storage = v->bytes;
      out.bytes = out.dynamic_storage.data();
      out.byte_size = out.dynamic_storage.size();
    } else if (!v->bytes.empty()) {
      std::memcpy(out.bytes, v->bytes.data(), std::min(v->bytes.size(), out.byte_size));
    }
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Kernel> CreateWhileKernel() { return std::make_unique<WhileKernel>(); }
std::unique_ptr<Kernel> CreateIfKernel() { return std::make_unique<IfKernel>(); }
std::unique_ptr<Kernel> CreateStablehloCaseKernel() { return std::make_unique<StablehloCaseKernel>(); }
std::unique_ptr<Kernel> CreateStablehloCompositeKernel() { return std::make_unique<StablehloCompositeKernel>(); }
std::unique_ptr<Kernel> CreateCallOnceKernel() { return std::make_unique<CallOnceKernel>(); }
std::unique_ptr<Kernel> CreateVarHandleKernel() { return std::make_unique<VarHandleKernel>(); }
std::unique_ptr<Kernel> CreateAssignVariableKernel() { return std::make_unique<AssignVariableKernel>(); }
std::unique_ptr<Kernel> CreateReadVariableKernel() { return std::make_unique<ReadVariableKernel>(); }

}  // namespace tfldbg
