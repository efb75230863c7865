// Errors as values. Every expected failure in airbase is a Status with an ErrorCode; the one list
// below (AIRBASE_ERROR_CODES) gives each code the HTTP status and Airtable error type a client
// sees. Handlers never write a status number by hand.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace airbase {

// Every error code beside what a client observes of it: the HTTP status, the Airtable error
// type (nullptr for the bare-string {"error":"NOT_FOUND"} form) and the default message used when
// a Status carries none (airtable-api.md §6.3). One list, so a code and its row cannot drift.
#define AIRBASE_ERROR_CODES(X)                                                                  \
  X(kOk, 200, "OK", "")                                                                         \
  /* Transport and routing. */                                                                  \
  X(kNotFound, 404, nullptr, "") /* unknown route, malformed path ids */                        \
  X(kRequestTooLarge, 413, "REQUEST_TOO_LARGE", "Request body is too large")                    \
  X(kInvalidRequestBody, 400, "INVALID_REQUEST_BODY", "Could not parse request body")           \
  /* Authentication and authorization. */                                                       \
  X(kAuthenticationRequired, 401, "AUTHENTICATION_REQUIRED", "Authentication required")         \
  X(kPermissionsOrNotFound, 403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",                      \
    "Invalid permissions, or the requested model was not found. Check that both your user and " \
    "your token have the required permissions, and that the model names and/or ids are "        \
    "correct.")                                                                                 \
  X(kInvalidPermissions, 403, "INVALID_PERMISSIONS",                                            \
    "You are not permitted to perform this operation") /* role too low */                       \
  X(kRateLimited, 429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")     \
  /* Resource lookups. */                                                                       \
  X(kModelIdNotFound, 404, "MODEL_ID_NOT_FOUND", "Record not found")                            \
  /* Validation. */                                                                             \
  X(kInvalidRequestUnknown, 422, "INVALID_REQUEST_UNKNOWN",                                     \
    "Invalid request: parameter validation failed. Check your request data.")                   \
  X(kInvalidRequestMissingFields, 422, "INVALID_REQUEST_MISSING_FIELDS",                        \
    "Could not find field \"fields\" in the request body")                                      \
  X(kInvalidRecords, 422, "INVALID_RECORDS",                                                    \
    "You must provide an array of up to 10 record objects, each with an \"id\" ID field and a " \
    "\"fields\" object for cell values.")                                                       \
  X(kUnknownFieldName, 422, "UNKNOWN_FIELD_NAME", "Unknown field name")                         \
  X(kInvalidValueForColumn, 422, "INVALID_VALUE_FOR_COLUMN", "Invalid cell value")              \
  X(kInvalidMultipleChoiceOptions, 422, "INVALID_MULTIPLE_CHOICE_OPTIONS",                      \
    "Invalid select option")                                                                    \
  X(kRowDoesNotExist, 422, "ROW_DOES_NOT_EXIST", "Record does not exist in this table")         \
  X(kInvalidFilterByFormula, 422, "INVALID_FILTER_BY_FORMULA",                                  \
    "The formula for filtering records is invalid: Invalid formula. Please check your formula " \
    "text.")                                                                                    \
  X(kIteratorNotAvailable, 422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",                          \
    "The list records iterator is not available. Start again from the first page.")             \
  X(kViewNameNotFound, 422, "VIEW_NAME_NOT_FOUND", "View not found")                            \
  X(kInvalidFieldTypeOptions, 422, "INVALID_FIELD_TYPE_OPTIONS",                                \
    "The options are not valid for this field type")                                            \
  X(kUnsupportedFieldType, 422, "UNSUPPORTED_FIELD_TYPE_FOR_CREATE",                            \
    "This field type cannot be created")                                                        \
  X(kDuplicateOrEmptyFieldName, 422, "DUPLICATE_OR_EMPTY_FIELD_NAME",                           \
    "Field names must be unique and non-empty")                                                 \
  X(kDuplicateTableName, 422, "DUPLICATE_TABLE_NAME", "Table names must be unique")             \
  X(kInvalidUpsert, 422, "INVALID_REQUEST_UNKNOWN", "Invalid upsert request")                   \
  /* Server side. */                                                                            \
  X(kRetriable, 503, "RETRIABLE_ERROR", /* database busy */                                     \
    "Server encountered an error while processing your request, and it is safe to retry the "   \
    "request")                                                                                  \
  X(kStorageFull, 503, "RETRIABLE_ERROR",                                                       \
    "The server's storage is full, so nothing was written. It is safe to retry the request "    \
    "once space has been freed")                                                                \
  X(kTimeout, 503, "REQUEST_TIMEOUT", /* the request passed its deadline and was stopped */     \
    "The request took longer than the server allows and was stopped. Narrow it (a simpler "     \
    "filterByFormula, fewer fields, a smaller pageSize) or try again")                          \
  X(kWorkLimit, 422, "INVALID_REQUEST_UNKNOWN", /* more formula work than one request may do */ \
    "The request needs more formula evaluation than one request may do. Narrow it with a "      \
    "simpler filterByFormula or sort")                                                          \
  X(kUnavailable, 503, "RETRIABLE_ERROR", /* shutting down */                                   \
    "The server is shutting down. It is safe to retry the request")                             \
  X(kInternal, 500, "SERVER_ERROR", "Server encountered an unexpected error")                   \
  /* Internal codes that never reach HTTP unmapped (CLI and storage). */                        \
  X(kAlreadyExists, 422, "INVALID_REQUEST_UNKNOWN", "Already exists")                           \
  X(kInvalidArgument, 422, "INVALID_REQUEST_UNKNOWN",                                           \
    "Invalid request: parameter validation failed. Check your request data.")

enum class ErrorCode {
#define AIRBASE_ERROR_ENUM(code, http, type, message) code,
  AIRBASE_ERROR_CODES(AIRBASE_ERROR_ENUM)
#undef AIRBASE_ERROR_ENUM
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
