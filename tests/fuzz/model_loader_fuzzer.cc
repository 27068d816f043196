// libFuzzer target: any byte string through the loader, the info report and
// Prepare (and Invoke for small inputs). Everything must end in a value or a
// one-line Status; a crash, hang, leak or sanitizer report is a bug.
// Commands: docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_limits.h"
#include "interpreter/engine.h"
#include "model/model_view.h"
#include "report/model_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = tfldbg::ModelView::LoadBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!view.ok()) {
    // Errors are one printable line: names from the model are escaped.
    if (!tfldbg::fuzz::IsOnePrintableLine(view.status().message())) std::abort();
    return 0;
  }
  const nlohmann::json info = tfldbg::ModelInfoJson(view.value(), {});
  (void)info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  tfldbg::fuzz::WorkBudget budget;
  auto interp = tfldbg::Engine::Create(view.value(), tfldbg::fuzz::Options(), &budget);
  if (interp.ok() && size < 64 * 1024) (void)interp.value()->Invoke();
  return 0;
}
