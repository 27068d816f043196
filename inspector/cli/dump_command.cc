// `tfldbg dump MODEL --out DIR`: every node's inputs and outputs to .npy files
// with a manifest (docs/dump-format.md).
#include <atomic>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/inputs.h"
#include "cli/run_options.h"
#include "core/text.h"
#include "dump/dump_writer.h"
#include "dump/manifest.h"
#include "observers/stats_observer.h"

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
  CustomOpOptions custom_ops;
  std::string nodes;
  std::string ops;
  std::string tensors;
  bool no_constants = false;
  bool stats_only = false;
  int64_t inline_json = 0;
  std::string dataset;
  std::string shard;
};

namespace fs = std::filesystem;

// The samples of --dataset DIR: its .npy files (one-input models) or its
// subdirectories (one .npy per input, as --inputs), sorted by name.
Result<std::vector<std::string>> DatasetSamples(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return InvalidArgument("--dataset " + dir + ": not a directory");
  std::vector<std::string> samples;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory() || entry.path().extension() == ".npy") samples.push_back(entry.path().string());
  }
  std::sort(samples.begin(), samples.end());
  if (samples.empty()) return InvalidArgument("--dataset " + dir + ": no .npy files or sample directories in it");
  return samples;
}

Result<std::pair<int, int>> ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    const int i = std::stoi(text.substr(0, slash)), n = std::stoi(text.substr(slash + 1));
    if (n < 1 || i < 0 || i >= n) throw std::invalid_argument("range");
    return std::make_pair(i, n);
  } catch (const std::exception&) {
    return InvalidArgument("--shard '" + text + "': expected i/N with 0 <= i < N");
  }
}

// --stats-only: streamed statistics of every tensor over one input or a
// dataset; writes DIR/stats.json and a manifest that points at it.
int RunStats(const DumpArgs& args, const ModelView& view, DumpDirectory& dir, const std::vector<std::string>& samples,
             std::pair<int, int> shard) {
  StatsObserver stats;
  auto interp = Engine::Create(view, args.interpreter, &stats);
  auto abandon = [&](const Status& why) {
    std::error_code ec;
    fs::remove_all(dir.staging(), ec);
    return ReportError(why);
  };
  if (!interp.ok()) return abandon(interp.status());
  int64_t ran = 0;
  const size_t count = samples.empty() ? 1 : samples.size();
  for (size_t index = 0; index < count; ++index) {
    if (static_cast<int>(index % static_cast<size_t>(shard.second)) != shard.first) continue;
    if (g_interrupted.load()) return abandon(Cancelled("interrupted after " + std::to_string(ran) + " samples"));
    InputSpec spec = args.inputs;
    if (!samples.empty()) {
      if (fs::is_directory(samples[index])) {
        spec.directory = samples[index];
      } else {
        spec.assignments.push_back("0=" + samples[index]);
      }
    }
    auto used = SetInputs(*interp.value(), spec);
    if (!used.ok()) return abandon(used.status());
    stats.BeginSample(static_cast<int64_t>(index));
    if (Status s = interp.value()->Invoke(); !s.ok()) return abandon(s);
    ++ran;
  }
  nlohmann::json manifest = BuildManifest(*interp.value(), {}, {args.model, Sha256Hex(view.file_data(), view.file_size()),
                                                                 nlohmann::json::array(), TFLDBG_VERSION});
  manifest["stats"] = "stats.json";
  manifest["run"]["dataset"] = {{"dir", args.dataset},
                                {"samples", samples.size()},
                                {"shard", std::to_string(shard.first) + "/" + std::to_string(shard.second)},
                                {"samples_run", ran}};
  if (Status s = WriteJsonFile(dir.staging() + "/stats.json", stats.ToJson(*interp.value())); !s.ok()) return abandon(s);
  if (Status s = dir.Finish(manifest); !s.ok()) return abandon(s);
  std::cerr << "tfldbg: wrote statistics of " << ran << " sample(s) to " << dir.target() << "/stats.json\n";
  return kExitOk;
}

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
  capture.inline_max_elements = args.inline_json;
  return Status::Ok();
}

// A one-line progress display on a terminal, for runs longer than a moment;
// nothing when stderr is not a terminal.
class Progress {
 public:
  explicit Progress(int total) : total_(total), enabled_(::isatty(2) == 1), start_(std::chrono::steady_clock::now()) {}
  void Update(int step, const std::string& op) {
    if (!enabled_) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (seconds < 0.5 && step + 1 < total_) return;
    // A custom operator's name comes from the model: escaped (core/text.h).
    std::fprintf(stderr, "\r[%d/%d] %-28s %.1fs", step + 1, total_, PrintableText(op).c_str(), seconds);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  int total_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

int RunDumpInterruptible(const DumpArgs& args);

int RunDump(const DumpArgs& args) {
  // Ctrl-C from here on stops the run at the next node and leaves an incomplete dump.
  auto previous = std::signal(SIGINT, OnInterrupt);
  const int code = RunDumpInterruptible(args);
  std::signal(SIGINT, previous);
  return code;
}

int RunDumpInterruptible(const DumpArgs& args) {
  CaptureOptions capture_options;
  if (Status s = ParseSelection(args, capture_options); !s.ok()) return ReportError(s);
  auto view = ModelView::LoadFile(args.model);
  if (!view.ok()) return ReportError(view.status());
  if (!args.dataset.empty() && !args.stats_only) {
    return ReportError(InvalidArgument("--dataset needs --stats-only (a full dump per sample would be huge; dump one "
                                       "sample with --input)"));
  }
  if (!args.shard.empty() && args.dataset.empty()) return ReportError(InvalidArgument("--shard needs --dataset"));
  std::vector<std::string> samples;
  std::pair<int, int> shard{0, 1};
  if (!args.dataset.empty()) {
    auto listed = DatasetSamples(args.dataset);
    if (!listed.ok()) return ReportError(listed.status());
    samples = listed.value();
  }
  if (!args.shard.empty()) {
    auto parsed = ParseShard(args.shard);
    if (!parsed.ok()) return ReportError(parsed.status());
    shard = parsed.value();
  }
  auto dir = DumpDirectory::Begin(args.out, args.force);
  if (!dir.ok()) return ReportError(dir.status());
  if (args.stats_only) return RunStats(args, view.value(), dir.value(), samples, shard);

  NpyDirectorySink sink(dir->staging());
  capture_options.cancel = &g_interrupted;
  Progress* progress_display = nullptr;
  capture_options.progress = [&progress_display](int step, const NodeContext& node) {
    if (progress_display != nullptr) progress_display->Update(step, node.op_name);
  };
  CaptureObserver capture(sink, capture_options);
  auto interp = CreateForInputs(view.value(), args.interpreter, &capture, args.inputs);
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
    auto file = capture.StoreInput(interp.value()->tensors()[static_cast<size_t>(r.tensor)], interp.value()->subgraph_index());
    if (!file.ok()) return abandon(file.status());
    run.inputs.push_back({{"name", r.name}, {"tensor", r.tensor}, {"source", r.source}, {"file", file.value()}});
  }

  Progress progress(interp.value()->node_count());
  progress_display = &progress;
  Status invoked = interp.value()->Invoke();
  // The files are written in the background: wait for them before the manifest
  // says anything (a write error, such as a full disk, fails the dump here).
  if (Status written = sink.Flush(); !written.ok() && invoked.ok()) invoked = written;
  const nlohmann::json manifest = BuildManifest(*interp.value(), capture.steps(), run, capture.inlined());
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
  app->add_flag("--force", args->force, "Replace an existing tfldbg dump (or empty directory); nothing else is ever replaced");
  AddInputOptions(*app, args->inputs);
  AddRunOptions(*app, args->interpreter);
  app->add_option("--nodes", args->nodes, "A:B - only operators A..B of the subgraph that runs (inclusive)");
  app->add_option("--ops", args->ops, "LIST - only these ops, comma-separated (CONV_2D,ADD)");
  app->add_option("--tensors", args->tensors, "REGEX - only tensors whose names match (searched, ECMAScript)");
  app->add_flag("--no-constants", args->no_constants, "Do not store constant tensors (weights, biases)");
  app->add_option("--inline-json", args->inline_json,
                  "N: also write the values of tensors with at most N elements into manifest.json (\"value\")")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 20));
  app->add_flag("--stats-only", args->stats_only,
                "Store no arrays: stream per-tensor statistics (min, max, mean, std, NaN/Inf, share at qmin/qmax) "
                "into DIR/stats.json");
  app->add_option("--dataset", args->dataset,
                  "With --stats-only: run every sample of DIR (its .npy files for one-input models, or one "
                  "subdirectory of NAME.npy files per sample) and aggregate in one pass");
  app->add_option("--shard", args->shard,
                  "i/N: with --dataset, run only samples whose index % N == i; merge the shards' stats.json with "
                  "`python -m tfldbg merge-stats`");
  AddCustomOpOptions(*app, args->custom_ops);
  return {app, [args]() {
            if (Status loaded = args->custom_ops.Load(args->interpreter); !loaded.ok()) return ReportError(loaded);
            return RunDump(*args);
          }};
}

}  // namespace tfldbg::cli
