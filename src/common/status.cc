// The error table, generated from AIRBASE_ERROR_CODES in status.h.
#include "common/status.h"

namespace airbase {

const ErrorInfo& InfoFor(ErrorCode code) {
  static const ErrorInfo kTable[] = {
#define AIRBASE_ERROR_ROW(code, http, type, message) {http, type, message},
      AIRBASE_ERROR_CODES(AIRBASE_ERROR_ROW)
#undef AIRBASE_ERROR_ROW
  };
  size_t i = static_cast<size_t>(code);
  if (i >= sizeof(kTable) / sizeof(kTable[0])) return kTable[0];
  return kTable[i];
}

std::string Status::client_message() const {
  if (!message_.empty()) return message_;
  return InfoFor(code_).default_message;
}

}  // namespace airbase
