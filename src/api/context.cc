// Helpers of the API layer's request and response (context.h): JSON and error answers built
// from a Status through the one error table, and typed query parameters.
#include "api/context.h"

namespace airbase::api {

Response ErrorResponse(const Status& status) {
  Response r;
  r.status = InfoFor(status.code()).http_status;
  r.body = ErrorBody(status);
  return r;
}

Response JsonResponse(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

Result<std::optional<bool>> QueryBool(const Query& q, std::string_view key) {
  auto v = q.Get(key);
  if (!v) return std::optional<bool>();
  if (*v == "true" || *v == "1") return std::optional<bool>(true);
  if (*v == "false" || *v == "0" || v->empty()) return std::optional<bool>(false);
  return Error(ErrorCode::kInvalidRequestUnknown);
}

}  // namespace airbase::api
