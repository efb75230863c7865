// Errors as values. Every expected failure in airbase is a Status with an ErrorCode; the one table
// in status.cc maps each code to the HTTP status and Airtable error type a client sees. Handlers
// never write a status number by hand.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace airbase {

enum class ErrorCode {
  kOk = 0,
  // Transport and routing.
  kNotFound,            // 404 {"error":"NOT_FOUND"}: unknown route, malformed path ids
  kRequestTooLarge,     // 413
  kInvalidRequestBody,  // 400 body is not JSON
  // Authentication and authorization.
  kAuthenticationRequired,  // 401
  kPermissionsOrNotFound,   // 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND
  kInvalidPermissions,      // 403 INVALID_PERMISSIONS (role too low)
  kRateLimited,             // 429 RATE_LIMIT_REACHED
  // Resource lookups.
  kModelIdNotFound,  // 404 MODEL_ID_NOT_FOUND
  // Validation (422).
  kInvalidRequestUnknown,
  kInvalidRequestMissingFields,
  kInvalidRecords,
  kUnknownFieldName,
  kInvalidValueForColumn,
  kInvalidMultipleChoiceOptions,
  kRowDoesNotExist,
  kInvalidFilterByFormula,
  kIteratorNotAvailable,
  kViewNameNotFound,
  kInvalidFieldTypeOptions,
  kUnsupportedFieldType,
  kDuplicateOrEmptyFieldName,
  kDuplicateTableName,
  kInvalidUpsert,
  // Server side.
  kRetriable,     // 503 RETRIABLE_ERROR (database busy)
  kStorageFull,   // 503 RETRIABLE_ERROR: the disk is full, nothing was written
  kTimeout,       // 503 REQUEST_TIMEOUT: the request passed its deadline and was stopped
  kWorkLimit,     // 422: the request needs more formula work than one request may do
  kUnavailable,   // 503: the server is shutting down
  kInternal,   // 500
  // Internal codes that never reach HTTP unmapped (CLI and storage).
  kAlreadyExists,
  kInvalidArgument,
};

struct ErrorInfo {
  int http_status;
  const char* type;             // Airtable error type; nullptr for the bare-string NOT_FOUND form
  const char* default_message;  // used when the Status carries no message
};

// The single mapping from ErrorCode to what a client observes.
const ErrorInfo& InfoFor(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The message a client sees: ours, or the table's default.
  std::string client_message() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status Error(ErrorCode code, std::string message = {}) {
  return Status(code, std::move(message));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

#define AB_CONCAT_INNER(a, b) a##b
#define AB_CONCAT(a, b) AB_CONCAT_INNER(a, b)

#define RETURN_IF_ERROR(expr)       \
  do {                              \
    ::airbase::Status _st = (expr); \
    if (!_st.ok()) return _st;      \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(AB_CONCAT(_res_, __LINE__), lhs, expr)

}  // namespace airbase
