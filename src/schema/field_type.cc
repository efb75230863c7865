// The field type table (field_type.h): the rows of src/schema/types/ in FieldType order, and the
// entry points that dispatch a cell or an option set to its type's row.
#include "schema/field_type.h"

#include "schema/model.h"
#include "schema/types/helpers.h"

namespace airbase {

namespace json = boost::json;

const FieldTypeTraits* const kFieldTypeTable[] = {
#define AIRBASE_FIELD_TYPE_ROW(name) &types::name,
    AIRBASE_FIELD_TYPES(AIRBASE_FIELD_TYPE_ROW)
#undef AIRBASE_FIELD_TYPE_ROW
};

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (const FieldTypeTraits* t : kFieldTypeTable)
    if (name == t->name) return t->type;
  return std::nullopt;
}

Result<json::object> NormalizeOptions(FieldType type, const json::value* options,
                                      const std::vector<Field>& siblings, IdGenerator& ids) {
  if (options && !options->is_null() && !options->is_object())
    return types::OptionsError("options must be an object");
  return Traits(type).normalize(types::AsObject(options), siblings, ids);
}

Result<SqlValue> EncodeCell(Field& field, const json::value& v, bool typecast, IdGenerator& ids,
                            bool* schema_changed) {
  const FieldTypeTraits& t = Traits(field.type);
  if (t.computed || !t.encode)
    return Error(
        ErrorCode::kInvalidValueForColumn,
        "Field \"" + field.name + "\" cannot accept a value because the field is computed");
  if (v.is_null()) return SqlValue{};
  return t.encode(field, v, typecast, ids, schema_changed);
}

bool IsEmptyCell(const Field& field, const SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  if (field.type == FieldType::kCheckbox) return std::get<int64_t>(value) == 0;
  if (const auto* s = std::get_if<std::string>(&value)) {
    if (s->empty()) return true;
    if (field.type == FieldType::kSingleSelect) return field.ChoiceById(*s) == nullptr;
  }
  return false;
}

void WriteCell(const Field& field, const SqlValue& value, JsonWriter& out) {
  Traits(field.type).write(field, value, out);
}

json::value CellToJson(const Field& field, const SqlValue& value) {
  if (IsEmptyCell(field, value)) return nullptr;
  std::string s;
  JsonWriter w(&s);
  WriteCell(field, value, w);
  return json::parse(s);
}

}  // namespace airbase
