#include "cli/command.h"

#include <iostream>

#include "core/text.h"

namespace tfldbg::cli {

int ReportError(const Status& status) {
  // One error, one line: names from a model or file may hold newlines or
  // terminal escape sequences. Most are quoted (QuotedName) where the message
  // is made; OneLine catches any that were not, without doubling the escapes
  // of those that were.
  std::cerr << "tfldbg: error: " << OneLine(status.message()) << "\n";
  return kExitFailure;
}

}  // namespace tfldbg::cli
