// The text types: singleLineText, multilineText, richText (Markdown), email, url, phoneNumber
// (a cell is its string; empty text is an empty cell), and barcode (its text and symbology).
#include "common/text.h"

#include <algorithm>

#include "common/limits.h"
#include "schema/types/helpers.h"

namespace airbase::types {

namespace {

// The text a client gave (with typecast, numbers and booleans as text), within the cell limit.
Result<std::string> TextIn(const Field& f, const json::value& v, bool typecast) {
  std::string s;
  if (v.is_string())
    s = v.as_string();
  else if (typecast && NumberOf(v))
    s = NumberToText(*NumberOf(v));
  else if (typecast && v.is_bool())
    s = v.as_bool() ? "true" : "false";
  else
    return ValueError(f);
  if (s.size() > kMaxCellTextLength) return ValueError(f);
  return s;
}

SqlValue Stored(std::string s) { return s.empty() ? SqlValue{} : SqlValue{std::move(s)}; }

Result<SqlValue> EncodeText(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  ASSIGN_OR_RETURN(std::string s, TextIn(f, v, typecast));
  return Stored(std::move(s));
}

// A single line holds no line breaks; Airtable turns them into spaces.
Result<SqlValue> EncodeSingleLine(Field& f, const json::value& v, bool typecast, IdGenerator&,
                                  bool*) {
  ASSIGN_OR_RETURN(std::string s, TextIn(f, v, typecast));
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return Stored(std::move(s));
}

Result<SqlValue> EncodeEmail(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  ASSIGN_OR_RETURN(std::string s, TextIn(f, v, typecast));
  if (s.empty()) return SqlValue{};
  std::string t = TrimSpace(s);
  auto at = t.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == t.size() ||
      t.find_first_of(" \t") != std::string::npos)
    return ValueError(f);
  return Stored(std::move(t));
}

constexpr FieldTypeTraits Text(FieldType type, std::string_view name,
                               Result<SqlValue> (*encode)(Field&, const json::value&, bool,
                                                          IdGenerator&, bool*)) {
  return {type,      name,   false,     false,    true, SqlType::kText, CellKind::kText,
          NoOptions, encode, WriteText, PlainText};
}

}  // namespace

const FieldTypeTraits kSingleLineText =
    Text(FieldType::kSingleLineText, "singleLineText", EncodeSingleLine);
const FieldTypeTraits kMultilineText = Text(FieldType::kMultilineText, "multilineText", EncodeText);
const FieldTypeTraits kRichText = Text(FieldType::kRichText, "richText", EncodeText);
const FieldTypeTraits kEmail = Text(FieldType::kEmail, "email", EncodeEmail);
const FieldTypeTraits kUrl = Text(FieldType::kUrl, "url", EncodeText);
const FieldTypeTraits kPhoneNumber = Text(FieldType::kPhoneNumber, "phoneNumber", EncodeText);

}  // namespace airbase::types

// barcode: {text, type?}, stored as "text" or "text\x1ftype" so that the cell sorts by its text.
// Formulas, filters and cellFormat=string see the text.
namespace airbase::types {

namespace {

constexpr char kBarcodeSep = '\x1f';

Result<SqlValue> EncodeBarcode(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  std::string text, kind;
  if (v.is_object()) {
    const json::object& o = v.as_object();
    const json::value* t = o.if_contains("text");
    if (!t || !(t->is_string() || (typecast && NumberOf(*t)))) return ValueError(f);
    ASSIGN_OR_RETURN(text, TextIn(f, *t, typecast));
    if (const json::value* k = o.if_contains("type"); k && !k->is_null()) {
      if (!k->is_string()) return ValueError(f);
      kind = k->as_string();
    }
  } else if (typecast) {
    ASSIGN_OR_RETURN(text, TextIn(f, v, typecast));
  } else {
    return ValueError(f);
  }
  for (std::string* s : {&text, &kind}) std::replace(s->begin(), s->end(), kBarcodeSep, ' ');
  if (text.empty()) return SqlValue{};
  if (!kind.empty()) text += kBarcodeSep + kind;
  return SqlValue{std::move(text)};
}

void WriteBarcode(const Field&, const SqlValue& v, JsonWriter& out) {
  std::string_view s = TextOf(v);
  size_t sep = s.find(kBarcodeSep);
  out.BeginObject();
  out.Key("text");
  out.String(s.substr(0, sep));
  if (sep != std::string_view::npos) {
    out.Key("type");
    out.String(s.substr(sep + 1));
  }
  out.EndObject();
}

std::string BarcodeText(const Field&, const SqlValue& v) {
  std::string_view s = TextOf(v);
  return std::string(s.substr(0, s.find(kBarcodeSep)));
}

}  // namespace

const FieldTypeTraits kBarcode = {
    FieldType::kBarcode, "barcode", false,         false,        true,       SqlType::kText,
    CellKind::kBarcode,  NoOptions, EncodeBarcode, WriteBarcode, BarcodeText};

}  // namespace airbase::types
