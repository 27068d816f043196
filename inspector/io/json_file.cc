#include "io/json_file.h"

#include "core/file.h"

namespace tfldbg {
namespace {

struct TooDeep {};

}  // namespace

Result<nlohmann::json> ParseJson(const std::string& text, const std::string& origin, int max_depth) {
  try {
    const auto limit_depth = [max_depth](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
      if (depth > max_depth) throw TooDeep{};
      return true;
    };
    return nlohmann::json::parse(text, limit_depth);
  } catch (const TooDeep&) {
    return InvalidArgument(origin + ": JSON nested deeper than " + std::to_string(max_depth) + " levels");
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." -> from "parse error" on
    std::string what = e.what();
    const size_t at = what.find("] ");
    if (at != std::string::npos) what = what.substr(at + 2);
    return InvalidArgument(origin + ": not valid JSON: " + what);
  }
}

Result<nlohmann::json> ReadJsonFile(const std::string& path, size_t max_bytes, int max_depth) {
  TFLDBG_ASSIGN_OR_RETURN(std::string text, ReadRegularFile(path, max_bytes));
  return ParseJson(text, path, max_depth);
}

}  // namespace tfldbg
