// `tfldbg graph MODEL -o FILE.{dot,svg,html}`: the graph with tensor shapes,
// dtypes and quantization.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "core/text.h"
#include "io/json_file.h"
#include "report/graph_render.h"
#include "report/model_info.h"

namespace tfldbg::cli {
namespace {

struct GraphArgs {
  std::string model;
  std::string out;
  int subgraph = 0;
  std::string overlay;
};

// A CSS color the page may put into a style attribute: #rgb or #rrggbb only,
// so an overlay cannot smuggle other CSS (url(...) would fetch from the network).
bool IsHexColor(const std::string& color) {
  if (color.size() != 4 && color.size() != 7) return false;
  if (color[0] != '#') return false;
  return color.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
}

// --overlay FILE: {"<subgraph>": {"<operator>": {"value": ..., "color": "#rrggbb", "label": "..."}}},
// as `python -m tfldbg overlay` writes it. Read through ReadJsonFile (a regular
// file of bounded size and nesting: 100,000 nested arrays once overflowed the
// stack), and checked, since it is inlined into the page.
Result<nlohmann::json> ReadOverlay(const std::string& path) {
  auto read = ReadJsonFile(path);
  // "--overlay FILE: ...", as the checks below say it.
  if (!read.ok()) return Status(read.status().code(), "--overlay " + read.status().message());
  nlohmann::json j = std::move(read).value();
  if (!j.is_object()) return InvalidArgument("--overlay " + path + ": not a JSON object");
  for (const auto& [sg, ops] : j.items()) {
    const std::string where = "--overlay " + path + ": subgraph " + QuotedName(sg);
    if (!ops.is_object()) return InvalidArgument(where + " is not an object");
    for (const auto& [op, entry] : ops.items()) {
      if (!entry.is_object()) {
        return InvalidArgument(where + ", operator " + QuotedName(op) + ": expected {value, color, label}");
      }
      if (entry.contains("color") && !(entry["color"].is_string() && IsHexColor(entry["color"].get<std::string>()))) {
        return InvalidArgument(where + ", operator " + QuotedName(op) + ": color " +
                               PrintableText(entry["color"].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
                               " is not #rgb or #rrggbb");
      }
    }
  }
  return j;
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return IoError(path + ": cannot create");
  f << text;
  f.close();
  if (!f) return IoError(path + ": write failed");
  return Status::Ok();
}

// Graphviz's `dot` from PATH, or empty.
std::string FindDot() {
  const char* path = std::getenv("PATH");
  std::string paths = path ? path : "";
  size_t start = 0;
  while (start <= paths.size()) {
    const size_t end = paths.find(':', start);
    const std::string dir = paths.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / "dot";
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) return candidate.string();
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

int RunGraph(const GraphArgs& args) {
  const std::string ext = std::filesystem::path(args.out).extension().string();
  if (ext != ".dot" && ext != ".svg" && ext != ".html") {
    return ReportError(InvalidArgument("-o " + args.out + ": the file must end in .dot, .svg or .html"));
  }
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  if (args.subgraph < 0 || args.subgraph >= std::max(1, view->subgraph_count())) {
    return ReportError(InvalidArgument("--subgraph " + std::to_string(args.subgraph) + ": the model has " +
                                       std::to_string(view->subgraph_count()) + " subgraphs"));
  }
  const nlohmann::json info = ModelInfoJson(view.value(), {});
  if (ext == ".html") {
    nlohmann::json overlay = nlohmann::json::object();
    if (!args.overlay.empty()) {
      auto read = ReadOverlay(args.overlay);
      if (!read.ok()) return ReportError(read.status());
      overlay = std::move(read).value();
    }
    if (Status s = WriteText(args.out, GraphToHtml(info, overlay)); !s.ok()) return ReportError(s);
    std::cerr << "tfldbg: wrote " << args.out << " (self-contained; open it in a browser)\n";
    return kExitOk;
  }
  if (view->subgraph_count() == 0) return ReportError(InvalidModel(args.model + ": the model has no subgraphs to draw"));
  const std::string dot = GraphToDot(info, args.subgraph);
  if (ext == ".dot") {
    if (Status s = WriteText(args.out, dot); !s.ok()) return ReportError(s);
    return kExitOk;
  }
  const std::string dot_tool = FindDot();
  if (dot_tool.empty()) {
    return ReportError(Unsupported("cannot write " + args.out + ": Graphviz's `dot` is not installed (apt-get install "
                                   "graphviz); use -o FILE.dot or -o FILE.html instead"));
  }
  const std::string tmp = args.out + ".dot.tmp";
  if (Status s = WriteText(tmp, dot); !s.ok()) return ReportError(s);
  const std::string command = ShellQuote(dot_tool) + " -Tsvg -o " + ShellQuote(args.out) + " " + ShellQuote(tmp);
  const int rc = std::system(command.c_str());
  std::remove(tmp.c_str());
  if (rc != 0) return ReportError(RuntimeError("Graphviz's dot failed (exit " + std::to_string(rc) + ") rendering " + args.out));
  return kExitOk;
}

}  // namespace

CommandRunner AddGraphCommand(CLI::App& root) {
  auto args = std::make_shared<GraphArgs>();
  CLI::App* app = root.add_subcommand(
      "graph", "Draw the graph: .dot (Graphviz source), .svg (needs Graphviz's dot) or .html (self-contained, offline: "
               "click an operator to see its options, tensors and quantization)");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  app->add_option("-o,--out", args->out, "Output file: FILE.dot, FILE.svg or FILE.html")->required();
  app->add_option("--subgraph", args->subgraph, "Subgraph to draw in .dot/.svg (default 0; the HTML page has them all)");
  app->add_option("--overlay", args->overlay,
                  "With .html: color and annotate operators from FILE ({subgraph: {operator: {value, color, label}}}, "
                  "as `python -m tfldbg overlay --graph-overlay` writes it)");
  return {app, [args]() { return RunGraph(*args); }};
}

}  // namespace tfldbg::cli
