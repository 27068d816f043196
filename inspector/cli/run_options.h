// Options shared by the commands that run a model (run, dump): planner and
// rounding mode, parsed into InterpreterOptions.
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
  auto* signature = app.add_option("--signature", options.signature,
                                   "Run the subgraph of this signature (see `tfldbg info`); inputs are then named by "
                                   "its signature names");
  app.add_option("--subgraph", options.subgraph, "Run this subgraph (default 0, the main graph)")
      ->check(CLI::NonNegativeNumber)
      ->excludes(signature);
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
