// `tfldbg info MODEL [--json] [--plan]`: what is in a model.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "core/text.h"
#include "report/model_info.h"

namespace tfldbg::cli {
namespace {

std::string QuantSummary(const nlohmann::json& q) {
  if (q.is_null()) return "";
  const auto& scales = q["scale"];
  const auto& zps = q["zero_point"];
  char buf[160];
  if (scales.size() == 1) {
    std::snprintf(buf, sizeof(buf), "scale=%.9g zp=%lld", scales[0].get<double>(), zps[0].get<long long>());
    return buf;
  }
  double lo = scales[0].get<double>(), hi = lo;
  for (const auto& s : scales) {
    lo = std::min(lo, s.get<double>());
    hi = std::max(hi, s.get<double>());
  }
  std::snprintf(buf, sizeof(buf), "per-channel axis=%d x%zu scale=[%.3g..%.3g]", q["quantized_dimension"].get<int>(),
                scales.size(), lo, hi);
  return buf;
}

// Names in this listing come from the model: each goes through PrintableText
// (core/text.h), so a newline or an escape sequence in one cannot break a line
// or reach the terminal.
std::string Name(const nlohmann::json& v) { return PrintableText(v.get<std::string>()); }

std::string List(const nlohmann::json& a) {
  std::string s;
  for (const auto& v : a) s += (s.empty() ? "" : ",") + (v.is_string() ? QuotedName(v.get<std::string>()) : v.dump());
  return s;
}

void PrintText(const nlohmann::json& info, std::ostream& out) {
  out << "model: " << Name(info["model"]["path"]) << " (" << info["model"]["size_bytes"] << " bytes, schema v"
      << info["model"]["schema_version"] << ")\n";
  if (!info["model"]["description"].get<std::string>().empty()) {
    out << "description: " << Name(info["model"]["description"]) << "\n";
  }
  out << "constant bytes: " << info["constant_bytes"] << "\n";
  out << "ops:";
  for (const auto& [name, count] : info["op_histogram"].items()) out << " " << PrintableText(name) << "x" << count;
  out << "\n";
  if (!info["custom_ops"].empty()) out << "custom ops: " << List(info["custom_ops"]) << "\n";
  if (!info["unsupported_ops"].empty()) out << "not supported by tfldbg: " << List(info["unsupported_ops"]) << "\n";
  for (const auto& sig : info["signatures"]) {
    out << "signature " << QuotedName(sig["key"].get<std::string>()) << " -> subgraph " << sig["subgraph"] << ": inputs";
    for (const auto& m : sig["inputs"]) out << " " << Name(m["name"]) << "=t" << m["tensor"];
    out << "; outputs";
    for (const auto& m : sig["outputs"]) out << " " << Name(m["name"]) << "=t" << m["tensor"];
    out << "\n";
  }
  for (const auto& meta : info["metadata"]) {
    out << "metadata " << QuotedName(meta["name"].get<std::string>()) << ": " << meta["bytes"] << " bytes\n";
  }
  for (const auto& sg : info["subgraphs"]) {
    out << "\nsubgraph " << sg["index"] << " " << QuotedName(sg["name"].get<std::string>()) << ": " << sg["tensors"].size()
        << " tensors, " << sg["operators"].size() << " operators, inputs [" << List(sg["inputs"]) << "], outputs ["
        << List(sg["outputs"]) << "]\n";
    out << "  operators:\n";
    for (const auto& op : sg["operators"]) {
      char head[128];
      std::snprintf(head, sizeof(head), "  %4d  %-28s v%-2d", op["index"].get<int>(), Name(op["op"]).c_str(),
                    op["version"].get<int>());
      out << head << " in [" << List(op["inputs"]) << "] out [" << List(op["outputs"]) << "]";
      std::string opts;
      for (const auto& [k, v] : op["options"].items()) {
        if (v.is_array() && v.size() > 8) continue;
        opts += (opts.empty() ? "" : " ") + k + "=" +
                (v.is_string() ? PrintableText(v.get<std::string>())
                               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
      if (!opts.empty()) out << " {" << opts << "}";
      if (!op["supported"].get<bool>()) out << "  [not supported]";
      out << "\n";
    }
    out << "  tensors:\n";
    for (const auto& t : sg["tensors"]) {
      char head[64];
      std::snprintf(head, sizeof(head), "  %4d  %-8s %-18s", t["index"].get<int>(), t["dtype"].get<std::string>().c_str(),
                    ("[" + List(t["shape"]) + "]").c_str());
      out << head << " " << Name(t["name"]);
      if (t["constant_bytes"].get<uint64_t>() > 0) out << "  const " << t["constant_bytes"] << "B";
      if (t["is_variable"].get<bool>()) out << "  variable";
      if (t["sparse"].get<bool>()) out << "  sparse";
      const std::string q = QuantSummary(t["quantization"]);
      if (!q.empty()) out << "  " << q;
      out << "\n";
    }
  }
  if (info.contains("plan")) {
    for (const char* which : {"reuse", "no_reuse"}) {
      const auto& p = info["plan"][which];
      out << "\nmemory plan (" << which << "): ";
      if (p.contains("error")) {
        out << "not available: " << OneLine(p["error"].get<std::string>()) << "\n";
        continue;
      }
      const double ratio = p["lower_bound_bytes"].get<double>() > 0
                               ? p["arena_bytes"].get<double>() / p["lower_bound_bytes"].get<double>()
                               : 1.0;
      char line[160];
      std::snprintf(line, sizeof(line), "arena %llu bytes, lower bound %llu bytes (%.3fx)\n",
                    p["arena_bytes"].get<unsigned long long>(), p["lower_bound_bytes"].get<unsigned long long>(), ratio);
      out << line;
      if (std::string(which) == "reuse") out << p["timeline"].get<std::string>();
    }
  }
}

}  // namespace

CommandRunner AddInfoCommand(CLI::App& root) {
  struct Args {
    std::string model;
    bool json = false;
    bool plan = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* app = root.add_subcommand("info", "Show a model's subgraphs, signatures, operators, tensors, quantization "
                                              "and (with --plan) both memory plans");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  app->add_flag("--json", args->json, "Print the documented JSON structure (docs/cli.md) instead of text");
  app->add_flag("--plan", args->plan,
                "Prepare the model and report the reuse and no-reuse arena sizes, the lower bound and a timeline");
  return {app, [args]() {
            auto view = ModelView::LoadFile(args->model);
            if (!view.ok()) return ReportError(view.status());
            const nlohmann::json info = ModelInfoJson(view.value(), {args->plan});
            if (args->json) {
              std::cout << info.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            } else {
              PrintText(info, std::cout);
            }
            return kExitOk;
          }};
}

}  // namespace tfldbg::cli
