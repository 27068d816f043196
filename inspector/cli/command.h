// How CLI subcommands plug into the `tfldbg` binary.
//
// Each subcommand lives in its own file and exposes one function that adds
// itself to the root app and returns the code to run once arguments parse:
//
//   CommandRunner AddInfoCommand(CLI::App& root);   // in info_command.cc
//   ... main.cc: runners.push_back(AddInfoCommand(app)); ...; return runner.run();
#pragma once

#include <functional>
#include <string>

#include "CLI/CLI.hpp"
#include "tfldbg/status.h"

namespace tfldbg::cli {

struct CommandRunner {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

// Exit codes shared by every command.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the model, the input or a kernel was refused; one line on stderr
constexpr int kExitUsage = 2;    // bad command line
constexpr int kExitInterrupted = 130;

// Prints "tfldbg: error: <message>" on one line to stderr and returns kExitFailure.
int ReportError(const Status& status);

CommandRunner AddInfoCommand(CLI::App& root);
CommandRunner AddRunCommand(CLI::App& root);
CommandRunner AddDumpCommand(CLI::App& root);
CommandRunner AddGraphCommand(CLI::App& root);
CommandRunner AddReplayCommand(CLI::App& root);
CommandRunner AddOpsCommand(CLI::App& root);
CommandRunner AddCpuCheckCommand(CLI::App& root);

}  // namespace tfldbg::cli
