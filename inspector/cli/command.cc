#include "cli/command.h"

#include <iostream>

namespace tfldbg::cli {

int ReportError(const Status& status) {
  std::string message = status.message();
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';  // one error, one line
  }
  std::cerr << "tfldbg: error: " << message << "\n";
  return kExitFailure;
}

}  // namespace tfldbg::cli
