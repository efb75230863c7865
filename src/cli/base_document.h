// Reading a base document (docs/BASE_FORMAT.md) as a stream: the file is parsed in chunks by
// Boost.JSON's SAX parser and each member that matters is built as a value on its own — the
// document's top-level members, each table's members, each record and each file — then handed
// over and dropped, so a document of any size is read in the memory of its largest record or
// file (and its schema).
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace airbase::cli {

// What a reader hears, in document order. An error stops the read and is what Read answers.
class DocumentSink {
 public:
  virtual ~DocumentSink() = default;
  // A top-level member other than "tables" (format, version, workspace, base, ...).
  virtual Status Member(std::string_view key, boost::json::value value) = 0;
  // Table `index` of "tables" begins; its members other than "records" follow as TableMember.
  virtual Status TableBegin(size_t index) = 0;
  virtual Status TableMember(std::string_view key, boost::json::value value) = 0;
  // A record of the table's "records", when the reader was asked for records.
  virtual Status Record(boost::json::value record) = 0;
  // The table ends; `records` is how many its "records" held (read or not).
  virtual Status TableEnd(size_t records) = 0;
  // A member of the top-level "files": a file's bytes (base64) by its content key, when the
  // reader was asked for files.
  virtual Status File(std::string_view hash, boost::json::value bytes) = 0;
};

// What a read builds; the rest is only counted.
struct DocumentParts {
  bool records = false;
  bool files = false;
};

// Reads the document at `path` into `sink`. A malformed file is kInvalidArgument naming the byte
// where it went wrong.
Status ReadDocument(const std::string& path, DocumentParts parts, DocumentSink& sink);

}  // namespace airbase::cli
