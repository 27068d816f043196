// `tfldbg replay MODEL --out DIR`: the quantized run and its two float
// references, as three dumps with the same step numbering:
//   DIR/quant        what `tfldbg dump` writes;
//   DIR/local        each node's float kernel on the dequantized inputs that
//                    node received (constants dequantized): error born there;
//   DIR/accumulated  the whole float shadow run from the dequantized inputs:
//                    error as it grows.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"
#include "dump/dump_writer.h"
#include "dump/manifest.h"
#include "interpreter/float_shadow.h"
#include "observers/capture_observer.h"
#include "observers/shadow_observer.h"

namespace tfldbg::cli {
namespace {

namespace fs = std::filesystem;

struct ReplayArgs {
  std::string model;
  std::string out;
  bool force = false;
  InputSpec inputs;
  InterpreterOptions interpreter;
  CustomOpOptions custom_ops;
  std::string weights_from;
  // --against optimized: the references are the integer model on LiteRT's
  // optimized kernels (local: node by node on the inputs the run's node
  // received; accumulated: the whole graph), not the float shadow.
  std::optional<KernelSet> against;
};

// One of the three dumps: its directory, files and capture, and the label
// its errors carry (a write that fails under local/ says "local").
struct Part {
  Part(const std::string& root, bool values_set_from_outside, std::string label)
      : root(root), label(std::move(label)), sink(root), capture(sink, [&] {
          CaptureOptions o;
          o.values_set_from_outside = values_set_from_outside;
          return o;
        }()) {}
  std::string root;
  std::string label;
  NpyDirectorySink sink;
  CaptureObserver capture;
};

Status MakeDirs(const std::string& staging) {
  std::error_code ec;
  fs::remove_all(fs::path(staging) / "tensors", ec);  // Begin makes it for a single dump
  for (const char* part : {"quant", "local", "accumulated"}) {
    if (!fs::create_directories(fs::path(staging) / part / "tensors", ec)) {
      return IoError(staging + "/" + part + ": cannot create: " + ec.message());
    }
  }
  return Status::Ok();
}

Status WritePart(const Engine& interp, Part& part, RunDescription run, const char* kind) {
  TFLDBG_RETURN_IF_ERROR(part.sink.Flush().WithContext(part.label));
  nlohmann::json manifest = BuildManifest(interp, part.capture.steps(), run, part.capture.inlined());
  manifest["run"]["replay"] = kind;
  manifest["complete"] = true;
  return WriteJsonFile(part.root + "/manifest.json", manifest).WithContext(part.label);
}

Result<std::string> Labelled(Result<std::string> file, const std::string& label) {
  if (file.ok()) return file;
  return file.status().WithContext(label);
}

Status Replay(const ReplayArgs& args, const DumpDirectory& dir) {
  TFLDBG_ASSIGN_OR_RETURN(ModelView view, ModelView::LoadFile(args.model));
  // The model itself first, so what it lacks is named as for `tfldbg dump`;
  // inputs whose files have another shape resize all three interpreters.
  InterpreterOptions options = args.interpreter;
  {
    TFLDBG_ASSIGN_OR_RETURN(auto probe, Engine::Create(view, options));
    TFLDBG_ASSIGN_OR_RETURN(options.input_shapes, ResizedInputShapes(*probe, args.inputs));
  }
  TFLDBG_RETURN_IF_ERROR(MakeDirs(dir.staging()));
  const bool kernels_reference = args.against.has_value();
  Part quant(dir.staging() + "/quant", false, "the quantized run (quant/)");
  Part local(dir.staging() + "/local", true,
             kernels_reference ? "the other kernels node by node (local/)" : "the local float reference (local/)");
  Part accumulated(dir.staging() + "/accumulated", false,
                   kernels_reference ? "the other kernels' run (accumulated/)" : "the float shadow run (accumulated/)");

  InterpreterOptions shadow_options = options;
  shadow_options.float_shadow = !kernels_reference;
  if (kernels_reference) shadow_options.kernels = *args.against;
  std::optional<ModelView> float_model;
  if (!args.weights_from.empty()) {
    TFLDBG_ASSIGN_OR_RETURN(float_model, ModelView::LoadFile(args.weights_from));
    shadow_options.shadow_weights = &*float_model;
  }
  InterpreterOptions local_options = shadow_options;
  local_options.planner = PlannerKind::kNoReuse;  // values are set from outside node by node
  auto local_shadow = Engine::Create(view, local_options, &local.capture);
  if (!local_shadow.ok()) return local_shadow.status().WithContext("the float shadow");
  auto accumulated_shadow = Engine::Create(view, shadow_options, &accumulated.capture);
  if (!accumulated_shadow.ok()) return accumulated_shadow.status().WithContext("the float shadow");

  ShadowObserver replay(*local_shadow.value());
  // Labelled: the local capture writes from inside the quantized run (the
  // shadow replays each node as it completes), so its errors surface there.
  ObserverFanOut both({&quant.capture, &replay}, {quant.label, local.label});
  TFLDBG_ASSIGN_OR_RETURN(auto quantized, Engine::Create(view, options, &both));
  TFLDBG_ASSIGN_OR_RETURN(std::vector<InputRecord> used, SetInputs(*quantized, args.inputs));

  RunDescription run;
  run.model_path = args.model;
  run.model_sha256 = Sha256Hex(view.file_data(), view.file_size());
  run.tool_version = TFLDBG_VERSION;
  RunDescription shadow_run = run;
  for (const InputRecord& r : used) {
    const Tensor& q = quantized->tensors()[static_cast<size_t>(r.tensor)];
    TFLDBG_ASSIGN_OR_RETURN(std::string file,
                            Labelled(quant.capture.StoreInput(q, quantized->subgraph_index()), quant.label));
    run.inputs.push_back({{"name", r.name}, {"tensor", r.tensor}, {"source", r.source}, {"file", file}});
    // The float run starts from the same input, dequantized.
    Tensor& f = accumulated_shadow.value()->tensors()[static_cast<size_t>(r.tensor)];
    if (f.type == DataType::kFloat32 && q.type != DataType::kFloat32) {
      TFLDBG_RETURN_IF_ERROR(DequantizeTensor(q, f.data<float>()).WithContext(accumulated.label));
    } else if (f.type == DataType::kString) {
      AssignPackedStrings(f, q.bytes, q.byte_size);
    } else {
      std::memcpy(f.bytes, q.bytes, std::min(q.byte_size, f.byte_size));
    }
    TFLDBG_ASSIGN_OR_RETURN(std::string float_file, Labelled(accumulated.capture.StoreInput(f, quantized->subgraph_index()),
                                                             accumulated.label));
    shadow_run.inputs.push_back({{"name", r.name},
                                 {"tensor", r.tensor},
                                 {"source", q.type == f.type ? r.source : r.source + ", dequantized"},
                                 {"file", float_file}});
  }
  if (Status s = quantized->Invoke(); !s.ok()) return both.observer_failed() ? s : s.WithContext("the quantized run");
  TFLDBG_RETURN_IF_ERROR(accumulated_shadow.value()->Invoke().WithContext(accumulated.label));

  TFLDBG_RETURN_IF_ERROR(WritePart(*quantized, quant, run, "quantized"));
  RunDescription local_run = run;
  local_run.inputs = nlohmann::json::array();
  for (const InputRecord& r : used) {
    local_run.inputs.push_back({{"name", r.name}, {"tensor", r.tensor}, {"source", "the quantized run's input"}, {"file", nullptr}});
  }
  TFLDBG_RETURN_IF_ERROR(WritePart(*local_shadow.value(), local, local_run, "local"));
  TFLDBG_RETURN_IF_ERROR(WritePart(*accumulated_shadow.value(), accumulated, shadow_run, "accumulated"));
  std::cerr << "tfldbg: replayed " << quant.capture.steps().size() << " steps into " << args.out
            << "/{quant,local,accumulated}\n";
  return Status::Ok();
}

int RunReplay(const ReplayArgs& args) {
  auto dir = DumpDirectory::Begin(args.out, args.force);
  if (!dir.ok()) return ReportError(dir.status());
  Status s = Replay(args, dir.value());
  // The directory says what it is, so --force may replace it later (and only it).
  if (s.ok()) {
    s = WriteJsonFile(dir->staging() + "/manifest.json",
                      {{"format", kReplayFormat}, {"version", kDumpFormatVersion}, {"complete", true},
                       {"parts", {"quant", "local", "accumulated"}}});
  }
  if (s.ok()) s = dir->Commit();
  if (!s.ok()) {
    std::error_code ec;
    fs::remove_all(dir->staging(), ec);
    return ReportError(s);
  }
  return kExitOk;
}

}  // namespace

CommandRunner AddReplayCommand(CLI::App& root) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* app = root.add_subcommand(
      "replay",
      "Run a quantized model and its float references; write three dumps with the same steps: DIR/quant (as "
      "`dump`), DIR/local (each node's float kernel on the dequantized inputs it received: the error born at "
      "that node) and DIR/accumulated (the whole graph in float from the dequantized inputs: the error as it "
      "grows). Weights are dequantized; QUANTIZE and DEQUANTIZE become copies");
  app->add_option("MODEL", args->model, "The .tflite file")->required();
  app->add_option("--out,-o", args->out, "Directory to create (written beside it, renamed when complete)")->required();
  app->add_flag("--force", args->force, "Replace an existing replay directory (or empty directory); nothing else is ever replaced");
  AddInputOptions(*app, args->inputs);
  AddRunOptions(*app, args->interpreter);
  app->add_option("--weights-from", args->weights_from,
                  "FLOAT.tflite: in the float references, constants with the same name and shape as a float32 "
                  "constant of this model (the float original) take its values instead of being dequantized, so "
                  "`local` measures what TensorFlow's QuantizationDebugger measures");
  static const std::map<std::string, KernelSet> kAgainst = {{"reference", KernelSet::kReference},
                                                            {"optimized", KernelSet::kOptimized},
                                                            {"xnnpack", KernelSet::kXnnpack}};
  app->add_option("--against", args->against,
                  "KERNELS: the references are the same integer model on these kernels (reference, optimized or xnnpack) "
                  "instead of the float shadow: local/ runs each node on the inputs the quant/ run's node received, "
                  "accumulated/ the whole graph (what `python -m tfldbg divergence` reads)")
      ->transform(CLI::CheckedTransformer(kAgainst, CLI::ignore_case))
      ->excludes("--weights-from");
  AddCustomOpOptions(*app, args->custom_ops);
  return {app, [args]() {
            if (Status loaded = args->custom_ops.Load(args->interpreter); !loaded.ok()) return ReportError(loaded);
            return RunReplay(*args);
          }};
}

}  // namespace tfldbg::cli
