// A cell as text (cellFormat=string, airtable-api.md §5.9; the primary text that stands for a
// linked record; CSV): the text the UI shows, in the request's time zone and locale. Airtable
// calls the exact rendering unstable. Each type's own text comes from its row in the field type
// table; dates, links and computed cells are rendered here by their CellKind.
#pragma once

#include <string>

#include "schema/model.h"

namespace airbase::engine {

class LinkNames;

struct StringFormat {  // cellFormat=string's parameters
  std::string time_zone;
  std::string locale;
  LinkNames* links = nullptr;  // links as their records' primary text; null: as ids
};

// `sf` with a known timeZone and a userLocale (cellFormat=string requires both).
Result<StringFormat> StringFormatOf(const std::string& tz, const std::string& locale);
std::string CellText(const Field& f, const SqlValue& v, const StringFormat& sf);
// The text in UTC and English (link names, type changes).
std::string CellString(const Field& f, const SqlValue& v);

}  // namespace airbase::engine
