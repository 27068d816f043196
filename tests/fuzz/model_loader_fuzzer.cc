// libFuzzer target: any byte string through the loader, the info report and
// Prepare (and Invoke for small inputs). Everything must end in a value or a
// one-line Status; a crash, hang, leak or sanitizer report is a bug.
// Commands: docs/fuzzing.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "interpreter/engine.h"
#include "model/model_view.h"
#include "report/model_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = tfldbg::ModelView::LoadBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!view.ok()) {
    if (view.status().message().find('\n') != std::string::npos) std::abort();  // errors are one line
    return 0;
  }
  const nlohmann::json info = tfldbg::ModelInfoJson(view.value(), {});
  (void)info.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  tfldbg::InterpreterOptions options;
  options.max_arena_bytes = size_t{64} << 20;
  auto interp = tfldbg::Engine::Create(view.value(), options);
  if (interp.ok() && size < 64 * 1024) (void)interp.value()->Invoke();
  return 0;
}
