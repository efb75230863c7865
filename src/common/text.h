// Small text helpers shared by the layers.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace airbase {

// `s` without leading and trailing ASCII whitespace.
inline std::string TrimSpace(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace airbase
