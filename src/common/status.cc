#include "common/status.h"

namespace airbase {

namespace {
constexpr const char* kPermOrNotFound =
    "Invalid permissions, or the requested model was not found. Check that both your user and "
    "your token have the required permissions, and that the model names and/or ids are correct.";
}  // namespace

const ErrorInfo& InfoFor(ErrorCode code) {
  // One row per code: HTTP status, Airtable type, default message (airtable-api.md §6.3).
  static const ErrorInfo kOk{200, "OK", ""};
  static const ErrorInfo kTable[] = {
      /* kOk */ {200, "OK", ""},
      /* kNotFound */ {404, nullptr, ""},
      /* kRequestTooLarge */ {413, "REQUEST_TOO_LARGE", "Request body is too large"},
      /* kInvalidRequestBody */ {400, "INVALID_REQUEST_BODY", "Could not parse request body"},
      /* kAuthenticationRequired */ {401, "AUTHENTICATION_REQUIRED", "Authentication required"},
      /* kPermissionsOrNotFound */
      {403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", kPermOrNotFound},
      /* kInvalidPermissions */
      {403, "INVALID_PERMISSIONS", "You are not permitted to perform this operation"},
      /* kRateLimited */
      {429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later"},
      /* kModelIdNotFound */ {404, "MODEL_ID_NOT_FOUND", "Record not found"},
      /* kInvalidRequestUnknown */
      {422, "INVALID_REQUEST_UNKNOWN",
       "Invalid request: parameter validation failed. Check your request data."},
      /* kInvalidRequestMissingFields */
      {422, "INVALID_REQUEST_MISSING_FIELDS",
       "Could not find field \"fields\" in the request body"},
      /* kInvalidRecords */
      {422, "INVALID_RECORDS",
       "You must provide an array of up to 10 record objects, each with an \"id\" ID field and a "
       "\"fields\" object for cell values."},
      /* kUnknownFieldName */ {422, "UNKNOWN_FIELD_NAME", "Unknown field name"},
      /* kInvalidValueForColumn */ {422, "INVALID_VALUE_FOR_COLUMN", "Invalid cell value"},
      /* kInvalidMultipleChoiceOptions */
      {422, "INVALID_MULTIPLE_CHOICE_OPTIONS", "Invalid select option"},
      /* kRowDoesNotExist */ {422, "ROW_DOES_NOT_EXIST", "Record does not exist in this table"},
      /* kInvalidFilterByFormula */
      {422, "INVALID_FILTER_BY_FORMULA",
       "The formula for filtering records is invalid: Invalid formula. Please check your formula "
       "text."},
      /* kIteratorNotAvailable */
      {422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE",
       "The list records iterator is not available. Start again from the first page."},
      /* kViewNameNotFound */ {422, "VIEW_NAME_NOT_FOUND", "View not found"},
      /* kInvalidFieldTypeOptions */
      {422, "INVALID_FIELD_TYPE_OPTIONS", "The options are not valid for this field type"},
      /* kUnsupportedFieldType */
      {422, "UNSUPPORTED_FIELD_TYPE_FOR_CREATE", "This field type cannot be created"},
      /* kDuplicateOrEmptyFieldName */
      {422, "DUPLICATE_OR_EMPTY_FIELD_NAME", "Field names must be unique and non-empty"},
      /* kDuplicateTableName */ {422, "DUPLICATE_TABLE_NAME", "Table names must be unique"},
      /* kInvalidUpsert */ {422, "INVALID_REQUEST_UNKNOWN", "Invalid upsert request"},
      /* kRetriable */
      {503, "RETRIABLE_ERROR",
       "Server encountered an error while processing your request, and it is safe to retry the "
       "request"},
      /* kStorageFull */
      {503, "RETRIABLE_ERROR",
       "The server's storage is full, so nothing was written. It is safe to retry the request "
       "once space has been freed"},
      /* kTimeout */
      {503, "REQUEST_TIMEOUT",
       "The request took longer than the server allows and was stopped. Narrow it (a simpler "
       "filterByFormula, fewer fields, a smaller pageSize) or try again"},
      /* kWorkLimit */
      {422, "INVALID_REQUEST_UNKNOWN",
       "The request needs more formula evaluation than one request may do. Narrow it with a "
       "simpler filterByFormula or sort"},
      /* kUnavailable */
      {503, "RETRIABLE_ERROR", "The server is shutting down. It is safe to retry the request"},
      /* kInternal */ {500, "SERVER_ERROR", "Server encountered an unexpected error"},
      /* kAlreadyExists */ {422, "INVALID_REQUEST_UNKNOWN", "Already exists"},
      /* kInvalidArgument */
      {422, "INVALID_REQUEST_UNKNOWN",
       "Invalid request: parameter validation failed. Check your request data."},
  };
  static_assert(sizeof(kTable) / sizeof(kTable[0]) ==
                static_cast<size_t>(ErrorCode::kInvalidArgument) + 1);
  size_t i = static_cast<size_t>(code);
  if (i >= sizeof(kTable) / sizeof(kTable[0])) return kOk;
  return kTable[i];
}

std::string Status::client_message() const {
  if (!message_.empty()) return message_;
  return InfoFor(code_).default_message;
}

}  // namespace airbase
