// Options shared by the commands that run a model (run, dump, replay):
// planner, rounding mode, kernels' CPU path and threads, parsed into
// InterpreterOptions.
#pragma once

#include <map>
#include <string>

#include "CLI/CLI.hpp"
#include "interpreter/engine.h"
#include "plugins/plugin_loader.h"

namespace tfldbg::cli {

inline void AddRunOptions(CLI::App& app, InterpreterOptions& options) {
  static const std::map<std::string, PlannerKind> kPlanners = {{"reuse", PlannerKind::kReuse},
                                                               {"no-reuse", PlannerKind::kNoReuse}};
  static const std::map<std::string, RoundingPolicy> kRounding = {
      {"litert", RoundingPolicy::kLiteRt}, {"double", RoundingPolicy::kDouble}, {"single", RoundingPolicy::kSingle}};
  app.add_option("--planner", options.planner,
                 "Memory planner: reuse (production-like arena, observers snapshot before reuse) or no-reuse "
                 "(every tensor its own memory)")
      ->transform(CLI::CheckedTransformer(kPlanners, CLI::ignore_case))
      ->default_str("reuse");
  app.add_option("--rounding", options.rounding,
                 "Requantization rounding: litert (what the pinned LiteRT runtime computes: double rounding, "
                 "single for FULLY_CONNECTED), double (everywhere: TFLite reference code, TFLM) or single "
                 "(everywhere: TFLITE_SINGLE_ROUNDING builds, CMSIS-NN)")
      ->transform(CLI::CheckedTransformer(kRounding, CLI::ignore_case))
      ->default_str("litert");
  static const std::map<std::string, KernelSet> kKernels = {{"reference", KernelSet::kReference},
                                                             {"optimized", KernelSet::kOptimized},
                                                             {"xnnpack", KernelSet::kXnnpack}};
  app.add_option("--kernels", options.kernels,
                 "Whose arithmetic: reference (LiteRT's reference kernels, the oracle), optimized (what LiteRT's "
                 "optimized CPU kernels compute without delegates: their requantization rounding, fused float "
                 "multiply-adds and their own arithmetic where it differs) or xnnpack (LiteRT's default CPU path: the nodes its XNNPACK "
                 "delegate takes compute XNNPACK's arithmetic, e.g. fp32 requantization; the rest the optimized "
                 "kernels'; docs/deployment.md)")
      ->transform(CLI::CheckedTransformer(kKernels, CLI::ignore_case))
      ->default_str("reference");
  auto* signature = app.add_option("--signature", options.signature,
                                   "Run the subgraph of this signature (see `tfldbg info`); inputs are then named by "
                                   "its signature names");
  app.add_option("--subgraph", options.subgraph, "Run this subgraph (default 0, the main graph)")
      ->check(CLI::NonNegativeNumber)
      ->excludes(signature);
  // Not --kernels: that names an arithmetic (LiteRT's reference, optimized or
  // XNNPACK results); --cpu only picks how the same arithmetic is computed.
  static const std::map<std::string, CpuPath> kCpu = {
      {"auto", CpuPath::kAuto}, {"scalar", CpuPath::kScalar}, {"portable", CpuPath::kPortable},
      {"avx2", CpuPath::kAvx2}, {"avxvnni", CpuPath::kAvxVnni}, {"avx512vnni", CpuPath::kAvx512Vnni}};
  app.add_option("--cpu", options.cpu,
                 "Kernel implementation: auto (the TFLDBG_CPU environment variable, else the widest this CPU runs), "
                 "scalar (the reference kernels as written), or the fast kernels for portable C++, avx2, avxvnni or "
                 "avx512vnni. Every path gives the same integer results bit for bit; float results stay within "
                 "LiteRT's tolerance")
      ->transform(CLI::CheckedTransformer(kCpu, CLI::ignore_case))
      ->default_str("auto");
  app.add_option("--threads", options.threads,
                 "Threads the kernels split their work over (results are the same bytes for any count)")
      ->check(CLI::Range(1, 1024))
      ->default_str("1");
}

// --custom-op-lib FILE...: plugins whose custom operators the run may use.
struct CustomOpOptions {
  std::vector<std::string> libraries;
  CustomOpRegistry registry;  // outlives the interpreters of the command

  // Loads every library and points the interpreter options at the registry.
  Status Load(InterpreterOptions& options) {
    for (const std::string& library : libraries) TFLDBG_RETURN_IF_ERROR(LoadCustomOpPlugin(library, registry));
    if (registry.size() != 0) options.custom_ops = &registry;
    return Status::Ok();
  }
};

inline void AddCustomOpOptions(CLI::App& app, CustomOpOptions& options) {
  app.add_option("--custom-op-lib", options.libraries,
                 "A plugin (shared library exporting tfldbg_custom_ops, include/tfldbg/custom_op.h) whose custom "
                 "operators the model may use; repeatable. Loading a plugin runs its code");
}

}  // namespace tfldbg::cli
