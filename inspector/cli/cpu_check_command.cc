// `tfldbg cpu-check MODEL`: runs the model with the scalar reference kernels,
// then with every fast CPU path this machine runs (and several thread
// counts), and compares every tensor byte for byte. Exit 0 when all agree.
// The Python op sweeps call it on each model they build.
#include <cstdio>
#include <cstring>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"

namespace tfldbg::cli {
namespace {

struct CpuCheckArgs {
  std::string model;
  InputSpec inputs;
  InterpreterOptions interpreter;
  std::vector<int> threads = {1, 3};
};

struct Run {
  std::vector<std::vector<uint8_t>> tensors;  // every tensor of the subgraph after the invoke
  std::vector<std::string> names;
};

Result<Run> RunOnce(const ModelView& view, InterpreterOptions options, const InputSpec& inputs) {
  options.planner = PlannerKind::kNoReuse;  // every tensor keeps its value to the end
  TFLDBG_ASSIGN_OR_RETURN(auto interp, CreateForInputs(view, options, nullptr, inputs));
  TFLDBG_RETURN_IF_ERROR(SetInputs(*interp, inputs).status());
  TFLDBG_RETURN_IF_ERROR(interp->Invoke());
  Run run;
  for (const Tensor& t : interp->tensors()) {
    run.names.push_back(t.name);
    run.tensors.emplace_back(t.bytes, t.bytes + (t.bytes ? t.byte_size : 0));
  }
  return run;
}

int CpuCheck(const CpuCheckArgs& args) {
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  InterpreterOptions scalar = args.interpreter;
  scalar.cpu = CpuPath::kScalar;
  scalar.threads = 1;
  auto reference = RunOnce(view.value(), scalar, args.inputs);
  if (!reference.ok()) return ReportError(reference.status());
  int compared = 0;
  for (CpuPath path : {CpuPath::kPortable, CpuPath::kAvx2, CpuPath::kAvxVnni, CpuPath::kAvx512Vnni}) {
    if (!CpuRuns(path)) {
      std::printf("%-11s not run by this CPU\n", CpuPathName(path));
      continue;
    }
    for (int threads : args.threads) {
      InterpreterOptions options = args.interpreter;
      options.cpu = path;
      options.threads = threads;
      auto run = RunOnce(view.value(), options, args.inputs);
      if (!run.ok()) return ReportError(run.status());
      const Run& a = reference.value();
      const Run& b = run.value();
      for (size_t t = 0; t < a.tensors.size(); ++t) {
        if (a.tensors[t] != b.tensors[t]) {
          return ReportError(RuntimeError("tensor " + std::to_string(t) + " '" + a.names[t] + "' differs between " +
                                          "--cpu scalar and --cpu " + CpuPathName(path) + " --threads " +
                                          std::to_string(threads)));
        }
      }
      ++compared;
      std::printf("%-11s threads %-3d %zu tensors identical to scalar\n", CpuPathName(path), threads, a.tensors.size());
    }
  }
  std::printf("cpu-check: %d runs identical to the scalar kernels\n", compared);
  return kExitOk;
}

}  // namespace

CommandRunner AddCpuCheckCommand(CLI::App& root) {
  auto args = std::make_shared<CpuCheckArgs>();
  CLI::App* app = root.add_subcommand(
      "cpu-check", "Run the model with the scalar kernels and with every fast CPU path this machine runs, at several "
                   "thread counts, and compare every tensor byte for byte (exit 0 when all agree)");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  AddInputOptions(*app, args->inputs);
  AddRunOptions(*app, args->interpreter);
  app->add_option("--thread-counts", args->threads, "Thread counts to run each path with (default: 1 3)")
      ->check(CLI::Range(1, 1024));
  return {app, [args]() { return CpuCheck(*args); }};
}

}  // namespace tfldbg::cli
