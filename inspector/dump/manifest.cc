#include "dump/manifest.h"

#include <openssl/evp.h>

#include "dump/dump_writer.h"
#include "report/model_info.h"
#include "report/options_json.h"

namespace tfldbg {
namespace {

nlohmann::json FileOrNull(const std::string& file) { return file.empty() ? nlohmann::json(nullptr) : nlohmann::json(file); }

nlohmann::json Slots(const std::vector<SlotRecord>& slots, const std::map<std::string, std::vector<double>>& inlined) {
  nlohmann::json out = nlohmann::json::array();
  for (const SlotRecord& s : slots) {
    nlohmann::json slot = {{"slot", s.slot}, {"tensor", s.tensor}, {"file", FileOrNull(s.file)}};
    auto it = inlined.find(s.file);
    if (!s.file.empty() && it != inlined.end()) slot["value"] = it->second;
    out.push_back(std::move(slot));
  }
  return out;
}

}  // namespace

std::string Sha256Hex(const uint8_t* data, size_t size) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data, size, digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

nlohmann::json BuildManifest(const Engine& interp, const std::vector<StepRecord>& steps,
                             const RunDescription& run, const std::map<std::string, std::vector<double>>& inlined) {
  const ModelView& view = interp.model();
  nlohmann::json m;
  m["format"] = kDumpFormat;
  m["version"] = kDumpFormatVersion;
  m["complete"] = false;
  m["model"] = {{"path", run.model_path}, {"sha256", run.model_sha256}};
  m["run"] = {{"planner", PlannerKindName(interp.options().planner)},
              {"rounding", RoundingPolicyName(interp.options().rounding)},
              {"kernels", KernelSetName(interp.options().kernels)},
              {"inputs", run.inputs},
              {"tool", "tfldbg"},
              {"tool_version", run.tool_version}};

  // The subgraph that ran, then every subgraph its control-flow nodes ran.
  m["subgraphs"] = nlohmann::json::array();
  for (const Engine* part : interp.subgraph_interpreters()) {
    const int sg = part->subgraph_index();
    const tflite::SubGraph& subgraph = view.subgraph(sg);
    nlohmann::json tensors = nlohmann::json::array();
    for (const Tensor& t : part->tensors()) {
      tensors.push_back({{"index", t.index},
                         {"name", t.name},
                         {"dtype", DataTypeName(t.type)},
                         {"shape", t.shape},
                         {"quantization", QuantizationJson(t.quant)},
                         {"kind", TensorKindName(t.kind)},
                         {"dynamic", t.dynamic}});
    }
    nlohmann::json inputs = nlohmann::json::array(), outputs = nlohmann::json::array();
    for (int i : part->input_indices()) inputs.push_back(i);
    for (int i : part->output_indices()) outputs.push_back(i);
    m["subgraphs"].push_back({{"index", sg},
                              {"name", subgraph.name() ? subgraph.name()->str() : ""},
                              {"inputs", inputs},
                              {"outputs", outputs},
                              {"tensors", tensors}});
  }

  nlohmann::json out_steps = nlohmann::json::array();
  for (const StepRecord& s : steps) {
    nlohmann::json step = {{"step", s.step},
                           {"subgraph", s.subgraph},
                           {"node", s.node},
                           {"invocation", s.invocation},
                           {"op", s.op},
                           {"op_version", s.op_version},
                           {"options", OperatorOptionsJson(view.op(s.subgraph, s.node))},
                           {"inputs", Slots(s.inputs, inlined)},
                           {"outputs", Slots(s.outputs, inlined)},
                           {"updates", Slots(s.updates, inlined)},
                           {"time_ns", s.time_ns}};
    // Only where LiteRT's reference kernel is missing or defective (docs/litert-defects.md).
    if (s.litert_optimized) step["litert_kernels"] = "optimized";
    if (s.xnnpack_delegated) step["xnnpack"] = true;  // --kernels xnnpack: the delegate takes this node
    out_steps.push_back(std::move(step));
  }
  m["steps"] = out_steps;
  return m;
}

}  // namespace tfldbg
