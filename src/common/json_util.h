// Small helpers over Boost.JSON used by every layer that reads or writes JSON.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace airbase {

namespace json = boost::json;

// The body a client sees for `status`: {"error":{"type":..,"message":..}} or {"error":"NOT_FOUND"}.
std::string ErrorBody(const Status& status);

// Parses `text` as a JSON value; kInvalidRequestBody when it is not JSON.
Result<json::value> ParseJson(std::string_view text);

// Returns obj[key] or nullptr.
inline const json::value* Find(const json::object& obj, std::string_view key) {
  return obj.if_contains(key);
}

// obj[key] when it is a string, else "" (absent, null or another type).
inline std::string StringOr(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace airbase
