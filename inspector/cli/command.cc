#include "cli/command.h"

#include <iostream>

#include "core/text.h"

namespace tfldbg::cli {

int ReportError(const Status& status) {
  // One error, one line: names from a model or file may hold newlines or
  // terminal escape sequences.
  std::cerr << "tfldbg: error: " << PrintableText(status.message()) << "\n";
  return kExitFailure;
}

}  // namespace tfldbg::cli
