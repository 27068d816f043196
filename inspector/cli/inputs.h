// Filling a model's inputs from the command line: --input NAME=FILE.npy,
// --inputs DIR (files named after the inputs) and --seed N (seeded random
// values for whatever is left). Every mismatch is one line saying what the
// input expects and what the file holds.
//
//   InputSpec spec{{"input_1=x.npy"}, "", 0};
//   Result<std::vector<InputRecord>> used = SetInputs(*interp, spec);
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "interpreter/engine.h"

namespace tfldbg::cli {

struct InputSpec {
  std::vector<std::string> assignments;  // "NAME=FILE.npy"
  std::string directory;                 // --inputs DIR
  uint64_t seed = 0;                     // for inputs given no file
};

struct InputRecord {
  std::string name;    // the tensor's name
  int tensor = -1;
  std::string source;  // the file, or "random(seed=N)"
};

// Adds --input, --inputs and --seed to a subcommand.
void AddInputOptions(CLI::App& app, InputSpec& spec);

Result<std::vector<InputRecord>> SetInputs(Engine& interp, const InputSpec& spec);

// The inputs whose files (--input, --inputs) hold another shape than the
// interpreter's, with that shape: to recreate it with
// InterpreterOptions::input_shapes (only dimensions the model's shape
// signature leaves at -1 may change; Create says so in one line otherwise).
Result<std::map<int, std::vector<int32_t>>> ResizedInputShapes(Engine& interp, const InputSpec& spec);

// Engine::Create, then again with the inputs resized to their files when
// they differ (ResizedInputShapes).
Result<std::unique_ptr<Engine>> CreateForInputs(const ModelView& view, InterpreterOptions options,
                                                     NodeObserver* observer, const InputSpec& spec);

}  // namespace tfldbg::cli
