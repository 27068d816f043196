#include "tfldbg/status.h"

namespace tfldbg {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kInvalidModel: return "invalid model";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kIo: return "i/o error";
    case ErrorCode::kRuntime: return "runtime error";
    case ErrorCode::kCancelled: return "cancelled";
  }
  return "unknown error";
}

}  // namespace tfldbg
