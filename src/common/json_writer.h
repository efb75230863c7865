// A streaming JSON writer that appends to a std::string. Used on the record read path, where
// building a Boost.JSON DOM per record would cost an allocation per cell; everything else uses
// Boost.JSON. The caller is responsible for well-formed nesting; commas are tracked here.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace airbase {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() {
    Sep();
    out_->push_back('{');
    first_ = true;
  }
  void EndObject() {
    out_->push_back('}');
    first_ = false;
  }
  void BeginArray() {
    Sep();
    out_->push_back('[');
    first_ = true;
  }
  void EndArray() {
    out_->push_back(']');
    first_ = false;
  }
  void Key(std::string_view k) {
    Sep();
    AppendQuoted(out_, k);
    out_->push_back(':');
    first_ = true;  // the value that follows takes no comma
  }
  void String(std::string_view s) {
    Sep();
    AppendQuoted(out_, s);
    first_ = false;
  }
  void Int(int64_t v) {
    Sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out_->append(buf, r.ptr);
    first_ = false;
  }
  void Double(double v) {
    Sep();
    if (!std::isfinite(v)) {
      out_->append("null");
    } else {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof(buf), v);
      out_->append(buf, r.ptr);
    }
    first_ = false;
  }
  void Bool(bool v) {
    Sep();
    out_->append(v ? "true" : "false");
    first_ = false;
  }
  void Null() {
    Sep();
    out_->append("null");
    first_ = false;
  }
  // Appends already-serialized JSON as one value.
  void Raw(std::string_view json) {
    Sep();
    out_->append(json);
    first_ = false;
  }

  // Eight bytes at a time: true when any of them is a control character, '"' or '\\'.
  static bool NeedsEscape8(const char* p) {
    uint64_t x;
    std::memcpy(&x, p, 8);
    constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
    auto zero_byte = [&](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    uint64_t control = (x - kOnes * 0x20) & ~x & kHigh;  // a byte below 0x20
    return (control | zero_byte(x ^ (kOnes * '"')) | zero_byte(x ^ (kOnes * '\\'))) != 0;
  }

  static void AppendQuoted(std::string* out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out->push_back('"');
    size_t run = 0;
    size_t i = 0;
    // Most text needs no escaping: skip clean 8-byte blocks, then look at single bytes.
    while (i + 8 <= s.size() && !NeedsEscape8(s.data() + i)) i += 8;
    for (; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') {
        if ((i & 7) == 0)
          while (i + 8 <= s.size() && !NeedsEscape8(s.data() + i)) i += 8;
        if (i >= s.size()) break;
        c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
      }
      out->append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        default:
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
      }
    }
    out->append(s.data() + run, s.size() - run);
    out->push_back('"');
  }

 private:
  void Sep() {
    if (!first_) out_->push_back(',');
  }
  std::string* out_;
  bool first_ = true;
};

}  // namespace airbase
