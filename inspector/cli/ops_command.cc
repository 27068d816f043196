// `tfldbg ops [--json] [--missing]`: the op table (kernels/op_table.h): every
// operator of the schema, whether tfldbg runs it, for which types, or why not.
#include <iomanip>
#include <iostream>

#include "cli/command.h"
#include "report/model_info.h"

namespace tfldbg::cli {
namespace {

struct OpsArgs {
  bool json = false;
  bool missing = false;
};

int RunOps(const OpsArgs& args) {
  const nlohmann::json table = OpTableJson();
  if (args.json) {
    std::cout << table.dump(1) << "\n";
    return kExitOk;
  }
  int runs = 0, total = 0;
  for (const auto& op : table["ops"]) {
    ++total;
    const bool supported = op["supported"].get<bool>();
    runs += supported ? 1 : 0;
    if (args.missing && supported) continue;
    std::string types;
    for (const auto& t : op["dtypes"]) types += (types.empty() ? "" : " ") + t.get<std::string>();
    std::cout << std::left << std::setw(32) << op["op"].get<std::string>() << std::setw(15) << op["family"].get<std::string>()
              << (supported ? types : "not run: " + op["why_not"].get<std::string>()) << "\n";
  }
  std::cout << runs << " of " << total << " operators run\n";
  return kExitOk;
}

}  // namespace

CommandRunner AddOpsCommand(CLI::App& root) {
  auto args = std::make_shared<OpsArgs>();
  CLI::App* app = root.add_subcommand(
      "ops", "List every operator of the .tflite schema: its family, the types tfldbg runs, or why it does not run it");
  app->add_flag("--json", args->json, "The op table as JSON, with each operator's facts (docs/cli.md)");
  app->add_flag("--missing", args->missing, "Only the operators tfldbg does not run");
  return {app, [args]() { return RunOps(*args); }};
}

}  // namespace tfldbg::cli
