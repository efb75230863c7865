// Collaborator cells (airtable-api.md §5.8): singleCollaborator, multipleCollaborators and the
// computed createdBy and lastModifiedBy. A cell is read as Airtable's {"id","email","name"}
// objects (one, or an array).
//
// A stored cell holds each person as "name\x1femail\x1fid", people joined by "\x1e": the text
// sorts by the first person's name (then email) in SQL without JSON functions, and the cell
// keeps the person as they were when written, so a user removed from the base still reads back
// whole (airbase has no renaming of users; docs/DECISIONS.md). A client's write names people by
// id, email or (typecast) name: the encoder stores such a reference with the other parts empty
// and the record writer replaces it by the base collaborator it names, or refuses the write
// (engine/record_writer.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.h"

namespace airbase::collaborators {

struct Person {
  std::string id;  // usr...
  std::string email;
  std::string name;
};

std::vector<Person> Parse(std::string_view stored);
// Separators inside a part become spaces.
std::string Serialize(const std::vector<Person>& people);
// {"id","email","name"}.
void Write(const Person& p, JsonWriter& out);
// The names, joined by ", " (cellFormat=string, CSV, formulas' text).
std::string Names(std::string_view stored);

}  // namespace airbase::collaborators
