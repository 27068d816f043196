// `tfldbg run MODEL`: prepare, set inputs, invoke once, print the outputs.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"
#include "core/text.h"
#include "io/npy.h"
#include "observers/mixed_observer.h"

namespace tfldbg::cli {
namespace {

struct RunArgs {
  std::string model;
  InputSpec inputs;
  InterpreterOptions interpreter;
  CustomOpOptions custom_ops;
  std::string save_outputs;
  int repeat = 1;
  bool profile = false;
  // Mixed execution: these nodes in float (--float-nodes), or one run per
  // line of a file (--float-sets).
  std::string float_nodes;
  std::string float_sets;
  std::string weights_from;  // float nodes use this float model's weights (by name)
};

double ProcessorMs(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// Multiply-accumulates of the ops whose cost is mostly MACs, from their shapes.
int64_t MacCount(const NodeContext& node) {
  const Tensor* in = node.input(0);
  const Tensor* w = node.input(1);
  const Tensor* out = node.output(0);
  if (in == nullptr || w == nullptr || out == nullptr) return 0;
  if (node.op_name == "CONV_2D" && w->rank() == 4) return out->element_count() * w->dim(1) * w->dim(2) * w->dim(3);
  if (node.op_name == "DEPTHWISE_CONV_2D" && w->rank() == 4) return out->element_count() * w->dim(1) * w->dim(2);
  if (node.op_name == "FULLY_CONNECTED" && w->rank() == 2) return out->element_count() * w->dim(1);
  return 0;
}

// --profile: processor time of each node on the calling thread (steady on a
// busy machine; with --threads > 1 it misses the workers' share), summed by op.
class ProfileObserver : public NodeObserver {
 public:
  Status BeforeNode(int, const NodeContext&) override {
    start_ = ProcessorMs(CLOCK_THREAD_CPUTIME_ID);
    return Status::Ok();
  }
  Status AfterNode(int, const NodeContext& node, int64_t) override {
    const double ms = ProcessorMs(CLOCK_THREAD_CPUTIME_ID) - start_;
    Row& r = rows_[node.op_name];
    r.ms += ms;
    r.nodes += 1;
    r.macs += MacCount(node);
    total_ += ms;
    return Status::Ok();
  }
  void Print(int invokes) const {
    std::vector<std::pair<std::string, Row>> sorted(rows_.begin(), rows_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
    std::printf("profile (processor time of the calling thread, per invoke):\n");
    std::printf("  %-26s %7s %10s %7s %10s\n", "op", "nodes", "ms", "share", "GMAC/s");
    for (const auto& [op, r] : sorted) {
      const double ms = r.ms / invokes;
      std::printf("  %-26s %7lld %10.4f %6.1f%%", op.c_str(), static_cast<long long>(r.nodes / invokes), ms,
                  100.0 * r.ms / std::max(total_, 1e-9));
      if (r.macs > 0) std::printf(" %10.1f", static_cast<double>(r.macs) / invokes / (ms * 1e6));
      std::printf("\n");
    }
  }

 private:
  struct Row {
    double ms = 0;
    int64_t nodes = 0;
    int64_t macs = 0;
  };
  std::map<std::string, Row> rows_;
  double start_ = 0, total_ = 0;
};

void PrintTensor(const Tensor& t) {
  // Names come from the model: escaped, so each stays on its line (core/text.h).
  std::printf("output %s (tensor %d) %s", QuotedName(t.name).c_str(), t.index, DescribeTypeAndShape(t).c_str());
  const int64_t n = t.element_count();
  if (t.type == DataType::kString && n > 0) {
    std::printf("\n  [");
    for (int64_t i = 0; i < std::min<int64_t>(n, 10); ++i) {
      std::printf(i ? ", %s" : "%s", QuotedName(StringAt(t, i)).c_str());
    }
    std::printf(n > 10 ? ", ...]\n" : "]\n");
    return;
  }
  if (NumpyDescr(t.type).empty() || n == 0) {
    std::printf("\n");
    return;
  }
  if (t.type == DataType::kComplex64 || t.type == DataType::kComplex128) {
    // Complex values: the range of their magnitudes, then the first values as re+imj.
    auto part = [&](int64_t i) {
      return t.type == DataType::kComplex64 ? static_cast<double>(t.data<float>()[i]) : t.data<double>()[i];
    };
    auto magnitude = [&](int64_t i) { return std::hypot(part(2 * i), part(2 * i + 1)); };
    double lo = magnitude(0), hi = lo;
    int64_t arg = 0;
    for (int64_t i = 1; i < n; ++i) {
      const double v = magnitude(i);
      if (v < lo) lo = v;
      if (v > hi) { hi = v; arg = i; }
    }
    std::printf(" |min| %g |max| %g argmax %" PRId64 "\n  [", lo, hi, arg);
    for (int64_t i = 0; i < std::min<int64_t>(n, 10); ++i) {
      std::printf(i ? ", %g%+gj" : "%g%+gj", part(2 * i), part(2 * i + 1));
    }
    std::printf(n > 10 ? ", ...]\n" : "]\n");
    return;
  }
  double lo = t.ValueAt(0), hi = lo;
  int64_t arg = 0;
  for (int64_t i = 1; i < n; ++i) {
    const double v = t.ValueAt(i);
    if (v < lo) lo = v;
    if (v > hi) { hi = v; arg = i; }
  }
  std::printf(" min %g max %g argmax %" PRId64 "\n  [", lo, hi, arg);
  for (int64_t i = 0; i < std::min<int64_t>(n, 10); ++i) std::printf(i ? ", %g" : "%g", t.ValueAt(i));
  std::printf(n > 10 ? ", ...]\n" : "]\n");
}

// "3,5,7", "2:6" (inclusive), "all", "none" or "" -> node indices, each checked.
Result<std::set<int>> ParseNodeSet(const std::string& spec, int node_count, const std::string& where) {
  std::set<int> nodes;
  std::string text;
  for (char c : spec) if (c != ' ' && c != '\t' && c != '\r') text += c;
  if (text == "all") {
    for (int i = 0; i < node_count; ++i) nodes.insert(i);
    return nodes;
  }
  if (text.empty() || text == "none") return nodes;
  std::stringstream items(text);
  std::string item;
  auto number = [&](const std::string& s) -> Result<int> {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) {
      return InvalidArgument(where + ": '" + s + "' is not a node index (expected N, A:B, all or none)");
    }
    const int n = std::stoi(s);
    if (n >= node_count) {
      return InvalidArgument(where + ": node " + s + " does not exist (the subgraph has " + std::to_string(node_count) +
                             " nodes, 0.." + std::to_string(node_count - 1) + ")");
    }
    return n;
  };
  while (std::getline(items, item, ',')) {
    const size_t colon = item.find(':');
    if (colon == std::string::npos) {
      TFLDBG_ASSIGN_OR_RETURN(int n, number(item));
      nodes.insert(n);
      continue;
    }
    TFLDBG_ASSIGN_OR_RETURN(int a, number(item.substr(0, colon)));
    TFLDBG_ASSIGN_OR_RETURN(int b, number(item.substr(colon + 1)));
    if (a > b) return InvalidArgument(where + ": range " + item + " is empty (A:B needs A <= B)");
    for (int i = a; i <= b; ++i) nodes.insert(i);
  }
  return nodes;
}

std::string SafeName(std::string name) {
  for (char& c : name) if (c == '/' || c == ':' || c == ' ') c = '_';
  return name;
}

// --float-nodes / --float-sets: the float shadow beside the quantized engine,
// one Invoke per set; outputs printed and saved as float32.
int RunMixed(const RunArgs& args, const ModelView& view) {
  std::vector<std::string> specs;
  std::vector<int> line_numbers;
  if (!args.float_sets.empty()) {
    std::ifstream in(args.float_sets);
    if (!in) return ReportError(IoError(args.float_sets + ": cannot read"));
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      if (!line.empty() && line[0] == '#') continue;
      specs.push_back(line);
      line_numbers.push_back(number);
    }
    if (specs.empty()) return ReportError(InvalidArgument(args.float_sets + ": no sets (one per line: N,N,..., A:B, all or none)"));
  } else {
    specs.push_back(args.float_nodes);
  }
  InterpreterOptions options = args.interpreter;
  {
    auto probe = CreateForInputs(view, options, nullptr, args.inputs);
    if (!probe.ok()) return ReportError(probe.status());
    auto shapes = ResizedInputShapes(*probe.value(), args.inputs);
    if (!shapes.ok()) return ReportError(shapes.status());
    options.input_shapes = shapes.value();
  }
  InterpreterOptions shadow_options = options;
  shadow_options.float_shadow = true;
  shadow_options.planner = PlannerKind::kNoReuse;  // values are set from outside node by node
  std::optional<ModelView> float_model;
  if (!args.weights_from.empty()) {
    auto loaded = ModelView::LoadFile(args.weights_from);
    if (!loaded.ok()) return ReportError(loaded.status());
    float_model.emplace(std::move(loaded.value()));
    shadow_options.shadow_weights = &*float_model;
  }
  auto shadow = Engine::Create(view, shadow_options);
  if (!shadow.ok()) return ReportError(shadow.status().WithContext("the float shadow"));
  // Every set checked before any runs: a bad line fails the command with nothing printed.
  std::vector<std::set<int>> sets;
  for (size_t k = 0; k < specs.size(); ++k) {
    const std::string where = args.float_sets.empty() ? std::string("--float-nodes")
                                                      : args.float_sets + " line " + std::to_string(line_numbers[k]);
    auto nodes = ParseNodeSet(specs[k], shadow.value()->node_count(), where);
    if (!nodes.ok()) return ReportError(nodes.status());
    sets.push_back(std::move(nodes.value()));
  }
  for (size_t k = 0; k < sets.size(); ++k) {
    const std::set<int>* nodes = &sets[k];
    MixedObserver mixed(*shadow.value(), *nodes);
    auto interp = Engine::Create(view, options, &mixed);
    if (!interp.ok()) return ReportError(interp.status());
    mixed.Attach(*interp.value());
    auto used = SetInputs(*interp.value(), args.inputs);
    if (!used.ok()) return ReportError(used.status());
    if (k == 0) {
      for (const InputRecord& r : used.value()) {
        std::printf("input %s (tensor %d) <- %s\n", QuotedName(r.name).c_str(), r.tensor, OneLine(r.source).c_str());
      }
    }
    if (Status s = interp.value()->Invoke(); !s.ok()) return ReportError(s);
    std::string dir = args.save_outputs;
    if (!dir.empty() && !args.float_sets.empty()) {
      dir += "/" + std::to_string(k);
      std::error_code ec;
      std::filesystem::create_directories(dir, ec);
      if (ec) return ReportError(IoError(dir + ": cannot create: " + ec.message()));
    }
    std::string listed;
    for (int n : *nodes) listed += (listed.empty() ? "" : ",") + std::to_string(n);
    std::printf("float nodes [%s]\n", listed.c_str());
    for (int index : interp.value()->output_indices()) {
      const Tensor& q = interp.value()->tensors()[static_cast<size_t>(index)];
      std::vector<float> values;
      if (Status s = mixed.ValueAsFloat(index, &values); !s.ok()) return ReportError(s.WithContext("output " + q.name));
      Tensor f;
      f.index = q.index;
      f.name = q.name;
      f.type = DataType::kFloat32;
      f.shape = q.shape;
      f.bytes = reinterpret_cast<uint8_t*>(values.data());
      f.byte_size = values.size() * sizeof(float);
      PrintTensor(f);
      if (!dir.empty()) {
        if (Status s = WriteNpy(dir + "/" + SafeName(q.name) + ".npy", f.type, f.shape, f.bytes, f.byte_size); !s.ok()) {
          return ReportError(s);
        }
      }
    }
  }
  return kExitOk;
}

int Run(const RunArgs& args) {
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  if (!args.float_nodes.empty() || !args.float_sets.empty()) return RunMixed(args, view.value());
  if (!args.weights_from.empty()) return ReportError(InvalidArgument("--weights-from needs --float-nodes or --float-sets"));
  ProfileObserver profile;
  auto interp = CreateForInputs(view.value(), args.interpreter, args.profile ? &profile : nullptr, args.inputs);
  if (!interp.ok()) return ReportError(interp.status());
  auto used = SetInputs(*interp.value(), args.inputs);
  if (!used.ok()) return ReportError(used.status());
  for (const InputRecord& r : used.value()) {
    std::printf("input %s (tensor %d) <- %s\n", QuotedName(r.name).c_str(), r.tensor, OneLine(r.source).c_str());
  }
  // Processor time too: on a busy machine it is the steadier figure (all threads' time).
  const double cpu_start = ProcessorMs(CLOCK_PROCESS_CPUTIME_ID);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < args.repeat; ++i) {
    if (Status s = interp.value()->Invoke(); !s.ok()) return ReportError(s);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / args.repeat;
  const double cpu_ms = (ProcessorMs(CLOCK_PROCESS_CPUTIME_ID) - cpu_start) / args.repeat;
  for (int index : interp.value()->output_indices()) {
    const Tensor& t = interp.value()->tensors()[static_cast<size_t>(index)];
    PrintTensor(t);
    if (!args.save_outputs.empty()) {
      const std::string path = args.save_outputs + "/" + SafeName(t.name) + ".npy";
      if (Status s = WriteNpy(path, t.type, t.shape, t.bytes, t.byte_size); !s.ok()) return ReportError(s);
    }
  }
  std::printf("invoke: %.4g ms (mean of %d), planner %s, arena %zu bytes, cpu %s, threads %d, processor time %.4g ms\n", ms,
              args.repeat, PlannerKindName(args.interpreter.planner), interp.value()->plan().arena_bytes,
              CpuPathName(interp.value()->cpu_path()), args.interpreter.threads, cpu_ms);
  if (args.profile) profile.Print(args.repeat);
  return kExitOk;
}

}  // namespace

CommandRunner AddRunCommand(CLI::App& root) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* app = root.add_subcommand("run", "Run the model and print its outputs (and the invoke time)");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  AddInputOptions(*app, args->inputs);
  AddRunOptions(*app, args->interpreter);
  app->add_option("--save-outputs", args->save_outputs, "Existing directory to write each output as NAME.npy")
      ->check(CLI::ExistingDirectory);
  app->add_option("--repeat", args->repeat, "Invoke this many times and report the mean time")->check(CLI::Range(1, 1000000));
  app->add_flag("--profile", args->profile,
                "Also print the processor time per op (and GMAC/s of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED)");
  auto* float_nodes = app->add_option(
      "--float-nodes", args->float_nodes,
      "LIST: mixed execution. These nodes (N,N,..., A:B, all, none) run their float kernel on the float shadow's "
      "dequantized weights, their inputs dequantized, their outputs quantized with the output tensor's own "
      "parameters where a quantized node reads them (the QUANTIZE/DEQUANTIZE a converter puts at the borders); the "
      "rest runs quantized. Outputs are printed and saved as float32 (docs/sensitivity.md)");
  app->add_option("--float-sets", args->float_sets,
                  "FILE: mixed execution once per line (each a --float-nodes LIST); with --save-outputs, set K's "
                  "outputs go to DIR/K/")
      ->check(CLI::ExistingFile)
      ->excludes(float_nodes);
  app->add_option("--weights-from", args->weights_from,
                  "FLOAT.tflite: with --float-nodes/--float-sets, float nodes take the constants of this float model "
                  "that have the same name and shape (the float original's weights, as a converter keeps them) "
                  "instead of dequantized ones");
  AddCustomOpOptions(*app, args->custom_ops);
  return {app, [args]() {
            if (Status loaded = args->custom_ops.Load(args->interpreter); !loaded.ok()) return ReportError(loaded);
            return Run(*args);
          }};
}

}  // namespace tfldbg::cli
