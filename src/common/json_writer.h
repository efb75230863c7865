// A streaming JSON writer that appends to a std::string. Used on the record read path, where
// building a Boost.JSON DOM per record would cost an allocation per cell; everything else uses
// Boost.JSON. The caller is responsible for well-formed nesting; commas are tracked here.
//
// Writes go to a buffer inside the writer and reach the string in blocks (a page of records
// is ~10,000 small writes: one bounds check each instead of a std::string call each). The
// string is complete whenever a whole top-level value has been written, when Flush() is
// called, and when the writer is destroyed; read it only then.
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
  ~JsonWriter() { Flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void BeginObject() {
    Sep();
    Put('{');
    first_ = true;
    ++depth_;
  }
  void EndObject() {
    Put('}');
    Closed();
  }
  void BeginArray() {
    Sep();
    Put('[');
    first_ = true;
    ++depth_;
  }
  void EndArray() {
    Put(']');
    Closed();
  }
  void Key(std::string_view k) {
    Sep();
    PutQuoted(k);
    Put(':');
    first_ = true;  // the value that follows takes no comma
  }
  // A key already quoted and followed by its colon ("name":), as RecordJson keeps them.
  void QuotedKey(std::string_view quoted) {
    Sep();
    Put(quoted.data(), quoted.size());
    first_ = true;
  }
  void String(std::string_view s) {
    Sep();
    PutQuoted(s);
    Wrote();
  }
  void Int(int64_t v) {
    Sep();
    Room(24);
    pos_ = std::to_chars(pos_, pos_ + 24, v).ptr;
    Wrote();
  }
  void Double(double v) {
    Sep();
    if (!std::isfinite(v)) {
      Put("null", 4);
    } else {
      Room(32);
      pos_ = std::to_chars(pos_, pos_ + 32, v).ptr;
    }
    Wrote();
  }
  void Bool(bool v) {
    Sep();
    if (v)
      Put("true", 4);
    else
      Put("false", 5);
    Wrote();
  }
  void Null() {
    Sep();
    Put("null", 4);
    Wrote();
  }
  // Appends already-serialized JSON as one value.
  void Raw(std::string_view json) {
    Sep();
    Put(json.data(), json.size());
    Wrote();
  }

  // Moves what is buffered into the string (for a caller that hands out a part of a document,
  // as the base export does).
  void Flush() {
    if (pos_ != buf_) out_->append(buf_, static_cast<size_t>(pos_ - buf_));
    pos_ = buf_;
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

  // `s` quoted and escaped, appended to `out`.
  static void AppendQuoted(std::string* out, std::string_view s) {
    JsonWriter w(out);
    w.PutQuoted(s);
  }

 private:
  static constexpr size_t kBufferBytes = 4096;

  void Sep() {
    if (!first_) Put(',');
  }
  void Wrote() {
    first_ = false;
    if (depth_ == 0) Flush();
  }
  void Closed() {
    --depth_;
    Wrote();
  }
  // Makes room for `n` more bytes in the buffer (n <= kBufferBytes).
  void Room(size_t n) {
    if (static_cast<size_t>(buf_ + kBufferBytes - pos_) < n) Flush();
  }
  void Put(char c) {
    Room(1);
    *pos_++ = c;
  }
  void Put(const char* p, size_t n) {
    if (n > kBufferBytes / 4) {  // a long text goes straight to the string
      Flush();
      out_->append(p, n);
      return;
    }
    Room(n);
    std::memcpy(pos_, p, n);
    pos_ += n;
  }

  void PutQuoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    Put('"');
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
      Put(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          Put("\\\"", 2);
          break;
        case '\\':
          Put("\\\\", 2);
          break;
        case '\n':
          Put("\\n", 2);
          break;
        case '\r':
          Put("\\r", 2);
          break;
        case '\t':
          Put("\\t", 2);
          break;
        case '\b':
          Put("\\b", 2);
          break;
        case '\f':
          Put("\\f", 2);
          break;
        default: {
          const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          Put(u, 6);
        }
      }
    }
    Put(s.data() + run, s.size() - run);
    Put('"');
  }

  std::string* out_;
  bool first_ = true;
  int depth_ = 0;  // open objects and arrays: at 0 a whole value is written, and flushed
  char* pos_ = buf_;
  char buf_[kBufferBytes];
};

}  // namespace airbase
