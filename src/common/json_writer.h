// A streaming JSON writer that appends to a std::string. Used on the record read path, where
// building a Boost.JSON DOM per record would cost an allocation per cell; everything else uses
// Boost.JSON. The caller is responsible for well-formed nesting; commas are tracked here.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
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

  static void AppendQuoted(std::string* out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out->push_back('"');
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
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
