// Small text helpers shared by the layers.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace airbase {

// `s` without leading and trailing ASCII whitespace.
inline std::string TrimSpace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The parts of `s` between `sep`s ("a,b" -> {"a", "b"}; "" -> {}; "a," -> {"a"}).
inline std::vector<std::string> SplitOn(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t at = s.find(sep);
    out.emplace_back(s.substr(0, at));
    s = at == std::string_view::npos ? std::string_view() : s.substr(at + 1);
  }
  return out;
}

// Unicode simple case mapping of UTF-8 text, code point by code point, through glibc's C.UTF-8
// locale (ASCII only where that locale is missing); malformed bytes pass through unchanged. The
// formula language's LOWER/UPPER/SEARCH, and the SQL functions that push them down, are this.
std::string Utf8MapCase(std::string_view s, bool upper);
// The same into `out` (cleared first), reusing its buffer.
void Utf8MapCaseInto(std::string_view s, bool upper, std::string* out);

// Appends code point `cp` (at most U+10FFFF) to `out` in UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// The code points of UTF-8 text: the bytes that do not continue a sequence (LEN()).
int64_t Utf8Length(std::string_view s);

}  // namespace airbase
