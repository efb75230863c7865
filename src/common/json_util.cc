// Boost.JSON helpers (json_util.h): the error body of a Status, and parsing with Airtable's error.
#include "common/json_util.h"

namespace airbase {

std::string ErrorBody(const Status& status) {
  const ErrorInfo& info = InfoFor(status.code());
  if (info.type == nullptr) return R"({"error":"NOT_FOUND"})";
  json::object err;
  err["type"] = info.type;
  err["message"] = status.client_message();
  json::object body;
  body["error"] = std::move(err);
  return json::serialize(body);
}

Result<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return Error(ErrorCode::kInvalidRequestBody);
  return v;
}

}  // namespace airbase
