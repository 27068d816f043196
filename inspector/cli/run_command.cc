// `tfldbg run MODEL`: prepare, set inputs, invoke once, print the outputs.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <map>
#include <vector>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"
#include "core/text.h"
#include "io/npy.h"

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

int Run(const RunArgs& args) {
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
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
      std::string name = t.name;
      for (char& c : name) if (c == '/' || c == ':' || c == ' ') c = '_';
      const std::string path = args.save_outputs + "/" + name + ".npy";
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
  AddCustomOpOptions(*app, args->custom_ops);
  return {app, [args]() {
            if (Status loaded = args->custom_ops.Load(args->interpreter); !loaded.ok()) return ReportError(loaded);
            return Run(*args);
          }};
}

}  // namespace tfldbg::cli
