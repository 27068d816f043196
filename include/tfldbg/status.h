// Errors as values: Status and Result<T>.
//
// Nothing in runtime/ throws or aborts on bad input; every failure is returned
// as a Status whose message says what is wrong and where, on one line.
//
//   Result<ModelView> model = ModelView::LoadFile(path);
//   if (!model.ok()) { std::cerr << model.status().message() << "\n"; return 1; }
//   const ModelView& view = model.value();
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

#include "tfldbg/export.h"

namespace tfldbg {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,  // the caller passed something wrong (a name, a shape, a file)
  kInvalidModel,     // the .tflite file is malformed or inconsistent
  kUnsupported,      // valid, but tfldbg does not implement it (op, type, option)
  kIo,               // reading or writing a file failed
  kRuntime,          // a kernel failed while running
  kCancelled,        // an observer or the user stopped the run
};

TFLDBG_EXPORT const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status InvalidModel(std::string m) { return {ErrorCode::kInvalidModel, std::move(m)}; }
inline Status Unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status IoError(std::string m) { return {ErrorCode::kIo, std::move(m)}; }
inline Status RuntimeError(std::string m) { return {ErrorCode::kRuntime, std::move(m)}; }
inline Status Cancelled(std::string m) { return {ErrorCode::kCancelled, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace tfldbg

#define TFLDBG_CONCAT_INNER(a, b) a##b
#define TFLDBG_CONCAT(a, b) TFLDBG_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when it is not ok.
#define TFLDBG_RETURN_IF_ERROR(expr)                      \
  do {                                                    \
    ::tfldbg::Status tfldbg_status_ = (expr);             \
    if (!tfldbg_status_.ok()) return tfldbg_status_;      \
  } while (0)

// Declares `lhs` from a Result, or returns its Status.
#define TFLDBG_ASSIGN_OR_RETURN(lhs, expr) \
  TFLDBG_ASSIGN_OR_RETURN_IMPL(TFLDBG_CONCAT(tfldbg_result_, __LINE__), lhs, expr)
#define TFLDBG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

// Returns a Status built from the code and message when `cond` is false.
#define TFLDBG_CHECK_OR_RETURN(cond, code_fn, message) \
  do {                                                 \
    if (!(cond)) return ::tfldbg::code_fn(message);    \
  } while (0)
