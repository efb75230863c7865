// Stored cells as formula values (cells.h), by the field type table's CellKind.
#include "formula/cells.h"

#include "common/text.h"
#include "common/time_util.h"
#include "schema/attachments.h"
#include "schema/collaborators.h"

namespace airbase::formula {

Value FromCell(const Field& f, const SqlValue& v) {
  // Computed cells are never stored cells: the callers compute them (TableFormulas).
  if (IsComputedAtRead(f.type) || IsEmptyCell(f, v)) return Value::Blank();
  auto ids = [&v]() { return SplitOn(std::get<std::string>(v), ','); };
  switch (KindOf(f.type)) {
    case CellKind::kText:
      return Value::Text(std::get<std::string>(v));
    case CellKind::kNumber:
      if (auto* d = std::get_if<double>(&v)) return Value::Number(*d);
      if (auto* i = std::get_if<int64_t>(&v)) return Value::Number(static_cast<double>(*i));
      return Value::Number(0);
    case CellKind::kCheckbox:
      return Value::Bool(true);
    case CellKind::kSelect: {
      const Choice* c = f.ChoiceById(std::get<std::string>(v));
      return c ? Value::Text(c->name) : Value::Blank();
    }
    case CellKind::kMultiSelect: {
      std::vector<Value> items;
      for (const std::string& id : ids())
        if (const Choice* c = f.ChoiceById(id)) items.push_back(Value::Text(c->name));
      return Value::Array(std::move(items));
    }
    case CellKind::kDay: {
      auto days = ParseIsoDate(std::get<std::string>(v));
      return days ? Value::Date(*days * 86400000, true) : Value::Blank();
    }
    case CellKind::kInstant:
      if (auto* i = std::get_if<int64_t>(&v)) return Value::Date(*i);
      return Value::Date(static_cast<int64_t>(std::get<double>(v)));
    case CellKind::kLinks: {
      // The linked records' ids (Airtable shows their primary field values; see DECISIONS.md).
      std::vector<Value> items;
      for (std::string& id : ids()) items.push_back(Value::Text(std::move(id)));
      return Value::Array(std::move(items));
    }
    case CellKind::kAttachments: {
      // "filename (url)" per item, with the file's unsigned URL: formulas are not re-signed per
      // read, as Airtable's formulas keep the legacy URLs (formula.md §3.1).
      std::vector<Value> items;
      for (const attachments::Item& it : attachments::Parse(std::get<std::string>(v)))
        items.push_back(Value::Text(
            it.filename + " (" +
            (attachments::IsPending(it) ? it.source : attachments::UnsignedUrl(it)) + ")"));
      return Value::Array(std::move(items));
    }
    case CellKind::kPerson: {  // the name, as Airtable's formulas read a collaborator
      std::vector<collaborators::Person> people = collaborators::Parse(std::get<std::string>(v));
      return people.empty() ? Value::Blank() : Value::Text(people[0].name);
    }
    case CellKind::kPeople: {
      std::vector<Value> items;
      for (collaborators::Person& p : collaborators::Parse(std::get<std::string>(v)))
        items.push_back(Value::Text(std::move(p.name)));
      return Value::Array(std::move(items));
    }
    case CellKind::kBarcode:  // its text, as its type's row reads it
      return Value::Text(Traits(f.type).text(f, v));
    case CellKind::kLookup:
    case CellKind::kAny:
      break;
  }
  return Value::Blank();
}

std::vector<FieldInfo> FieldsOf(const Table& table) {
  std::vector<FieldInfo> out;
  out.reserve(table.fields.size());
  for (const Field& f : table.fields) out.push_back(FieldInfo{f.id, f.name});
  return out;
}

}  // namespace airbase::formula
