// The people types (collaborators.h): singleCollaborator and multipleCollaborators, written by
// clients, and createdBy and lastModifiedBy, set by the store from the writer of the record.
#include "common/text.h"
#include "schema/collaborators.h"
#include "schema/types/helpers.h"

namespace airbase::collaborators {

namespace {
constexpr char kPartSep = '\x1f', kPersonSep = '\x1e';

void AppendPart(std::string& out, std::string_view part) {
  for (char c : part) out.push_back(c == kPartSep || c == kPersonSep ? ' ' : c);
}
}  // namespace

std::vector<Person> Parse(std::string_view stored) {
  std::vector<Person> out;
  while (!stored.empty()) {
    size_t end = stored.find(kPersonSep);
    std::string_view one = stored.substr(0, end);
    Person p;
    size_t a = one.find(kPartSep);
    size_t b = a == std::string_view::npos ? a : one.find(kPartSep, a + 1);
    p.name = std::string(one.substr(0, a));
    if (a != std::string_view::npos) p.email = std::string(one.substr(a + 1, b - a - 1));
    if (b != std::string_view::npos) p.id = std::string(one.substr(b + 1));
    out.push_back(std::move(p));
    if (end == std::string_view::npos) break;
    stored.remove_prefix(end + 1);
  }
  return out;
}

std::string Serialize(const std::vector<Person>& people) {
  std::string out;
  for (const Person& p : people) {
    if (!out.empty()) out.push_back(kPersonSep);
    AppendPart(out, p.name);
    out.push_back(kPartSep);
    AppendPart(out, p.email);
    out.push_back(kPartSep);
    AppendPart(out, p.id);
  }
  return out;
}

void Write(const Person& p, JsonWriter& out) {
  out.BeginObject();
  out.Key("id");
  out.String(p.id);
  out.Key("email");
  out.String(p.email);
  out.Key("name");
  out.String(p.name);
  out.EndObject();
}

std::string Names(std::string_view stored) {
  std::string out;
  for (const Person& p : Parse(stored)) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

}  // namespace airbase::collaborators

namespace airbase::types {

namespace {

using collaborators::Person;

// One person as a client names them: {"id"} or {"email"} (other keys ignored, the id first),
// an id string where the type takes them, and with typecast an email or a name.
Result<Person> Reference(const Field& f, const json::value& v, bool typecast, bool id_strings) {
  Person p;
  if (v.is_object()) {
    const json::object& o = v.as_object();
    if (const json::value* id = o.if_contains("id");
        id && id->is_string() && !id->as_string().empty())
      p.id = id->as_string();
    else if (const json::value* e = o.if_contains("email");
             e && e->is_string() && !e->as_string().empty())
      p.email = e->as_string();
    else
      return ValueError(f);
    return p;
  }
  if (!v.is_string()) return ValueError(f);
  std::string s = TrimSpace(std::string(v.as_string()));
  if (s.empty()) return ValueError(f);
  if (IsId(s, "usr") && (id_strings || typecast))
    p.id = s;
  else if (!typecast)
    return ValueError(f);
  else if (s.find('@') != std::string::npos)
    p.email = s;
  else
    p.name = s;
  return p;
}

Result<SqlValue> EncodeSingle(Field& f, const json::value& v, bool typecast, IdGenerator&, bool*) {
  ASSIGN_OR_RETURN(Person p, Reference(f, v, typecast, /*id_strings=*/false));
  return SqlValue{collaborators::Serialize({p})};
}

Result<SqlValue> EncodeMultiple(Field& f, const json::value& v, bool typecast, IdGenerator&,
                                bool*) {
  std::vector<Person> people;
  if (v.is_array()) {
    for (const json::value& item : v.as_array()) {
      ASSIGN_OR_RETURN(Person p, Reference(f, item, typecast, /*id_strings=*/true));
      people.push_back(std::move(p));
    }
  } else if (typecast && v.is_string()) {  // "Ann, bob@example.com"
    for (const std::string& part : SplitOn(std::string(v.as_string()), ',')) {
      if (TrimSpace(part).empty()) continue;
      ASSIGN_OR_RETURN(Person p, Reference(f, json::value(part), true, true));
      people.push_back(std::move(p));
    }
  } else {
    return ValueError(f);
  }
  if (people.empty()) return SqlValue{};
  return SqlValue{collaborators::Serialize(people)};
}

void WriteSingle(const Field&, const SqlValue& v, JsonWriter& out) {
  std::vector<Person> people = collaborators::Parse(TextOf(v));
  if (people.empty()) return out.Null();
  collaborators::Write(people[0], out);
}

void WriteMultiple(const Field&, const SqlValue& v, JsonWriter& out) {
  out.BeginArray();
  for (const Person& p : collaborators::Parse(TextOf(v))) collaborators::Write(p, out);
  out.EndArray();
}

std::string NamesText(const Field&, const SqlValue& v) { return collaborators::Names(TextOf(v)); }

Result<json::object> LastModifiedByOptions(const json::object* o,
                                           const std::vector<Field>& siblings, IdGenerator&) {
  json::object out;
  ASSIGN_OR_RETURN(out["referencedFieldIds"], WatchedFieldIds(o, siblings));
  return out;
}

}  // namespace

const FieldTypeTraits kSingleCollaborator = {FieldType::kSingleCollaborator,
                                             "singleCollaborator",
                                             false,
                                             false,
                                             true,
                                             SqlType::kText,
                                             CellKind::kPerson,
                                             NoOptions,
                                             EncodeSingle,
                                             WriteSingle,
                                             NamesText};
const FieldTypeTraits kMultipleCollaborators = {FieldType::kMultipleCollaborators,
                                                "multipleCollaborators",
                                                false,
                                                false,
                                                true,
                                                SqlType::kText,
                                                CellKind::kPeople,
                                                NoOptions,
                                                EncodeMultiple,
                                                WriteMultiple,
                                                NamesText};
const FieldTypeTraits kCreatedBy = {
    FieldType::kCreatedBy, "createdBy", true,    false,       false,    SqlType::kText,
    CellKind::kPerson,     NoOptions,   nullptr, WriteSingle, NamesText};
const FieldTypeTraits kLastModifiedBy = {FieldType::kLastModifiedBy,
                                         "lastModifiedBy",
                                         true,
                                         false,
                                         false,
                                         SqlType::kText,
                                         CellKind::kPerson,
                                         LastModifiedByOptions,
                                         nullptr,
                                         WriteSingle,
                                         NamesText};

}  // namespace airbase::types
