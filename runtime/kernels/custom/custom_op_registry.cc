#include "kernels/custom/custom_op_registry.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace tfldbg {
namespace {

constexpr size_t kErrorCapacity = 512;
// Prepare may answer this: it needs the inputs' values, so call it again
// before each eval with data set (an output shape computed from values).
constexpr int kPrepareAtEval = 2;

class CustomOpKernel : public Kernel {
 public:
  explicit CustomOpKernel(const TfldbgCustomOp& op) : op_(op) {}

  Status Prepare(NodeContext& node) override {
    Bind(node, /*with_data=*/node.prepare_at_eval);
    const int result = op_.prepare(&context_);
    if (result == kPrepareAtEval && !node.prepare_at_eval) {
      node.DeferToEval();
      return Status::Ok();
    }
    if (result != 0) return node.UnsupportedError("prepare failed: " + Message());
    for (int i = 0; i < node.output_count(); ++i) {
      Tensor* out = node.output(i);
      if (out == nullptr) continue;
      const TfldbgTensor& c = output_views_[static_cast<size_t>(i)];
      if (c.rank < 0 || c.rank > TFLDBG_MAX_RANK) {
        return node.InvalidModelError("prepare set output " + std::to_string(i) + " to rank " + std::to_string(c.rank));
      }
      if (c.type != static_cast<int32_t>(out->type)) {
        const auto type = DataTypeFromModel(c.type);
        return node.InvalidModelError("prepare set output " + std::to_string(i) + " '" + out->name + "' to type " +
                                      (type ? DataTypeName(*type) : std::to_string(c.type)) + ", but the model declares " +
                                      DataTypeName(out->type));
      }
      TFLDBG_RETURN_IF_ERROR(SetOutputShape(node, *out, std::vector<int32_t>(c.shape, c.shape + c.rank)));
    }
    return Status::Ok();
  }

  Status Eval(NodeContext& node) override {
    Bind(node, /*with_data=*/true);
    if (op_.eval(&context_) != 0) return node.RuntimeFailure("eval failed: " + Message());
    return Status::Ok();
  }

 private:
  // Points the C views at the node's tensors. Inputs carry data when their
  // values are known (constants, or everything at Eval); outputs get their
  // buffers at Eval, and during Prepare a shape array (pre-filled with the
  // model's shape) for the op to set.
  void Bind(NodeContext& node, bool with_data) {
    using Shape = std::array<int32_t, TFLDBG_MAX_RANK>;
    const auto fill = [&](const Tensor* t, Shape& shape, bool output) {
      TfldbgTensor c{};
      c.shape = shape.data();
      if (t == nullptr) {
        c.type = -1;
        c.rank = -1;
        return c;
      }
      const size_t rank = std::min<size_t>(t->shape.size(), TFLDBG_MAX_RANK);
      std::copy(t->shape.begin(), t->shape.begin() + static_cast<long>(rank), shape.begin());
      c.type = static_cast<int32_t>(t->type);
      c.rank = static_cast<int32_t>(rank);
      const bool has_data = with_data || (!output && t->is_constant());
      c.data = has_data ? t->bytes : nullptr;
      c.bytes = has_data ? t->byte_size : 0;
      c.scale = t->quant.scale.empty() ? nullptr : t->quant.scale.data();
      c.zero_point = t->quant.zero_point.empty() ? nullptr : t->quant.zero_point.data();
      c.quant_count = static_cast<int32_t>(t->quant.scale.size());
      c.quantized_dimension = t->quant.quantized_dimension;
      c.name = t->name.c_str();
      return c;
    };
    input_shapes_.resize(node.inputs.size());
    output_shapes_.resize(node.outputs.size());
    input_views_.resize(node.inputs.size());
    output_views_.resize(node.outputs.size());
    for (size_t i = 0; i < node.inputs.size(); ++i) input_views_[i] = fill(node.inputs[i], input_shapes_[i], false);
    for (size_t i = 0; i < node.outputs.size(); ++i) output_views_[i] = fill(node.outputs[i], output_shapes_[i], true);
    error_[0] = '\0';
    context_ = TfldbgCustomOpContext{};
    context_.op_name = op_.name;
    context_.subgraph = node.subgraph;
    context_.node = node.op_index;
    const auto* options = node.op->custom_options();
    context_.options = options != nullptr ? options->data() : nullptr;
    context_.options_size = options != nullptr ? options->size() : 0;
    context_.input_count = static_cast<int32_t>(input_views_.size());
    context_.inputs = input_views_.data();
    context_.output_count = static_cast<int32_t>(output_views_.size());
    context_.outputs = output_views_.data();
    context_.error = error_.data();
    context_.error_capacity = error_.size();
    context_.user_data = op_.user_data;
  }

  // The op's one-line message (NUL-terminated here whatever the op wrote).
  std::string Message() {
    error_.back() = '\0';
    const std::string text(error_.data(), strnlen(error_.data(), error_.size()));
    return text.empty() ? std::string("(the operator gave no message)") : text;
  }

  TfldbgCustomOp op_;
  std::vector<std::array<int32_t, TFLDBG_MAX_RANK>> input_shapes_, output_shapes_;
  std::vector<TfldbgTensor> input_views_, output_views_;  // contiguous, as the C ABI hands them over
  std::array<char, kErrorCapacity> error_{};
  TfldbgCustomOpContext context_{};
};

}  // namespace

Status CustomOpRegistry::Register(const TfldbgCustomOp& op, const std::string& origin) {
  const std::string from = origin.empty() ? std::string() : origin + ": ";
  if (op.abi_version != TFLDBG_CUSTOM_OP_ABI_VERSION) {
    return InvalidArgument(from + "custom operator ABI version " + std::to_string(op.abi_version) + ", this tfldbg takes " +
                           std::to_string(TFLDBG_CUSTOM_OP_ABI_VERSION));
  }
  if (op.name == nullptr || op.name[0] == '\0') return InvalidArgument(from + "a custom operator without a name");
  const std::string name(op.name, strnlen(op.name, 256));
  if (op.prepare == nullptr || op.eval == nullptr) {
    return InvalidArgument(from + "custom operator '" + name + "' lacks its prepare or eval function");
  }
  if (ops_.count(name) != 0) {
    return InvalidArgument(from + "custom operator '" + name + "' is registered twice (first from " +
                           (ops_[name].origin.empty() ? std::string("the program") : ops_[name].origin) + ")");
  }
  Entry entry{op, name, origin};
  ops_.emplace(name, std::move(entry));
  ops_[name].op.name = ops_[name].name.c_str();
  return Status::Ok();
}

const TfldbgCustomOp* CustomOpRegistry::Find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : &it->second.op;
}

std::unique_ptr<Kernel> CustomOpRegistry::MakeKernel(const TfldbgCustomOp& op) {
  return std::make_unique<CustomOpKernel>(op);
}

}  // namespace tfldbg
