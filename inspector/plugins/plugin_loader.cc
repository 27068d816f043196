#include "plugins/plugin_loader.h"

#include <dlfcn.h>

#include <filesystem>

#include "core/file.h"

namespace tfldbg {

Status LoadCustomOpPlugin(const std::string& path, CustomOpRegistry& registry) {
  // A regular file, checked without blocking; dlopen itself would search the
  // library path for a bare name, so a name without a slash is made relative.
  TFLDBG_ASSIGN_OR_RETURN(RegularFile file, OpenRegularFile(path));
  file.Close();
  const std::string resolved = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return InvalidArgument(path + ": cannot load the plugin: " + (why ? why : "unknown error"));
  }
  // Never unloaded: kernels keep pointers to its functions for the whole run.
  void* symbol = ::dlsym(handle, TFLDBG_CUSTOM_OPS_SYMBOL);
  if (symbol == nullptr) {
    return InvalidArgument(path + ": not a tfldbg plugin: it exports no '" TFLDBG_CUSTOM_OPS_SYMBOL "' function");
  }
  uint32_t count = 0;
  const TfldbgCustomOp* ops = reinterpret_cast<TfldbgCustomOpsFunction>(symbol)(&count);
  if (ops == nullptr || count == 0) return InvalidArgument(path + ": the plugin lists no custom operators");
  if (count > 4096) return InvalidArgument(path + ": the plugin lists " + std::to_string(count) + " operators (at most 4096)");
  for (uint32_t i = 0; i < count; ++i) TFLDBG_RETURN_IF_ERROR(registry.Register(ops[i], path));
  return Status::Ok();
}

}  // namespace tfldbg
