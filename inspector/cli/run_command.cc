// `tfldbg run MODEL`: prepare, set inputs, invoke once, print the outputs.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <iostream>

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
};

double ValueAt(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kFloat32: return t.data<float>()[i];
    case DataType::kInt8: return t.data<int8_t>()[i];
    case DataType::kUInt8: return t.data<uint8_t>()[i];
    case DataType::kInt16: return t.data<int16_t>()[i];
    case DataType::kInt32: return t.data<int32_t>()[i];
    case DataType::kInt64: return static_cast<double>(t.data<int64_t>()[i]);
    case DataType::kBool: return t.bytes[i];
    default: return 0.0;
  }
}

void PrintTensor(const Tensor& t) {
  // Names come from the model: escaped, so each stays on its line (core/text.h).
  std::printf("output %s (tensor %d) %s", QuotedName(t.name).c_str(), t.index, DescribeTypeAndShape(t).c_str());
  const int64_t n = t.element_count();
  if (NumpyDescr(t.type).empty() || n == 0) {
    std::printf("\n");
    return;
  }
  double lo = ValueAt(t, 0), hi = lo;
  int64_t arg = 0;
  for (int64_t i = 1; i < n; ++i) {
    const double v = ValueAt(t, i);
    if (v < lo) lo = v;
    if (v > hi) { hi = v; arg = i; }
  }
  std::printf(" min %g max %g argmax %" PRId64 "\n  [", lo, hi, arg);
  for (int64_t i = 0; i < std::min<int64_t>(n, 10); ++i) std::printf(i ? ", %g" : "%g", ValueAt(t, i));
  std::printf(n > 10 ? ", ...]\n" : "]\n");
}

int Run(const RunArgs& args) {
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  auto interp = CreateForInputs(view.value(), args.interpreter, nullptr, args.inputs);
  if (!interp.ok()) return ReportError(interp.status());
  auto used = SetInputs(*interp.value(), args.inputs);
  if (!used.ok()) return ReportError(used.status());
  for (const InputRecord& r : used.value()) {
    std::printf("input %s (tensor %d) <- %s\n", QuotedName(r.name).c_str(), r.tensor, OneLine(r.source).c_str());
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < args.repeat; ++i) {
    if (Status s = interp.value()->Invoke(); !s.ok()) return ReportError(s);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / args.repeat;
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
  std::printf("invoke: %.4g ms (mean of %d), planner %s, arena %zu bytes\n", ms, args.repeat,
              PlannerKindName(args.interpreter.planner), interp.value()->plan().arena_bytes);
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
  AddCustomOpOptions(*app, args->custom_ops);
  return {app, [args]() {
            if (Status loaded = args->custom_ops.Load(args->interpreter); !loaded.ok()) return ReportError(loaded);
            return Run(*args);
          }};
}

}  // namespace tfldbg::cli
