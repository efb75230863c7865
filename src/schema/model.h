// The Airtable data model as airbase holds it in memory: users, workspaces, bases, and a base's
// schema (tables, fields, views). A BaseSchema is an immutable snapshot, cached per base and
// replaced whenever the base's schema version changes.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/field_type.h"

namespace airbase {

// Collaborator roles, ordered: a higher role can do everything a lower one can.
enum class Role { kNone = 0, kRead = 1, kComment = 2, kEdit = 3, kCreate = 4, kOwner = 5 };
std::string_view RoleName(Role r);                  // "owner", "creator", "editor", ...
std::optional<Role> ParseRole(std::string_view s);  // accepts the names above and "read-only"
std::string_view PermissionLevel(Role r);           // Airtable's: none|read|comment|edit|create

struct User {
  std::string id;  // usr...
  std::string email;
  std::string name;
};

struct Workspace {
  std::string id;  // wsp...
  std::string name;
};

struct BaseInfo {
  std::string id;  // app...
  std::string name;
  std::string workspace_id;
  int64_t schema_version = 0;
};

struct Choice {
  std::string id;  // sel...
  std::string name;
  std::string color;  // empty when absent
};

struct Field {
  std::string id;  // fld...
  std::string name;
  FieldType type = FieldType::kSingleLineText;
  std::string description;
  boost::json::object options;  // read format (airtable-api.md §5.8), empty for option-less types
  // Derived from options when loaded, for the hot paths.
  std::vector<Choice> choices;
  int precision = 0;
  int max = 5;                                    // rating
  std::vector<std::string> referenced_field_ids;  // lastModifiedTime; empty = all fields

  const Choice* ChoiceById(std::string_view id) const;
  const Choice* ChoiceByName(std::string_view name) const;
  // Recomputes the derived members from `options`.
  void Derive();
  // The field as the metadata API shows it: id, name, type, description and options when set.
  boost::json::object ToJson() const;
};

// A view's saved sort key and filter condition (the web app sets them; the API's `view`
// parameter applies them). Conditions name fields by id, so renames keep them.
struct ViewSort {
  std::string field_id;
  bool desc = false;
};

struct ViewCondition {
  std::string field_id;
  std::string op;            // Airtable's operator names: contains, =, <, isEmpty, ... (views.cc)
  boost::json::value value;  // text, number or boolean; null for isEmpty/isNotEmpty
};

struct View {
  std::string id;  // viw...
  std::string name;
  std::string type = "grid";
  std::vector<ViewSort> sorts;
  std::string conjunction = "and";  // "and" | "or" over `conditions`
  std::vector<ViewCondition> conditions;
  std::vector<std::string> hidden_field_ids;
  // How the web app lays the view out (views.cc checks it): groupBy [{fieldId, direction}] (a
  // grid's groups), stackFieldId (a kanban's stacks), dateFieldId (a calendar's dates),
  // coverFieldId (a gallery's cover images), fieldOrder [ids], columnWidths {id: px}, rowHeight,
  // summary {id: filled|empty|sum|average|min|max} (the grid's summary bar), form {title,
  // description, fieldIds, requiredFieldIds, submitLabel, successMessage, public, secret}.
  // Records are listed the same whatever it holds.
  boost::json::object layout;

  // A new table's default view.
  static View Grid(std::string id) {
    View v;
    v.id = std::move(id);
    v.name = "Grid view";
    return v;
  }
  // The stored config column: {"sorts":[...],"filters":{...},"hiddenFieldIds":[...]} and the
  // layout's members.
  boost::json::object ConfigJson() const;
  // Reads ConfigJson()'s shape back; unknown or malformed members are ignored.
  void ApplyConfig(const boost::json::object& config);
  static const char* const kLayoutKeys[9];
  // id, name, type and the config (the web app's views and the base export).
  boost::json::object ToJson() const;
};

struct Table {
  std::string id;  // tbl...
  std::string name;
  std::string description;
  std::string primary_field_id;
  std::vector<Field> fields;  // in table order
  std::vector<View> views;

  // By id, then by exact name.
  const Field* FindField(std::string_view id_or_name) const;
  const View* FindView(std::string_view id_or_name) const;
};

struct BaseSchema {
  BaseInfo base;
  std::vector<Table> tables;
  // A `tbl` id matches by id only; anything else matches by exact name.
  const Table* FindTable(std::string_view id_or_name) const;
};

}  // namespace airbase
