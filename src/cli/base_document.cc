// The streaming reader (base_document.h): a SAX handler that walks the document's frame (the
// top object, "tables", each table, "records") itself and builds every other value it meets with
// a json::value_stack, one member or record at a time.
#include "cli/base_document.h"

#include <boost/json/basic_parser_impl.hpp>
#include <cstdio>
#include <memory>
#include <vector>

namespace airbase::cli {

namespace json = boost::json;

namespace {

class Handler {
 public:
  // Boost.JSON's limits on what one value may hold: none beyond memory.
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  Handler(DocumentSink* sink, DocumentParts parts) : sink_(sink), parts_(parts) {}

  Status status() const { return status_; }

  bool on_document_begin(std::error_code&) { return true; }
  bool on_document_end(std::error_code&) { return true; }

  bool on_object_begin(std::error_code& ec) { return Opened(true, ec); }
  bool on_array_begin(std::error_code& ec) { return Opened(false, ec); }
  bool on_object_end(std::size_t n, std::error_code& ec) {
    if (!capturing_) return EndFrame(ec);
    if (!skip_) st_.push_object(n);
    return --open_ > 0 ? true : Finish(ec);
  }
  bool on_array_end(std::size_t n, std::error_code& ec) {
    if (!capturing_) return EndFrame(ec);
    if (!skip_) st_.push_array(n);
    return --open_ > 0 ? true : Finish(ec);
  }

  bool on_key_part(json::string_view s, std::size_t, std::error_code&) {
    if (capturing_) {
      if (!skip_) st_.push_chars(s);
    } else {
      key_.append(s.data(), s.size());
    }
    return true;
  }
  bool on_key(json::string_view s, std::size_t, std::error_code&) {
    if (capturing_) {
      if (!skip_) st_.push_key(s);
    } else {
      key_.append(s.data(), s.size());
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_string(s);
    return ScalarDone(ec);
  }
  bool on_number_part(json::string_view, std::error_code&) { return true; }
  bool on_int64(int64_t i, json::string_view, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_int64(i);
    return ScalarDone(ec);
  }
  bool on_uint64(uint64_t u, json::string_view, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_uint64(u);
    return ScalarDone(ec);
  }
  bool on_double(double d, json::string_view, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_double(d);
    return ScalarDone(ec);
  }
  bool on_bool(bool b, std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_bool(b);
    return ScalarDone(ec);
  }
  bool on_null(std::error_code& ec) {
    if (!capturing_ && !Scalar(ec)) return false;
    if (!skip_) st_.push_null();
    return ScalarDone(ec);
  }
  bool on_comment_part(json::string_view, std::error_code&) { return true; }
  bool on_comment(json::string_view, std::error_code&) { return true; }

 private:
  enum class Level { kRoot, kTables, kTable, kRecords, kFiles };
  struct Open {
    Level level;
    size_t count = 0;  // tables begun (kTables), records seen (kRecords)
  };
  enum class Target { kMember, kTableMember, kRecord, kFile };
  enum class Step { kFramed, kCapture, kError };

  bool Fail(std::error_code& ec) {
    ec = std::make_error_code(std::errc::operation_canceled);
    return false;
  }
  Step Refuse(std::string message, std::error_code& ec) {
    status_ = Error(ErrorCode::kInvalidArgument, std::move(message));
    Fail(ec);
    return Step::kError;
  }

  bool Opened(bool object, std::error_code& ec) {
    if (!capturing_) {
      Step s = Frame(true, object, ec);
      if (s != Step::kCapture) return s == Step::kFramed;
    }
    ++open_;
    return true;
  }

  // A value begins outside any capture: either a level of the frame opens (a container) or a
  // capture of the value begins.
  Step Frame(bool container, bool object, std::error_code& ec) {
    const std::string key = std::move(key_);
    key_.clear();
    if (frame_.empty()) {
      if (!object) return Refuse("the document is not a JSON object", ec);
      frame_.push_back({Level::kRoot});
      return Step::kFramed;
    }
    Open& top = frame_.back();
    switch (top.level) {
      case Level::kRoot:
        if (key == "tables" && container && !object) {
          frame_.push_back({Level::kTables});
          return Step::kFramed;
        }
        if (key == "tables") return Refuse("\"tables\" must be an array", ec);
        if (key == "files" && container && object) {
          frame_.push_back({Level::kFiles});
          return Step::kFramed;
        }
        if (key == "files") return Refuse("\"files\" must be an object", ec);
        Begin(Target::kMember, key, false);
        return Step::kCapture;
      case Level::kTables: {
        if (!object) return Refuse("table " + std::to_string(top.count) + " is not an object", ec);
        size_t index = top.count++;
        frame_.push_back({Level::kTable});
        status_ = sink_->TableBegin(index);
        if (!status_.ok()) {
          Fail(ec);
          return Step::kError;
        }
        return Step::kFramed;
      }
      case Level::kTable:
        if (key == "records" && container && !object) {
          frame_.push_back({Level::kRecords});
          return Step::kFramed;
        }
        if (key == "records") return Refuse("a table's \"records\" must be an array", ec);
        Begin(Target::kTableMember, key, false);
        return Step::kCapture;
      case Level::kRecords:
        ++top.count;
        Begin(Target::kRecord, key, !parts_.records);
        return Step::kCapture;
      case Level::kFiles:
        Begin(Target::kFile, key, !parts_.files);
        return Step::kCapture;
    }
    return Step::kCapture;
  }

  // A scalar (or a string's first part) begins outside any capture: its capture begins.
  bool Scalar(std::error_code& ec) { return Frame(false, false, ec) == Step::kCapture; }

  bool ScalarDone(std::error_code& ec) { return open_ > 0 ? true : Finish(ec); }

  void Begin(Target target, const std::string& key, bool skip) {
    capturing_ = true;
    skip_ = skip;
    target_ = target;
    target_key_ = key;
    open_ = 0;
    if (!skip) st_.reset();
  }

  // The captured value is whole: it is handed over.
  bool Finish(std::error_code& ec) {
    capturing_ = false;
    if (skip_) return true;
    json::value v = st_.release();
    Status st;
    switch (target_) {
      case Target::kMember:
        st = sink_->Member(target_key_, std::move(v));
        break;
      case Target::kTableMember:
        st = sink_->TableMember(target_key_, std::move(v));
        break;
      case Target::kRecord:
        st = sink_->Record(std::move(v));
        break;
      case Target::kFile:
        st = sink_->File(target_key_, std::move(v));
        break;
    }
    if (!st.ok()) {
      status_ = st;
      return Fail(ec);
    }
    return true;
  }

  bool EndFrame(std::error_code& ec) {
    Open done = frame_.back();
    frame_.pop_back();
    if (done.level == Level::kRecords && !frame_.empty()) frame_.back().count = done.count;
    if (done.level == Level::kTable) {
      Status st = sink_->TableEnd(done.count);
      if (!st.ok()) {
        status_ = st;
        return Fail(ec);
      }
    }
    return true;
  }

  DocumentSink* sink_;
  DocumentParts parts_;
  Status status_;
  std::vector<Open> frame_;
  std::string key_;
  bool capturing_ = false, skip_ = false;
  int open_ = 0;  // containers open inside the capture
  Target target_ = Target::kMember;
  std::string target_key_;
  json::value_stack st_;
};

}  // namespace

Status ReadDocument(const std::string& path, DocumentParts parts, DocumentSink& sink) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Error(ErrorCode::kNotFound, "cannot open " + path);
  json::basic_parser<Handler> parser(json::parse_options{}, &sink, parts);
  std::vector<char> buf(1 << 16);
  int64_t offset = 0;
  while (true) {
    size_t n = std::fread(buf.data(), 1, buf.size(), f.get());
    if (n == 0 && std::ferror(f.get())) return Error(ErrorCode::kInternal, "cannot read " + path);
    const bool more = n > 0;
    std::error_code ec;
    size_t used = parser.write_some(more, buf.data(), n, ec);
    if (ec) {
      if (!parser.handler().status().ok()) return parser.handler().status();
      if (ec == json::error::incomplete)
        return Error(ErrorCode::kInvalidArgument, path + " is not valid JSON: it ends too early");
      return Error(ErrorCode::kInvalidArgument, path + " is not valid JSON: " + ec.message() +
                                                    " (at byte " + std::to_string(offset + used) +
                                                    ")");
    }
    offset += static_cast<int64_t>(n);
    if (!more) break;
  }
  if (!parser.done())
    return Error(ErrorCode::kInvalidArgument, path + " is not valid JSON: it ends too early");
  return Status::Ok();
}

}  // namespace airbase::cli
