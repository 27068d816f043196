// The `tfldbg` command-line tool: one subcommand per job (see docs/cli.md).
#include <csignal>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  using namespace tfldbg::cli;
  CLI::App app{"tfldbg " TFLDBG_VERSION
               " - a debugging interpreter for TensorFlow Lite / LiteRT models.\n"
               "Every intermediate tensor of any .tflite, kernels that match LiteRT's reference kernels bit for bit."};
  app.set_version_flag("--version", "tfldbg " TFLDBG_VERSION);
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Log what tfldbg does to stderr");

  std::vector<CommandRunner> commands;
  commands.push_back(AddInfoCommand(app));
  commands.push_back(AddRunCommand(app));
  commands.push_back(AddDumpCommand(app));
  commands.push_back(AddReplayCommand(app));
  commands.push_back(AddGraphCommand(app));
  commands.push_back(AddOpsCommand(app));
  commands.push_back(AddCpuCheckCommand(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  // A file-size limit (ulimit -f) must fail a write with one error line, not kill us.
  std::signal(SIGXFSZ, SIG_IGN);
  for (const CommandRunner& command : commands) {
    if (!command.app->parsed()) continue;
    try {
      return command.run();
    } catch (const std::exception& e) {
      // Commands return errors as values; this is the last line of defence.
      return ReportError(tfldbg::RuntimeError(std::string("internal error: ") + e.what()));
    }
  }
  return kExitUsage;
}
