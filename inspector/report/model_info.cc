#include "report/model_info.h"

#include <map>

#include "interpreter/engine.h"
#include "kernels/registry.h"
#include "report/options_json.h"

namespace tfldbg {
namespace {

constexpr int kInfoFormatVersion = 1;

template <typename V>
nlohmann::json IndexList(const V* v) {
  nlohmann::json out = nlohmann::json::array();
  for (uint32_t i = 0; i < SizeOf(v); ++i) out.push_back(v->Get(i));
  return out;
}

nlohmann::json PlanJson(const ModelView& view, PlannerKind kind) {
  InterpreterOptions options;
  options.planner = kind;
  auto interp = Engine::Create(view, options);
  if (!interp.ok()) return {{"error", interp.status().message()}};
  const Engine& i = *interp.value();
  std::vector<BufferRequirement> requirements;
  nlohmann::json tensors = nlohmann::json::array();
  for (size_t p = 0; p < i.planned_tensors().size(); ++p) {
    const PlannedTensor& t = i.planned_tensors()[p];
    requirements.push_back(t.requirement);
    tensors.push_back({{"tensor", t.tensor},
                       {"bytes", t.requirement.bytes},
                       {"first_step", t.requirement.first_use},
                       {"last_step", t.requirement.last_use},
                       {"offset", i.plan().offsets[p]}});
  }
  return {{"planner", PlannerKindName(kind)},
          {"arena_bytes", i.plan().arena_bytes},
          {"lower_bound_bytes", i.arena_lower_bound()},
          {"timeline", DrawPlanTimeline(requirements, i.plan())},
          {"tensors", tensors}};
}

}  // namespace

nlohmann::json QuantizationJson(const QuantParams& quant) {
  if (quant.empty()) return nullptr;
  return {{"scale", quant.scale},
          {"zero_point", quant.zero_point},
          {"quantized_dimension", quant.quantized_dimension},
          {"per_channel", quant.per_channel()},
          {"has_details", quant.has_details}};
}

nlohmann::json ModelInfoJson(const ModelView& view, const ModelInfoOptions& options) {
  const tflite::Model& model = view.model();
  nlohmann::json info;
  info["format"] = "tfldbg-info";
  info["version"] = kInfoFormatVersion;
  info["model"] = {{"path", view.origin()},
                   {"size_bytes", view.file_size()},
                   {"schema_version", model.version()},
                   {"description", model.description() ? model.description()->str() : ""}};

  uint64_t constant_bytes = 0;
  std::map<std::string, int> all_ops;
  std::vector<std::string> custom_ops, unsupported_ops;
  nlohmann::json subgraphs = nlohmann::json::array();
  for (int s = 0; s < view.subgraph_count(); ++s) {
    const tflite::SubGraph& sg = view.subgraph(s);
    nlohmann::json tensors = nlohmann::json::array();
    for (int t = 0; t < static_cast<int>(SizeOf(sg.tensors())); ++t) {
      const tflite::Tensor& tensor = view.tensor(s, t);
      const ByteView data = view.TensorData(s, t);
      constant_bytes += data.size;
      nlohmann::json signature = nullptr;
      if (tensor.shape_signature() != nullptr) signature = IndexList(tensor.shape_signature());
      tensors.push_back({{"index", t},
                         {"name", view.TensorName(s, t)},
                         {"dtype", DataTypeName(view.TensorType(s, t))},
                         {"shape", view.TensorShape(s, t)},
                         {"shape_signature", signature},
                         {"buffer", tensor.buffer()},
                         {"constant_bytes", data.size},
                         {"is_variable", tensor.is_variable()},
                         {"sparse", tensor.sparsity() != nullptr},
                         {"quantization", QuantizationJson(view.TensorQuant(s, t))}});
    }
    nlohmann::json operators = nlohmann::json::array();
    std::map<std::string, int> histogram;
    for (int o = 0; o < static_cast<int>(SizeOf(sg.operators())); ++o) {
      const tflite::Operator& op = view.op(s, o);
      const std::string name = view.OpName(op.opcode_index());
      const bool custom = view.IsCustom(op.opcode_index());
      const OpInfo* known = custom ? FindCustomOp(name) : FindBuiltinOp(view.BuiltinCode(op.opcode_index()));
      const bool supported = known != nullptr && known->supported();
      ++histogram[name];
      ++all_ops[name];
      if (custom && std::find(custom_ops.begin(), custom_ops.end(), name) == custom_ops.end()) custom_ops.push_back(name);
      if (!supported && std::find(unsupported_ops.begin(), unsupported_ops.end(), name) == unsupported_ops.end()) {
        unsupported_ops.push_back(name);
      }
      operators.push_back({{"index", o},
                           {"op", name},
                           {"builtin_code", view.BuiltinCode(op.opcode_index())},
                           {"custom", custom},
                           {"version", view.OpVersion(op.opcode_index())},
                           {"supported", supported},
                           {"family", known != nullptr ? known->family : ""},
                           {"inputs", IndexList(op.inputs())},
                           {"outputs", IndexList(op.outputs())},
                           {"intermediates", IndexList(op.intermediates())},
                           {"options_type", OperatorOptionsName(op)},
                           {"options", OperatorOptionsJson(op)}});
    }
    subgraphs.push_back({{"index", s},
                         {"name", sg.name() ? sg.name()->str() : ""},
                         {"inputs", IndexList(sg.inputs())},
                         {"outputs", IndexList(sg.outputs())},
                         {"op_histogram", histogram},
                         {"operators", operators},
                         {"tensors", tensors}});
  }
  info["subgraphs"] = subgraphs;

  nlohmann::json signatures = nlohmann::json::array();
  for (uint32_t i = 0; i < SizeOf(model.signature_defs()); ++i) {
    const tflite::SignatureDef* sig = model.signature_defs()->Get(i);
    auto maps = [](const flatbuffers::Vector<flatbuffers::Offset<tflite::TensorMap>>* v) {
      nlohmann::json out = nlohmann::json::array();
      for (uint32_t m = 0; m < SizeOf(v); ++m) {
        out.push_back({{"name", v->Get(m)->name() ? v->Get(m)->name()->str() : ""}, {"tensor", v->Get(m)->tensor_index()}});
      }
      return out;
    };
    signatures.push_back({{"key", sig->signature_key() ? sig->signature_key()->str() : ""},
                          {"subgraph", sig->subgraph_index()},
                          {"inputs", maps(sig->inputs())},
                          {"outputs", maps(sig->outputs())}});
  }
  info["signatures"] = signatures;

  nlohmann::json metadata = nlohmann::json::array();
  for (uint32_t i = 0; i < SizeOf(model.metadata()); ++i) {
    const tflite::Metadata* meta = model.metadata()->Get(i);
    metadata.push_back({{"name", meta->name() ? meta->name()->str() : ""},
                        {"buffer", meta->buffer()},
                        {"bytes", view.BufferData(meta->buffer()).size}});
  }
  info["metadata"] = metadata;
  info["op_histogram"] = all_ops;
  info["custom_ops"] = custom_ops;
  info["unsupported_ops"] = unsupported_ops;
  info["constant_bytes"] = constant_bytes;
  if (options.with_plan) {
    info["plan"] = {{"reuse", PlanJson(view, PlannerKind::kReuse)}, {"no_reuse", PlanJson(view, PlannerKind::kNoReuse)}};
  }
  return info;
}

nlohmann::json OpJson(const OpInfo& op) {
  std::vector<std::string> dtypes;
  for (size_t i = 0, n = 0; op.dtypes[i] != '\0'; i = n) {
    while (op.dtypes[i] == ' ') ++i;
    n = i;
    while (op.dtypes[n] != '\0' && op.dtypes[n] != ' ') ++n;
    if (n > i) dtypes.emplace_back(op.dtypes + i, op.dtypes + n);
  }
  std::vector<int> sparse_inputs;
  for (int slot = 0; slot < 24; ++slot) {
    if (op.MayReadSparse(slot)) sparse_inputs.push_back(slot);
  }
  return {{"op", op.name},
          {"builtin_code", op.builtin_code},
          {"custom", op.builtin_code < 0},
          {"family", op.family},
          {"supported", op.supported()},
          {"dtypes", dtypes},
          {"why_not", op.supported() ? nlohmann::json(nullptr) : nlohmann::json(op.why_not)},
          {"options_table", op.options},
          {"facts", {{"rounds_once_under_litert", op.RoundsOnce()},
                     {"float_shadow_identity", op.ShadowIdentity()},
                     {"optimized_rounds_half_up", op.OptimizedGemm()},
                     {"sparse_inputs", sparse_inputs},
                     {"main_input", op.MainInputSlot()}}}};
}

nlohmann::json OpTableJson() {
  nlohmann::json ops = nlohmann::json::array();
  for (const OpInfo& op : AllOps()) ops.push_back(OpJson(op));
  return {{"format", "tfldbg-ops"}, {"version", 1}, {"ops", ops}};
}

}  // namespace tfldbg
