// Text helpers that need more than a header (text.h).
#include "common/text.h"

#include <locale.h>
#include <wctype.h>

#include <cstdint>

namespace airbase {

// Unicode simple case mapping through glibc's C.UTF-8 locale (ASCII when it is unavailable).
// Malformed UTF-8 bytes pass through unchanged.
void Utf8MapCaseInto(std::string_view s, bool upper, std::string* into) {
  static locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  std::string& out = *into;
  out.clear();
  out.reserve(s.size());
  const char from = upper ? 'a' : 'A';
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80 || !utf8) {  // ASCII maps to ASCII in C.UTF-8 too
      const bool flip = static_cast<unsigned char>(c - from) < 26;
      out.push_back(static_cast<char>(flip ? c ^ 0x20 : c));
      ++i;
      continue;
    }
    const int len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + static_cast<size_t>(len) > s.size()) {
      out.push_back(s[i++]);
      continue;
    }
    uint32_t cp = c & (0x3F >> (len - 1));
    bool ok = true;
    for (int k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(s[i++]);
      continue;
    }
    AppendUtf8(static_cast<uint32_t>(upper ? towupper_l(static_cast<wint_t>(cp), utf8)
                                           : towlower_l(static_cast<wint_t>(cp), utf8)),
               &out);
    i += static_cast<size_t>(len);
  }
}

std::string Utf8MapCase(std::string_view s, bool upper) {
  std::string out;
  Utf8MapCaseInto(s, upper, &out);
  return out;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace airbase
