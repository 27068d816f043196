// `tfldbg dump MODEL --out DIR`: every node's inputs and outputs to .npy files
// with a manifest (docs/dump-format.md).
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"
#include "dump/dump_writer.h"
#include "dump/manifest.h"

namespace tfldbg::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

struct DumpArgs {
  std::string model;
  std::string out;
  bool force = false;
  InputSpec inputs;
  InterpreterOptions interpreter;
  std::string nodes;
  std::string ops;
  std::string tensors;
  bool no_constants = false;
};

Status ParseSelection(const DumpArgs& args, CaptureOptions& capture) {
  if (!args.nodes.empty()) {
    const size_t colon = args.nodes.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      const int a = colon == 0 ? 0 : std::stoi(args.nodes.substr(0, colon));
      const int b = colon + 1 == args.nodes.size() ? INT32_MAX : std::stoi(args.nodes.substr(colon + 1));
      if (a < 0 || b < a) throw std::invalid_argument("order");
      capture.node_range = std::make_pair(a, b);
    } catch (const std::exception&) {
      return InvalidArgument("--nodes '" + args.nodes + "': expected A:B with 0 <= A <= B (either may be omitted)");
    }
  }
  std::stringstream ops(args.ops);
  for (std::string op; std::getline(ops, op, ',');) {
    if (!op.empty()) capture.ops.insert(op);
  }
  if (!args.tensors.empty()) {
    try {
      capture.tensor_pattern = std::regex(args.tensors, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgument("--tensors '" + args.tensors + "': not a valid regular expression: " + e.what());
    }
  }
  capture.constants = !args.no_constants;
  return Status::Ok();
}

int RunDump(const DumpArgs& args) {
  CaptureOptions capture_options;
  if (Status s = ParseSelection(args, capture_options); !s.ok()) return ReportError(s);
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  auto dir = DumpDirectory::Begin(args.out, args.force);
  if (!dir.ok()) return ReportError(dir.status());

  NpyDirectorySink sink(dir->staging());
  capture_options.cancel = &g_interrupted;
  CaptureObserver capture(sink, capture_options);
  auto interp = Interpreter::Create(view.value(), args.interpreter, &capture);
  auto abandon = [&](const Status& why) {
    std::error_code ec;
    std::filesystem::remove_all(dir->staging(), ec);
    return ReportError(why);
  };
  if (!interp.ok()) return abandon(interp.status());
  auto used = SetInputs(*interp.value(), args.inputs);
  if (!used.ok()) return abandon(used.status());

  RunDescription run;
  run.model_path = args.model;
  run.model_sha256 = Sha256Hex(view->file_data(), view->file_size());
  run.tool_version = TFLDBG_VERSION;
  for (const InputRecord& r : used.value()) {
    auto file = capture.StoreInput(interp.value()->tensors()[static_cast<size_t>(r.tensor)], 0);
    if (!file.ok()) return abandon(file.status());
    run.inputs.push_back({{"name", r.name}, {"tensor", r.tensor}, {"source", r.source}, {"file", file.value()}});
  }

  auto previous = std::signal(SIGINT, OnInterrupt);
  const Status invoked = interp.value()->Invoke();
  std::signal(SIGINT, previous);
  const nlohmann::json manifest = BuildManifest(*interp.value(), capture.steps(), run);
  if (!invoked.ok()) {
    // Keep what was written, marked incomplete, where nobody mistakes it for a dump.
    const Status kept = dir->Abandon(manifest);
    ReportError(invoked.WithContext(kept.ok() ? "dump left incomplete in " + dir->staging() : "dump failed"));
    return invoked.code() == ErrorCode::kCancelled ? kExitInterrupted : kExitFailure;
  }
  if (Status s = dir->Finish(manifest); !s.ok()) return abandon(s);
  std::cerr << "tfldbg: wrote " << capture.steps().size() << " steps, " << capture.bytes_stored() << " tensor bytes to "
            << dir->target() << "\n";
  return kExitOk;
}

}  // namespace

CommandRunner AddDumpCommand(CLI::App& root) {
  auto args = std::make_shared<DumpArgs>();
  CLI::App* app = root.add_subcommand(
      "dump", "Run the model once and write every executed node's inputs (as they were before it ran) and outputs "
              "(right after) as .npy files, with manifest.json (docs/dump-format.md)");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  app->add_option("--out,-o", args->out, "Dump directory to create (written beside it, renamed when complete)")->required();
  app->add_flag("--force", args->force, "Replace an existing dump directory");
  AddInputOptions(*app, args->inputs);
  AddRunOptions(*app, args->interpreter);
  app->add_option("--nodes", args->nodes, "A:B - only operators A..B of the main subgraph (inclusive)");
  app->add_option("--ops", args->ops, "LIST - only these ops, comma-separated (CONV_2D,ADD)");
  app->add_option("--tensors", args->tensors, "REGEX - only tensors whose names match (searched, ECMAScript)");
  app->add_flag("--no-constants", args->no_constants, "Do not store constant tensors (weights, biases)");
  return {app, [args]() { return RunDump(*args); }};
}

}  // namespace tfldbg::cli
